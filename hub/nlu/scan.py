"""Finding the known phrases of a sentence and settling their overlaps (longest first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.nlu.catalog import Catalog
from hub.nlu.lexicon import Lexicon

PRIORITY = {
    "device": 20, "room": 19, "floor": 19, "polite": 17, "negation": 16, "compound": 15, "question": 14, "state": 13,
    "category": 12, "property": 11, "code": 10, "action": 9, "again": 8, "color": 7, "mode": 7, "level": 7,
    "special": 6, "all": 5, "home": 5, "here": 5, "media": 4, "splitter": 3, "conjunction": 3, "except": 3,
    "room_word": 2, "ignore": 1,
}
"""Which of two phrases of the same length over the same words wins. A word that is both an order and a
state ("关了", "allume", "ferme") is a state in a question and an order otherwise (``settle``)."""

ACTS = frozenset({"action", "compound", "question", "again"})
"""Kinds of phrase that say what to do (or ask): a clause without one is a fragment."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A known phrase found in a sentence: its kind, meaning and where its own words are."""

    kind: str
    value: Any
    start: int
    end: int
    parts: tuple[tuple[int, int], ...]
    size: int
    """Characters of its own words (a phrase with a gap counts one less: an exact phrase beats it)."""


def scan(text: str, lex: Lexicon, catalog: Catalog) -> list[Hit]:
    """Every occurrence of every exact phrase of the language and of the home in ``text``."""
    hits = [Hit(kind, value, s, e, ((s, e),), e - s) for s, e, (kind, value) in lex.index.find(text)]
    hits += [Hit(kind, value, s, e, ((s, e),), e - s) for s, e, (kind, value) in catalog.index.find(text)]
    return hits


def scan_gapped(text: str, lex: Lexicon, offset: int = 0) -> list[Hit]:
    """Every occurrence of the language's phrases with a gap ("turn * on") in ``text``."""
    hits = []
    for (kind, value), phrase in lex.gapped:
        for span in phrase.find(text):
            parts = tuple((s + offset, e + offset) for s, e in span.parts)
            hits.append(Hit(kind, value, span.start + offset, span.end + offset, parts,
                            sum(e - s for s, e in parts) - 1))
    return hits


def settle(hits: list[Hit], length: int) -> list[Hit]:
    """The hits that survive overlaps (longest, then highest priority, then leftmost), in text order."""
    asking = any(h.kind == "question" for h in hits)

    def rank(hit: Hit) -> tuple[int, int, int]:
        priority = PRIORITY[hit.kind]
        if hit.kind == "state" and not asking:
            priority = PRIORITY["action"] - 1  # "allume le salon": an order, not "is lit"
        return -hit.size, -priority, hit.start

    taken = bytearray(length)
    chosen = []
    for hit in sorted(hits, key=rank):
        if any(any(taken[s:e]) for s, e in hit.parts):
            continue
        for s, e in hit.parts:
            taken[s:e] = b"\x01" * (e - s)
        chosen.append(hit)
    chosen.sort(key=lambda h: h.start)
    return chosen


TARGETS = frozenset({"device", "category", "room", "floor"})
NAMES = frozenset({"device", "category"})


def _overlap(a: Hit, b: Hit) -> bool:
    """Whether two hits share a word (a gap is no word of a phrase's: "turn * on" leaves "switch")."""
    return any(s < e2 and s2 < e for s, e in a.parts for s2, e2 in b.parts)


def _orders(hits: list[Hit]) -> set[Any]:
    return {h.value for h in hits if h.kind == "action"}


def reread(chosen: list[Hit], every: list[Hit], length: int, start: int) -> list[Hit]:
    """``chosen`` read again where a word is both a name and an order's: an order that swallowed the only name
    ("turn the switch on": "switch on") leaves it the name; a name that took the opening order's word while
    another names the device ("lock the door", a lock named "lock") leaves it the order."""
    kinds = {h.kind for h in chosen}
    if kinds & ACTS and not kinds & TARGETS:
        names = [h for h in every if h.kind in NAMES and h not in chosen]
        if names:  # only if the same order is still said around the name ("turn * on"), not "锁门", "开锁"
            again = settle([h for h in every if not (h.kind == "action" and any(_overlap(h, n) for n in names))],
                           length)
            if any(h.kind in ACTS for h in again) and _orders(again) <= _orders(chosen):
                return again
    first = min((h for h in chosen if h.kind != "polite"), key=lambda h: h.start, default=None)
    if kinds & ACTS or first is None or first.kind not in NAMES or sum(h.kind in NAMES for h in chosen) < 2:
        return chosen
    lead = max((h.end for h in chosen if h.kind == "polite" and h.end <= first.start), default=start)
    order = [h for h in every if h.kind == "action" and (h.start, h.end) == (first.start, first.end)
             and first.start - lead <= 1]
    if not order:
        return chosen
    return settle([h for h in every if h is not first], length)


def mask(text: str, hits: list[Hit], offset: int = 0) -> str:
    """``text`` with the words of every hit blanked out (positions unchanged)."""
    chars = list(text)
    for hit in hits:
        for start, end in hit.parts:
            start, end = max(start - offset, 0), min(end - offset, len(chars))
            chars[start:end] = " " * (end - start)
    return "".join(chars)
