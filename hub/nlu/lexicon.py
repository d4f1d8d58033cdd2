"""A language's vocabulary and replies, loaded from ``lang/<code>/commands.yaml``.

Every phrase of the file goes into one ``PhraseIndex`` (those with a ``*`` gap into a short list of
``Phrase``\\ s), tagged with its kind and meaning, so that the parser finds all of them in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from hub.nlu.data import language_file
from hub.nlu.numbers import NumberWords
from hub.nlu.text import Phrase, PhraseIndex, normalize


@dataclass(frozen=True)
class Compound:
    """A phrase that says an action together with what it acts on ("调亮", "lights out", "太热了")."""

    action: str
    property: str | None = None
    categories: tuple[str, ...] = ()
    value: Any = None
    implicit: bool = False


Tag = tuple[str, Any]
"""(kind, meaning) of a phrase: ("action", "on"), ("category", "light"), ("compound", Compound(...))..."""


@dataclass
class Lexicon:
    """Everything language-specific: phrases to match (normalised) and reply templates."""

    lang: str
    categories: dict[str, list[str]]
    properties: dict[str, list[str]]
    colors: dict[str, list[str]]
    modes: dict[str, list[str]]
    units: dict[str, list[str]]
    set_markers: list[str]
    step_markers: list[str]
    numbers: NumberWords
    replies: dict[str, Any]
    grammar: dict[str, Any]
    index: PhraseIndex[Tag] = field(default_factory=PhraseIndex)
    gapped: list[tuple[Tag, Phrase]] = field(default_factory=list)
    """Phrases with a ``*`` gap ("turn * on"): few, matched one by one."""
    wake: PhraseIndex[str] = field(default_factory=PhraseIndex)
    fillers: PhraseIndex[str] = field(default_factory=PhraseIndex)
    markers: PhraseIndex[str] = field(default_factory=PhraseIndex)
    """Common words of the language, to tell French from English."""
    talk: PhraseIndex[str] = field(default_factory=PhraseIndex)
    """Small talk, by what it is ("thanks", "hello", "cancel", "yes"…: ``models.TALK``)."""
    splitters: tuple[str, ...] = ()
    """The "then" words as written ("然后", "and then", "puis"): where one order ends and the next begins."""

    def add(self, kind: str, meaning: Any, phrase: str) -> None:
        """Make ``phrase`` findable as (kind, meaning)."""
        if "*" in phrase:
            self.gapped.append(((kind, meaning), Phrase(phrase)))
        else:
            self.index.add(normalize(phrase), (kind, meaning))

    def display(self, table: dict[str, list[str]], key: str) -> str:
        """The display word of ``key`` in ``table`` (its first entry, as written in the file)."""
        words = table.get(key)
        return words[0] if words else key

    def noun(self, category: str, plural: bool = False) -> str:
        """How to name one (or several) devices of ``category`` in a sentence."""
        nouns = self.grammar.get("nouns", {}).get(category)
        if nouns:
            return str(nouns[1 if plural and len(nouns) > 1 else 0])
        return self.display(self.categories, category)


def _compound(entry: dict[str, Any]) -> Compound:
    categories = entry.get("category") or ()
    if isinstance(categories, str):
        categories = (categories,)
    return Compound(action=str(entry["action"]), property=entry.get("property"), categories=tuple(categories),
                    value=entry.get("value"), implicit=bool(entry.get("implicit", False)))


def _level(meaning: Any) -> int | str:
    """A level's meaning: its number (1, 2, 3), or the word it is (``auto``)."""
    text = str(meaning)
    return int(text) if text.isdigit() else text


def _numbers(data: dict[str, Any]) -> NumberWords:
    return NumberWords(
        words={normalize(k): float(v) for k, v in data.get("words", {}).items()},
        scales={normalize(k): float(v) for k, v in data.get("scales", {}).items()},
        joiners=frozenset(normalize(w) for w in data.get("joiners", [])),
        decimal=frozenset(normalize(w) for w in data.get("decimal", [])),
        weak=frozenset(normalize(w) for w in data.get("weak", [])),
    )


def _check_words(lang: str, data: Any, where: str = "") -> None:
    """Every phrase of a language file is text (YAML reads a bare on/off/yes/no as a boolean: quote it)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if where.endswith("replies") or key == "replies":
                continue
            _check_words(lang, value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, bool):
                raise ValueError(f"lang/{lang}/commands.yaml: {where}: {item!r} is not text; quote it")
            _check_words(lang, item, where)


@cache
def load_lexicon(lang: str) -> Lexicon:
    """The lexicon of ``lang`` (zh, en or fr), parsed and indexed once."""
    data = language_file(lang, "commands")
    _check_words(lang, data)
    lex = Lexicon(
        lang=lang,
        categories=data["categories"],
        properties=data["properties"],
        colors=data.get("colors", {}),
        modes=data.get("modes", {}),
        units={k: [normalize(w) if w != "%" else w for w in v] for k, v in data.get("units", {}).items()},
        set_markers=[normalize(w) for w in data.get("set_markers", [])],
        step_markers=[normalize(w) for w in data.get("step_markers", [])],
        numbers=_numbers(data.get("numbers", {})),
        replies=data["replies"],
        grammar=data.get("grammar", {}),
    )
    tables: list[tuple[str, dict[Any, list[str]]]] = [
        ("category", lex.categories), ("property", lex.properties), ("action", data["actions"]),
        ("color", lex.colors), ("mode", lex.modes), ("level", data.get("levels", {})),
        ("state", data.get("states", {})), ("question", data.get("questions", {})),
    ]
    for kind, table in tables:
        for meaning, words in table.items():
            for word in words:
                lex.add(kind, _level(meaning) if kind == "level" else str(meaning), word)
    lists = [("splitter", "splitters"), ("conjunction", "conjunctions"), ("all", "all_words"),
             ("home", "home_words"), ("here", "here_words"), ("negation", "negations"), ("again", "again_words"),
             ("code", "code_words"), ("media", "media_words"), ("room_word", "room_words"),
             ("ignore", "ignore_words"), ("except", "except_words"), ("polite", "polite")]
    for kind, key in lists:
        for word in data.get(key, []):
            lex.add(kind, normalize(word), word)
    for key, special in (("half_words", "half"), ("max_words", "max"), ("min_words", "min")):
        for word in data.get(key, []):
            lex.add("special", special, word)
    for entry in data.get("compounds", []):
        lex.add("compound", _compound(entry), entry["phrase"])
    for word in data.get("wake_words", []):
        lex.wake.add(normalize(word), word)
    for word in data.get("fillers", []):
        lex.fillers.add(normalize(word), word)
    for word in data.get("markers", []):
        lex.markers.add(normalize(word), word)
    for talk, phrases in data.get("small_talk", {}).items():
        for phrase in phrases:
            lex.talk.add(normalize(phrase), str(talk))
            lex.markers.add(normalize(phrase), phrase)  # "merci" alone is French
    lex.splitters = tuple(sorted(data.get("splitters", []), key=len, reverse=True))
    return lex
