"""What scenes, timers and routines are made of (home file, SQLite and wire share these models).

An ``Action`` is one order in the hub's own terms (an abstract action on named devices, or on a
category and/or room), so a scene, a timer and a routine are all carried out by the same code as a
spoken command: offline devices, ranges and refusals are reported the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.language import Lang
from hub.nlu.when.model import Repeat as SpokenRepeat
from hub.protocol import Names, PropertyValue
from hub.protocol.text import printable

ACTION_KINDS = ("on", "off", "set", "up", "down", "lock", "pause", "continue", "mute", "unmute", "next",
                "previous")
"""What an automation may order. Not ``unlock``: a door opens only to a code said at the time."""

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
WEEKDAYS = tuple(range(7))
"""0 = Monday … 6 = Sunday (``datetime.weekday``)."""


# What a timer keeps of the order it was given: the words without terminal escape sequences, control
# characters or bidirectional overrides (``printable``, removed before a timer stores its text and when
# one is loaded), and again by whoever prints one (`genie timers list`: a hub of an older version may send
# them).


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Action(_Strict):
    """One order: ``action`` on ``devices``, or on every ``category`` device (of ``room`` if given)."""

    devices: tuple[str, ...] = ()
    room: str | None = None
    category: str | None = None
    action: Literal["on", "off", "set", "up", "down", "lock", "pause", "continue", "mute", "unmute", "next",
                    "previous"]
    property: str | None = None
    value: PropertyValue | None = None
    unit: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_device(cls, data: Any) -> Any:
        """``device: x`` is the home file's short form of ``devices: [x]``."""
        if isinstance(data, dict) and "device" in data:
            data = dict(data)
            device = data.pop("device")
            if "devices" in data:
                raise ValueError("give device or devices, not both")
            data["devices"] = [device]
        return data

    @model_validator(mode="after")
    def _complete(self) -> Action:
        if not (self.devices or self.room or self.category):
            raise ValueError("say what to act on: device, devices, room and/or category")
        if self.devices and (self.room or self.category):
            raise ValueError("give devices, or a room and/or category, not both")
        if self.action == "set" and self.value is None:
            raise ValueError("action set needs a value")
        return self


class Scene(_Strict):
    """A named batch of actions ("睡眠模式": curtains closed, lights off, AC at 26)."""

    id: str = Field(pattern=SLUG)
    names: Names
    actions: list[Action] = Field(min_length=1)
    source: Literal["home", "user"] = "home"
    """Defined in the home file, or created by voice / CLI (only those are stored and deletable)."""

    @model_validator(mode="after")
    def _named(self) -> Scene:
        if not self.names.all():
            raise ValueError("names: give the scene at least one name (zh, en or fr)")
        return self


class Repeat(_Strict):
    """When a schedule fires: at ``hour:minute`` on each of ``days`` (0 = Monday)."""

    days: tuple[int, ...] = Field(min_length=1)
    hour: int = Field(ge=0, le=23)
    minute: int = Field(ge=0, le=59)

    @field_validator("days")
    @classmethod
    def _days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(d not in WEEKDAYS for d in value):
            raise ValueError("days are 0 (Monday) to 6 (Sunday)")
        return tuple(sorted(set(value)))

    def next_after(self, moment: datetime) -> datetime:
        """The first firing strictly after ``moment`` (an aware datetime; the answer has its tzinfo), on the
        wall clock, as the spoken schedule it came from computes it."""
        return SpokenRepeat(days=self.days, hour=self.hour, minute=self.minute).next_after(moment)


class Timer(_Strict):
    """A timer ("十分钟后关灯": once) or a schedule ("every weekday at 7": ``repeat``)."""

    id: int = 0
    """Assigned by the store; 0 until saved."""
    due: float
    """Next firing, as simulated Unix time."""
    repeat: Repeat | None = None
    actions: list[Action] = Field(default_factory=list)
    scene: str | None = None
    remind: str | None = None
    """A reminder's words ("关火"; "" for a plain alarm): said when it fires, nothing else done."""
    text: str
    """The order as said ("关灯"): how the timer is listed."""
    lang: Lang
    created: float
    speaker: str | None = None
    """The speaker it was said to: it announces there (None: every speaker, as a home with none has)."""

    @field_validator("text", "remind")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        """No escape sequence or control character is kept, also in a timer stored before this rule."""
        return printable(value) if value is not None else None

    @model_validator(mode="after")
    def _does_something(self) -> Timer:
        if not self.actions and self.scene is None and self.remind is None:
            raise ValueError("a timer needs actions, a scene or a reminder")
        return self


class Trigger(_Strict):
    """What starts a routine: ``property`` of ``device`` becoming a value, or crossing a threshold."""

    device: str
    property: str
    becomes: PropertyValue | None = None
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_condition(self) -> Trigger:
        given = [k for k in ("becomes", "above", "below") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of becomes, above, below")
        return self

    def holds(self, value: PropertyValue | None) -> bool:
        """Whether the condition is true of ``value`` (None: the device has not said yet)."""
        if value is None:
            return False
        if self.becomes is not None:
            return value == self.becomes
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.above is not None:
            return value > self.above
        return self.below is not None and value < self.below


class Spoken(_Strict):
    """One sentence per language (what a routine announces)."""

    zh: str | None = None
    en: str | None = None
    fr: str | None = None

    def for_lang(self, lang: str) -> str | None:
        """What to say in ``lang``, else in the first language that has it."""
        said = getattr(self, lang, None)
        return said or self.zh or self.en or self.fr


class Routine(_Strict):
    """When ``when`` becomes true: run ``actions`` and/or ``scene``, and/or announce ``say``."""

    id: str = Field(pattern=SLUG)
    names: Names = Field(default_factory=Names)
    when: Trigger
    actions: list[Action] = Field(default_factory=list)
    scene: str | None = None
    say: Spoken | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Routine:
        if not (self.actions or self.scene or self.say):
            raise ValueError("a routine needs actions, a scene or something to say")
        return self


class Speaking(_Strict):
    """A speaker of the home file: where it stands, what it is called, the language it speaks by default."""

    id: str = Field(pattern=SLUG)
    room: str | None = None
    """Its room: what "关灯" said to it means (None: it acts as a speaker with no room, on the whole home)."""
    names: Names = Field(default_factory=Names)
    language: Lang | None = None
    """What it answers in when the words tell no language (None: the home's)."""


class Automations(_Strict):
    """The home file's ``scenes`` and ``routines``, its language and time zone, as the hub receives them."""

    scenes: list[Scene] = Field(default_factory=list)
    routines: list[Routine] = Field(default_factory=list)
    language: Lang = "zh"
    """What routines announce in (a timer answers in the language it was set in)."""
    timezone: str | None = None
    """IANA name ("Asia/Shanghai") for "at seven"; default: the machine's."""
    speakers: list[Speaking] = Field(default_factory=list)
    """The home's speakers (docs/home.md, Speakers): none, and the hub is one speaker with no room."""

    def check(self, devices: set[str], rooms: set[str], categories: set[str]) -> None:
        """ValueError naming the first scene, routine or speaker that refers to something the home lacks."""
        for where, speaker in _unique("speakers", self.speakers):
            if speaker.room is not None and speaker.room not in rooms:
                raise ValueError(f"{where}.room: no room {speaker.room!r} in this home")
        for where, scene in _unique("scenes", self.scenes):
            check_actions(scene.actions, f"{where}.actions", devices, rooms, categories)
        scene_ids = {scene.id for scene in self.scenes}
        for where, routine in _unique("routines", self.routines):
            if routine.when.device not in devices:
                raise ValueError(f"{where}.when.device: unknown device {routine.when.device!r}")
            if routine.scene is not None and routine.scene not in scene_ids:
                raise ValueError(f"{where}.scene: unknown scene {routine.scene!r}")
            check_actions(routine.actions, f"{where}.actions", devices, rooms, categories)
        if self.timezone is not None:
            zone(self.timezone)


def _unique(kind: str, entries: Sequence[Speaking | Scene | Routine]) -> Iterator[tuple[str, Any]]:
    """Each entry with where it is written ("scenes[2] (id 'x')"); ValueError at the first id said twice."""
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{kind}[{index}] (id {entry.id!r})"
        if entry.id in seen:
            raise ValueError(f"{where}.id: duplicate {kind[:-1]} id")
        seen.add(entry.id)
        yield where, entry


def check_actions(actions: list[Action], where: str, devices: set[str], rooms: set[str],
                  categories: set[str]) -> None:
    """ValueError naming the first action that refers to a device, room or category the home lacks."""
    for index, action in enumerate(actions):
        missing = [d for d in action.devices if d not in devices]
        if missing:
            raise ValueError(f"{where}[{index}].devices: unknown device {missing[0]!r}")
        if action.room is not None and action.room not in rooms:
            raise ValueError(f"{where}[{index}].room: unknown room {action.room!r}")
        if action.category is not None and action.category not in categories:
            raise ValueError(f"{where}[{index}].category: unknown category {action.category!r}")


def zone(name: str | None) -> tzinfo:
    """The time zone called ``name`` (IANA), or the machine's own when None."""
    if name is None:
        local = datetime.now().astimezone().tzinfo
        return local if local is not None else UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"timezone: unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from None
