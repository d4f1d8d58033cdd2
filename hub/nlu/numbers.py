"""Numbers in commands: Arabic digits and Chinese numerals (二十六, 两, 百分之三十), with their unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千"
_NUMBER = re.compile(rf"(\d+(?:\.\d+)?|[{CN_NUMERAL}]+(?:点[{CN_NUMERAL}]+)?)")
_SET_MARKERS = "到成为至是"


def chinese_to_number(text: str) -> float | None:
    """Value of a Chinese numeral ("二十六" -> 26, "十" -> 10, "一百零五" -> 105, "二点五" -> 2.5)."""
    if "点" in text:
        whole, _, frac = text.partition("点")
        integer = chinese_to_number(whole)
        digits = [_DIGITS.get(c) for c in frac]
        if integer is None or not digits or any(d is None for d in digits):
            return None
        return integer + float("0." + "".join(str(d) for d in digits))
    total, current = 0, 0
    if not text:
        return None
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            return None
    # "二五" style digit strings read digit by digit
    if all(c in _DIGITS for c in text) and len(text) > 1:
        return float("".join(str(_DIGITS[c]) for c in text))
    # "一百二" = 120 and "两千五" = 2500: a last digit right after 百/千 is the next place down
    if len(text) >= 2 and text[-1] in _DIGITS and text[-2] in _UNITS and _UNITS[text[-2]] >= 100:
        current *= _UNITS[text[-2]] // 10
    return float(total + current)


def digits_of(text: str) -> str | None:
    """The digit string a numeral spells, keeping leading zeros ("零一二" -> "012", "0123" -> "0123")."""
    if text.isdigit():
        return text
    if all(c in _DIGITS for c in text):
        return "".join(str(_DIGITS[c]) for c in text)
    return None


@dataclass(frozen=True, slots=True)
class NumberHit:
    """A number found in a command, with its unit kind (percent, degree, level, channel) if any."""

    value: float
    unit: str | None
    start: int
    end: int


def find_numbers(text: str, units: dict[str, list[str]], percent_prefixes: list[str],
                 original: str | None = None, set_markers: str = _SET_MARKERS) -> list[NumberHit]:
    """Every number in ``text`` (already normalised), with a unit when one follows it.

    A Chinese numeral only counts with a unit, after a "set" word (到/成/为) or at the end of the
    sentence, so that 一 in 开一下 or 亮一点 is not read as the number one.
    """
    hits: list[NumberHit] = []
    for match in _NUMBER.finditer(text):
        token = match.group(1)
        start, end = match.span(1)
        if any(p and text.startswith(p, start) for p in percent_prefixes):
            continue  # the 百 of 百分之
        arabic = token[0].isdigit()
        if arabic:
            previous = text[start - 1] if start > 0 else ""
            if previous.isalpha() and not _is_cjk(previous):
                continue  # part of a word such as "pm25"
            value: float | None = float(token)
        else:
            value = chinese_to_number(token)
        if value is None:
            continue
        unit, end = unit_after(text, end, units)
        before = text[:start].rstrip()
        for prefix in percent_prefixes:
            if prefix and before.endswith(prefix):
                unit = "percent"
                start = start - (len(text[:start]) - len(before)) - len(prefix)
                break
        if not arabic and unit is None:
            # ``original``: the sentence before matched phrases were blanked out (调到 is one of them)
            prev = (original if original is not None and len(original) == len(text) else text)[:start].rstrip()[-1:]
            if (not prev or prev not in set_markers) and text[end:].strip(" |"):
                continue
        hits.append(NumberHit(value, unit, start, end))
    return hits


def unit_after(text: str, end: int, units: dict[str, list[str]]) -> tuple[str | None, int]:
    """The unit kind said right after a number ending at ``end``, and where the unit ends."""
    rest = text[end:].lstrip()
    tail = len(text[end:]) - len(rest)
    for kind, words in units.items():
        for word in sorted(words, key=len, reverse=True):
            glued = word[-1:].isalpha() and not _is_cjk(word[-1]) and rest[len(word):len(word) + 1].isalpha()
            if word and rest.startswith(word) and not glued:
                return kind, end + tail + len(word)
    return None, end


@dataclass(frozen=True)
class NumberWords:
    """How a language spells numbers in words ("twenty six", "vingt et un", "quatre vingt dix")."""

    words: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    joiners: frozenset[str] = frozenset()
    decimal: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()
    """Words that are numbers only with a unit or right after a "set to" word ("one", "un")."""


_TOKEN = re.compile(r"[^\s|]+")


def find_word_numbers(text: str, spelling: NumberWords, units: dict[str, list[str]],
                      set_markers: list[str]) -> list[NumberHit]:
    """Every number spelt in words in ``text`` (normalised): "twenty six degrees" -> 26 degree."""
    if not spelling.words:
        return []
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    hits: list[NumberHit] = []
    i = 0
    while i < len(tokens):
        value, j = _spelt_number(tokens, i, spelling)
        if j == i:
            i += 1
            continue
        start, end = tokens[i][0], tokens[j - 1][1]
        unit, end = unit_after(text, end, units)
        after_marker = i > 0 and tokens[i - 1][2] in set_markers
        if not (j == i + 1 and tokens[i][2] in spelling.weak and unit is None and not after_marker):
            hits.append(NumberHit(value, unit, start, end))
        i = j
        while i < len(tokens) and tokens[i][0] < end:  # past the unit too ("pour cent")
            i += 1
    return hits


def _word_value(tokens: list[tuple[int, int, str]], j: int, table: dict[str, float]) -> tuple[float, int] | None:
    """The longest entry of ``table`` (up to three words) spelt by the tokens from ``j``."""
    for size in (3, 2, 1):
        if j + size <= len(tokens):
            words = " ".join(t[2] for t in tokens[j:j + size])
            if words in table:
                return table[words], j + size
    return None


def _spelt_number(tokens: list[tuple[int, int, str]], i: int, spelling: NumberWords) -> tuple[float, int]:
    """The value of the number spelt from token ``i`` and the token after it (``i`` itself if none)."""
    total = current = 0.0
    j = i
    used = False
    while j < len(tokens):
        word = _word_value(tokens, j, spelling.words)
        scale = _word_value(tokens, j, spelling.scales)
        if word is not None:
            current += word[0]
            j, used = word[1], True
        elif scale is not None:
            current = max(current, 1) * scale[0]
            if scale[0] >= 1000:
                total, current = total + current, 0.0
            j, used = scale[1], True
        elif used and tokens[j][2] in spelling.joiners and _word_value(tokens, j + 1, spelling.words):
            j += 1
        elif used and tokens[j][2] in spelling.decimal:
            digits, k = "", j + 1
            while k < len(tokens) and (digit := _word_value(tokens, k, spelling.words)) and digit[0] < 10:
                digits += str(int(digit[0]))
                k = digit[1]
            if digits:
                current += float("0." + digits)
                j = k
            break
        else:
            break
    return (total + current if used else 0.0), j


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"
