"""How a language writes the numbers of a time: digits, Chinese numerals and spelt words, as regexes and values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hub.nlu.lexicon import load_lexicon
from hub.nlu.numbers import CN_NUMERAL, chinese_to_number
from hub.nlu.when.patterns import GAP, alternation, key


@dataclass(frozen=True)
class Numbers:
    """How a language writes numbers: digits, Chinese numerals ("二十五", read by hub.nlu.numbers) and words
    ("twenty one", "vingt-cinq"; the words of lang/<code>.yaml)."""

    integer: str
    """Regex of a whole number, atomic: "twenty one degrees" is never read as "twenty"."""
    decimal: str
    """Regex of a number that may have a fraction ("1.5 hours")."""
    words: Mapping[str, float]
    joiners: frozenset[str]
    chinese: bool

    def value(self, token: str) -> float | None:
        """The value of a number matched by ``integer`` or ``decimal``."""
        token = token.strip()
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            return float(token)
        if self.chinese and token and all(c in CN_NUMERAL for c in token):
            return chinese_to_number(token)
        words = [w for w in re.split(r"[\s\-]+", token) if w and w not in self.joiners]
        total, i = 0.0, 0
        while i < len(words):
            pair = " ".join(words[i:i + 2])
            size = 2 if i + 1 < len(words) and pair in self.words else 1
            word = pair if size == 2 else words[i]
            if word not in self.words:
                return None
            total += self.words[word]
            i += size
        return total if words else None

    def whole(self, token: str | None) -> int | None:
        """The value of ``token`` if it is a whole number."""
        value = None if token is None else self.value(token)
        return int(value) if value is not None and value == int(value) else None


def padded(token: str) -> bool:
    """Written with a leading zero ("08", "05", "零五"): said as on a 24-hour clock."""
    return len(token) > 1 and token[0] in "0零〇"


def load_numbers(data: Mapping[str, Any], lang: str) -> Numbers:
    """The numbers of ``lang``: its spelt words (``numbers`` in commands.yaml) and the time file's extras."""
    chinese = bool(data.get("chinese_numerals"))
    spelling = load_lexicon(lang).numbers
    words = {key(w): v for w, v in spelling.words.items()}
    extra = {key(w): float(v) for w, v in (data.get("number_words") or {}).items()}
    joiners = frozenset(key(w) for w in spelling.joiners)
    plain = _spelt_regex(words, joiners, chinese)
    counted = _spelt_regex({**words, **extra}, joiners, chinese)  # "an hour", but never "7 a.m." = 7 and 1
    return Numbers(integer=rf"(?>\d+{plain})", decimal=rf"(?>\d+(?:\.\d+)?{counted})",
                    words={**words, **extra}, joiners=joiners, chinese=chinese)


def _spelt_regex(words: Mapping[str, float], joiners: Iterable[str], chinese: bool) -> str:
    """Alternatives (each after a ``|``) for the numbers up to 99 spelt with ``words`` or Chinese numerals."""
    alternatives = [f"[{CN_NUMERAL}]+"] if chinese else []
    tens = alternation(w for w, v in words.items() if 10 <= v < 100 and v % 10 == 0)
    ones = alternation((w for w, v in words.items() if 1 <= v <= 9), guard_start=False)
    joiner = alternation(joiners)
    if tens and ones:  # "twenty one", "vingt-cinq", "vingt et un", "dix-sept"
        join = f"(?:{joiner}{GAP})?" if joiner else ""
        alternatives.append(f"{tens}(?:{GAP}{join}{ones})?")
    if any_word := alternation(words):
        alternatives.append(any_word)
    return "".join("|" + a for a in alternatives)

