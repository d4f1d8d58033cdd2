"""Messages between the hub and a device: discovery, lifecycle, control and query, reports.

Each names its namespace and header names (``NAMESPACE``, ``NAMES``) and builds itself (``create``,
``control``, ``to``); ``hub.protocol.codec`` decodes them. docs/protocol.md has the topic of each.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from hub.protocol.description import DeviceInfo, Property, PropertyValue
from hub.protocol.envelope import (
    ERROR_MESSAGES,
    ErrorCode,
    Header,
    Message,
    Namespace,
    WireModel,
    new_message_id,
)

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
        """A discovery broadcast from hub ``hub_id``."""
        return cls._make("DiscoveryDevices", DiscoverPayload(hub_id=hub_id))


class Registration(Message):
    """Device -> hub on ``register`` (retained): the device's self-description."""

    NAMESPACE = Namespace.DISCOVERY
    NAMES = frozenset({"Register"})
    payload: DeviceInfo

    @classmethod
    def create(cls, info: DeviceInfo) -> Self:
        """The registration of the device ``info`` describes."""
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
        """The device's ``Online`` or ``Offline`` notice, and why."""
        status: Literal["online", "offline"] = "online" if online else "offline"
        payload = StatusPayload(device_id=device_id, status=status, reason=reason)  # type: ignore[arg-type]
        return cls._make("Online" if online else "Offline", payload)

    @property
    def online(self) -> bool:
        """True if the device says it is online."""
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
        """The hub's ``Online`` or ``Offline`` notice, and why."""
        status = "online" if online else "offline"
        payload = HubStatusPayload(hub_id=hub_id, status=status, reason=reason, version=version)  # type: ignore[arg-type]
        return cls._make("Online" if online else "Offline", payload)

    @property
    def online(self) -> bool:
        """True if the hub says it is online."""
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
        """True for a Control or Query directive (any name but a ``...Response``)."""
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
        """A Control directive ``action`` to ``device_id``, with its attribute and value if any."""
        payload = RequestPayload(device_id=device_id, device_type=device_type, attribute=attribute, value=value)
        header = Header(namespace=Namespace.CONTROL, name=action, message_id=new_message_id())
        return cls(header=header, payload=payload)

    @classmethod
    def query(cls, device_id: str, name: str = "Query", device_type: str = "") -> Self:
        """A Query directive (``name``: Query or a Query* of one property) to ``device_id``."""
        payload = RequestPayload(device_id=device_id, device_type=device_type)
        header = Header(namespace=Namespace.QUERY, name=name, message_id=new_message_id())
        return cls(header=header, payload=payload)

    @property
    def action(self) -> str:
        """The directive's name (TurnOn, SetBrightness, Query...)."""
        return self.header.name

    @property
    def is_query(self) -> bool:
        """True if this is a Query rather than a Control directive."""
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
        """True for a Control or Query ``<Op>Response`` other than ``ErrorResponse``."""
        return (
            header.namespace in (Namespace.CONTROL, Namespace.QUERY)
            and header.name.endswith("Response")
            and header.name != "ErrorResponse"
        )

    @classmethod
    def to(cls, request: Request, properties: list[Property]) -> Self:
        """The answer to ``request``, echoing its messageId, with ``properties``."""
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
        """True for an ``ErrorResponse`` in any namespace a request is sent in."""
        return header.name == "ErrorResponse" and header.namespace in (
            Namespace.CONTROL,
            Namespace.QUERY,
            Namespace.DISCOVERY,
            Namespace.HUB,
        )

    @classmethod
    def to(cls, request: Message, code: ErrorCode, message: str = "", *, device_id: str | None = None) -> Self:
        """The failure answer to ``request``: ``code``, and ``message`` or the code's own words; in the name of
        ``device_id`` (default: the device the request names)."""
        if device_id is None:
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
        """A report of ``properties`` that changed on ``device_id``, and why."""
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
        """The snapshot of every property of ``device_id``."""
        return cls._make("StateSnapshot", SnapshotPayload(device_id=device_id, properties=properties))
