"""A language's vocabulary and replies, loaded from ``lang/<code>.yaml`` (one data file per language)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from hub.nlu.text import Phrase, normalize

LANGUAGES = ("zh", "en", "fr")


@dataclass
class Lexicon:
    """Everything language-specific: phrases to match (normalised) and reply templates."""

    lang: str
    wake_words: list[Phrase]
    clause_splitters: list[Phrase]
    all_words: list[Phrase]
    markers: list[Phrase]
    categories: dict[str, list[str]]
    properties: dict[str, list[str]]
    actions: dict[str, list[str]]
    relative: list[tuple[str, str, str]]
    questions: list[tuple[str, str]]
    code_words: list[str]
    half_words: list[str]
    max_words: list[str]
    min_words: list[str]
    units: dict[str, list[str]]
    colors: dict[str, list[str]]
    modes: dict[str, list[str]]
    replies: dict[str, Any]
    phrases: list[tuple[str, str, Phrase]] = field(default_factory=list)
    """(kind, value, phrase) for every matchable entry but devices and rooms."""

    def display(self, table: dict[str, list[str]], key: str) -> str:
        """The display word of ``key`` in ``table`` (its first entry, as written in the file)."""
        words = table.get(key)
        return words[0] if words else key


def _phrases(words: list[str]) -> list[Phrase]:
    return [Phrase(w) for w in words]


@cache
def load_lexicon(lang: str) -> Lexicon:
    """The lexicon of ``lang`` (zh, en or fr), parsed once."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}")
    text = resources.files("hub.nlu").joinpath("lang", f"{lang}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    lex = Lexicon(
        lang=lang,
        wake_words=_phrases(data.get("wake_words", [])),
        clause_splitters=_phrases(data.get("clause_splitters", [])),
        all_words=_phrases(data.get("all_words", [])),
        markers=_phrases(data.get("markers", [])),
        categories=data["categories"],
        properties=data["properties"],
        actions={str(k): v for k, v in data["actions"].items()},
        relative=[(r["phrase"], r["action"], r["property"]) for r in data.get("relative", [])],
        questions=[(q["phrase"], q["property"]) for q in data.get("questions", [])],
        code_words=data.get("code_words", []),
        half_words=data.get("half_words", []),
        max_words=data.get("max_words", []),
        min_words=data.get("min_words", []),
        units={k: [normalize(w) if w not in ("%",) else w for w in v] for k, v in data.get("units", {}).items()},
        colors=data.get("colors", {}),
        modes=data.get("modes", {}),
        replies=data["replies"],
    )
    add = lex.phrases.append
    for category, words in lex.categories.items():
        for word in words:
            add(("category", category, Phrase(word)))
    for prop, words in lex.properties.items():
        for word in words:
            add(("property", prop, Phrase(word)))
    for action, words in lex.actions.items():
        for word in words:
            add(("action", action, Phrase(word)))
    for phrase, action, prop in lex.relative:
        add(("relative", f"{action}:{prop}", Phrase(phrase)))
    for phrase, prop in lex.questions:
        add(("question", prop, Phrase(phrase)))
    for color, words in lex.colors.items():
        for word in words:
            add(("color", color, Phrase(word)))
    for mode, words in lex.modes.items():
        for word in words:
            add(("mode", mode, Phrase(word)))
    for word in lex.half_words:
        add(("special", "half", Phrase(word)))
    for word in lex.max_words:
        add(("special", "max", Phrase(word)))
    for word in lex.min_words:
        add(("special", "min", Phrase(word)))
    for word in lex.code_words:
        add(("code", "code", Phrase(word)))
    for phrase in lex.all_words:
        lex.phrases.append(("all", "all", phrase))
    return lex
