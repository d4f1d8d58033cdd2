"""Saying things well in each language: counts with measure words, lists, articles and agreement.

Pure functions of a ``Lexicon`` and plain strings. The functions know no language: every fact of a grammar is
data, in the ``grammar`` section of ``lang/<code>/commands.yaml`` (list words and joiners are in ``replies``).
A key a language leaves out turns its rule off, so that a name is said as it is. The keys:

- ``capitalize``: sentences start with a capital letter (en, fr); ``sentence_space``: what goes between two
  sentences (a space in en and fr, nothing in zh); ``decimal_mark``: how a decimal is written ("20,9" in fr).
- ``numerals``, ``measure_words``, ``default_measure``: small counts as words, and the measure word of a
  category ("两盏灯", "two lights").
- ``nouns``: a category's noun, singular and plural.
- ``feminine`` (first words of feminine names) and ``plural_words`` (``endings`` and the length a first word
  must exceed): the gender and number of a name, decided by its first word ("lampe de bureau": feminine,
  "rideaux du salon": plural).
- ``agreement``: the endings a participle takes after names, ``feminine`` and ``plural``, added in that order
  ("allumée", "allumés", "allumées"); ``all_agreement``: the plural ending of the word for "all" by gender
  ("tous", "toutes"); ``be``: the verb "to be" after one name or several (``one``, ``many``).
- ``the_place`` and ``of_place``: a name with its definite article and with "of"; one template for every name
  ("the {place}"), or one per ``masculine``, ``feminine`` and ``elided`` name, ``elided`` being for names that
  start with a letter of ``elision`` ("l'entrée", "de l'entrée"). ``bare_names``: names said without an
  article: ``capitalized`` ones ("Rover") and those that already start with one of ``prefixes`` ("the ...").

A new language with a grammar like one of these needs only its data file.
"""

from __future__ import annotations

from typing import Any

from hub.nlu.lexicon import Lexicon
from hub.nlu.text import normalize


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
    """Whether a name is feminine (decided by its first word: "lampe de bureau" is, in French)."""
    words = normalize(name).split()
    return bool(words) and words[0] in lex.grammar.get("feminine", ())


def plural(lex: Lexicon, name: str) -> bool:
    """Whether a name is plural, by the ending of its head word — the first in French ("rideaux du salon"), the
    last in English ("bedroom curtains"), as ``grammar.plural_words`` says."""
    rule = lex.grammar.get("plural_words")
    words = normalize(name).split()
    if not rule or not words:
        return False
    head = words[-1] if rule.get("head") == "last" else words[0]
    return head.endswith(tuple(rule["endings"])) and len(head) > int(rule["longer_than"])


def agreement(lex: Lexicon, names: list[str]) -> str:
    """The ending a participle takes after these names: "", "e", "s" or "es" in French, "" where none."""
    endings = lex.grammar.get("agreement")
    if not endings or not names:
        return ""
    all_feminine = all(feminine(lex, n) for n in names)
    several = len(names) > 1 or plural(lex, names[0])
    return (endings["feminine"] if all_feminine else "") + (endings["plural"] if several else "")


def all_agreement(lex: Lexicon, names: list[str]) -> str:
    """The plural ending of the word for "all" before these names ("tou-s", "tou-tes"), "" where none."""
    endings = lex.grammar.get("all_agreement")
    if not endings:
        return ""
    return str(endings["feminine" if names and all(feminine(lex, n) for n in names) else "masculine"])


def be(lex: Lexicon, n: int) -> str:
    """The verb "to be" after ``n`` names: "is" / "are", "est" / "sont"; "" where the language has none."""
    forms = lex.grammar.get("be")
    return str(forms["one" if n <= 1 else "many"]) if forms else ""


def of_place(lex: Lexicon, place: str) -> str:
    """"du salon", "de la chambre", "de l'entrée" (French); the name itself where there is no such form."""
    return _with_article(lex, "of_place", place)


def the_place(lex: Lexicon, place: str) -> str:
    """A name with its definite article: "le salon", "la chambre", "l'entrée", "the desk lamp" ("Rover" and
    Chinese names stay as they are)."""
    return _with_article(lex, "the_place", place)


def _with_article(lex: Lexicon, kind: str, place: str) -> str:
    """``place`` in the grammar's ``kind`` template, chosen by the name's gender and first letter."""
    forms: str | dict[str, str] | None = lex.grammar.get(kind)
    if not forms or _bare(lex.grammar.get("bare_names"), place):
        return place
    if isinstance(forms, str):
        return forms.format(place=place)
    if "plural" in forms and plural(lex, place):
        return forms["plural"].format(place=place)
    if "elided" in forms and normalize(place)[:1] in lex.grammar.get("elision", ""):
        return forms["elided"].format(place=place)
    return forms["feminine" if feminine(lex, place) else "masculine"].format(place=place)


def _bare(rule: dict[str, Any] | None, place: str) -> bool:
    """Whether ``place`` is said without an article (a proper name, or one that carries its article)."""
    if not rule:
        return False
    first = place.split(" ")[0]
    proper = bool(rule.get("capitalized")) and first[:1].isupper() and not first.isupper()  # "Rover"; "TV" is none
    return proper or place.startswith(tuple(rule.get("prefixes", ())))


def capitalize(lex: Lexicon, text: str) -> str:
    """A sentence starting with a capital letter, where the language writes one."""
    if lex.grammar.get("capitalize") and text[:1].islower():
        return text[:1].upper() + text[1:]
    return text


def sentences(lex: Lexicon, *texts: str) -> str:
    """Sentences one after the other: "OK, …. OK, …" apart by a space, "好的，…。好的，…" together."""
    return str(lex.grammar.get("sentence_space", "")).join(texts)


def group(lex: Lexicon, category: str, n: int, place: str | None) -> str:
    """Several devices of one kind: "客厅的两盏灯", "the two lights in the living room", "les deux
    lumières du salon"; without a place, all of the home's."""
    template = lex.replies["group"] if place else lex.replies["group_home"]
    return template.format(count=count(lex, n), measure=measure(lex, category), category=lex.noun(category, True),
                           room=place or "", of_room=of_place(lex, place or ""))


def which(lex: Lexicon, noun: str) -> str:
    """The word for "which one" that agrees with ``noun`` (``grammar.which``: "Lequel", "Laquelle"); "" where
    the language has none."""
    forms = lex.grammar.get("which")
    if not forms:
        return ""
    return str(forms["feminine" if feminine(lex, noun) else "masculine"])


def article(lex: Lexicon, name: str, *, of: bool = False) -> str:
    """The article before ``name`` by the language's spelling rule (``grammar.article``): "le ", "l'", "les "
    (or "du ", "de l'", "des " with ``of``); "" in a language without articles."""
    rule = lex.grammar.get("article")
    if not rule:
        return ""
    key = "of" if of else "the"
    word = name.split(" ")[0].lower()
    plural_words = lex.grammar.get("plural_words") or {}
    if word.endswith(tuple(plural_words.get("endings", ()))) and len(word) > int(plural_words.get("longer_than", 0)):
        return str(rule["plural"][key])
    if word[:1] and word[:1] in rule["vowels"]:
        return str(rule["elided"][key])
    masculine = word.endswith(tuple(rule["masculine_endings"])) or not word.endswith(tuple(rule["feminine_endings"]))
    return str(rule["masculine" if masculine else "feminine"][key])
