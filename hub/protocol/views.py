"""What clients see of the hub's state: a directory entry, a scene, a timer, a routine.

These views travel in the hub's replies (``hub.protocol.hub_messages``) and in the HTTP API.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hub.language import Lang
from hub.protocol.description import Names, PropertyValue
from hub.protocol.envelope import WireModel


class DeviceView(WireModel):
    """One entry of the hub's directory."""

    id: str
    names: Names
    room: str
    room_names: Names
    brand: str
    model: str
    category: str
    online: bool
    state: dict[str, PropertyValue] = Field(default_factory=dict)
    first_registered: float | None = None
    """When the hub first heard this device register (seconds since the epoch; kept across re-registrations)."""


class SceneView(WireModel):
    """A scene as clients see it."""

    id: str
    names: Names
    source: Literal["home", "user"]
    actions: list[str]
    """Each action in a few words ("living-light: off", "light: off", "bedroom-ac: set temperature 26")."""


class TimerView(WireModel):
    """A pending timer or schedule."""

    id: int
    due: float
    """Next firing, simulated Unix time."""
    at: str
    """The same in the hub's time zone, ISO 8601."""
    repeat: str | None = None
    """None for a timer; for a schedule its days and time ("weekdays 07:00", "daily 22:30", "mon,fri 08:00")."""
    text: str
    lang: Lang


class RoutineView(WireModel):
    """A routine of the home file."""

    id: str
    names: Names
    when: str
    """Its trigger in a few words ("front-door.lockstate becomes unlocked", "vacuum.battery below 20")."""


class SpeakerView(WireModel):
    """A speaker of the home file: where it stands ("关灯" said to it acts there)."""

    id: str
    room: str | None = None
    room_names: Names = Field(default_factory=Names)
    names: Names = Field(default_factory=Names)
    language: Lang | None = None


class AutomationsPayload(WireModel):
    speakers: list[SpeakerView] = Field(default_factory=list)
    scenes: list[SceneView] = Field(default_factory=list)
    timers: list[TimerView] = Field(default_factory=list)
    routines: list[RoutineView] = Field(default_factory=list)
    now: str = ""
    """The hub's simulated time, ISO 8601 in its time zone."""
