"""One reading of an utterance: everything a turn needs, found in one place.

``read`` tells what kind of utterance a text is, in the hub's order of precedence, and returns what that
kind needs: the scene it names, the scene or timer request it makes, the time it sets and what is to happen
then, and — always — the parser's understanding of the whole text (its orders, questions, the answer it
gives to a question, the unlock codes it says). The conversation acts on the reading; nothing after this
reads words.

Precedence (a text with no letters — "123456", "26" — is always an answer or an order):
1. the name of a scene ("晚安", "start movie time");
2. a scene or timer request ("有哪些场景", "创建场景…", "取消第一个定时");
3. a time ("十分钟后关灯", "every weekday at 7 …"), with what is said before a "then" done at once;
4. a device order, question or answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from hub.nlu.catalog import Catalog
from hub.nlu.lexicon import load_lexicon
from hub.nlu.models import Understanding
from hub.nlu.numbers import CN_NUMERAL, chinese_to_number
from hub.nlu.parser import normalized, understand
from hub.nlu.requests import Heard, SceneIndex, find_scene, hear, reminder, untimed, words
from hub.nlu.text import has_cjk, normalize
from hub.nlu.when import When, find_when
from hub.protocol.text import printable

Kind = Literal["scene", "request", "timed", "order"]
_TRIM = " ,，。.!！?？"


@dataclass(frozen=True)
class Timed:
    """A timed order: when, and what is to happen then (a reminder, a scene or device orders)."""

    when: When
    """When it is meant: a bare hour for an alarm is the morning ("wake me up at 7": 07:00)."""
    rest: str
    """The order without its time, as said (control characters removed): what a timer keeps and says back."""
    past: bool
    """Whether the time, as said, has already gone by (a one-off time only)."""
    remind: str | None = None
    """What to be reminded of ("" for a plain alarm); None when it is no reminder."""
    scene: str | None = None
    """The id of the scene the rest names."""
    orders: Understanding | None = None
    """The rest's device orders, when it is neither a reminder nor a scene."""


@dataclass(frozen=True)
class Reading:
    """What one utterance says, and what kind of turn it makes (see the module's precedence)."""

    text: str
    lang: str
    """The language it was read in (the one asked for, or detected)."""
    kind: Kind
    understanding: Understanding
    """The parser's understanding of the whole text (for an order; for any kind, the codes it says)."""
    scene: str | None = None
    """kind "scene": the id of the scene it names."""
    scene_lang: str | None = None
    """kind "scene": the language of the name it matched ("Bonne nuit" tells French by its scene name)."""
    request: Heard | None = None
    """kind "request": the scene or timer request."""
    orders: Understanding | None = None
    """kind "request", creating a scene: the scene's orders ("创建场景阅读模式：打开书房的灯，关上窗帘")."""
    timed: Timed | None = None
    """kind "timed": the time and what is to happen then."""
    before: Reading | None = None
    """kind "timed": what is said before a "then", done at once ("打开台灯，然后十分钟后关闭台灯")."""


def read(text: str, catalog: Catalog, scenes: SceneIndex, now: datetime, lang: str | None = None,
         fallback: str | None = None) -> Reading:
    """Read ``text`` once against the home (``catalog``, ``scenes``) at the moment ``now`` (time-zone aware).

    ``lang`` is the language asked for; ``fallback`` the conversation's, for a text with no words to tell
    one by ("123456")."""
    worded = any(c.isalpha() for c in text)
    if not worded:
        whole = understand(text, catalog, lang or fallback)
        return Reading(text, whole.lang, "order", whole)
    norm = normalized(text, lang)  # once, for the parser, the scene names and the requests
    said = norm.lang
    whole = understand(text, catalog, said, said=norm)
    scene, scene_lang = find_scene(text, said, scenes, norm.core)
    if scene is not None:
        return Reading(text, said, "scene", whole, scene=scene, scene_lang=scene_lang)
    request = hear(text, said, norm.core)
    if request is not None:
        orders = understand(request.body, catalog, said) if request.body.strip() else None
        return Reading(text, said, "request", whole, request=request, orders=orders)
    when, rest = find_when(text, said, now)
    if when is None:
        return Reading(text, said, "order", whole)
    cut = _then_before(text, said, when.start)
    if cut is None:
        return Reading(text, said, "timed", whole, timed=_timed(text, said, when, rest, now, catalog, scenes))
    before = Reading(text[:cut[0]], said, "order", understand(text[:cut[0]], catalog, said))
    later = text[cut[1]:]
    later_when, later_rest = find_when(later, said, now)
    assert later_when is not None  # the expression lies in this part
    timed = _timed(later, said, later_when, later_rest, now, catalog, scenes)
    return Reading(text, said, "timed", whole, timed=timed, before=before)


def _timed(text: str, lang: str, when: When, rest: str, now: datetime, catalog: Catalog,
           scenes: SceneIndex) -> Timed:
    """What a timed order asks for: a reminder or alarm, a scene, or device orders (read from ``rest``)."""
    rest = untimed(printable(rest).strip(_TRIM), lang).strip(_TRIM)
    past = when.repeat is None and when.at <= now
    if not rest:
        return Timed(when, rest, past)
    norm = normalized(rest, lang)  # once, for the reminder, the scene names and the parser
    remind = reminder(rest, lang, norm.core)
    if remind == "" and _said_as_evening(when, text, lang) is False:
        when = _morning(when, now)  # "wake me up at 7" is 07:00, "每天六点叫我" 06:00
    if remind is not None:
        return Timed(when, rest, past, remind=remind)
    scene = find_scene(rest, lang, scenes, norm.core)[0]
    if scene is not None:
        return Timed(when, rest, past, scene=scene)
    return Timed(when, rest, past, orders=understand(rest, catalog, lang, said=norm))


def _said_as_evening(when: When, text: str, lang: str) -> bool | None:
    """For a clock time in the afternoon or evening: whether the words said so ("pm", "晚上", "19:00",
    "十九点"); None for a time in the morning or a duration."""
    hour = when.repeat.hour if when.repeat is not None else when.at.hour
    if when.relative or hour <= 12:
        return None
    span = normalize(text[when.start:when.end])
    if words(lang).find("evening_words", span):
        return True
    numbers = [int(n) for n in re.findall(r"\d+", span)]
    numbers += [int(v) for n in re.findall(f"[{CN_NUMERAL}]+", span) if (v := chinese_to_number(n)) is not None]
    return any(12 < n <= 24 for n in numbers)


def _morning(when: When, now: datetime) -> When:
    """``when`` twelve hours earlier: the next such morning (a schedule's hour moves too)."""
    if when.repeat is not None:
        repeat = replace(when.repeat, hour=when.repeat.hour - 12)
        return replace(when, repeat=repeat, at=repeat.next_after(now))
    morning = when.at - timedelta(hours=12)
    return replace(when, at=morning if morning > now else morning + timedelta(days=1))


def _then_before(text: str, lang: str, position: int) -> tuple[int, int] | None:
    """The span of the last "then" word ("然后", "and then", "puis") before ``position``, if any."""
    lowered = text.lower()
    found: tuple[int, int] | None = None
    for word in load_lexicon(lang).splitters:
        pattern = re.escape(word.lower()) if has_cjk(word) else rf"(?<!\w){re.escape(word.lower())}(?!\w)"
        for match in re.finditer(pattern, lowered[:position]):
            if found is None or match.start() > found[0]:
                found = (match.start(), match.end())
    return found
