"""Text -> intents: a pure, synchronous, data-driven parser for zh, en and fr.

The sentence is normalised; the wake word is dropped; the sentence is split into clauses; in
each clause every known phrase is found (device names and rooms from the directory's catalog,
the language file's categories, properties, actions, values), overlaps are settled longest-first,
and the words left decide the intent. Nothing here knows a language: that lives in lang/*.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hub.nlu.lexicon import LANGUAGES, Lexicon, load_lexicon
from hub.nlu.models import Intent, Target, Understanding
from hub.nlu.numbers import digits_of, find_numbers
from hub.nlu.text import Phrase, Span, has_cjk, normalize


@dataclass(frozen=True)
class CatalogDevice:
    """What the parser and resolver need to know of a device."""

    id: str
    category: str
    room: str
    attributes: frozenset[str]
    actions: frozenset[str]


@dataclass
class Catalog:
    """The slot lists of the home: device names and room names (all languages) -> ids."""

    devices: dict[str, CatalogDevice] = field(default_factory=dict)
    device_phrases: list[tuple[Phrase, str]] = field(default_factory=list)
    room_phrases: list[tuple[Phrase, str]] = field(default_factory=list)
    room_names: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    device_names: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def add_device(self, device: CatalogDevice, names: dict[str, list[str]]) -> None:
        self.devices[device.id] = device
        self.device_names[device.id] = names
        for lang_names in names.values():
            for name in lang_names:
                if normalize(name):
                    self.device_phrases.append((Phrase(name), device.id))

    def add_room(self, room_id: str, names: dict[str, list[str]]) -> None:
        if room_id in self.room_names:
            return
        self.room_names[room_id] = names
        for lang_names in names.values():
            for name in lang_names:
                if normalize(name):
                    self.room_phrases.append((Phrase(name), room_id))


_PRIORITY = {
    "device": 10,
    "room": 9,
    "question": 8,
    "relative": 7,
    "category": 6,
    "property": 5,
    "code": 4,
    "action": 3,
    "color": 2,
    "mode": 2,
    "special": 1,
    "all": 1,
}
_ACTION_ORDER = ("unmute", "mute", "unlock", "lock", "pause", "continue", "up", "down", "set", "on", "off", "query")


@dataclass(frozen=True)
class _Hit:
    kind: str
    value: str
    span: Span

    @property
    def size(self) -> int:
        return sum(end - start for start, end in self.span.parts)


_FRENCH_LETTERS = re.compile(r"[éèêëàâçîïôûùœÉÈÊÀÇ]")


def detect_language(text: str) -> str:
    """zh if there is any Chinese character, else whichever of fr / en explains more words."""
    if _FRENCH_LETTERS.search(text) and not has_cjk(text):
        return "fr"
    norm = normalize(text)
    if has_cjk(norm):
        return "zh"
    scores = {}
    for lang in ("fr", "en"):
        lex = load_lexicon(lang)
        hits = sum(1 for p in lex.markers if p.find(norm))
        hits += sum(1 for kind, _v, p in lex.phrases if kind in ("action", "category", "property") and p.find(norm))
        scores[lang] = hits
    return "fr" if scores["fr"] > scores["en"] else "en"


def _strip_wake(text: str, lex: Lexicon) -> tuple[str, bool]:
    for phrase in sorted(lex.wake_words, key=lambda p: len(p.text), reverse=True):
        for span in phrase.find(text):
            if span.start <= 3:  # "hey", "你好" or nothing before it
                return text[span.end:].strip(), True
    return text, False


def _split(text: str, lex: Lexicon) -> list[str]:
    cuts: list[tuple[int, int]] = []
    for phrase in lex.clause_splitters:
        cuts += [(s.start, s.end) for s in phrase.find(text)]
    if not cuts:
        return [text]
    cuts.sort()
    clauses, pos = [], 0
    for start, end in cuts:
        if start < pos:
            continue
        clauses.append(text[pos:start])
        pos = end
    clauses.append(text[pos:])
    return [c.strip() for c in clauses if c.strip()]


def _hits(text: str, lex: Lexicon, catalog: Catalog) -> list[_Hit]:
    found: list[_Hit] = []
    for phrase, device_id in catalog.device_phrases:
        found += [_Hit("device", device_id, s) for s in phrase.find(text)]
    for phrase, room_id in catalog.room_phrases:
        found += [_Hit("room", room_id, s) for s in phrase.find(text)]
    for kind, value, phrase in lex.phrases:
        found += [_Hit(kind, value, s) for s in phrase.find(text)]
    found.sort(key=lambda h: (-h.size, -_PRIORITY[h.kind], h.span.start))
    taken: list[tuple[int, int]] = []
    chosen: list[_Hit] = []
    for hit in found:
        if any(s < e2 and s2 < e for s, e in hit.span.parts for s2, e2 in taken):
            continue
        chosen.append(hit)
        taken += hit.span.parts
    chosen.sort(key=lambda h: h.span.start)
    return chosen


def _mask(text: str, hits: list[_Hit]) -> str:
    chars = list(text)
    for hit in hits:
        for start, end in hit.span.parts:
            chars[start:end] = " " * (end - start)
    return "".join(chars)


_CODE = re.compile(r"\s*(\d{3,12}|[零〇一二两三四五六七八九]{3,12})")


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def parse_clause(text: str, lex: Lexicon, catalog: Catalog, previous: Target | None = None) -> Intent | None:
    """The intent of one clause, or None if it says nothing actionable."""
    hits = _hits(text, lex, catalog)
    kinds: dict[str, list[str]] = {}
    for hit in hits:
        kinds.setdefault(hit.kind, []).append(hit.value)
    masked = _mask(text, hits)
    percent_prefixes = [w for w in lex.units.get("percent", []) if w != "%"]
    numbers = find_numbers(masked, lex.units, percent_prefixes, original=text)

    code = None
    for hit in hits:
        if hit.kind == "code":
            match = _CODE.match(text[hit.span.end:])
            if match:
                code = digits_of(match.group(1))
                numbers = [n for n in numbers if n.start < hit.span.end]
            else:
                after = [n for n in numbers if n.start >= hit.span.end]
                if after:
                    code = str(int(after[0].value))
                    numbers = [n for n in numbers if n is not after[0]]

    attribute = kinds.get("property", [None])[0]
    action: str | None = None
    if "question" in kinds:
        action, attribute = "query", kinds["question"][0]
    elif "relative" in kinds:
        action, attribute = kinds["relative"][0].split(":")
    else:
        said = set(kinds.get("action", []))
        action = next((a for a in _ACTION_ORDER if a in said), None)

    value: int | float | str | None = None
    unit = None
    if numbers:
        value, unit = _number(numbers[0].value), numbers[0].unit
    elif "special" in kinds:
        special = kinds["special"][0]
        value, unit = (50, "percent") if special == "half" else (special, None)
    if "color" in kinds and value is None:
        value, attribute = kinds["color"][0], attribute or "color"
    if "mode" in kinds and value is None:
        value, attribute = kinds["mode"][0], attribute or "mode"

    if value is not None and action in (None, "on", "set"):
        action = "set"
    if action is None and attribute is not None and value is None:
        action = "query"
    if action is None:
        return None
    if code is not None and action in ("on", "set"):
        action = "unlock"

    target = Target(
        devices=tuple(dict.fromkeys(kinds.get("device", []))),
        rooms=tuple(dict.fromkeys(kinds.get("room", []))),
        categories=tuple(dict.fromkeys(kinds.get("category", []))),
        everything="all" in kinds,
    )
    if target.empty and previous is not None:
        target = previous
    return Intent(action=action, target=target, attribute=attribute, value=value, unit=unit, code=code)


def understand(text: str, catalog: Catalog, lang: str | None = None) -> Understanding:
    """Understand ``text`` against the home in ``catalog``; ``lang`` forces the language."""
    norm = normalize(text)
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    lang = lang or detect_language(text)
    lex = load_lexicon(lang)
    body, woke = _strip_wake(norm, lex)
    result = Understanding(text=text, lang=lang)
    if not body:
        result.problem = "wake" if woke else "empty"
        return result
    previous: Target | None = None
    for clause in _split(body, lex):
        intent = parse_clause(clause, lex, catalog, previous)
        if intent is not None:
            result.intents.append(intent)
            previous = intent.target
    if not result.intents:
        result.problem = "not_understood"
    return result
