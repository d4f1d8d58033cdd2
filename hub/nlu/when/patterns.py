"""Matching time words: text folded to a same-length copy, and regular expressions built from word lists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
GAP = r"[\s\-]+"
"""Between the words of a phrase: spaces or hyphens."""
_WORD_START = r"(?<![a-z'\-])"
_WORD_END = r"(?![a-z])"


def fold(text: str) -> str:
    """``text`` lower case, half-width and without accents, one character for one: spans found in it are spans
    of the original ("Éteins" -> "eteins", "８：３０" -> "8:30")."""
    return "".join(_fold_char(c) for c in text)


@cache
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char.translate(_QUOTES)).lower()
    folded = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return folded if len(folded) == 1 else char


def key(text: str) -> str:
    """How a phrase is looked up in the tables: folded, with hyphens and runs of spaces as one space."""
    return re.sub(r"[\s\-]+", " ", fold(str(text))).strip()


def phrase_regex(phrase: str, guard_start: bool = True) -> str:
    """A phrase as a regex: words apart by spaces or hyphens; whole words only where it starts or ends in a
    Latin letter (Chinese phrases are substrings)."""
    folded = key(phrase)
    body = GAP.join(re.escape(word) for word in folded.split(" "))
    if guard_start and folded[:1].isascii() and folded[:1].isalpha():
        body = _WORD_START + body
    if folded[-1:].isascii() and folded[-1:].isalpha():
        body += _WORD_END
    return body


def alternation(phrases: Iterable[Any], guard_start: bool = True) -> str | None:
    """Any of ``phrases`` (the longest first), or None if there are none."""
    keys = sorted({key(p) for p in phrases if str(p).strip()}, key=len, reverse=True)
    if not keys:
        return None
    return "(?:" + "|".join(phrase_regex(k, guard_start) for k in keys) + ")"


def group(name: str, alternation: str | None, before: str = r"\s*", after: str = "") -> str:
    """An optional named piece, or nothing if the language has no words for it."""
    return "" if alternation is None else rf"(?:{before}(?P<{name}>{alternation}){after})?"
