"""Unlock codes out of what the hub keeps and shows: the code's digits in a command's text become stars.

The speaker knows the codes it parsed; ``redact`` stars every run of digits in the text that spells one of
them, however it was said: "123456", "一二三四五六", "幺二三四五六", "1 2 3 4 5 6", "１２３４５６".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DIGITS = {**{str(n): str(n) for n in range(10)}, **{chr(0xFF10 + n): str(n) for n in range(10)},
           "零": "0", "〇": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5",
           "六": "6", "七": "7", "八": "8", "九": "9"}
_DIGIT = "[" + "".join(_DIGITS) + "]"
_RUN = re.compile(rf"{_DIGIT}(?:[\s\-.,]?{_DIGIT})*")
"""Digits said in a row, single spaces or dashes between them allowed ("1 2 3 4 5 6", "123-456")."""


def redact(text: str, codes: Iterable[str | None]) -> str:
    """``text`` with every run of digits that contains one of ``codes`` starred, digit by digit."""
    wanted = {c for c in codes if c}
    if not wanted:
        return text

    def star(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = "".join(_DIGITS.get(c, "") for c in run)
        if not any(code in digits for code in wanted):
            return run
        return "".join("*" if c in _DIGITS else c for c in run)

    return _RUN.sub(star, text)


def star(value: object) -> str:
    """A code as the log shows it: one star per character."""
    return "*" * len(str(value))
