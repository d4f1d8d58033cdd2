"""Scenes, timers and routines on the hub: heard by voice, run as batches, fired by the simulation clock.

- A **scene** runs all its actions at once; the reply says which devices failed and why.
- A **timer** ("十分钟后关灯") or **schedule** ("every weekday at 7") is stored in SQLite before it is
  confirmed, and removed (or moved to its next time) before it fires: it fires at most once per due
  time, also across restarts. A one-off timer that fell due while the hub was down fires as soon as
  the hub is connected again; a schedule skips the occurrences it missed.
- A **routine** fires when its trigger goes from false to true (a door becoming unlocked, a sensor
  crossing a threshold), never merely because the hub (re)learnt a state that was already so.

Time is the shared simulation ``Clock`` (``wall()`` for "at seven", ``sleep`` to wait), so tests drive
it with a ``ManualClock`` and ``genie up --speed 60`` runs timers sixty times faster.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError

from hub.automation.models import Action, Automations, Repeat, Routine, Scene, Timer, printable, zone
from hub.conversation import (
    DEFAULT_SESSION,
    Outcome,
    Speaker,
    Step,
    action_results,
    compose_reply,
    error_sentence,
    problem_sentence,
)
from hub.conversation.redact import hide
from hub.directory import DeviceRecord
from hub.nlu import Intent, Target, detect_language, load_lexicon, speech, understand
from hub.nlu.numbers import CN_NUMERAL, chinese_to_number
from hub.nlu.requests import Heard, bare, core, hear, reminder, scene_name, words
from hub.nlu.text import normalize
from hub.nlu.when import Repeat as SpokenRepeat
from hub.nlu.when import When, describe, find_when
from hub.protocol import AnnouncePayload, CommandResult, ErrorCode, RoutineView, SceneView, TimerView

if TYPE_CHECKING:
    from hub.clock import Clock
    from hub.store import Store

_LOGGER = logging.getLogger(__name__)

Announce = Callable[[AnnouncePayload], Awaitable[None]]
MAX_TIMERS = 1000
"""Timers and schedules held at once; one more is refused with a clear reply."""
_SLUG = re.compile(r"[^a-z0-9]+")


def intent_of(action: Action) -> Intent:
    """The speaker's intent for an action: named devices, or every device of a category / room."""
    if action.devices:
        target = Target(devices=action.devices)
    else:
        target = Target(rooms=(action.room,) if action.room else (),
                        categories=(action.category,) if action.category else (), everything=True)
    return Intent(action=action.action, target=target, attribute=action.property, value=action.value,
                  unit=action.unit)


def describe_action(action: Action) -> str:
    """An action in a few words for listings: "living-light: off", "light in bedroom: set brightness 20"."""
    what = ", ".join(action.devices) or " in ".join(x for x in (action.category or "all", action.room) if x)
    how = " ".join(str(x) for x in (action.action, action.property, action.value) if x is not None)
    return f"{what}: {how}"


def _slug(name: str, taken: set[str]) -> str:
    base = _SLUG.sub("-", name.lower()).strip("-")[:40] or "scene"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


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
        pattern = re.escape(word.lower()) if lang == "zh" else rf"(?<!\w){re.escape(word.lower())}(?!\w)"
        for match in re.finditer(pattern, lowered[:position]):
            if found is None or match.start() > found[0]:
                found = (match.start(), match.end())
    return found


def _repeat_text(repeat: Repeat) -> str:
    names = {(0, 1, 2, 3, 4): "weekdays", (5, 6): "weekends", tuple(range(7)): "daily"}
    days = names.get(repeat.days) or ",".join(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[d]
                                              for d in repeat.days)
    return f"{days} {repeat.hour:02d}:{repeat.minute:02d}"


class Automation:
    """The hub's scenes, timers and routines (one per hub)."""

    def __init__(self, speaker: Speaker, *, clock: Clock, config: Automations | None = None,
                 store: Store | None = None, announce: Announce | None = None,
                 connected: Callable[[], Awaitable[None]] | None = None) -> None:
        config = config or Automations()
        self.speaker = speaker
        self.clock = clock
        self.store = store
        self.language = config.language
        self.tz = zone(config.timezone)
        self.home_scenes = {s.id: s for s in config.scenes}
        self.user_scenes = {s.id: s for s in (store.scenes() if store is not None else [])}
        self._index: dict[str, dict[str, Scene]] | None = None
        self.routines = list(config.routines)
        self.timers: dict[int, Timer] = {t.id: t for t in (store.timers() if store is not None else [])}
        self._next_id = max(self.timers, default=0) + 1  # ids when there is no store
        self._announce = announce
        self._connected = connected
        self._wake = asyncio.Event()
        self._held: dict[str, bool] = {}
        """Per routine: whether its trigger held at the last state seen (absent: not seen yet)."""
        self._tasks: set[asyncio.Task[Any]] = set()
        speaker.directory.listeners.append(self._on_record)
        for record in speaker.directory.all():
            self._on_record(record, fire=False)

    # ------------------------------------------------------------------ time
    def now(self) -> datetime:
        """The simulation's wall time, in the home's time zone."""
        return datetime.fromtimestamp(self.clock.wall(), self.tz)

    # ------------------------------------------------------------------ voice
    async def hear(self, text: str, lang: str | None = None, session: str = DEFAULT_SESSION, *,
                   detected: str | None = None) -> CommandResult | None:
        """Answer ``text`` if it is about scenes or timers or sets one; None to leave it to the speaker.

        ``lang`` is the language the caller asked for; ``detected``, the one the caller already found."""
        if not any(c.isalpha() for c in text):
            return None  # "123456", "26": an answer to the speaker's question
        forced = lang
        lang = lang or detected or detect_language(text)
        scene, said_in = self.find_scene(text, lang)
        if scene is not None:
            # "Bonne nuit" has too few words to tell French by; the name it matched tells it
            return await self.run_scene(scene, forced or said_in, text)
        heard = hear(text, lang)
        if heard is not None:
            return await self._request(heard, text, lang)
        now = self.now()  # one moment for finding and saying the time (a sped-up clock moves meanwhile)
        when, rest = find_when(text, lang, now)
        if when is None:
            return None
        cut = _then_before(text, lang, when.start)
        if cut is None:
            return await self._set_timer(text, lang, when, rest, now, session)
        # "打开台灯，然后十分钟后关闭台灯": what comes before the timed order is done now
        first = await self.speaker.handle(text[:cut[0]], lang, session)
        later_text = text[cut[1]:]
        later_when, later_rest = find_when(later_text, lang, now)
        assert later_when is not None  # the expression lies in this part
        later = await self._set_timer(later_text, lang, later_when, later_rest, now, session)
        lex = load_lexicon(lang)
        reply = first.reply + " " * (lang != "zh") + speech.capitalize(lex, later.reply.removeprefix(lex.replies["ok"]))
        return CommandResult(text=text, lang=cast(Any, lang), reply=reply, ok=first.ok and later.ok,
                             actions=first.actions)

    async def _request(self, heard: Heard, text: str, lang: str) -> CommandResult:
        if heard.kind == "list_scenes":
            return self._list_scenes(text, lang)
        if heard.kind == "create_scene":
            return self.save_scene(heard.name, heard.body, lang, text)
        if heard.kind == "delete_scene":
            return self.delete_scene(heard.name, lang, text)
        if heard.kind == "list_timers":
            return self._list_timers(text, lang)
        return self._cancel_timers(heard, text, lang)

    def _said(self, heard: str, lang: str, key: str, ok: bool = True, **args: Any) -> CommandResult:
        """The reply ``key`` (filled with ``args``) to the utterance ``heard``."""
        reply = words(lang).replies[key].format(**args)
        return CommandResult(text=heard, lang=cast(Any, lang), reply=speech.capitalize(load_lexicon(lang), reply),
                             ok=ok)

    # ------------------------------------------------------------------ scenes
    def scenes(self) -> list[Scene]:
        return [*self.home_scenes.values(), *self.user_scenes.values()]

    def find_scene(self, text: str, lang: str) -> tuple[Scene | None, str]:
        """The scene ``text`` names by any of its names ("晚安", "打开睡眠模式", "start movie time"), and
        the language of the name it matched (``lang`` when it matched by id)."""
        index = self._names()
        said = core(text, lang)  # once: each language then only drops its own fillers and verbs
        own = scene_name(text, lang, said=said)
        found = index.get(lang, {}).get(own) or self.home_scenes.get(own) or self.user_scenes.get(own)
        if found is not None:
            return found, lang
        for name_lang in index:
            if name_lang != lang and (found := index[name_lang].get(scene_name(text, name_lang, said=said))):
                return found, name_lang
        return None, lang

    def _names(self) -> dict[str, dict[str, Scene]]:
        """Per language, each scene name as ``scene_name`` leaves an utterance -> its scene (built once per
        change of the scenes: every command is checked against it)."""
        if self._index is None:
            self._index = {}
            for scene in self.scenes():
                for name_lang, name in scene.names.all():
                    self._index.setdefault(name_lang, {}).setdefault(bare(name, name_lang), scene)
        return self._index

    def scene(self, key: str) -> Scene | None:
        """A scene by id or by any of its names."""
        found = self.home_scenes.get(key) or self.user_scenes.get(key)
        if found is not None:
            return found
        return self.find_scene(key, detect_language(key))[0]

    async def run_scene(self, scene: Scene, lang: str, text: str = "") -> CommandResult:
        """Run every action of ``scene`` at once; the reply names what failed and why."""
        outcomes = await self.speaker.carry_out([intent_of(a) for a in scene.actions])
        reply, ok = self._scene_reply(scene.names.display(lang), outcomes, lang)
        return CommandResult(text=text or scene.names.display(lang), lang=cast(Any, lang), reply=reply, ok=ok,
                             actions=action_results(outcomes))

    def _scene_reply(self, name: str, outcomes: list[Outcome], lang: str) -> tuple[str, bool]:
        lex = load_lexicon(lang)
        replies = words(lang).replies
        steps = [s for o in outcomes for s in o.steps]
        good = [s for s in steps if s.ok]
        problems = [problem_sentence(lex, o, self.speaker.directory) for o in outcomes if o.problem is not None]
        bad: dict[ErrorCode, list[Step]] = {}
        for step in steps:
            if not step.ok:
                bad.setdefault(cast(ErrorCode, step.error), []).append(step)
        problems += [error_sentence(lex, code, group, self.speaker.directory) for code, group in bad.items()]
        joined = lex.replies["partial_join"].join(p.rstrip("。.") for p in problems)
        if not problems:
            key = "scene_done"
        elif good:
            key = "scene_partial"
        else:
            key = "scene_failed"
        reply = replies[key].format(scene=name, done=len(good), total=len(steps), problems=joined)
        return speech.capitalize(lex, reply), not problems

    def _list_scenes(self, text: str, lang: str) -> CommandResult:
        scenes = self.scenes()
        if not scenes:
            return self._said(text, lang, "scenes_none")
        lex = load_lexicon(lang)
        names = speech.join(lex, [s.names.display(lang) for s in scenes])
        return self._said(text, lang, "scenes_list", count=len(scenes), names=names)

    def save_scene(self, name: str, orders: str, lang: str, text: str = "") -> CommandResult:
        """Create (or replace) the user scene ``name`` from spoken orders ("打开书房的灯，关上窗帘")."""
        name = hide(printable(name))  # shown on terminals and the dashboard: no escape, no bidi override, no code
        text = text or name
        if not name.strip():
            return self._said(text, lang, "scene_no_name", ok=False)
        if not orders.strip():
            return self._said(text, lang, "scene_no_actions", ok=False)
        existing = self.scene(name)
        if existing is not None and existing.source == "home":
            return self._said(text, lang, "scene_exists_home", ok=False, scene=existing.names.display(lang))
        actions, refusal = self._actions(orders, lang, text)
        if refusal is not None:
            return refusal
        if not actions:
            return self._said(text, lang, "scene_no_actions", ok=False)
        names: dict[str, list[str]] = {"zh": [], "en": [], "fr": []}
        names[lang] = [name.strip()]
        scene_id = existing.id if existing is not None else _slug(name, set(self.home_scenes) | set(self.user_scenes))
        scene = Scene(id=scene_id, names=cast(Any, names), actions=actions, source="user")
        self.user_scenes[scene.id] = scene
        self._index = None
        if self.store is not None:
            self.store.save_scene(scene)
        key = "scene_updated" if existing is not None else "scene_created"
        return self._said(text, lang, key, scene=name.strip(), count=len(actions))

    def delete_scene(self, name: str, lang: str, text: str = "") -> CommandResult:
        text = text or name
        scene = self.scene(name)
        if scene is None:
            return self._said(text, lang, "scene_unknown", ok=False, name=name)
        if scene.source == "home":
            return self._said(text, lang, "scene_home_delete", ok=False, scene=scene.names.display(lang))
        del self.user_scenes[scene.id]
        self._index = None
        if self.store is not None:
            self.store.delete_scene(scene.id)
        return self._said(text, lang, "scene_deleted", scene=scene.names.display(lang))

    def _actions(self, orders: str, lang: str, text: str,
                 session: str | None = None) -> tuple[list[Action], CommandResult | None]:
        """Spoken orders -> actions on the devices they name now (or the conversation ``session`` spoke of
        last: "十分钟后把它关掉"); or the reply refusing them (no actions and no reply: nothing to do was
        understood)."""
        understanding = understand(orders, self.speaker.catalog(), lang)
        if not understanding.intents:
            return [], None
        if any(i.action == "query" for i in understanding.intents):
            return [], self._said(text, lang, "timer_question", ok=False)
        if any(i.action == "unlock" or (i.action == "on" and "fingerprintlock" in i.target.categories)
               for i in understanding.intents):
            return [], self._said(text, lang, "timer_unlock", ok=False)
        memory = self.speaker.session(session) if session is not None else None
        outcomes = [self.speaker.plan(intent, memory) for intent in understanding.intents]
        if any(s.detail == "need_code" or s.kind == "unlock" for o in outcomes for s in o.steps):
            return [], self._said(text, lang, "timer_unlock", ok=False)
        unclear = next((o for o in outcomes if o.problem == "ambiguous"), None)
        if unclear is not None:  # no "which one?" here: the answer would be carried out now, not later
            lex = load_lexicon(lang)
            options = speech.join(lex, [r.name(lang) for r in unclear.candidates])
            return [], self._said(text, lang, "timer_which_device", ok=False, count=len(unclear.candidates),
                                  options=options)
        failed = [o for o in outcomes if o.problem is not None or not o.steps or not all(s.ok for s in o.steps)]
        if failed:
            reply, _ok = compose_reply(load_lexicon(lang), failed, self.speaker.directory)
            return [], CommandResult(text=text, lang=cast(Any, lang), reply=reply, ok=False)
        try:
            actions = [Action(devices=tuple(s.device.id for s in o.steps), action=cast(Any, o.intent.action),
                              property=o.intent.attribute, value=o.intent.value, unit=o.intent.unit)
                       for o in outcomes]
        except ValidationError:
            return [], None
        return actions, None

    # ------------------------------------------------------------------ timers
    async def _set_timer(self, text: str, lang: str, when: When, rest: str, now: datetime,
                         session: str | None = None) -> CommandResult:
        said = describe(when, lang, now)
        rest = printable(rest).strip(" ,，。.!！?？")  # what is kept and said back: no escape sequence
        if not rest:
            return self._said(text, lang, "timer_what", ok=False, when=said)
        if when.repeat is None and when.at <= now:
            return self._said(text, lang, "timer_past", ok=False)
        if len(self.timers) >= MAX_TIMERS:
            return self._said(text, lang, "timers_full", ok=False, count=len(self.timers))
        remind = reminder(rest, lang)
        # a reminder keeps no code it says, in what is stored, listed, said back or announced (stars instead)
        remind, kept = (hide(remind) if remind is not None else None), hide(rest)
        if remind == "" and _said_as_evening(when, text, lang) is False:
            when = _morning(when, now)  # "wake me up at 7" is 07:00, "每天六点叫我" 06:00
            said = describe(when, lang, now)
        scene = self.find_scene(rest, lang)[0] if remind is None else None
        actions: list[Action] = []
        if scene is None and remind is None:
            actions, refusal = self._actions(rest, lang, text, session)
            if refusal is not None:
                return refusal
            if not actions:
                return self._said(text, lang, "timer_what", ok=False, when=said)
        repeat = (Repeat(days=when.repeat.days, hour=when.repeat.hour, minute=when.repeat.minute)
                  if when.repeat is not None else None)
        timer = Timer(due=when.at.timestamp(), repeat=repeat, actions=actions,
                      scene=scene.id if scene is not None else None, remind=remind, text=kept,
                      lang=cast(Any, lang), created=self.clock.wall())
        self._add(timer)
        if remind is not None:
            return self._said(text, lang, "reminder_set" if remind else "alarm_set", when=said, what=remind)
        key = "schedule_set" if repeat is not None else "timer_set"
        return self._said(text, lang, key, when=said, text=kept)

    def _add(self, timer: Timer) -> Timer:
        if self.store is not None:
            timer = self.store.add_timer(timer)
        else:
            timer = timer.model_copy(update={"id": self._next_id})
        self._next_id = max(self._next_id, timer.id + 1)
        self.timers[timer.id] = timer
        self._wake.set()
        return timer

    def pending(self) -> list[Timer]:
        """Timers and schedules, soonest first."""
        return sorted(self.timers.values(), key=lambda t: (t.due, t.id))

    def _when(self, timer: Timer, now: datetime) -> When:
        """How to say when ``timer`` fires: within the hour as "in N minutes" (to the minute once a minute or
        more is left: "9分钟后", not "9分钟56秒后"), else as a time of day."""
        left = timer.due - now.timestamp()
        relative = timer.repeat is None and left < 3600
        at = datetime.fromtimestamp(timer.due, self.tz)
        if relative and left >= 60:
            at = now + timedelta(minutes=round(left / 60))
        repeat = (SpokenRepeat(days=timer.repeat.days, hour=timer.repeat.hour, minute=timer.repeat.minute)
                  if timer.repeat is not None else None)
        return When(at=at, repeat=repeat, relative=relative, start=0, end=0)

    def _items(self, timers: list[Timer], lang: str) -> str:
        """The timers as listed to the user, numbered from 1 ("1. 10分钟后关灯；2. …")."""
        now, item = self.now(), words(lang).replies["timer_item"]
        return load_lexicon(lang).replies["partial_join"].join(
            item.format(n=n, when=describe(self._when(t, now), lang, now), text=hide(t.text))
            for n, t in enumerate(timers, 1))

    def _list_timers(self, text: str, lang: str) -> CommandResult:
        timers = self.pending()
        if not timers:
            return self._said(text, lang, "timers_none")
        items = self._items(timers, lang)
        return self._said(text, lang, "timers_list_one" if len(timers) == 1 else "timers_list", count=len(timers),
                          items=items)

    def _cancel_timers(self, heard: Heard, text: str, lang: str) -> CommandResult:
        timers = self.pending()
        if not timers:
            return self._said(text, lang, "timers_none")
        if heard.every:
            for timer in timers:
                self.cancel(timer.id)
            key = "timers_cancelled_one" if len(timers) == 1 else "timers_cancelled"
            return self._said(text, lang, key, count=len(timers))
        if heard.index is None and len(timers) > 1:
            items = self._items(timers, lang)
            return self._said(text, lang, "timer_which", ok=False, count=len(timers), items=items)
        index = heard.index if heard.index is not None else 1
        if index == -1:
            index = len(timers)
        if not 1 <= index <= len(timers):
            return self._said(text, lang, "timer_no_such", ok=False, n=index, count=len(timers))
        timer = timers[index - 1]
        now = self.now()
        said = describe(self._when(timer, now), lang, now)
        self.cancel(timer.id)
        return self._said(text, lang, "timer_cancelled", when=said, text=timer.text)

    def cancel(self, timer_id: int) -> bool:
        """Forget a timer; False if there is none with that id."""
        timer = self.timers.pop(timer_id, None)
        if self.store is not None:
            self.store.delete_timer(timer_id)
        self._wake.set()
        return timer is not None

    async def run(self) -> None:
        """Fire timers as they fall due, until cancelled."""
        self._catch_up()
        try:
            while True:
                self._wake.clear()
                wall = self.clock.wall()
                for timer in [t for t in self.pending() if t.due <= wall]:
                    if self._connected is not None:
                        await self._connected()
                    self._start(self._fire(timer))
                soonest = min((t.due for t in self.timers.values()), default=None)
                waits: list[asyncio.Future[Any]] = [asyncio.ensure_future(self._wake.wait())]
                if soonest is not None:
                    waits.append(asyncio.ensure_future(self.clock.sleep(soonest - self.clock.wall())))
                try:
                    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for waiting in waits:
                        waiting.cancel()
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _catch_up(self) -> None:
        """Schedules skip what they missed while the hub was down (one-off timers still fire, late)."""
        now = self.now()
        for timer in list(self.timers.values()):
            if timer.repeat is not None and timer.due <= now.timestamp():
                self._reschedule(timer, now)

    def _reschedule(self, timer: Timer, after: datetime) -> Timer:
        assert timer.repeat is not None
        moved = timer.model_copy(update={"due": timer.repeat.next_after(after).timestamp()})
        self.timers[timer.id] = moved
        if self.store is not None:
            self.store.update_timer(moved)
        return moved

    def _start(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fire(self, timer: Timer) -> None:
        # First forget it (or move it on), durably; then act: a crash in between loses one firing, never
        # repeats one.
        if timer.repeat is not None:
            due = datetime.fromtimestamp(max(timer.due, self.clock.wall()), self.tz)
            self._reschedule(timer, due)
        else:
            self.timers.pop(timer.id, None)
            if self.store is not None:
                self.store.delete_timer(timer.id)
        lang = timer.lang
        scene = self.scene(timer.scene) if timer.scene else None
        if timer.remind is not None:
            replies = words(lang).replies
            text = (replies["reminder_fired"].format(what=hide(timer.remind)) if timer.remind
                    else replies["alarm_fired"])
            await self._say(AnnouncePayload(source="timer", id=str(timer.id), lang=lang, text=text, at=timer.due))
            return
        if scene is not None:
            result = await self.run_scene(scene, lang)
            reply, ok, actions = result.reply, result.ok, result.actions
        else:
            outcomes = await self.speaker.carry_out([intent_of(a) for a in timer.actions])
            lex = load_lexicon(lang)
            reply, ok = compose_reply(lex, outcomes, self.speaker.directory)
            reply = speech.capitalize(lex, reply.removeprefix(lex.replies["ok"]))
            actions = action_results(outcomes)
        text = words(lang).replies["timer_fired"].format(reply=reply)
        await self._say(AnnouncePayload(source="timer", id=str(timer.id), lang=lang, text=text, ok=ok,
                                        actions=actions, at=timer.due))

    async def _say(self, payload: AnnouncePayload) -> None:
        _LOGGER.info("announce (%s %s): %s", payload.source, payload.id, payload.text)
        if self._announce is not None:
            await self._announce(payload)

    # ------------------------------------------------------------------ routines
    def _on_record(self, record: DeviceRecord, *, fire: bool = True) -> None:
        for routine in self.routines:
            trigger = routine.when
            if trigger.device != record.id or trigger.property not in record.state:
                continue
            holds = trigger.holds(record.state[trigger.property])
            before = self._held.get(routine.id)
            self._held[routine.id] = holds
            if fire and holds and before is False:
                self._start(self._run_routine(routine))

    async def _run_routine(self, routine: Routine) -> None:
        started = self.clock.wall()
        lang = self.language
        lex = load_lexicon(lang)
        scene = self.scene(routine.scene) if routine.scene else None
        actions = [*(scene.actions if scene is not None else []), *routine.actions]
        outcomes = await self.speaker.carry_out([intent_of(a) for a in actions]) if actions else []
        said = routine.say.for_lang(lang) if routine.say is not None else None
        text = said or ""
        ok = all(o.problem is None and all(s.ok for s in o.steps) for o in outcomes)
        if actions and not ok:
            problems, _ok = compose_reply(lex, [o for o in outcomes if o.problem or not all(s.ok for s in o.steps)],
                                          self.speaker.directory)
            text = (text + words(lang).replies["routine_failed"].format(problems=problems)) if text else problems
        elif not text and actions:
            text, _ok = compose_reply(lex, outcomes, self.speaker.directory)
        await self._say(AnnouncePayload(source="routine", id=routine.id, lang=lang, text=text, ok=ok,
                                        actions=action_results(outcomes), at=started))

    # ------------------------------------------------------------------ views
    def views(self) -> tuple[list[SceneView], list[TimerView], list[RoutineView]]:
        scenes = [SceneView(id=s.id, names=s.names, source=s.source, actions=[describe_action(a) for a in s.actions])
                  for s in self.scenes()]
        timers = [TimerView(id=t.id, due=t.due, at=datetime.fromtimestamp(t.due, self.tz).isoformat(timespec="seconds"),
                            repeat=_repeat_text(t.repeat) if t.repeat is not None else None, text=hide(t.text),
                            lang=t.lang)
                  for t in self.pending()]
        routines = [RoutineView(id=r.id, names=r.names, when=_trigger_text(r)) for r in self.routines]
        return scenes, timers, routines


def _trigger_text(routine: Routine) -> str:
    trigger = routine.when
    if trigger.becomes is not None:
        return f"{trigger.device}.{trigger.property} becomes {trigger.becomes}"
    if trigger.above is not None:
        return f"{trigger.device}.{trigger.property} above {trigger.above:g}"
    return f"{trigger.device}.{trigger.property} below {trigger.below:g}"
