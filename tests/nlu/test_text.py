"""Unit tests of hub.nlu.text (normalize, Phrase, PhraseIndex) and hub.nlu.detect_language."""

from __future__ import annotations

import pytest

from hub.nlu import detect_language
from hub.nlu.text import Phrase, PhraseIndex, has_cjk, normalize, normalize_command


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


# ---------------------------------------------------------------------------- the phrase index


def _index(*phrases: str) -> PhraseIndex[str]:
    index: PhraseIndex[str] = PhraseIndex()
    for phrase in phrases:
        index.add(normalize(phrase), phrase)
    return index


def _found(index: PhraseIndex[str], text: str) -> list[tuple[str, str]]:
    """(matched text, payload) of every occurrence in the normalised ``text``."""
    norm = normalize_command(text)
    return [(norm[s:e], payload) for s, e, payload in index.find(norm)]


def test_index_finds_every_phrase_including_overlapping_ones() -> None:
    index = _index("lampe de bureau", "bureau", "lampe")
    assert _found(index, "Allume la lampe de bureau") == [
        ("lampe", "lampe"), ("lampe de bureau", "lampe de bureau"), ("bureau", "bureau")]


def test_index_matches_latin_phrases_as_whole_words_only() -> None:
    index = _index("tv", "on", "light")
    assert _found(index, "turn the tvs onward") == []
    assert _found(index, "lights on") == [("on", "on")]
    assert _found(index, "TV下一台") == [("tv", "tv")]  # a Chinese character is a word boundary


def test_index_matches_chinese_phrases_as_substrings() -> None:
    index = _index("客厅", "客厅灯", "灯")
    assert _found(index, "打开客厅灯和灯") == [("客厅", "客厅"), ("客厅灯", "客厅灯"), ("灯", "灯"), ("灯", "灯")]


def test_index_keeps_every_payload_of_a_repeated_phrase() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    index.add("lamp", "a")
    index.add("lamp", "b")
    assert [p for _s, _e, p in index.find("the lamp")] == ["a", "b"]
    assert index.size == 2


def test_index_ignores_empty_phrases() -> None:
    index: PhraseIndex[str] = PhraseIndex()
    index.add("", "nothing")
    assert (index.size, list(index.find("anything"))) == (0, [])


def test_index_cost_does_not_grow_with_the_number_of_phrases() -> None:
    """Each position walks the trie only as deep as the text matches: a thousand names that share no
    prefix with the sentence are never looked at."""
    index = _index(*(f"zz room {i} lamp" for i in range(1000)), "desk lamp")
    assert _found(index, "turn on the desk lamp") == [("desk lamp", "desk lamp")]


@pytest.mark.parametrize(
    ("raw", "marked"),
    [
        ("天猫精灵，把灯关了。", "天猫精灵 | 把灯关了"),
        ("Génie : allume la télé", "genie | allume la tele"),
        ("set it to 24.5 degrees.", "set it to 24.5 degrees"),
        ("turn on the tv, then the fan", "turn on the tv | then the fan"),
        ("", ""),
    ],
)
def test_normalize_command_keeps_sentence_boundaries(raw: str, marked: str) -> None:
    assert normalize_command(raw) == marked
