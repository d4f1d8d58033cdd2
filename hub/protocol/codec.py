"""The one codec: typed messages <-> bytes on the wire (compact UTF-8 JSON)."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import ValidationError

from hub.protocol.messages import Header, Message

M = TypeVar("M", bound=Message)

MAX_PAYLOAD_BYTES = 256 * 1024
"""Largest message a peer accepts from another (a hub's directory reply to a client may be larger)."""


class ProtocolError(ValueError):
    """A payload that is not a valid message; ``reason`` names the offending field."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def encode(message: Message) -> bytes:
    """Serialise ``message`` to its wire form."""
    return message.model_dump_json(by_alias=True, exclude_none=True).encode()


def _reason(exc: ValidationError, prefix: str = "") -> str:
    parts = []
    for error in exc.errors()[:3]:
        loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
        msg = error["msg"].removeprefix("Value error, ")
        loc = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def decode_json(data: bytes | bytearray | str, max_bytes: int = MAX_PAYLOAD_BYTES) -> dict:
    """Parse the JSON object of a payload, or raise ProtocolError."""
    size = len(data.encode()) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise ProtocolError(f"message: payload of {size} bytes exceeds {max_bytes}")
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"message: not valid UTF-8 JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise ProtocolError(f"message: expected a JSON object, got {type(obj).__name__}")
    return obj


def decode(data: bytes | bytearray | str, *expected: type[M], max_bytes: int = MAX_PAYLOAD_BYTES) -> M:
    """Parse ``data`` as one of the ``expected`` message classes, or raise ProtocolError.

    The header is checked first, so a reason always names the field that is wrong
    (``header.messageId: Field required``, ``payload.value: ...``).
    """
    obj = decode_json(data, max_bytes)
    try:
        header = Header.model_validate(obj.get("header"))
    except ValidationError as exc:
        if obj.get("header") is None:
            raise ProtocolError("header: Field required") from None
        raise ProtocolError(_reason(exc, "header")) from None
    first_error: ProtocolError | None = None
    for cls in expected:
        if cls.accepts(header):
            if "payload" not in obj:
                raise ProtocolError("payload: Field required")
            try:
                return cls.model_validate(obj)
            except ValidationError as exc:
                # Several classes may share a header (device and hub Online); try the next one.
                first_error = first_error or ProtocolError(_reason(exc))
    if first_error is not None:
        raise first_error
    names = ", ".join(cls.__name__ for cls in expected)
    raise ProtocolError(f"header.name: {header.namespace}/{header.name} is not a {names}")
