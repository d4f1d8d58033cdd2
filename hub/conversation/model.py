"""What the speaker works with: the steps and outcomes of a command, a conversation's memory, and the
tables that say what a bare "set to N" or "turn off the living room" means per kind of device."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from hub.directory import DeviceRecord, Directory
from hub.language import LANGUAGES
from hub.nlu import Catalog, CatalogDevice, Intent
from hub.protocol import (
    ErrorCode,
    ErrorResponse,
    PropertyValue,
    Request,
    Response,
)

Send = Callable[[Request], Awaitable[Response | ErrorResponse]]

DEFAULT_SESSION = "local"
"""The conversation of a caller that names none (``Hub.handle_text`` without a session)."""
MAX_SESSIONS = 1024
"""Conversations remembered at once; the least recently used is forgotten first."""
PENDING_TTL = 120.0
"""Seconds a question ("which light?", "the code?") waits for its answer."""

DEFAULT_ATTRIBUTE = {
    "light": "brightness",
    "curtain": "position",
    "aircondition": "temperature",
    "heater": "temperature",
    "waterheater": "temperature",
    "television": "volume",
    "fan": "windspeed",
    "airpurifier": "windspeed",
    "humidifier": "humidity",
}
"""The property a bare "set to N" / "higher" means, per category."""

UNIT_ATTRIBUTE = {
    "degree": ["temperature"],
    "level": ["windspeed"],
    "channel": ["channel"],
    "percent": ["brightness", "position", "humidity", "volume"],
}

SWITCHABLE_IN_ROOM = ("light", "switch", "outlet", "curtain", "aircondition", "fan", "airpurifier",
                      "humidifier", "heater", "waterheater", "television")
"""What "turn off everything in the living room" turns off (not locks, sensors, water heaters or vacuums)."""

ACTION_CATEGORIES = {
    "lock": ("fingerprintlock",),
    "unlock": ("fingerprintlock",),
    "mute": ("television",),
    "unmute": ("television",),
    "next": ("television",),
    "previous": ("television",),
}
"""Actions that only one kind of device takes, so they need no target when the home has one."""

ASKING = frozenset({"on", "set", "up", "down", "unlock", "pause", "continue", "mute", "unmute", "next", "previous"})
"""Actions that ask "which one?" when a bare category matches several devices ("打开灯"); turning off,
locking and questions apply to them all."""

SECURE_CATEGORIES = frozenset({"fingerprintlock"})
"""Devices an order may open only one at a time: "unlock" or "open" with several of them asks which one
(a device posing under the front door's names must never hear its code)."""

SENSED = ("temperature", "humidity", "pm2.5")
"""Readings a room's sensor gives; asked of a room, they come from its sensor, not from an AC."""
READING = {"temperature": "currentTemperature", "humidity": "currentHumidity"}
"""A device's own measurement of what its setpoint controls."""

MODE_FALLBACK = {"sleep": "sleepWind", "normalWind": "standard", "auto": "natureWind", "strong": "normalWind",
                 "quiet": "sleep", "standard": "normalWind"}
"""A mode the device lacks -> its nearest one ("睡眠模式" on a fan is its sleep wind)."""

OPPOSITE = {"on": "off", "off": "on", "open": "closed", "closed": "open", "locked": "unlocked", "unlocked": "locked"}

VALUE_UNITS = {"brightness": "%", "position": "%", "humidity": "%", "volume": "", "temperature": "°C",
               "currentTemperature": "°C", "colorTemperature": "K", "power": "W", "battery": "%",
               "currentHumidity": "%", "pm2.5": "µg/m³"}


@dataclass
class Step:
    """One directive to one device, or the reason none is sent."""

    device: DeviceRecord
    kind: str
    action: str
    attribute: str | None = None
    value: PropertyValue | None = None
    error: ErrorCode | None = None
    detail: str = ""
    response: Response | ErrorResponse | None = None

    @property
    def ok(self) -> bool:
        """Whether the step went through (no error, before or after it was sent)."""
        return self.error is None


@dataclass
class Outcome:
    """What became of one intent."""

    intent: Intent
    steps: list[Step] = field(default_factory=list)
    problem: str | None = None
    problem_args: dict[str, str] = field(default_factory=dict)
    candidates: list[DeviceRecord] = field(default_factory=list)
    """When the speaker asks "which one?": the devices it could have meant."""

    @property
    def need(self) -> str | None:
        """What answer the speaker now waits for: "which", "code", "value", or nothing."""
        if self.problem in ("ambiguous", "which_lock"):
            return "which"
        if self.problem == "no_value":
            return "value"
        if any(s.detail == "need_code" for s in self.steps):
            return "code"
        return None


@dataclass
class Pending:
    """A question the speaker asked, and the intent its answer completes."""

    intent: Intent
    need: str
    asked: float
    candidates: tuple[str, ...] = ()
    """The devices a "which one?" named, in the order it named them ("the first one", "第二个")."""
    orders: tuple[Intent, ...] = ()
    """need "confirm": what a yes carries out ("Do you mean: turn off the desk lamp?" — "yes")."""


@dataclass
class Session:
    """One conversation's memory."""

    devices: tuple[str, ...] = ()
    """The devices spoken of last ("turn it off", "再亮一点")."""
    change: Intent | None = None
    """The last change made, resolved (for "again", "encore")."""
    pending: Pending | None = None
    lang: str | None = None
    """The language of the conversation: a reply with no words ("123456") is in it."""


def build_catalog(directory: Directory) -> Catalog:
    """The NLU's slot lists from the directory."""
    catalog = Catalog()
    for record in directory.all():
        info = record.info
        catalog.add_device(
            CatalogDevice(
                id=record.id,
                category=record.category,
                room=record.room,
                attributes=frozenset(s.name for s in info.property_specs) | frozenset(record.state),
                actions=frozenset(info.actions),
            ),
            {lang: info.names.for_lang(lang) for lang in LANGUAGES},
        )
        if record.room:
            catalog.add_room(record.room, {lang: info.zone_names.for_lang(lang) for lang in LANGUAGES})
    return catalog


def has(record: DeviceRecord, attribute: str) -> bool:
    """Whether a device has ``attribute`` (in its registration or its state)."""
    return record.info.spec(attribute) is not None or attribute in record.state
