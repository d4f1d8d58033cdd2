"""Text -> intents: a pure, synchronous, data-driven parser for zh, en and fr.

The sentence is normalised (sentence punctuation kept as ``|``); the wake word is dropped; every known
phrase is found in one pass over an index (device, room and floor names from the home's catalog; the
language file's categories, properties, actions, states, questions, values), overlaps are settled
longest-first; the sentence is cut into clauses at "then" words, and at "and" words or punctuation
where both sides say what to do; each clause becomes intents (``hub.nlu.clause``); fragments ("客厅的",
"密码是123456") complete the clause next to them. Nothing here knows a language: that is in lang/<code>/commands.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from hub.language import LANGUAGES
from hub.nlu.catalog import Catalog
from hub.nlu.clause import Clause, interpret
from hub.nlu.data import language_file
from hub.nlu.lexicon import Lexicon, load_lexicon
from hub.nlu.models import Intent, Understanding
from hub.nlu.scan import ACTS, Hit, reread, scan, scan_gapped, settle
from hub.nlu.slips import complete, meant, unknown
from hub.nlu.talk import asked, questioned, small_talk
from hub.nlu.text import BOUNDARY, has_cjk, normalize, normalize_command

_DETECT_KINDS = frozenset({"action", "category", "property", "compound", "question", "state", "all", "home", "here",
                           "again", "media"})
_VALUE_KINDS = frozenset({"color", "mode", "level", "special"})
_HAS_DIGIT = re.compile(r"\d")
_BOUNDARY = re.compile(re.escape(BOUNDARY))
MAX_WAKE_START = 3
"""A wake word counts when at most this many characters come before it ("hey", "你好")."""


@cache
def _detect(lang: str) -> tuple[bool, frozenset[str]]:
    """How ``lang`` is told (``detect`` in its commands.yaml): written in Chinese characters; its own letters."""
    data = language_file(lang, "commands").get("detect") or {}
    return bool(data.get("chinese")), frozenset(str(data.get("letters", "")))


def detect_language(text: str) -> str:
    """The language of ``text``: one whose own letters it uses ("é": French) unless it has a Chinese character;
    the one written in Chinese characters if it has any; else whichever language explains more of its words
    (the first of ``LANGUAGES`` on a tie)."""
    if not has_cjk(text):
        for lang in LANGUAGES:
            if _detect(lang)[1] & set(text):
                return lang
    norm = normalize(text)
    chinese = has_cjk(norm)
    best, best_score = "", -1.0
    for lang in LANGUAGES:
        if _detect(lang)[0] != chinese:
            continue
        if chinese:
            return lang
        lex = load_lexicon(lang)
        score: float = sum(1 for _ in lex.markers.find(norm))
        score += sum(e - s for s, e, (kind, _v) in lex.index.find(norm) if kind in _DETECT_KINDS) / 4
        if score > best_score:
            best, best_score = lang, score
    return best


def strip_wake(text: str, lex: Lexicon) -> tuple[str, bool]:
    """``text`` without a wake word near its start, and whether there was one."""
    found = [(s, e) for s, e, _w in lex.wake.find(text) if s <= MAX_WAKE_START]
    if not found:
        return text, False
    _start, end = min(found, key=lambda span: (span[0], -span[1]))
    return text[end:].strip(f" {BOUNDARY}"), True


def _acts(hits: list[Hit]) -> bool:
    return any(h.kind in ACTS and not (h.kind == "compound" and h.value.implicit) for h in hits)


def _has_value(text: str, hits: list[Hit]) -> bool:
    return bool(_HAS_DIGIT.search(text)) or any(h.kind in _VALUE_KINDS for h in hits)


_TARGETS = frozenset({"device", "room", "category", "floor"})


def _orders(before: list[Hit], after: list[Hit]) -> bool:
    """Whether both sides give an order by a state alone ("desk lamp off, fan on"), with no question on
    either side (in a question a state is what is asked about: "is the lamp on and the fan off")."""
    if any(h.kind == "question" for h in before + after):
        return False
    return all(any(h.kind in ("state", *ACTS) for h in side) for side in (before, after))


def _verb_pairs(hits: list[Hit]) -> list[tuple[int, int]]:
    """Zero-width cuts before an order's verb that has a target of its own and follows another verb with
    its target: after it ("关台灯开风扇") or before it ("把客厅灯关掉打开台灯")."""
    cuts = []
    for i, hit in enumerate(hits):
        if hit.kind != "action" or not any(h.kind in _TARGETS for h in hits[i + 1:]):
            continue
        earlier = hits[:i]
        verb = max((j for j, h in enumerate(earlier) if h.kind == "action"), default=None)
        if verb is None:
            continue
        object_after = any(h.kind in _TARGETS for h in earlier[verb + 1:])  # 关 台灯 | 开 风扇
        object_before = verb == i - 1 and any(h.kind in _TARGETS for h in earlier[:verb])  # 把客厅灯 关掉 | 打开
        if object_after or object_before:
            cuts.append((hit.start, hit.start))
    return cuts


def _cut(text: str, start: int, end: int, hits: list[Hit]) -> list[tuple[int, int]]:
    """Where a stretch with no "then" word divides into commands: at "and" words and punctuation with
    something to do (or a value) on both sides, and between two verbs each with its own target."""
    soft = [(h.start, h.end) for h in hits if h.kind == "conjunction"]
    soft += [(m.start() + start, m.end() + start) for m in _BOUNDARY.finditer(text[start:end])]
    soft += _verb_pairs(hits)
    soft.sort()
    pieces, left = [], start
    for i, (s, e) in enumerate(soft):
        if s < left:
            continue
        right_end = next((s2 for s2, _e2 in soft[i + 1:] if s2 >= e), end)
        before = [h for h in hits if left <= h.start < s]
        after = [h for h in hits if e <= h.start < right_end]
        both_act = (_acts(before) and _acts(after)) or _orders(before, after)
        both_value = (_has_value(text[left:s], before) and _has_value(text[e:right_end], after)
                      and any(h.kind in ("device", "room", "category", "floor") for h in after))
        if both_act or both_value:
            pieces.append((left, s))
            left = e
    pieces.append((left, end))
    return pieces


def clauses(text: str, lex: Lexicon, catalog: Catalog) -> list[Clause]:
    """The clauses of a normalised sentence, each with its settled hits."""
    raw = scan(text, lex, catalog)
    exact = settle(raw, len(text))
    stretches, left = [], 0
    for hit in exact:
        if hit.kind == "splitter":
            stretches.append((left, hit.start))
            left = hit.end
    stretches.append((left, len(text)))
    result = []
    for start, end in stretches:
        piece = text[start:end]
        found = [h for h in exact if start <= h.start and h.end <= end and h.kind != "splitter"]
        every = [h for h in raw if start <= h.start and h.end <= end and h.kind != "splitter"]
        gapped = scan_gapped(piece, lex, start)
        found = reread(settle(found + gapped, len(text)), every + gapped, len(text), start)
        for s, e in _cut(text, start, end, found):
            own = [h for h in found if s <= h.start and h.end <= e]
            if text[s:e].strip(f" {BOUNDARY}"):
                result.append(Clause(text[s:e], s, own))
    return result


def _complete(intent: Intent, fragment: Intent) -> Intent:
    """``intent`` with what ``fragment`` adds: a code, or a target it lacked."""
    target = intent.target if not intent.target.empty else fragment.target
    code = intent.code or fragment.code
    action = "unlock" if code and intent.action in ("on", "unlock") else intent.action
    return replace(intent, target=target, code=code, action=action)


@dataclass(frozen=True)
class Normalized:
    """An utterance normalised once for every reader of a turn: its language, and its body without the wake
    word (sentence punctuation kept as ``|``)."""

    lang: str
    body: str
    woke: bool

    @property
    def core(self) -> str:
        """The body without sentence punctuation ("天猫精灵，晚安！" -> "晚安"): what scene names and requests
        are compared with."""
        return " ".join(self.body.replace(BOUNDARY, " ").split())


def normalized(text: str, lang: str | None = None) -> Normalized:
    """``text`` normalised once (``lang`` forces the language; else it is detected)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    lang = lang or detect_language(text)
    body, woke = strip_wake(normalize_command(text), load_lexicon(lang))
    return Normalized(lang, body, woke)


def understand(text: str, catalog: Catalog, lang: str | None = None, *,
               said: Normalized | None = None, slips: bool = True) -> Understanding:
    """Understand ``text`` against the home in ``catalog``; ``lang`` forces the language (``said``: the text
    normalised already, by ``normalized``; ``slips``: look for a one-letter slip where it falls short)."""
    said = said or normalized(text, lang)
    lang, body, woke = said.lang, said.body, said.woke
    lex = load_lexicon(lang)
    result = Understanding(text=text, lang=lang)
    if not body.replace(BOUNDARY, "").strip():
        result.problem = "wake" if woke else "empty"
        return result
    intents: list[Intent] = []
    waiting: Intent | None = None  # a fragment said before any intent
    declined = False
    parts = clauses(body, lex, catalog)
    for n, clause in enumerate(parts):
        found, fragment = interpret(clause, lex, catalog)
        if n == len(parts) - 1 and asked(text) and not any(h.kind == "polite" for h in clause.hits):
            found = [questioned(i) for i in found]  # "turn on the lamp?": is it on? A question never acts.
        if fragment is not None and fragment.action == "declined":
            declined = True
            continue
        if fragment is not None:
            if intents:
                intents[-1] = _complete(intents[-1], fragment)
            else:
                waiting = fragment if waiting is None else _complete(waiting, fragment)
            continue
        for intent in found:
            if waiting is not None:
                intent = _complete(intent, waiting)
            if intent.target.empty and intents:
                intent = replace(intent, target=intents[-1].target)
            intents.append(intent)
        if found:
            waiting = None
    explicit = [i for i in intents if not i.implicit]
    result.intents = explicit or intents
    if not result.intents:
        result.problem = "declined" if declined else "not_understood"
        result.fragment = waiting
        talk = small_talk(body, lex) if waiting is None and not declined else None
        if talk is not None:
            result.problem, result.talk = "small_talk", talk
    if slips and result.problem in (None, "not_understood") and (
            not complete(result) or any(unknown(clause, lex) for clause in parts)):
        mark = "?" if asked(text) else ""  # "turn on the dek lamp?" is still a question
        result.meant = meant(body, lang, lex, catalog, result,
                             lambda fixed: understand(fixed + mark, catalog, lang, slips=False))
    return result
