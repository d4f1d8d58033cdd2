"""Numbers in commands: Arabic digits and Chinese numerals (二十六, 两, 百分之三十), with their unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
                 original: str | None = None) -> list[NumberHit]:
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
        unit = None
        rest = text[end:].lstrip()
        tail = len(text[end:]) - len(rest)
        for kind, words in units.items():
            for word in sorted(words, key=len, reverse=True):
                glued = word[-1:].isalpha() and not _is_cjk(word[-1]) and rest[len(word):len(word) + 1].isalpha()
                if word and rest.startswith(word) and not glued:
                    unit = kind
                    end = end + tail + len(word)
                    break
            if unit:
                break
        before = text[:start].rstrip()
        for prefix in percent_prefixes:
            if prefix and before.endswith(prefix):
                unit = "percent"
                start = start - (len(text[:start]) - len(before)) - len(prefix)
                break
        if not arabic and unit is None:
            # ``original``: the sentence before matched phrases were blanked out (调到 is one of them)
            prev = (original if original is not None and len(original) == len(text) else text)[:start].rstrip()[-1:]
            if (not prev or prev not in _SET_MARKERS) and text[end:].strip():
                continue
        hits.append(NumberHit(value, unit, start, end))
    return hits


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"
