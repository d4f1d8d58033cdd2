"""Saying things well in each language: counts with measure words, lists, French agreement.

Pure functions of a ``Lexicon`` and plain strings; the grammar tables are in lang/*.yaml (``grammar``).
"""

from __future__ import annotations

from hub.nlu.lexicon import Lexicon
from hub.nlu.text import normalize

_VOWELS = "aeiouyh"


def count(lex: Lexicon, n: int) -> str:
    """A small count as a word ("两", "two", "deux"), a larger one in digits."""
    numerals = lex.grammar.get("numerals", {})
    return str(numerals.get(n, n))


def measure(lex: Lexicon, category: str) -> str:
    """The measure word of a category (Chinese: 盏 for lights, 台 for appliances, 个 otherwise)."""
    return str(lex.grammar.get("measure_words", {}).get(category, lex.grammar.get("default_measure", "")))


def join(lex: Lexicon, items: list[str]) -> str:
    """``a、b和c`` / ``a, b and c`` / ``a, b et c``."""
    replies = lex.replies
    if len(items) <= 1:
        return "".join(items)
    return replies["list_sep"].join(items[:-1]) + replies["list_last"] + items[-1]


def feminine(lex: Lexicon, name: str) -> bool:
    """Whether a French name is feminine (decided by its first word, "lampe de bureau": yes)."""
    words = normalize(name).split()
    return bool(words) and words[0] in lex.grammar.get("feminine", ())


def agreement(lex: Lexicon, names: list[str]) -> str:
    """The ending a French participle takes after these names: "", "e", "s" or "es"."""
    if lex.lang != "fr" or not names:
        return ""
    all_feminine = all(feminine(lex, n) for n in names)
    return ("e" if all_feminine else "") + ("s" if len(names) > 1 or _plural(names[0]) else "")


def _plural(name: str) -> bool:
    first = normalize(name).split()[:1]
    return bool(first) and first[0].endswith(("s", "x")) and len(first[0]) > 3


def of_place(lex: Lexicon, place: str) -> str:
    """"du salon", "de la chambre", "de l'entrée" (French); the name itself otherwise."""
    if lex.lang != "fr":
        return place
    if normalize(place)[:1] in _VOWELS:
        return f"de l'{place}"
    return f"de la {place}" if feminine(lex, place) else f"du {place}"


def the_place(lex: Lexicon, place: str) -> str:
    """A name with its definite article: "le salon", "la chambre", "l'entrée", "the desk lamp" ("Rover" and
    Chinese names stay as they are)."""
    if lex.lang == "en":
        return place if place[:1].isupper() or place.startswith("the ") else f"the {place}"
    if lex.lang != "fr":
        return place
    if normalize(place)[:1] in _VOWELS:
        return f"l'{place}"
    return f"la {place}" if feminine(lex, place) else f"le {place}"


def capitalize(lex: Lexicon, text: str) -> str:
    """A sentence starting with a capital letter, where the language writes one."""
    if lex.grammar.get("capitalize") and text[:1].islower():
        return text[:1].upper() + text[1:]
    return text


def group(lex: Lexicon, category: str, n: int, place: str | None) -> str:
    """Several devices of one kind: "客厅的两盏灯", "the two lights in the living room", "les deux
    lumières du salon"; without a place, all of the home's."""
    template = lex.replies["group"] if place else lex.replies["group_home"]
    return template.format(count=count(lex, n), measure=measure(lex, category), category=lex.noun(category, True),
                           room=place or "", of_room=of_place(lex, place or ""))
