"""One-letter slips: "turn of the desk lamp", "switch off the televison", "打开太灯" (a homophone).

When a sentence is not understood, asks for a value it names none of, or leaves a word unknown, ``meant``
tries every correction of one word by one letter (in Chinese: one character by another read the same way,
after pypinyin) that turns it into a word the home or the language knows, and reads the sentence again. The
cheapest correction that is understood in full, and differently, is what was meant: the hub asks "Do you mean
…?" and acts only on a yes. A slip never acts by itself, and a guess never widens an order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from pypinyin import Style, pinyin

from hub.nlu.catalog import Catalog
from hub.nlu.clause import Clause, numbers_of
from hub.nlu.data import language_file
from hub.nlu.lexicon import Lexicon, load_lexicon
from hub.nlu.models import Understanding
from hub.nlu.scan import mask
from hub.nlu.text import BOUNDARY, PhraseIndex, has_cjk, normalize

_SKIP = frozenset({"replies", "grammar", "fillers", "markers", "wake_words", "which_answers", "suggestions",
                   "detect", "numbers", "espeak_voice", "lang", "small_talk", "polite", "negations"})
"""Parts of a language file whose words are no target for a correction (replies, fillers, small talk…)."""
_LATIN = re.compile(r"[^\W\d_]+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LONGEST = 6
"""The longest Chinese word a character is corrected into."""
_ENDINGS = frozenset({"s", "es", "e", "x", "d", "ed", "r", "er", "ez"})
_FUNCTION = frozenset({"of", "in", "on", "to", "at", "it", "is", "a", "an", "the", "can", "de", "la", "le", "du",
                       "un", "en"})
"""Short words of English and French a slip may hide behind ("turn of the lamp"): corrected only into a word
of what to do, and only when the sentence is not understood without."""
MAX_TRIES = 16
"""Corrections read again, cheapest first, at most."""

Reader = Callable[[str], Understanding]


def _phrases(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in _SKIP:
                yield from _phrases(value)
    elif isinstance(data, list):
        for item in data:
            yield from _phrases(item)


_FIRST = ("actions", "states", "categories", "properties", "compounds")
"""Parts of a language file whose words a slip is most likely of: what to do, and to what."""


def _words(text: str) -> list[str]:
    text = normalize(text.replace("*", " "))
    return _CJK_RUN.findall(text) if has_cjk(text) else _LATIN.findall(text)


@cache
def _language_words(lang: str) -> dict[str, int]:
    """The words of the language file's phrases, each with its rank: 0 for the words of actions, states and
    kinds of device, 1 for the others (values, questions, places…)."""
    data = language_file(lang, "commands")
    words: dict[str, int] = {}
    for key, part in data.items():
        if key in _SKIP:
            continue
        rank = 0 if key in _FIRST else 1
        for phrase in _phrases(part):
            for word in _words(phrase):
                words[word] = min(rank, words.get(word, rank))
    return words


@cache
def _doing_words(lang: str) -> frozenset[str]:
    """The words of the language's actions and states: what a short function word may be a slip of."""
    data = language_file(lang, "commands")
    return frozenset(w for key in ("actions", "states") for p in _phrases(data.get(key, {})) for w in _words(p))


def _home_words(catalog: Catalog) -> set[str]:
    """The words of the home's names: worked out once per state of the names, for every language."""
    found = catalog.derived.get("slips-home")
    if found is None:
        names = set(catalog.named)
        for table in (catalog.room_names, catalog.floor_names):
            names.update(normalize(n) for by_lang in table.values() for ns in by_lang.values() for n in ns)
        found = catalog.derived["slips-home"] = {word for name in names for word in _words(name)}
    return found  # type: ignore[no-any-return]


def unknown(clause: Clause, lex: Lexicon) -> bool:
    """Whether a clause leaves a word unknown: a Chinese character, or a word of three letters or more, that
    is neither a known phrase, a filler nor a number."""
    masked = mask(clause.text, clause.hits, clause.offset)
    chars = list(masked)
    spans = [(s, e) for s, e, _w in lex.fillers.find(masked)]
    spans += [(n.start, n.end) for n in numbers_of(clause, lex)]
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    rest = "".join(chars)
    return bool(_CJK_RUN.search(rest)) or any(len(w) >= 3 for w in _LATIN.findall(rest))


def leaves_unknown(body: str, lang: str, catalog: Catalog) -> bool:
    """Whether some clause of ``body`` (normalised) leaves a word unknown."""
    from hub.nlu.parser import clauses  # the parser reads slips with this module: imported when needed

    lex = load_lexicon(lang)
    return any(unknown(clause, lex) for clause in clauses(body, lex, catalog))


def complete(understanding: Understanding) -> bool:
    """Understood in full: orders or questions, each with a target it names or implies, and a value where
    one is to be set."""
    return bool(understanding.intents) and not any(
        (i.action == "set" and i.value is None and i.attribute is None) or i.target.missing or i.target.unknown
        or i.target.empty for i in understanding.intents)


def _deletions(word: str) -> set[str]:
    """``word`` with one letter left out, each way."""
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _cost(word: str, other: str) -> int | None:
    """What turning ``word`` into ``other`` costs when they are one letter apart: a letter added, dropped or
    swapped with its neighbour 1, one replaced by another 2 ("of" is "off" before it is "on"); else None."""
    if len(other) != len(word):
        short, long = sorted((word, other), key=len)
        return 1 if len(long) == len(short) + 1 and short in _deletions(long) else None
    diff = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
    if len(diff) == 1:
        return 2
    swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == other[diff[1]]
    return 1 if swapped and word[diff[1]] == other[diff[0]] else None


def _edits(word: str, near: dict[str, set[str]]) -> dict[str, int]:
    """The known words one letter from ``word``, with their cost, found through ``near`` (each known word under
    itself and under each of its one-letter deletions) without spelling out every edit."""
    found: dict[str, int] = {}
    for variant in _deletions(word) | {word}:
        for other in near.get(variant, ()):
            if other != word and other not in found and (cost := _cost(word, other)) is not None:
                found[other] = cost
    return found


def _inflected(word: str, other: str) -> bool:
    """Whether two words differ only by an ending ("heater" / "heaters", "coupé" / "coupée"): no slip."""
    short, long = sorted((word, other), key=len)
    return long.startswith(short) and long[len(short):] in _ENDINGS


def _latin(body: str, vocabulary: dict[str, int], near: dict[str, set[str]], doing: frozenset[str],
           fillers: PhraseIndex[str], strict: bool) -> list[tuple[int, str]]:
    """(cost, corrected body) for each one-letter correction of a word into a known one. A known word is
    corrected only when ``strict`` is false, and then only into a word of what to do ("turn of" -> "turn off",
    not "can" -> "cyan"); never into another form of itself."""
    found = []
    previous = ""
    for match in _LATIN.finditer(body):
        word, before, previous = match.group(), previous, match.group()
        known = word in _FUNCTION
        if known and before not in doing:
            continue  # a particle slips after its verb ("turn of"), not anywhere ("light in the study")
        filler = any(e - s == len(word) for s, e, _w in fillers.find(word))
        if len(word) < 2 or (known and strict) or (not known and (word in vocabulary or filler)):
            continue
        edits = _edits(word, near)
        if any(_inflected(word, edit) for edit in edits):
            continue  # another form of a known word ("acs", "passer"): no slip
        for edit, cost in edits.items():
            if not known or edit in doing:
                fixed = body[:match.start()] + edit + body[match.end():]
                found.append((cost + 2 * known + vocabulary[edit], fixed))
    return found


@cache
def _readings(char: str) -> frozenset[str]:
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


Holes = dict[str, list[tuple[str, int]]]


def _known(lang: str, catalog: Catalog) -> tuple[dict[str, int], Holes, dict[str, set[str]]]:
    """The words a slip may be of (language and home, with their ranks); the Chinese ones indexed by each
    character left out ("台?" -> 台灯); the others under themselves and each of their one-letter deletions.
    Derived once per language and state of the home's names."""
    key = ("slips", lang)
    found = catalog.derived.get(key)
    if found is None:
        vocabulary = dict(_language_words(lang)) | dict.fromkeys(_home_words(catalog), 0)
        holes: Holes = {}
        near: dict[str, set[str]] = {}
        for word in vocabulary:
            if has_cjk(word):
                if 2 <= len(word) <= _LONGEST:
                    for i in range(len(word)):
                        holes.setdefault(word[:i] + "?" + word[i + 1:], []).append((word, i))
            else:
                for variant in _deletions(word) | {word}:
                    near.setdefault(variant, set()).add(word)
        found = catalog.derived[key] = (vocabulary, holes, near)
    return found  # type: ignore[no-any-return]


def _chinese(body: str, holes: Holes, lex: Lexicon, catalog: Catalog) -> list[tuple[int, str]]:
    """(cost, corrected body) for each character that, read the same way, makes a known word with its
    neighbours ("太灯" -> "台灯", "客听" -> "客厅"); a longer word costs less."""
    found = []
    known = {(s, e) for s, e, _v in lex.index.find(body)} | {(s, e) for s, e, _v in catalog.index.find(body)}
    for p, char in enumerate(body):
        if not has_cjk(char) or any(s <= p < e and e - s >= 2 for s, e in known):
            continue  # a character inside a known word is no slip
        for size in range(2, _LONGEST + 1):
            for i in range(size):
                start = p - i
                piece = body[start:start + size]
                if start < 0 or len(piece) < size:
                    continue
                for word, at in holes.get(piece[:i] + "?" + piece[i + 1:], []):
                    if at == i and word[i] != char and _readings(char) & _readings(word[i]):
                        found.append((_LONGEST - size, body[:p] + word[i] + body[p + 1:]))
    return found


def meant(body: str, lang: str, lex: Lexicon, catalog: Catalog, original: Understanding,
          read: Reader) -> Understanding | None:
    """What ``body`` (normalised) meant if a one-letter slip is corrected: the cheapest correction that
    ``read`` understands in full and differently from ``original``; None if there is none."""
    vocabulary, holes, near = _known(lang, catalog)
    whole = complete(original)
    if has_cjk(body):
        corrections = _chinese(body, holes, lex, catalog)
    else:
        corrections = _latin(body, vocabulary, near, _doing_words(lang), lex.fillers, whole)
    actions = [i.action for i in original.intents]
    for _cost, text in sorted(set(corrections))[:MAX_TRIES]:
        understood = read(text)
        if not complete(understood) or understood.intents == original.intents:
            continue
        if whole and [i.action for i in understood.intents] != actions and (
                not has_cjk(body) or leaves_unknown(text, lang, catalog)):
            continue  # understood already: only a homophone that explains every word may change the order
            # ("关掉扫地鸡器人": not "clean"); a letter may not ("I am going to read" is no "red")
        understood.text = text.replace(f" {BOUNDARY} ", ", ").replace(BOUNDARY, "")
        return understood
    return None
