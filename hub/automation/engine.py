"""Scenes, timers and routines on the hub: kept, stored and fired. No words are read here.

- A **scene** is a named batch of actions (from the home file, or saved by the user).
- A **timer** ("十分钟后关灯") or **schedule** ("every weekday at 7") is stored in SQLite before it is
  confirmed, and removed (or moved to its next time) before it fires: it fires at most once per due
  time, also across restarts. A one-off timer that fell due while the hub was down fires as soon as
  the hub is connected again; a schedule skips the occurrences it missed.
- A **routine** fires when its trigger goes from false to true (a door becoming unlocked, a sensor
  crossing a threshold), never merely because the hub (re)learnt a state that was already so.

What firing does — acting on the devices and saying so — is the conversation's (``Perform``): a timer acts
through the same path as a spoken order. Time is the shared simulation ``Clock`` (``wall()`` for "at seven",
``sleep`` to wait), so tests drive it with a ``ManualClock`` and ``genie up --speed 60`` runs timers sixty
times faster.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from hub.automation.models import Action, Automations, Repeat, Routine, Scene, Timer, zone
from hub.directory import DeviceRecord, Directory
from hub.protocol import AnnouncePayload, RoutineView, SceneView, TimerView

if TYPE_CHECKING:
    from hub.clock import Clock
    from hub.store import Store

_LOGGER = logging.getLogger(__name__)

Announce = Callable[[AnnouncePayload], Awaitable[None]]
MAX_TIMERS = 1000
"""Timers and schedules held at once; one more is refused with a clear reply."""
_SLUG = re.compile(r"[^a-z0-9]+")


class Perform(Protocol):
    """What firing does: act and say so (the conversation implements it)."""

    async def timer_fired(self, timer: Timer) -> AnnouncePayload:
        """Carry out a timer that fell due; the announcement saying what was done."""

    async def routine_fired(self, routine: Routine) -> AnnouncePayload:
        """Carry out a routine whose trigger came true; the announcement saying what was done."""


def describe_action(action: Action) -> str:
    """An action in a few words for listings: "living-light: off", "light in bedroom: set brightness 20"."""
    what = ", ".join(action.devices) or " in ".join(x for x in (action.category or "all", action.room) if x)
    how = " ".join(str(x) for x in (action.action, action.property, action.value) if x is not None)
    return f"{what}: {how}"


def _repeat_text(repeat: Repeat) -> str:
    names = {(0, 1, 2, 3, 4): "weekdays", (5, 6): "weekends", tuple(range(7)): "daily"}
    days = names.get(repeat.days) or ",".join(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[d]
                                              for d in repeat.days)
    return f"{days} {repeat.hour:02d}:{repeat.minute:02d}"


class Automation:
    """The hub's scenes, timers and routines (one per hub)."""

    def __init__(self, directory: Directory, *, clock: Clock, config: Automations | None = None,
                 store: Store | None = None, announce: Announce | None = None,
                 connected: Callable[[], Awaitable[None]] | None = None,
                 shown: Callable[[str], str] = str) -> None:
        config = config or Automations()
        self.shown = shown
        """What a timer's words look like when listed (the hub stars any code in them)."""
        self.clock = clock
        self.store = store
        self.language = config.language
        self.speakers = {s.id: s for s in config.speakers}
        """The home's speakers by id (the file's ``speakers``)."""
        self.tz = zone(config.timezone)
        self.perform: Perform | None = None
        """Set by the hub once the conversation exists (it acts for timers and routines)."""
        self.home_scenes = {s.id: s for s in config.scenes}
        self.user_scenes = {s.id: s for s in (store.scenes() if store is not None else [])}
        self.scenes_version = 0
        """Changes whenever a scene is saved or deleted (what reads scene names rebuilds its index)."""
        self.routines = list(config.routines)
        self.timers: dict[int, Timer] = {t.id: t for t in (store.timers() if store is not None else [])}
        self._next_id = max(self.timers, default=0) + 1  # ids when there is no store
        self._announce = announce
        self._connected = connected
        self._wake = asyncio.Event()
        self._held: dict[str, bool] = {}
        """Per routine: whether its trigger held at the last state seen (absent: not seen yet)."""
        self._tasks: set[asyncio.Future[Any]] = set()
        directory.listeners.append(self._on_record)
        for record in directory.all():
            self._on_record(record, fire=False)

    def now(self) -> datetime:
        """The simulation's wall time, in the home's time zone."""
        return datetime.fromtimestamp(self.clock.wall(), self.tz)

    # ------------------------------------------------------------------ scenes
    def scenes(self) -> list[Scene]:
        """Every scene: the home file's, then the user's."""
        return [*self.home_scenes.values(), *self.user_scenes.values()]

    def scene(self, scene_id: str) -> Scene | None:
        """A scene by id."""
        return self.home_scenes.get(scene_id) or self.user_scenes.get(scene_id)

    def new_scene_id(self, name: str) -> str:
        """An id for a new scene called ``name``, taken by no scene yet ("movie-time", "movie-time-2")."""
        taken = set(self.home_scenes) | set(self.user_scenes)
        base = _SLUG.sub("-", name.lower()).strip("-")[:40] or "scene"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def save_scene(self, scene: Scene) -> None:
        """Keep (or replace) a user scene, durably."""
        self.user_scenes[scene.id] = scene
        self.scenes_version += 1
        if self.store is not None:
            self.store.save_scene(scene)

    def delete_scene(self, scene_id: str) -> None:
        """Forget a user scene, durably."""
        del self.user_scenes[scene_id]
        self.scenes_version += 1
        if self.store is not None:
            self.store.delete_scene(scene_id)

    # ------------------------------------------------------------------ timers
    def add_timer(self, timer: Timer) -> Timer:
        """Keep a timer (stored before this returns); the timer with its id."""
        if self.store is not None:
            timer = self.store.add_timer(timer)
        else:
            timer = timer.model_copy(update={"id": self._next_id})
        self._next_id = max(self._next_id, timer.id + 1)
        self.timers[timer.id] = timer
        self._wake.set()
        return timer

    def full(self) -> bool:
        """Whether no more timers may be set."""
        return len(self.timers) >= MAX_TIMERS

    def pending(self) -> list[Timer]:
        """Timers and schedules, soonest first."""
        return sorted(self.timers.values(), key=lambda t: (t.due, t.id))

    def cancel(self, timer_id: int) -> bool:
        """Forget a timer; False if there is none with that id."""
        timer = self.timers.pop(timer_id, None)
        if self.store is not None:
            self.store.delete_timer(timer_id)
        self._wake.set()
        return timer is not None

    async def run(self) -> None:
        """Fire timers as they fall due, until cancelled; every firing still under way is cancelled then."""
        self._catch_up()
        try:
            while True:
                self._wake.clear()
                wall = self.clock.wall()
                for timer in [t for t in self.pending() if t.due <= wall]:
                    if self._connected is not None:
                        await self._connected()
                    self._start(self._fire(timer))
                await self._until_due_or_changed()
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _until_due_or_changed(self) -> None:
        """Wait until the soonest timer falls due or the timers change (the waits are this automation's
        tasks: the one that lost is cancelled here, and ``run`` awaits any still finishing when it ends)."""
        soonest = min((t.due for t in self.timers.values()), default=None)
        waits = [self._start(self._wake.wait())]
        if soonest is not None:
            waits.append(self._start(self.clock.sleep(soonest - self.clock.wall())))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

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

    def _start(self, coro: Awaitable[Any]) -> asyncio.Future[Any]:
        """Run ``coro`` as a task this automation owns (``run`` cancels and awaits it when it ends)."""
        task: asyncio.Future[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

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
        if self.perform is not None:
            await self._say(await self.perform.timer_fired(timer))

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
        if self.perform is not None:
            await self._say(await self.perform.routine_fired(routine))

    # ------------------------------------------------------------------ views
    def views(self) -> tuple[list[SceneView], list[TimerView], list[RoutineView]]:
        """Scenes, timers and routines as ``genie scenes`` / ``genie timers`` and the dashboard list them."""
        scenes = [SceneView(id=s.id, names=s.names, source=s.source, actions=[describe_action(a) for a in s.actions])
                  for s in self.scenes()]
        timers = [TimerView(id=t.id, due=t.due, at=datetime.fromtimestamp(t.due, self.tz).isoformat(timespec="seconds"),
                            repeat=_repeat_text(t.repeat) if t.repeat is not None else None, text=self.shown(t.text),
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
