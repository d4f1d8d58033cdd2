"""Text normalisation and phrase matching shared by every language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

_PUNCT = re.compile(r"[，。！？、,!?;；:：\"“”‘’'`()（）\[\]【】{}<>《》\-_/~～…·]+")
_DOT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CLAUSE_PUNCT = re.compile(r"[，。！？；;,!?：:]+|(?<![0-9])\.|\.(?![0-9])")
BOUNDARY = "|"
"""Stands where a command had sentence punctuation (a comma, a full stop...): no phrase spans it."""


def has_cjk(text: str) -> bool:
    """True if ``text`` contains Chinese characters."""
    return bool(_CJK.search(text))


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Lower case, half-width, no accents, punctuation turned into spaces, spaces collapsed.

    "Éteins   la lumière du Salon !" -> "eteins la lumiere du salon"; "把灯调到５０％" -> "把灯调到50%".
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text)
    text = _PUNCT.sub(" ", text)
    text = _DOT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalize_command(text: str) -> str:
    """``normalize``, keeping where the sentence punctuation was as `` | ``.

    "天猫精灵，把灯关了。" -> "天猫精灵 | 把灯关了"; "24.5 degrees" keeps its decimal point.
    """
    pieces = (normalize(piece) for piece in _CLAUSE_PUNCT.split(text))
    return f" {BOUNDARY} ".join(p for p in pieces if p)


def is_word_char(char: str) -> bool:
    """A letter or digit of a space-separated script (not a Chinese character)."""
    return char.isalnum() and not ("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff")


class _WordChars(dict[str, bool]):
    """``is_word_char`` of each character, worked out the first time it is met."""

    def __missing__(self, char: str) -> bool:
        found = self[char] = is_word_char(char)
        return found


_WORD_CHARS = _WordChars()


@lru_cache(maxsize=256)
def _word_chars(text: str) -> tuple[tuple[bool, ...], tuple[int, ...]]:
    """Per character of ``text``, whether it is a letter or digit of a space-separated script, and where a phrase
    may start (not inside a word): what every index looking at the same sentence (the language's, the home's,
    the fillers…) needs, worked out once."""
    word = tuple(map(_WORD_CHARS.__getitem__, text))
    return word, tuple(i for i, w in enumerate(word) if not (w and i and word[i - 1]))


@dataclass(frozen=True, slots=True)
class Span:
    """Where a phrase matched: the whole extent, and the pieces that are its own words."""

    start: int
    end: int
    parts: tuple[tuple[int, int], ...]


class Phrase:
    """A normalised phrase, compiled for matching: substring for Chinese, whole words otherwise.

    ``*`` in a phrase stands for one or more words in between ("turn * on").
    """

    __slots__ = ("first", "needle", "pattern", "text")

    def __init__(self, text: str) -> None:
        pieces = [normalize(p) for p in text.split("*")]
        self.text = " * ".join(pieces)
        self.needle = pieces[0].split(" ")[0]
        """The first word of the phrase, which every match holds as it is: a text without it is not searched."""
        regex = []
        for i, piece in enumerate(pieces):
            escaped = re.escape(piece).replace(r"\ ", r"\s+")
            if not has_cjk(piece):
                if piece[:1].isalnum():
                    escaped = r"(?<![a-z0-9])" + escaped
                if piece[-1:].isalnum():
                    escaped = escaped + r"(?![a-z0-9])"
            regex.append(f"({escaped})")
            if i < len(pieces) - 1:
                regex.append(r"[^|]+?" if has_cjk(piece) else r"\s+[^\s|][^|]*?\s+")
        self.pattern = re.compile("".join(regex))
        self.first = re.compile(regex[0])

    def find(self, text: str) -> list[Span]:
        """Every match, the shortest from each place the first piece occurs ("turn ... on" twice in a row)."""
        spans: list[Span] = []
        if self.needle not in text:
            return spans
        for start in self.first.finditer(text):
            match = self.pattern.match(text, start.start())
            if match is not None:
                parts = tuple(match.span(g) for g in range(1, (match.lastindex or 0) + 1))
                spans.append(Span(match.start(), match.end(), parts))
        return spans


T = TypeVar("T")
_END = ""
"""Key of a trie node's list of phrases ending there (no character is the empty string)."""


class PhraseIndex(Generic[T]):
    """Every phrase of a large set found in one pass over a text: a character trie.

    Matching walks the trie from each position where a phrase may start, so its cost grows with the
    length of the text, not with the number of phrases (a home of a thousand named devices parses as
    fast as one of ten). Phrases are matched as ``Phrase`` does: as substrings in Chinese, as whole
    words otherwise. Phrases must be normalised and without ``*``.
    """

    def __init__(self) -> None:
        self._root: dict[str, object] = {}
        self.size = 0

    def add(self, phrase: str, payload: T) -> None:
        """Add ``phrase`` (already normalised); it is found with ``payload``."""
        if not phrase:
            return
        node = self._root
        for char in phrase:
            node = node.setdefault(char, {})  # type: ignore[assignment]
        entries: list[tuple[T, bool]] = node.setdefault(_END, [])  # type: ignore[assignment]
        entries.append((payload, is_word_char(phrase[-1])))
        self.size += 1

    def find(self, text: str) -> Iterator[tuple[int, int, T]]:
        """(start, end, payload) of every occurrence of every phrase in ``text``."""
        word, starts = _word_chars(text)
        root = self._root
        n = len(text)
        for i in starts:  # never inside a word
            node = root.get(text[i])
            if node is None:
                continue
            j = i + 1
            while node is not None:
                entries = node.get(_END)  # type: ignore[attr-defined]
                if entries:
                    end_ok = j == n or not word[j]
                    for payload, needs_end in entries:
                        if end_ok or not needs_end:
                            yield i, j, payload
                if j == n:
                    break
                node = node.get(text[j])  # type: ignore[attr-defined]
                j += 1
