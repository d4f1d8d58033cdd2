"""Typed messages of the Genie wire protocol: AliGenie's envelope, names and error codes.

Every message is ``{"header": {...}, "payload": {...}}``. ``header`` carries
``namespace``, ``name``, ``messageId``, ``payLoadVersion`` and ``timestamp``; replies echo the
request's ``messageId``. Field names on the wire are camelCase, as in AliGenie.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from hub.language import LANGUAGES, Lang
from hub.protocol.text import CONTROLS, control_in
from hub.protocol.topics import DEVICE_ID_RE

PROTOCOL_VERSION = 1
"""The payLoadVersion this code emits and the highest it understands."""

LANGS = LANGUAGES  # the name the protocol exports

PropertyValue = bool | int | float | str


class Namespace(StrEnum):
    """Header namespaces: AliGenie's three, plus ours in the same style."""

    DISCOVERY = "AliGenie.Iot.Device.Discovery"
    CONTROL = "AliGenie.Iot.Device.Control"
    QUERY = "AliGenie.Iot.Device.Query"
    REPORT = "AliGenie.Iot.Device.Report"  # ours: unsolicited changes and snapshots
    LIFECYCLE = "AliGenie.Iot.Lifecycle"  # ours: online/offline
    HUB = "Genie.Hub"  # ours: text commands and requests to the hub


class ErrorCode(StrEnum):
    """AliGenie error codes (reference/protocols.md §1.8)."""

    INVALIDATE_CONTROL_ORDER = "INVALIDATE_CONTROL_ORDER"
    SERVICE_ERROR = "SERVICE_ERROR"
    DEVICE_NOT_SUPPORT_FUNCTION = "DEVICE_NOT_SUPPORT_FUNCTION"
    INVALIDATE_PARAMS = "INVALIDATE_PARAMS"
    DEVICE_IS_NOT_EXIST = "DEVICE_IS_NOT_EXIST"
    IOT_DEVICE_OFFLINE = "IOT_DEVICE_OFFLINE"
    ACCESS_TOKEN_INVALIDATE = "ACCESS_TOKEN_INVALIDATE"


ERROR_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.INVALIDATE_CONTROL_ORDER: "invalidate control order",
    ErrorCode.SERVICE_ERROR: "service error",
    ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION: "device not support",
    ErrorCode.INVALIDATE_PARAMS: "invalidate params",
    ErrorCode.DEVICE_IS_NOT_EXIST: "device is not exist",
    ErrorCode.IOT_DEVICE_OFFLINE: "device is offline",
    ErrorCode.ACCESS_TOKEN_INVALIDATE: "access_token is invalidate",
}

SUCCESS = "SUCCESS"
"""Result code of a successful action (AliGenie 2.0's per-device code)."""


class WireModel(BaseModel):
    """Base of every wire model: camelCase on the wire, unknown fields from newer peers ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


# --------------------------------------------------------------------------- values and specs

COLORS: dict[str, str] = {
    "Red": "#FF0000",
    "Orange": "#FFA500",
    "Yellow": "#FFFF00",
    "Green": "#00FF00",
    "Cyan": "#00FFFF",
    "Blue": "#0000FF",
    "Purple": "#800080",
    "Pink": "#FFC0CB",
    "White": "#FFFFFF",
    "Warm": "#FFB46B",
}
"""AliGenie SetColor names and the RGB each is shown as in state."""

_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class Property(WireModel):
    """One ``{name, value}`` pair, AliGenie's property shape."""

    name: str = Field(min_length=1)
    value: PropertyValue

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        return _plain(value)


def _plain(text: str) -> str:
    """``text`` if it holds no character of ``hub.protocol.text.CONTROLS``; else ValueError naming it."""
    what = control_in(text)
    if what is not None:
        raise ValueError(f"{what} in {text[:80]!r}")
    return text


class PropertySpec(WireModel):
    """Typed description of one property (after Alibaba IoT's TSL)."""

    name: str = Field(min_length=1)
    data_type: Literal["int", "float", "bool", "enum", "text", "color"]
    min: float | None = None
    max: float | None = None
    step: float | None = None
    unit: str | None = None
    access_mode: Literal["r", "rw"] = "rw"
    enum_values: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.data_type == "enum" and not self.enum_values:
            raise ValueError(f"enum property {self.name!r} needs enumValues")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"property {self.name!r}: min {self.min} > max {self.max}")
        return self

    @property
    def writable(self) -> bool:
        """True if a directive may set this property."""
        return self.access_mode == "rw"

    def coerce(self, value: Any) -> PropertyValue:
        """Return ``value`` converted to this property's type, or raise ValueError saying why.

        ``"max"`` and ``"min"`` stand for the ends of a numeric range, as in AliGenie's Set* directives.
        """
        name = self.name
        if self.data_type in ("int", "float"):
            if isinstance(value, str) and value.strip().lower() in ("max", "min"):
                end = self.max if value.strip().lower() == "max" else self.min
                if end is None:
                    raise ValueError(f"{name} has no {value.strip().lower()}imum")
                value = end
            if isinstance(value, bool):
                raise ValueError(f"{name} must be a number, got {value!r}")
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a number, got {value!r}") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
            if self.min is not None and number < self.min:
                raise ValueError(f"{name} must be at least {_fmt(self.min)}{self.unit or ''}, got {_fmt(number)}")
            if self.max is not None and number > self.max:
                raise ValueError(f"{name} must be at most {_fmt(self.max)}{self.unit or ''}, got {_fmt(number)}")
            if self.data_type == "int":
                if number != int(number):
                    raise ValueError(f"{name} must be a whole number, got {value!r}")
                return int(number)
            return round(number, 2)
        if self.data_type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "on", "1", "yes"):
                return True
            if text in ("false", "off", "0", "no"):
                return False
            raise ValueError(f"{name} must be true or false, got {value!r}")
        if self.data_type == "enum":
            text = str(value)
            for allowed in self.enum_values:
                if text.lower() == allowed.lower():
                    return allowed
            raise ValueError(f"{name} must be one of {', '.join(self.enum_values)}, got {value!r}")
        if self.data_type == "color":
            text = str(value).strip()
            for color_name, rgb in COLORS.items():
                if text.lower() == color_name.lower():
                    return rgb
            if _HEX_COLOR.match(text):
                return text.upper()
            raise ValueError(f"{name} must be a colour name ({', '.join(COLORS)}) or #RRGGBB, got {value!r}")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError(f"{name} must be text, got {value!r}")
        return str(value)


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


class Names(WireModel):
    """Spoken names per language; the first of each list is the display name."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    fr: list[str] = Field(default_factory=list)

    def for_lang(self, lang: str) -> list[str]:
        """Names in ``lang`` (empty if none)."""
        if lang not in LANGS:
            return []
        return list(getattr(self, lang) or [])

    def display(self, lang: str) -> str:
        """The display name in ``lang``, falling back to zh, en, fr in turn."""
        for candidate in (lang, *LANGS):
            names = self.for_lang(candidate)
            if names:
                return names[0]
        return ""

    def all(self) -> list[tuple[str, str]]:
        """Every (lang, name) pair."""
        return [(lang, name) for lang in LANGS for name in self.for_lang(lang)]


class DeviceInfo(WireModel):
    """A device's self-description: one AliGenie discovery device object plus our extensions."""

    device_id: str
    device_name: str = Field(min_length=1)
    device_type: str = Field(min_length=1)
    zone: str = ""
    brand: str = Field(min_length=1)
    model: str = Field(min_length=1)
    icon: str | None = None
    properties: list[Property] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    extensions: dict[str, str] = Field(default_factory=dict)
    names: Names = Field(default_factory=Names)
    zone_id: str = ""
    zone_names: Names = Field(default_factory=Names)
    property_specs: list[PropertySpec] = Field(default_factory=list)
    firmware: str = "1.0.0"
    protocol: str = "aligenie-v1"

    @field_validator("device_id")
    @classmethod
    def _device_id(cls, value: str) -> str:
        if not DEVICE_ID_RE.fullmatch(value):
            raise ValueError(f"invalid device id {value!r}")
        return value

    @model_validator(mode="after")
    def _plain_text(self) -> Self:
        """Every text of a registration is read by someone (a name said back, a row of `genie devices list`,
        the dashboard): none may carry a control character, an escape sequence or a bidi override. Refused,
        not stripped: a name cleaned by the hub could become another device's name."""
        texts = [self.device_name, self.device_type, self.zone, self.brand, self.model, self.icon or "",
                 self.zone_id, self.firmware, self.protocol, *self.actions, *self.extensions,
                 *self.extensions.values(), *(name for _lang, name in self.names.all()),
                 *(name for _lang, name in self.zone_names.all()), *(p.name for p in self.properties)]
        for spec in self.property_specs:
            texts += (spec.name, spec.unit or "", *spec.enum_values)
        if CONTROLS.search(" ".join(texts)) is None:  # the usual case, in a few µs: nothing to report
            return self
        for where, text in _texts(self, ""):  # every text, found generically: which one is it?
            what = control_in(text)
            if what is not None:
                raise PydanticCustomError(CONTROL_CHARACTER, "{where}: {what} in {text}",
                                          {"where": where, "what": what, "text": repr(text[:80])})
        return self

    def spec(self, name: str) -> PropertySpec | None:
        """The spec of property ``name``, if the device has it."""
        for spec in self.property_specs:
            if spec.name == name:
                return spec
        return None


CONTROL_CHARACTER = "control_character"
"""Error type of a text holding a character of ``hub.protocol.text.CONTROLS`` (its ``where`` is the path)."""


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every (path, text) of a model: its strings, those of its lists and dicts (keys too). A property's
    value is state, reported again in every change: `genie` prints it through ``printable``."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Property):
        yield f"{where}.name", value.name
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from _texts(getattr(value, name), f"{where}.{field.alias or name}".lstrip("."))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key, f"{where}.{key}")
            yield from _texts(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}.{index}")


# --------------------------------------------------------------------------- envelope


class Header(WireModel):
    """The AliGenie header. ``payLoadVersion`` keeps AliGenie's spelling; ``payloadVersion`` is accepted."""

    namespace: str = Field(min_length=1)
    name: str = Field(min_length=1)
    message_id: str = Field(min_length=1, max_length=64)
    payload_version: int = Field(
        default=PROTOCOL_VERSION,
        ge=1,
        validation_alias=AliasChoices("payLoadVersion", "payloadVersion", "payload_version"),
        serialization_alias="payLoadVersion",
    )
    timestamp: int = Field(default_factory=lambda: int(time.time() * 1000))

    @field_validator("message_id")
    @classmethod
    def _plain_id(cls, value: str) -> str:
        return _plain(value)  # echoed in replies, quoted in log lines

    @field_validator("payload_version")
    @classmethod
    def _supported(cls, value: int) -> int:
        if value > PROTOCOL_VERSION:
            raise ValueError(f"payLoadVersion {value} is newer than this peer understands ({PROTOCOL_VERSION})")
        return value


def new_message_id() -> str:
    """A fresh messageId (UUID4 hex)."""
    return uuid.uuid4().hex


class Message(WireModel):
    """Base of every message: a header and a typed payload."""

    NAMESPACE: ClassVar[Namespace]
    NAMES: ClassVar[frozenset[str]] = frozenset()

    header: Header
    payload: Any

    @classmethod
    def accepts(cls, header: Header) -> bool:
        """True if ``header`` names a message of this class."""
        return header.namespace == cls.NAMESPACE and header.name in cls.NAMES

    @classmethod
    def _make(cls, name: str, payload: Any, message_id: str | None = None) -> Self:
        header = Header(namespace=cls.NAMESPACE, name=name, message_id=message_id or new_message_id())
        return cls(header=header, payload=payload)

    @model_validator(mode="after")
    def _check_header(self) -> Self:
        if not type(self).accepts(self.header):
            raise ValueError(
                f"header names {self.header.namespace}/{self.header.name}, not a {type(self).__name__}"
            )
        return self


# --- discovery ---------------------------------------------------------------


class DiscoverPayload(WireModel):
    hub_id: str = "genie-hub"


class DiscoveryRequest(Message):
    """Hub -> every device on ``discover``: answer with register, status and state."""

    NAMESPACE = Namespace.DISCOVERY
    NAMES = frozenset({"DiscoveryDevices"})
    payload: DiscoverPayload

    @classmethod
    def create(cls, hub_id: str = "genie-hub") -> Self:
        return cls._make("DiscoveryDevices", DiscoverPayload(hub_id=hub_id))


class Registration(Message):
    """Device -> hub on ``register`` (retained): the device's self-description."""

    NAMESPACE = Namespace.DISCOVERY
    NAMES = frozenset({"Register"})
    payload: DeviceInfo

    @classmethod
    def create(cls, info: DeviceInfo) -> Self:
        return cls._make("Register", info)


# --- lifecycle -----------------------------------------------------------------


class StatusPayload(WireModel):
    device_id: str
    status: Literal["online", "offline"]
    reason: Literal["connect", "shutdown", "lwt", "discovery"] = "connect"


class DeviceStatus(Message):
    """Device -> hub on ``status`` (retained); the ``Offline``/``lwt`` form is the device's last will."""

    NAMESPACE = Namespace.LIFECYCLE
    NAMES = frozenset({"Online", "Offline"})
    payload: StatusPayload

    @classmethod
    def create(cls, device_id: str, online: bool, reason: str) -> Self:
        status: Literal["online", "offline"] = "online" if online else "offline"
        payload = StatusPayload(device_id=device_id, status=status, reason=reason)  # type: ignore[arg-type]
        return cls._make("Online" if online else "Offline", payload)

    @property
    def online(self) -> bool:
        return self.payload.status == "online"


class HubStatusPayload(WireModel):
    hub_id: str
    status: Literal["online", "offline"]
    reason: Literal["connect", "shutdown", "lwt"] = "connect"
    version: str = ""


class HubStatus(Message):
    """Hub -> all on ``hub/status`` (retained); ``Offline``/``lwt`` is the hub's last will."""

    NAMESPACE = Namespace.LIFECYCLE
    NAMES = frozenset({"Online", "Offline"})
    payload: HubStatusPayload

    @classmethod
    def create(cls, hub_id: str, online: bool, reason: str, version: str = "") -> Self:
        status = "online" if online else "offline"
        payload = HubStatusPayload(hub_id=hub_id, status=status, reason=reason, version=version)  # type: ignore[arg-type]
        return cls._make("Online" if online else "Offline", payload)

    @property
    def online(self) -> bool:
        return self.payload.status == "online"


# --- control and query -----------------------------------------------------------


class RequestPayload(WireModel):
    device_id: str
    device_type: str = ""
    attribute: str | None = None
    value: PropertyValue | None = None
    extensions: dict[str, str] = Field(default_factory=dict)


class Request(Message):
    """Hub -> device on ``request``: a Control directive (TurnOn, SetBrightness...) or a Query."""

    NAMESPACE = Namespace.CONTROL
    payload: RequestPayload

    @classmethod
    def accepts(cls, header: Header) -> bool:
        return header.namespace in (Namespace.CONTROL, Namespace.QUERY) and not header.name.endswith("Response")

    @classmethod
    def control(
        cls,
        device_id: str,
        action: str,
        attribute: str | None = None,
        value: PropertyValue | None = None,
        device_type: str = "",
    ) -> Self:
        payload = RequestPayload(device_id=device_id, device_type=device_type, attribute=attribute, value=value)
        header = Header(namespace=Namespace.CONTROL, name=action, message_id=new_message_id())
        return cls(header=header, payload=payload)

    @classmethod
    def query(cls, device_id: str, name: str = "Query", device_type: str = "") -> Self:
        payload = RequestPayload(device_id=device_id, device_type=device_type)
        header = Header(namespace=Namespace.QUERY, name=name, message_id=new_message_id())
        return cls(header=header, payload=payload)

    @property
    def action(self) -> str:
        return self.header.name

    @property
    def is_query(self) -> bool:
        return self.header.namespace == Namespace.QUERY


class ResponsePayload(WireModel):
    device_id: str
    properties: list[Property] = Field(default_factory=list)


class Response(Message):
    """Device -> hub on ``reply``: ``<Op>Response`` with the post-change or queried properties."""

    NAMESPACE = Namespace.CONTROL
    payload: ResponsePayload

    @classmethod
    def accepts(cls, header: Header) -> bool:
        return (
            header.namespace in (Namespace.CONTROL, Namespace.QUERY)
            and header.name.endswith("Response")
            and header.name != "ErrorResponse"
        )

    @classmethod
    def to(cls, request: Request, properties: list[Property]) -> Self:
        header = Header(
            namespace=request.header.namespace,
            name=f"{request.header.name}Response",
            message_id=request.header.message_id,
        )
        return cls(header=header, payload=ResponsePayload(device_id=request.payload.device_id, properties=properties))


class ErrorPayload(WireModel):
    device_id: str = ""
    error_code: ErrorCode
    message: str = ""


class ErrorResponse(Message):
    """Any failure: ``ErrorResponse`` with an AliGenie error code, echoing the request's messageId."""

    NAMESPACE = Namespace.CONTROL
    payload: ErrorPayload

    @classmethod
    def accepts(cls, header: Header) -> bool:
        return header.name == "ErrorResponse" and header.namespace in (
            Namespace.CONTROL,
            Namespace.QUERY,
            Namespace.DISCOVERY,
            Namespace.HUB,
        )

    @classmethod
    def to(cls, request: Message, code: ErrorCode, message: str = "") -> Self:
        device_id = getattr(request.payload, "device_id", "") or ""
        header = Header(namespace=request.header.namespace, name="ErrorResponse",
                        message_id=request.header.message_id)
        payload = ErrorPayload(device_id=device_id, error_code=code, message=message or ERROR_MESSAGES[code])
        return cls(header=header, payload=payload)


# --- reports ---------------------------------------------------------------------


class ReportPayload(WireModel):
    device_id: str
    properties: list[Property]
    cause: Literal["physical", "app", "sensor", "command", "motion", "reset"] = "physical"


class PropertyChanged(Message):
    """Device -> hub on ``report``: unsolicited change (a button, a sensor reading, motion)."""

    NAMESPACE = Namespace.REPORT
    NAMES = frozenset({"PropertyChanged"})
    payload: ReportPayload

    @classmethod
    def create(cls, device_id: str, properties: list[Property], cause: str) -> Self:
        return cls._make("PropertyChanged", ReportPayload(device_id=device_id, properties=properties,
                                                          cause=cause))  # type: ignore[arg-type]


class SnapshotPayload(WireModel):
    device_id: str
    properties: list[Property]


class StateSnapshot(Message):
    """Device -> hub on ``state`` (retained): every property's current value."""

    NAMESPACE = Namespace.REPORT
    NAMES = frozenset({"StateSnapshot"})
    payload: SnapshotPayload

    @classmethod
    def create(cls, device_id: str, properties: list[Property]) -> Self:
        return cls._make("StateSnapshot", SnapshotPayload(device_id=device_id, properties=properties))


# --- the hub's own requests ---------------------------------------------------------


class HubRequestPayload(WireModel):
    reply_to: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    text: str | None = Field(default=None, max_length=1000)
    lang: Lang | None = None
    session: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    """The conversation this command belongs to (follow-ups, answers to a question); default: the client."""
    target: str | None = Field(default=None, max_length=200)
    """What a scene or timer request is about: a scene's id or name, a timer's id."""


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
               session: str | None = None, target: str | None = None) -> Self:
        payload = HubRequestPayload(reply_to=reply_to, text=text, lang=lang, session=session,  # type: ignore[arg-type]
                                    target=target)
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


class DirectoryPayload(WireModel):
    devices: list[DeviceView]


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


class AutomationsPayload(WireModel):
    scenes: list[SceneView] = Field(default_factory=list)
    timers: list[TimerView] = Field(default_factory=list)
    routines: list[RoutineView] = Field(default_factory=list)
    now: str = ""
    """The hub's simulated time, ISO 8601 in its time zone."""


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


class Announcement(Message):
    """Hub -> anyone on ``hub/announce``: what the hub says unasked (a timer fired, a routine ran)."""

    NAMESPACE = Namespace.HUB
    NAMES = frozenset({"Announce"})
    payload: AnnouncePayload

    @classmethod
    def create(cls, payload: AnnouncePayload) -> Self:
        return cls._make("Announce", payload)


def reply_header(request: Message, name: str | None = None) -> Header:
    """A header answering ``request``: same namespace and messageId, name ``<Op>Response``."""
    return Header(
        namespace=request.header.namespace,
        name=name or f"{request.header.name}Response",
        message_id=request.header.message_id,
    )


ALL_MESSAGES: tuple[type[Message], ...] = (
    DiscoveryRequest,
    Registration,
    DeviceStatus,
    HubStatus,
    Request,
    Response,
    ErrorResponse,
    PropertyChanged,
    StateSnapshot,
    HubRequest,
    TextCommandResponse,
    ListDevicesResponse,
    HubInfoResponse,
    AutomationsResponse,
    Announcement,
)
