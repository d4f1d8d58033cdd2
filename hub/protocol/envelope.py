"""The envelope every Genie message shares: AliGenie's header, namespaces and error codes.

Every message is ``{"header": {...}, "payload": {...}}``. ``header`` carries ``namespace``, ``name``,
``messageId``, ``payLoadVersion`` and ``timestamp``; replies echo the request's ``messageId``. Field
names on the wire are camelCase, as in AliGenie. ``Message`` is the base the typed messages
(``hub.protocol.device_messages``, ``hub.protocol.hub_messages``) extend with their payloads.
"""

from __future__ import annotations

import time
import uuid
from enum import StrEnum
from typing import Any, ClassVar, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from hub.protocol.text import control_in

PROTOCOL_VERSION = 1
"""The payLoadVersion this code emits and the highest it understands."""


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


def plain(text: str) -> str:
    """``text`` if it holds no character of ``hub.protocol.text.CONTROLS``; else ValueError naming it."""
    what = control_in(text)
    if what is not None:
        raise ValueError(f"{what} in {text[:80]!r}")
    return text


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
        return plain(value)  # echoed in replies, quoted in log lines

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


def reply_header(request: Message, name: str | None = None) -> Header:
    """A header answering ``request``: same namespace and messageId, name ``<Op>Response``."""
    return Header(
        namespace=request.header.namespace,
        name=name or f"{request.header.name}Response",
        message_id=request.header.message_id,
    )
