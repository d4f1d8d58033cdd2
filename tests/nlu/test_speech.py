"""Unit tests of hub.nlu.speech: counts, measure words, lists and French agreement in replies."""

from __future__ import annotations

import pytest

from hub.nlu import load_lexicon, speech


@pytest.mark.parametrize(
    ("lang", "category", "n", "place", "said"),
    [
        ("zh", "light", 2, "客厅", "客厅的两盏灯"),
        ("zh", "aircondition", 3, "卧室", "卧室的三台空调"),
        ("zh", "curtain", 2, "客厅", "客厅的两个窗帘"),
        ("zh", "fingerprintlock", 2, "玄关", "玄关的两把门锁"),
        ("zh", "light", 4, None, "全部四盏灯"),
        ("zh", "outlet", 12, None, "全部12个插座"),
        ("en", "light", 2, "living room", "the two lights in the living room"),
        ("en", "curtain", 11, None, "all 11 curtains"),
        ("fr", "light", 2, "salon", "les deux lumières du salon"),
        ("fr", "light", 2, "chambre", "les deux lumières de la chambre"),
        ("fr", "fan", 3, "entrée", "les trois ventilateurs de l'entrée"),
        ("fr", "light", 4, None, "les quatre lumières"),
    ],
)
def test_group(lang: str, category: str, n: int, place: str | None, said: str) -> None:
    assert speech.group(load_lexicon(lang), category, n, place) == said


@pytest.mark.parametrize(
    ("lang", "items", "said"),
    [
        ("zh", ["电视"], "电视"),
        ("zh", ["电视", "台灯", "风扇"], "电视、台灯和风扇"),
        ("en", ["tv", "fan"], "tv and fan"),
        ("en", ["tv", "fan", "lamp"], "tv, fan and lamp"),
        ("fr", ["télé", "ventilateur"], "télé et ventilateur"),
        ("fr", [], ""),
    ],
)
def test_join(lang: str, items: list[str], said: str) -> None:
    assert speech.join(load_lexicon(lang), items) == said


@pytest.mark.parametrize(
    ("names", "ending"),
    [
        (["lampadaire"], ""),
        (["lampe de bureau"], "e"),
        (["télé"], "e"),
        (["rideaux du salon"], "s"),
        (["lumières"], "es"),
        (["télé", "ventilateur"], "s"),  # mixed: masculine plural
        (["lampe de bureau", "télé"], "es"),
    ],
)
def test_french_agreement(names: list[str], ending: str) -> None:
    assert speech.agreement(load_lexicon("fr"), names) == ending


def test_no_agreement_outside_french() -> None:
    assert speech.agreement(load_lexicon("en"), ["lamps"]) == ""
    assert speech.agreement(load_lexicon("zh"), ["灯"]) == ""


@pytest.mark.parametrize(
    ("lang", "place", "the", "of"),
    [
        ("fr", "salon", "le salon", "du salon"),
        ("fr", "chambre", "la chambre", "de la chambre"),
        ("fr", "entrée", "l'entrée", "de l'entrée"),
        ("en", "desk lamp", "the desk lamp", "desk lamp"),
        ("en", "Rover", "Rover", "Rover"),  # a proper name takes no article
        ("zh", "客厅", "客厅", "客厅"),
    ],
)
def test_articles(lang: str, place: str, the: str, of: str) -> None:
    lex = load_lexicon(lang)
    assert (speech.the_place(lex, place), speech.of_place(lex, place)) == (the, of)


def test_capitalize_only_where_the_language_writes_capitals() -> None:
    assert speech.capitalize(load_lexicon("en"), "the tv is on.") == "The tv is on."
    assert speech.capitalize(load_lexicon("fr"), "la télé est allumée.") == "La télé est allumée."
    assert speech.capitalize(load_lexicon("zh"), "tv已打开。") == "tv已打开。"
