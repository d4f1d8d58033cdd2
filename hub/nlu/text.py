"""Text normalisation and phrase matching shared by every language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_PUNCT = re.compile(r"[，。！？、,!?;；:：\"“”‘’'`()（）\[\]【】{}<>《》\-_/~～…·]+")
_DOT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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

    __slots__ = ("pattern", "text")

    def __init__(self, text: str) -> None:
        pieces = [normalize(p) for p in text.split("*")]
        self.text = " * ".join(pieces)
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
                regex.append(r".+?" if has_cjk(piece) else r"\s+\S.*?\s+")
        self.pattern = re.compile("".join(regex))

    def find(self, text: str) -> list[Span]:
        spans = []
        for match in self.pattern.finditer(text):
            parts = tuple(match.span(g) for g in range(1, (match.lastindex or 0) + 1))
            spans.append(Span(match.start(), match.end(), parts))
        return spans
