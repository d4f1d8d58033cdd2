"""Unlock codes out of what the hub keeps and shows: the code's digits in a command's text become stars.

The speaker knows the codes it parsed; ``redact`` stars every run of digits in the text that spells one of
them, however it was said: "123456", "一二三四五六", "幺二三四五六", "1 2 3 4 5 6", "１２３４５６".

``hide`` does not depend on the parser having understood anything: after any code word of any language
(``code_words`` in lang/<code>/commands.yaml: "密码", "code", "PIN", "mot de passe"…) the first thing in the same
clause, at most ``LEAD_WORDS`` words on, that looks like a code — digits or number words of zh/en/fr, with
any separators between them ("1_2_3", "12-34-56", "十二万三千四百五十六", "one two three", "quatre-vingt-dix")
— is starred: a star per digit or Chinese numeral, one per number word. The clause ends at sentence
punctuation (not one between two pieces of the code: "1,2,3") or a "then" word. Everything the hub stores,
shows, logs, taps or announces goes through it, on top of ``redact`` with the codes it parsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from hub.language import LANGUAGES
from hub.nlu.data import language_file
from hub.nlu.lexicon import load_lexicon
from hub.nlu.numbers import CN_NUMERAL
from hub.protocol import CommandResult

_DIGITS = {**{str(n): str(n) for n in range(10)}, **{chr(0xFF10 + n): str(n) for n in range(10)},
           "零": "0", "〇": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5",
           "六": "6", "七": "7", "八": "8", "九": "9"}
_DIGIT = "[" + "".join(_DIGITS) + "]"
_RUN = re.compile(rf"{_DIGIT}(?:[\s\-.,]?{_DIGIT})*")
"""Digits said in a row, single spaces or dashes between them allowed ("1 2 3 4 5 6", "123-456")."""


def redact(text: str, codes: Iterable[str | None]) -> str:
    """``text`` with every run of digits that contains one of ``codes`` starred, digit by digit."""
    wanted = {c for c in codes if c}
    if not wanted:
        return text

    def star(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = "".join(_DIGITS.get(c, "") for c in run)
        if not any(code in digits for code in wanted):
            return run
        return "".join("*" if c in _DIGITS else c for c in run)

    return _RUN.sub(star, text)


def star(value: object) -> str:
    """A code as the log shows it: one star per character."""
    return "*" * len(str(value))


LEAD_WORDS = 3
"""Words (a Chinese character is one) that may stand between a code word and the code it introduces."""
_CLAUSE_END = frozenset("，。！？；;!?\n、,.")
"""Sentence punctuation: a clause ends there, unless it stands between two pieces of a code ("1,2,3")."""
_TOKEN = re.compile(r"[0-9]|[a-z]+|\s+|.", re.S)


def _fold_char(char: str) -> str:
    """One character lower-cased, half-width and without accent, if that is one character; else itself."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    return folded if len(folded) == 1 else char


class _FoldTable(dict[int, str]):
    """``str.translate``'s table for ``_fold``: each character's fold, worked out the first time it is met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLDS = _FoldTable()


def _fold(text: str) -> str:
    """``text`` folded character by character: same length, so that offsets hold in ``text``."""
    return text.translate(_FOLDS)


@dataclass(frozen=True)
class _Words:
    """Every language's code words (as a pattern), number words and "then" words, folded."""

    code_word: re.Pattern[str]
    needles: tuple[str, ...]
    """Text that every code word contains (its longest word): a text without any of them has no code word,
    and the pattern is not run over it."""
    numbers: frozenset[str]
    numerals: frozenset[str]
    joiners: frozenset[str]
    splitters: frozenset[str]


def _phrase(word: str) -> str:
    pattern = r"\s+".join(re.escape(piece) for piece in word.split())
    if word[:1].isascii() and word[:1].isalpha():
        pattern = r"(?<![a-z0-9])" + pattern
    if word[-1:].isascii() and word[-1:].isalpha():
        pattern += r"(?![a-z])"
    return pattern


@cache
def _words() -> _Words:
    code_words: set[str] = set()
    numbers: set[str] = set()
    joiners: set[str] = set()
    splitters: set[str] = set()
    for lang in LANGUAGES:
        data = language_file(lang, "commands")
        code_words.update(_fold(str(w)).strip() for w in data.get("code_words", []))
        lex = load_lexicon(lang)
        for word in [*lex.numbers.words, *lex.numbers.scales]:
            numbers.update(word.split())  # "quatre vingt": each of its words
        joiners.update(lex.numbers.joiners)
        splitters.update(_fold(s) for s in lex.splitters)
    ordered = sorted((w for w in code_words if w), key=len, reverse=True)
    longest = {max(w.split(), key=len) for w in ordered}
    needles = tuple(sorted(n for n in longest if not any(o != n and o in n for o in longest)))
    return _Words(code_word=re.compile("|".join(_phrase(w) for w in ordered)), needles=needles,
                  numbers=frozenset(numbers),
                  numerals=frozenset(CN_NUMERAL + "幺万亿" + "".join(_DIGITS)), joiners=frozenset(joiners),
                  splitters=frozenset(splitters))


def _starred(folded: str, start: int, words: _Words) -> list[tuple[int, int]]:
    """Where the code said after a code word that ends at ``start`` is: (start, end) of each of its pieces
    (a digit, a Chinese numeral, a number word), each to become one star. A star is a piece already hidden:
    hiding twice changes nothing."""
    pieces: list[tuple[int, int]] = []
    found = False  # a piece of code met (stars included)
    ended = False  # sentence punctuation since the last piece: only another piece carries the code on
    lead = 0  # words between the code word and the code ("密码为…", "code for the door: …")
    for match in _TOKEN.finditer(folded, start):
        token = match.group(0)
        if token == "*" or token.isdigit() or token in words.numerals or token in words.numbers:
            if token != "*":
                pieces.append(match.span())
            found, ended = True, False
        elif token in _CLAUSE_END:
            if not found:
                break  # the clause ended before any code was said
            ended = True
        elif token.isalnum():  # a word
            if found and (ended or token not in words.joiners):
                break  # the code is over
            if not found:
                lead += 1
                if lead > LEAD_WORDS or any(folded.startswith(s, match.start()) for s in words.splitters):
                    break  # "…密码不会发给任何一个", "…code, then…": what follows is not the code
    return pieces


def hide(text: str, codes: Iterable[str | None] = ()) -> str:
    """``text`` with the code said after any code word starred (see the module docstring), and every run
    of digits that spells one of ``codes`` (the codes the parser found) too."""
    words = _words()
    folded = _fold(text)
    pieces: dict[int, int] = {}
    if any(needle in folded for needle in words.needles):
        for match in words.code_word.finditer(folded):
            pieces.update(_starred(folded, match.end(), words))
    if pieces:
        out, at = [], 0
        for start in sorted(pieces):
            if start < at:
                continue
            out += [text[at:start], "*"]
            at = pieces[start]
        text = "".join(out) + text[at:]
    return redact(text, codes)


RUN_DIGITS = 4
"""Digits in a row that an unlock order has starred wherever they stand ("打开门锁 482913", "482913 is the code")."""
_SEPARATORS = frozenset(" \t-_.,，、")


def hidden(result: CommandResult, codes: Iterable[str | None] = ()) -> CommandResult:
    """``result`` with the unlock codes its text and reply say starred (``hide``): the same object when
    there is none (a recording recognises the command it was told of as said)."""
    text, reply = hide(result.text, codes), hide(result.reply, codes)
    if text == result.text and reply == result.reply:
        return result
    return result.model_copy(update={"text": text, "reply": reply})


@cache
def _digit_words() -> dict[str, str]:
    """Every language's words for one digit, folded: "seven" -> "7", "sept" -> "7", "七" -> "7", "幺" -> "1"."""
    found = dict(_DIGITS)
    for lang in LANGUAGES:
        for word, value in load_lexicon(lang).numbers.words.items():
            if " " not in word and value == int(value) and 0 <= value <= 9:
                found[_fold(word)] = str(int(value))
    return found


def _digit_pieces(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digit) of each digit or digit word of ``text``, in order."""
    digits = _digit_words()
    return [(m.start(), m.end(), digits[m.group(0)]) for m in _TOKEN.finditer(_fold(text)) if m.group(0) in digits]


def spoken_digits(text: str) -> str | None:
    """The digit string ``text`` says when it is nothing but digits said one by one in any language, with
    spaces or dashes between them ("七三九一六四", "one two three four", "4-8-2-9") — a code read digit by
    digit; None if it says anything else."""
    folded = _fold(text)
    pieces = _digit_pieces(text)
    covered = {i for start, end, _digit in pieces for i in range(start, end)}
    if not pieces or any(c not in _SEPARATORS and c not in "。！!" for i, c in enumerate(folded) if i not in covered):
        return None
    return "".join(digit for _start, _end, digit in pieces)


def star_all(text: str) -> str:
    """An answer that is a code, whatever its form: every character that is not a space becomes a star."""
    return "".join(c if c.isspace() else "*" for c in text)


def star_runs(text: str, least: int = RUN_DIGITS) -> str:
    """``text`` with every run of at least ``least`` digits or digit words (separators between them allowed)
    starred, a star per digit or word: what an unlock order says may be its code, with a code word or not."""
    folded = _fold(text)
    runs: list[list[tuple[int, int, str]]] = []
    for piece in _digit_pieces(text):
        last = runs[-1][-1] if runs else None
        if last is not None and all(c in _SEPARATORS for c in folded[last[1]:piece[0]]):
            runs[-1].append(piece)
        else:
            runs.append([piece])
    out, at = [], 0
    for run in runs:
        if len(run) < least:
            continue
        for start, end, _digit in run:
            out += [text[at:start], "*"]
            at = end
    return "".join(out) + text[at:]
