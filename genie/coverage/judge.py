"""The checker: did the device end where the sentence meant, and did the reply say so in the sentence's
language, with the value as people say it? One reason per failure, the first that applies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from genie.coverage.probes import Probe
from hub.protocol import PropertyValue

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-zà-ÿœæ]+")
_EN = frozenset(["the", "is", "are", "was", "were", "to", "of", "and", "set", "ok", "okay", "turned", "it", "its",
                 "at", "on", "off", "in", "has", "have", "now", "there", "can", "cannot", "can't", "no", "not",
    "your", "you", "i", "i'm", "sorry", "which", "what", "one", "by", "from", "for", "with", "this", "that", "be",
    "been", "done", "currently", "right", "moment"])
_FR = frozenset(["le", "la", "les", "l", "est", "sont", "à", "de", "du", "des", "d", "et", "en", "réglé", "réglée",
                 "allumé", "allumée", "éteint", "éteinte", "pas", "il", "y", "a", "n", "ce", "cette", "vous", "je",
    "chez", "sur", "pour", "avec", "accord", "d'accord", "un", "une", "au", "aux", "ne", "qu", "que", "désolé",
    "actuellement", "moment", "peux"])
_ACCENTS = frozenset("éèêëàâçùûôîïœ")


def reply_language(text: str) -> str:
    """The language a reply is in, by its own words: Chinese if Chinese characters carry it, else whichever
    of French and English its words and accents point to (ties: English)."""
    cjk = len(_CJK.findall(text))
    lowered = text.lower().replace("’", "'")
    words = [w for token in _LATIN.findall(lowered) for w in token.split("'") if w]
    latin = sum(len(w) for w in words)
    if cjk and cjk * 3 >= latin:
        return "zh"
    en = sum(w in _EN for w in words)
    fr = sum(w in _FR for w in words) + sum(c in _ACCENTS for c in lowered)
    return "fr" if fr > en else "en"


def _pattern(form: str) -> str:
    if _CJK.search(form):
        return re.escape(form)
    if re.fullmatch(r"[\d.,]+", form):
        return rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)"
    return rf"(?<!\w){re.escape(form.lower())}(?!\w)"


def says(reply: str, form: str) -> bool:
    """True if ``reply`` carries ``form``: Chinese as a substring, a number not inside a longer one, a word
    as a whole word (any case)."""
    return re.search(_pattern(form), reply.lower()) is not None


def which_state(reply: str, ours: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[bool, str | None]:
    """Read a two-state reply longest phrase first ("没有上锁" before "上锁", "not muted" before "muted"): whether
    it says one of ``ours``, and the first of ``theirs`` it says."""
    text = reply.lower()
    heard, wrong = False, None
    for form, mine in sorted([(f, True) for f in ours] + [(f, False) for f in theirs], key=lambda p: -len(p[0])):
        found = re.search(_pattern(form), text)
        if found is None:
            continue
        text = text[:found.start()] + " | " + text[found.end():]
        if mine:
            heard = True
        elif wrong is None:
            wrong = form
    return heard, wrong


@dataclass(frozen=True)
class Verdict:
    """Whether a probe passed, and if not, why (one line)."""

    passed: bool
    reason: str = ""


def judge(probe: Probe, before: dict[str, PropertyValue], after: dict[str, PropertyValue], reply: str,
          ok: bool) -> Verdict:
    """The verdict on ``probe`` given the device's state before and after and the hub's reply."""
    said = reply_language(reply) if reply.strip() else "none"
    if said != probe.lang:
        return Verdict(False, f"reply in {said}, not {probe.lang}")
    expect = probe.expect
    if expect.still:
        changed = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
        if changed:
            k = sorted(changed)[0]
            return Verdict(False, f"a question acted: {k} {before.get(k)!r} -> {after.get(k)!r}")
    elif not ok:
        return Verdict(False, "the hub did not do it")
    for key, value in expect.equal.items():
        if after.get(key) != value:
            return Verdict(False, f"{key} is {after.get(key)!r}, expected {value!r}")
    for key, allowed in expect.among.items():
        if after.get(key) not in allowed:
            return Verdict(False, f"{key} is {after.get(key)!r}, expected one of {', '.join(map(repr, allowed))}")
    if expect.direction is not None:
        key, way = expect.direction
        old, new = before.get(key), after.get(key)
        numbers = isinstance(old, int | float) and isinstance(new, int | float)
        moved = numbers and (new > old if way == "up" else new < old)  # type: ignore[operator]
        if not moved:
            return Verdict(False, f"{key} went {old!r} -> {new!r}, expected {way}")
    heard, wrong = which_state(reply, expect.heard, expect.not_heard)
    if wrong is not None:
        return Verdict(False, f"the reply says {wrong!r}, the other state")
    if expect.heard and not heard:
        return Verdict(False, f"the reply does not say {expect.heard[0]!r} (or {', '.join(expect.heard[1:3]) or '-'})")
    return Verdict(True)
