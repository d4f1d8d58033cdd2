"""The hub's own messages: requests any client sends it, and its replies and announcements.

A client publishes a ``HubRequest`` on ``hub/command`` and reads the answer on ``hub/reply/{clientId}``;
the hub says what it does unasked (a timer fired, a routine ran) on ``hub/announce``. The views these
replies carry are in ``hub.protocol.views``.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from hub.language import Lang
from hub.protocol.description import PropertyValue
from hub.protocol.envelope import SUCCESS, Message, Namespace, WireModel
from hub.protocol.views import AutomationsPayload, DeviceView


class HubRequestPayload(WireModel):
    reply_to: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    text: str | None = Field(default=None, max_length=1000)
    lang: Lang | None = None
    session: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    """The conversation this command belongs to (follow-ups, answers to a question); default: the client."""
    target: str | None = Field(default=None, max_length=200)
    """What a scene or timer request is about: a scene's id or name, a timer's id."""
    speaker: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    """The speaker a text command was said to (the home file's ``speakers``): its room is where "关灯" acts."""


_NEEDS = {"TextCommand": ("text",), "RunScene": ("target",), "DeleteScene": ("target",),
          "CancelTimer": ("target",), "SaveScene": ("target", "text"), "RemoveDevice": ("target",)}


class HubRequest(Message):
    """Client -> hub on ``hub/command``: ``TextCommand`` (payload.text), ``ListDevices``, ``ResetHome``,
    ``HubInfo`` (counts only: cheap to ask of a hub with thousands of devices), ``ListAutomations``,
    ``RunScene`` / ``DeleteScene`` (target: a scene), ``SaveScene`` (target: its name, text: its orders),
    ``CancelTimer`` (target: a timer id) and ``RemoveDevice`` (target: a device id)."""

    NAMESPACE = Namespace.HUB
    NAMES = frozenset({"TextCommand", "ListDevices", "ResetHome", "HubInfo", "ListAutomations", "RunScene",
                       "SaveScene", "DeleteScene", "CancelTimer", "RemoveDevice"})
    payload: HubRequestPayload

    @model_validator(mode="after")
    def _fields_needed(self) -> Self:
        for field_name in _NEEDS.get(self.header.name, ()):
            if not (getattr(self.payload, field_name) or "").strip():
                raise ValueError(f"payload.{field_name}: a {self.header.name} needs non-empty {field_name}")
        return self

    @classmethod
    def create(cls, name: str, reply_to: str, text: str | None = None, lang: str | None = None,
               session: str | None = None, target: str | None = None, speaker: str | None = None) -> Self:
        """A request ``name`` to the hub, answered on ``hub/reply/{reply_to}``."""
        payload = HubRequestPayload(reply_to=reply_to, text=text, lang=lang, session=session,  # type: ignore[arg-type]
                                    target=target, speaker=speaker)
        return cls._make(name, payload)


class ActionResult(WireModel):
    """One directive the hub sent while carrying out a command, and how it went."""

    device: str
    action: str
    params: dict[str, PropertyValue] = Field(default_factory=dict)
    result: str = SUCCESS
    message: str | None = None


class CommandResult(WireModel):
    """What the hub did with a text command (also ``genie say --json``)."""

    text: str
    lang: Lang
    reply: str
    ok: bool
    actions: list[ActionResult] = Field(default_factory=list)


class DirectoryPayload(WireModel):
    """The directory, or one part of it: a directory over the broker's packet limit is sent as ``parts``
    messages with the request's messageId, numbered by ``part`` from 1 (both absent: the whole of it)."""

    devices: list[DeviceView]
    part: int | None = Field(default=None, ge=1)
    parts: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _numbered(self) -> Self:
        if (self.part is None) != (self.parts is None) or (self.part or 0) > (self.parts or 0):
            raise ValueError("part and parts go together, 1 <= part <= parts")
        return self


class TextCommandResponse(Message):
    """Hub -> client on ``hub/reply/{clientId}``: the outcome of a TextCommand, ResetHome, RunScene,
    SaveScene, DeleteScene, CancelTimer or RemoveDevice."""

    NAMESPACE = Namespace.HUB
    NAMES = frozenset({"TextCommandResponse", "ResetHomeResponse", "RunSceneResponse", "SaveSceneResponse",
                       "DeleteSceneResponse", "CancelTimerResponse", "RemoveDeviceResponse"})
    payload: CommandResult


class ListDevicesResponse(Message):
    """Hub -> client on ``hub/reply/{clientId}``: the directory."""

    NAMESPACE = Namespace.HUB
    NAMES = frozenset({"ListDevicesResponse"})
    payload: DirectoryPayload


class HubInfoPayload(WireModel):
    """How the hub is doing, in a few numbers."""

    hub_id: str
    version: str
    connected: bool
    devices: int
    online: int
    commands: int
    """Text commands carried out since the hub started."""


class HubInfoResponse(Message):
    """Hub -> client on ``hub/reply/{clientId}``: the answer to ``HubInfo``."""

    NAMESPACE = Namespace.HUB
    NAMES = frozenset({"HubInfoResponse"})
    payload: HubInfoPayload


class AutomationsResponse(Message):
    """Hub -> client on ``hub/reply/{clientId}``: the answer to ``ListAutomations``."""

    NAMESPACE = Namespace.HUB
    NAMES = frozenset({"ListAutomationsResponse"})
    payload: AutomationsPayload


class AnnouncePayload(WireModel):
    source: Literal["timer", "routine"]
    id: str
    """The timer's id or the routine's."""
    lang: Lang
    text: str
    ok: bool = True
    actions: list[ActionResult] = Field(default_factory=list)
    at: float = 0.0
    """Simulated Unix time of what it is about: when the timer was due, when the routine's trigger held."""
    speaker: str | None = None
    """The speaker that says it: the one a timer was set on (None: every speaker of the home)."""


class Announcement(Message):
    """Hub -> anyone on ``hub/announce``: what the hub says unasked (a timer fired, a routine ran)."""

    NAMESPACE = Namespace.HUB
    NAMES = frozenset({"Announce"})
    payload: AnnouncePayload

    @classmethod
    def create(cls, payload: AnnouncePayload) -> Self:
        """An announcement carrying ``payload``."""
        return cls._make("Announce", payload)
