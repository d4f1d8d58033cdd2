"""Unit tests of hub.nlu.text (normalize, Phrase) and hub.nlu.detect_language."""

from __future__ import annotations

import pytest

from hub.nlu import detect_language
from hub.nlu.text import Phrase, has_cjk, normalize


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Éteins   la lumière du Salon !", "eteins la lumiere du salon"),
        ("把灯调到５０％", "把灯调到50%"),
        ("  Hey,   GENIE!! ", "hey genie"),
        ("ＴＶ", "tv"),
        ("S'il te plaît", "s il te plait"),
        ("chauffe-eau", "chauffe eau"),
        ("pm2.5", "pm2.5"),
        ("Set it to 24.5 degrees.", "set it to 24.5 degrees"),
        ("end. start", "end start"),
        ("天猫精灵，打开客厅灯。", "天猫精灵 打开客厅灯"),
        ("ÇA VA", "ca va"),
        ("", ""),
        ("\t\n ", ""),
    ],
)
def test_normalize(raw: str, normal: str) -> None:
    assert normalize(raw) == normal


def test_normalize_is_idempotent() -> None:
    for raw in ("Éteins   la lumière du Salon !", "把灯调到５０％", "S'il te plaît, 24.5°C"):
        once = normalize(raw)
        assert normalize(once) == once


def test_has_cjk() -> None:
    assert has_cjk("打开 tv")
    assert not has_cjk("allume la télé 26°")


def _words(text: str, phrase: str) -> list[list[str]]:
    """The text of each part of each match of ``phrase`` in the normalised ``text``."""
    norm = normalize(text)
    return [[norm[s:e] for s, e in span.parts] for span in Phrase(phrase).find(norm)]


def test_phrase_text_is_normalised() -> None:
    assert Phrase("Lumière").text == "lumiere"
    assert Phrase("turn * on").text == "turn * on"
    assert Phrase("Turn*ON").text == "turn * on"


def test_gap_phrase_matches_words_in_between() -> None:
    norm = normalize("Turn the floor lamp on")
    spans = Phrase("turn * on").find(norm)
    assert len(spans) == 1
    span = spans[0]
    assert (span.start, span.end) == (0, len(norm))
    # Only "turn" and "on" are the phrase's own words: the device name in between stays free.
    assert [norm[s:e] for s, e in span.parts] == ["turn", "on"]


@pytest.mark.parametrize(
    "text",
    [
        "turn off the tv",  # no "on"
        "return the lamp on",  # "turn" inside "return"
        "turn the lamp onward",  # "on" inside "onward"
        "on the lamp turn",  # wrong order
    ],
)
def test_gap_phrase_needs_both_whole_words_in_order(text: str) -> None:
    assert _words(text, "turn * on") == []


def test_gap_phrase_needs_at_least_one_word_in_between() -> None:
    assert _words("turn on", "turn * on") == []


def test_latin_phrases_match_whole_words_only() -> None:
    assert _words("turn on the tv", "tv") == [["tv"]]
    assert _words("turn on the tvs", "tv") == []
    assert _words("turn on the lights", "light") == []
    assert _words("a c is on", "a c") == [["a c"]]


def test_multiword_phrase_allows_any_spacing() -> None:
    text = "turn on the living  \t room light"  # find() on text that was not normalised
    assert [text[s:e] for s, e in Phrase("living room").find(text)[0].parts] == ["living  \t room"]


def test_accents_and_case_do_not_matter() -> None:
    assert _words("ÉTEINS LA LUMIÈRE", "lumière") == [["lumiere"]]
    assert _words("eteins la lumiere", "Lumière") == [["lumiere"]]


def test_chinese_phrases_match_as_substrings() -> None:
    norm = normalize("客厅灯和卧室灯")
    spans = Phrase("灯").find(norm)
    assert [(s.start, s.end) for s in spans] == [(2, 3), (6, 7)]
    assert _words("把客厅灯打开", "客厅") == [["客厅"]]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("打开灯", "zh"),
        ("天猫精灵，turn on the tv", "zh"),  # any Chinese character decides
        ("turn on the light", "en"),
        ("set the tv to 5", "en"),
        ("what is the temperature in the living room", "en"),
        ("allume la lumière", "fr"),
        ("ETEINS LA TELE", "fr"),
        ("Hey Genie, allume la télé", "fr"),
        ("mets la télé à 5", "fr"),
        ("quelle est la température du salon", "fr"),
        ("", "en"),  # nothing to go on: the default
        ("xyzzy", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_french_wake_word() -> None:
    assert detect_language("Génie") == "fr"
