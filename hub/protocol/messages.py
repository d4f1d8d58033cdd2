"""Typed messages of the Genie wire protocol: AliGenie's envelope, names and error codes, in one place.

The messages live by what they are for: the envelope every message shares (``hub.protocol.envelope``),
what a device says about itself (``hub.protocol.description``), the messages between hub and device
(``hub.protocol.device_messages``), the hub's own requests and replies (``hub.protocol.hub_messages``)
and the views those replies carry (``hub.protocol.views``). This module gathers them, with
``ALL_MESSAGES``, the list the codec and the contract tests walk.
"""

from __future__ import annotations

from hub.language import LANGUAGES
from hub.protocol.description import (
    COLORS,
    CONTROL_CHARACTER,
    DeviceInfo,
    Names,
    Property,
    PropertySpec,
    PropertyValue,
)
from hub.protocol.device_messages import (
    DeviceStatus,
    DiscoverPayload,
    DiscoveryRequest,
    ErrorPayload,
    ErrorResponse,
    HubStatus,
    HubStatusPayload,
    PropertyChanged,
    Registration,
    ReportPayload,
    Request,
    RequestPayload,
    Response,
    ResponsePayload,
    SnapshotPayload,
    StateSnapshot,
    StatusPayload,
)
from hub.protocol.envelope import (
    ERROR_MESSAGES,
    PROTOCOL_VERSION,
    SUCCESS,
    ErrorCode,
    Header,
    Message,
    Namespace,
    WireModel,
    new_message_id,
    reply_header,
)
from hub.protocol.hub_messages import (
    ActionResult,
    Announcement,
    AnnouncePayload,
    AutomationsResponse,
    CommandResult,
    DirectoryPayload,
    HubInfoPayload,
    HubInfoResponse,
    HubRequest,
    HubRequestPayload,
    ListDevicesResponse,
    TextCommandResponse,
)
from hub.protocol.views import AutomationsPayload, DeviceView, RoutineView, SceneView, SpeakerView, TimerView

LANGS = LANGUAGES  # the name the protocol exports

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
"""Every message type (the contract tests build and round-trip each one)."""

__all__ = [
    "ALL_MESSAGES",
    "COLORS",
    "CONTROL_CHARACTER",
    "ERROR_MESSAGES",
    "LANGS",
    "PROTOCOL_VERSION",
    "SUCCESS",
    "ActionResult",
    "AnnouncePayload",
    "Announcement",
    "AutomationsPayload",
    "AutomationsResponse",
    "CommandResult",
    "DeviceInfo",
    "DeviceStatus",
    "DeviceView",
    "DirectoryPayload",
    "DiscoverPayload",
    "DiscoveryRequest",
    "ErrorCode",
    "ErrorPayload",
    "ErrorResponse",
    "Header",
    "HubInfoPayload",
    "HubInfoResponse",
    "HubRequest",
    "HubRequestPayload",
    "HubStatus",
    "HubStatusPayload",
    "ListDevicesResponse",
    "Message",
    "Names",
    "Namespace",
    "Property",
    "PropertyChanged",
    "PropertySpec",
    "PropertyValue",
    "Registration",
    "ReportPayload",
    "Request",
    "RequestPayload",
    "Response",
    "ResponsePayload",
    "RoutineView",
    "SceneView",
    "SnapshotPayload",
    "SpeakerView",
    "StateSnapshot",
    "StatusPayload",
    "TextCommandResponse",
    "TimerView",
    "WireModel",
    "new_message_id",
    "reply_header",
]
