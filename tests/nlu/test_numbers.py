"""Unit tests of hub.nlu.numbers: Chinese numerals, and numbers with their units in commands."""

from __future__ import annotations

import pytest

from hub.nlu import load_lexicon
from hub.nlu.numbers import chinese_to_number, find_numbers, find_word_numbers
from hub.nlu.text import normalize


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("零", 0),
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十六", 26),
        ("三十", 30),
        ("百", 100),
        ("一百", 100),
        ("两百", 200),
        ("一百零五", 105),
        ("一千零一", 1001),
        ("二五", 25),  # digit by digit
        ("一二三四五六", 123456),
        ("二点五", 2.5),
        ("二十六点五", 26.5),
        ("二点零五", 2.05),
    ],
)
def test_chinese_to_number(text: str, value: float) -> None:
    assert chinese_to_number(text) == value


@pytest.mark.parametrize("text", ["", "一万", "三十万", "点五", "二点", "abc", "26"])
def test_chinese_to_number_refuses_what_is_not_a_numeral(text: str) -> None:
    assert chinese_to_number(text) is None


@pytest.mark.parametrize(("text", "value"), [("一百二", 120), ("两千五", 2500)])
def test_chinese_to_number_elided_last_unit(text: str, value: float) -> None:
    assert chinese_to_number(text) == value


def _find(lang: str, text: str) -> list[tuple[float, str | None, str]]:
    """(value, unit, matched text) of every number ``find_numbers`` sees in ``text``."""
    lex = load_lexicon(lang)
    prefixes = [w for w in lex.units.get("percent", []) if w != "%"]
    return [(hit.value, hit.unit, text[hit.start:hit.end]) for hit in find_numbers(text, lex.units, prefixes)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("把空调调到二十六度", [(26, "degree", "二十六度")]),
        ("把空调调到26度", [(26, "degree", "26度")]),
        ("空调调低两度", [(2, "degree", "两度")]),
        ("调成两度", [(2, "degree", "两度")]),
        ("亮度调到百分之三十", [(30, "percent", "百分之三十")]),
        ("百分之百", [(100, "percent", "百分之百")]),
        ("亮度调到50%", [(50, "percent", "50%")]),
        ("亮度调到50 %", [(50, "percent", "50 %")]),
        ("风扇开到三档", [(3, "level", "三档")]),
        ("电视调到五台", [(5, "channel", "五台")]),
        ("音量调到三十", [(30, None, "三十")]),  # at the end of the sentence
        ("调到一", [(1, None, "一")]),  # after a set word
        ("温度调到二十六点五度", [(26.5, "degree", "二十六点五度")]),
        # 一 in 开一下 / 亮一点 / 一个 is not the number one
        ("开一下", []),
        ("把灯开一下", []),
        ("台灯开一下", []),
        ("亮一点", []),
        ("调亮一点", []),
        ("第一个灯", []),
        ("打开客厅的灯", []),
    ],
)
def test_find_numbers_zh(text: str, expected: list[tuple[float, str | None, str]]) -> None:
    assert _find("zh", text) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "set the desk lamp to 30%", [(30, "percent", "30%")]),
        ("en", "set the desk lamp to 30 percent", [(30, "percent", "30 percent")]),
        ("en", "set the desk lamp to 30 per cent", [(30, "percent", "30 per cent")]),
        ("en", "set it to 24 degrees", [(24, "degree", "24 degrees")]),
        ("en", "set it to 24.5 degrees", [(24.5, "degree", "24.5 degrees")]),
        ("en", "set the fan to level 3", [(3, None, "3")]),
        ("en", "set the volume to 40", [(40, None, "40")]),
        ("en", "pm25 now", []),  # part of a word
        ("en", "two lamps", []),  # English number words are not numbers
        ("fr", "mets la lampe a 40 pour cent", [(40, "percent", "40 pour cent")]),
        ("fr", "mets la clim a 22 degres", [(22, "degree", "22 degres")]),
        ("fr", "mets la lampe a 40 %", [(40, "percent", "40 %")]),
    ],
)
def test_find_numbers_en_fr(lang: str, text: str, expected: list[tuple[float, str | None, str]]) -> None:
    assert _find(lang, text) == expected


def test_find_numbers_does_not_take_a_unit_word_that_is_the_start_of_a_longer_word() -> None:
    # "degreesx" is not "degrees": no unit, but still a number
    assert _find("en", "set it to 24 degreesx") == [(24, None, "24")]


@pytest.mark.parametrize("text", ["一点", "一下", "    一点", "三十个"])
def test_find_numbers_leading_numeral_without_unit_or_set_word(text: str) -> None:
    assert _find("zh", text) == []


def _words(lang: str, text: str) -> list[tuple[float, str | None, str]]:
    """(value, unit, matched text) of every number spelt in words in ``text`` (normalised)."""
    lex = load_lexicon(lang)
    norm = normalize(text)
    return [(h.value, h.unit, norm[h.start:h.end])
            for h in find_word_numbers(norm, lex.numbers, lex.units, lex.set_markers)]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "set it to twenty six degrees", [(26, "degree", "twenty six degrees")]),
        ("en", "twenty-two percent", [(22, "percent", "twenty two percent")]),
        ("en", "set temperature to twenty point five degrees", [(20.5, "degree", "twenty point five degrees")]),
        ("en", "channel one hundred and five", [(105, None, "one hundred and five")]),
        ("en", "set it to one", [(1, None, "one")]),  # "one" after "to" is a number
        ("en", "one degree", [(1, "degree", "one degree")]),
        ("en", "the bedroom one", []),  # otherwise "one" is a word
        ("en", "thirteen", [(13, None, "thirteen")]),
        ("fr", "vingt-six degrés", [(26, "degree", "vingt six degres")]),
        ("fr", "vingt et un degrés", [(21, "degree", "vingt et un degres")]),
        ("fr", "soixante-dix pour cent", [(70, "percent", "soixante dix pour cent")]),
        ("fr", "quatre-vingt-dix", [(90, None, "quatre vingt dix")]),
        ("fr", "deux cents", [(200, None, "deux cents")]),
        ("fr", "mille deux cent trente", [(1230, None, "mille deux cent trente")]),
        ("fr", "dix-neuf virgule cinq degrés", [(19.5, "degree", "dix neuf virgule cinq degres")]),
        ("fr", "allume une lampe", []),  # "une" is an article here
        ("fr", "règle à un", [(1, None, "un")]),
        ("zh", "二十六度", []),  # Chinese numerals are find_numbers' job
    ],
)
def test_find_word_numbers(lang: str, text: str, expected: list[tuple[float, str | None, str]]) -> None:
    assert _words(lang, text) == expected
