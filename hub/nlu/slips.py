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
    names = set(catalog.named)
    for table in (catalog.room_names, catalog.floor_names):
        names.update(normalize(n) for by_lang in table.values() for ns in by_lang.values() for n in ns)
    return {word for name in names for word in _words(name)}


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


def _edits(word: str, letters: str) -> Iterator[tuple[str, int]]:
    """Every word one letter away from ``word``, with its cost: a letter doubled, dropped or swapped costs 1,
    one replaced by another 2 ("of" is "off" before it is "on")."""
    for i in range(len(word) + 1):
        for c in letters:
            yield word[:i] + c + word[i:], 1
        if i < len(word):
            yield word[:i] + word[i + 1:], 1
            if i + 1 < len(word):
                yield word[:i] + word[i + 1] + word[i] + word[i + 2:], 1
            for c in letters:
                if c != word[i]:
                    yield word[:i] + c + word[i + 1:], 2


def _inflected(word: str, other: str) -> bool:
    """Whether two words differ only by an ending ("heater" / "heaters", "coupé" / "coupée"): no slip."""
    short, long = sorted((word, other), key=len)
    return long.startswith(short) and long[len(short):] in _ENDINGS


def _latin(body: str, vocabulary: dict[str, int], doing: frozenset[str], fillers: PhraseIndex[str],
           strict: bool) -> list[tuple[int, str]]:
    """(cost, corrected body) for each one-letter correction of a word into a known one. A known word is
    corrected only when ``strict`` is false, and then only into a word of what to do ("turn of" -> "turn off",
    not "can" -> "cyan"); never into another form of itself."""
    letters = "".join(sorted({c for w in vocabulary for c in w if c.isalpha() and c.isascii()}))
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
        edits = {edit: cost for edit, cost in reversed(list(_edits(word, letters))) if edit in vocabulary}
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


def _chinese(body: str, vocabulary: dict[str, int], lex: Lexicon, catalog: Catalog) -> list[tuple[int, str]]:
    """(cost, corrected body) for each character that, read the same way, makes a known word with its
    neighbours ("太灯" -> "台灯", "客听" -> "客厅"); a longer word costs less."""
    holes: dict[str, list[tuple[str, int]]] = {}
    for word in vocabulary:
        if has_cjk(word) and 2 <= len(word) <= _LONGEST:
            for i in range(len(word)):
                holes.setdefault(word[:i] + "?" + word[i + 1:], []).append((word, i))
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
    vocabulary = dict(_language_words(lang)) | dict.fromkeys(_home_words(catalog), 0)
    whole = complete(original)
    if has_cjk(body):
        corrections = _chinese(body, vocabulary, lex, catalog)
    else:
        corrections = _latin(body, vocabulary, _doing_words(lang), lex.fillers, whole)
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
