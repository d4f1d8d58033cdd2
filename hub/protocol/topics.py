"""MQTT topic names of the Genie wire protocol (see docs/protocol.md).

Every device has one topic tree, ``{prefix}/dev/{deviceId}/{kind}``; the hub has
``{prefix}/hub/...``. Homes sharing one broker each have their own tree under ``{prefix}/home/{homeId}/``
(``Topics.home``); a home with no id uses the broker's default tree, ``{prefix}/`` itself. This module is the
only place topic strings are built or parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_PREFIX = "genie"
HOMES_LEVEL = "home"
"""The level under the prefix that holds the homes' own trees: ``genie/home/<homeId>/...``. No topic of the
default tree has it there (``genie/dev``, ``genie/hub``, ``genie/discover``), so the trees never overlap."""

DEVICE_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PREFIX_RE = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")


class DeviceTopic(StrEnum):
    """The per-device topics, by the last level of their name."""

    REGISTER = "register"  # device -> hub, retained self-description
    STATUS = "status"  # device -> hub, retained online/offline; also the MQTT last will
    STATE = "state"  # device -> hub, retained full property snapshot
    REPORT = "report"  # device -> hub, unsolicited property changes
    REQUEST = "request"  # hub -> device, control and query directives
    REPLY = "reply"  # device -> hub, responses correlated by messageId


def validate_device_id(device_id: str) -> str:
    """Return ``device_id`` if it is a valid device id, else raise ValueError."""
    return _valid_id(device_id, "device")


def validate_home_id(home_id: str) -> str:
    """Return ``home_id`` if it is a valid home id (the rules of a device id), else raise ValueError."""
    return _valid_id(home_id, "home")


def _valid_id(value: str, kind: str) -> str:
    if not DEVICE_ID_RE.fullmatch(value):
        raise ValueError(f"invalid {kind} id {value!r}: use 1-64 characters a-z, 0-9, '_' or '-', "
                         "starting with a letter or digit")
    return value


@dataclass(frozen=True, slots=True)
class Topics:
    """Topic builder and parser for one topic prefix."""

    prefix: str = DEFAULT_PREFIX

    def __post_init__(self) -> None:
        if not _PREFIX_RE.fullmatch(self.prefix):
            raise ValueError(f"invalid topic prefix {self.prefix!r}: use letters, digits, '_', '-' and '/' levels")

    def home(self, home_id: str | None) -> Topics:
        """The topics of home ``home_id`` on this prefix: ``{prefix}/home/{homeId}/...``; these, for None."""
        if home_id is None:
            return self
        return Topics(f"{self.prefix}/{HOMES_LEVEL}/{validate_home_id(home_id)}")

    # --- hub -------------------------------------------------------------
    @property
    def hub_status(self) -> str:
        """Retained hub availability; also the hub's last will."""
        return f"{self.prefix}/hub/status"

    @property
    def discover(self) -> str:
        """Discovery broadcast: every device answers with register, status and state."""
        return f"{self.prefix}/discover"

    @property
    def command(self) -> str:
        """Where any client sends the hub a text command or a hub request."""
        return f"{self.prefix}/hub/command"

    @property
    def announce(self) -> str:
        """What the hub says unasked: a timer that fired, a routine that ran (``Announcement``)."""
        return f"{self.prefix}/hub/announce"

    def command_reply(self, client_id: str) -> str:
        """Where the hub answers the client ``client_id``."""
        if not CLIENT_ID_RE.fullmatch(client_id):
            raise ValueError(f"invalid reply client id {client_id!r}")
        return f"{self.prefix}/hub/reply/{client_id}"

    # --- devices ---------------------------------------------------------
    def device(self, device_id: str, kind: DeviceTopic) -> str:
        """The topic ``kind`` of device ``device_id``."""
        validate_device_id(device_id)
        return f"{self.prefix}/dev/{device_id}/{kind.value}"

    def all_devices(self, kind: DeviceTopic) -> str:
        """Wildcard filter for topic ``kind`` of every device."""
        return f"{self.prefix}/dev/+/{kind.value}"

    def parse_device(self, topic: str) -> tuple[str, DeviceTopic] | None:
        """Split a device topic into (deviceId, kind), or None if it is not one."""
        head = f"{self.prefix}/dev/"
        if not topic.startswith(head):
            return None
        parts = topic[len(head):].split("/")
        if len(parts) != 2:
            return None
        try:
            kind = DeviceTopic(parts[1])
        except ValueError:
            return None
        if not DEVICE_ID_RE.fullmatch(parts[0]):
            return None
        return parts[0], kind


def topic_matches(topic: str, topic_filter: str) -> bool:
    """Return True if ``topic`` matches the MQTT subscription filter ``topic_filter``."""
    if topic.startswith("$") and topic_filter[:1] in ("+", "#"):
        return False
    t_levels = topic.split("/")
    f_levels = topic_filter.split("/")
    for i, level in enumerate(f_levels):
        if level == "#":
            return True
        if i >= len(t_levels):
            return False
        if level != "+" and level != t_levels[i]:
            return False
    return len(t_levels) == len(f_levels)
