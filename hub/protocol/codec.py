"""The one codec: typed messages <-> bytes on the wire (compact UTF-8 JSON), and the limits every reader of a
peer's payload keeps: at most ``MAX_PAYLOAD_BYTES``, nested at most ``MAX_JSON_DEPTH`` deep, and at most
``LOG_QUOTE_CHARS`` of it quoted in a log line (``quote``, ``clip``)."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import ValidationError

from hub.errors import GenieError
from hub.protocol.description import CONTROL_CHARACTER
from hub.protocol.envelope import Header, Message
from hub.protocol.text import visible

M = TypeVar("M", bound=Message)

MAX_PAYLOAD_BYTES = 256 * 1024
"""Largest message a peer accepts from another (a hub's directory reply to a client may be larger)."""

MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects accepted (ours go 5 deep; Python's parser gives up near 1,000)."""

LOG_QUOTE_CHARS = 200
"""Most characters of a payload, topic or reason a peer chose that one log line quotes."""


def clip(text: str, limit: int = LOG_QUOTE_CHARS) -> str:
    """``text`` (a topic, a reason) as a log line may show it: control characters written out (``\\x1b``,
    ``visible``), cut after ``limit`` characters of that, saying how long it was."""
    if len(text) <= limit:
        shown = visible(text)
        if len(shown) <= limit:
            return shown
    return f"{visible(text, limit)}… ({len(text)} characters)"


def quote(data: bytes | bytearray | str, limit: int = LOG_QUOTE_CHARS) -> str:
    """The ``repr`` of a payload as a log line may show it: at most ``limit`` characters of it, then
    ``… (N bytes)`` when it is longer. Undecodable bytes show as U+FFFD."""
    if isinstance(data, str):
        size, text = len(data.encode("utf-8", "surrogatepass")), data[:limit + 1]
    else:
        size, text = len(data), bytes(data[:4 * (limit + 1)]).decode("utf-8", "replace")
    shown = repr(text[:limit])
    if len(text) <= limit and len(shown) <= limit + 2:
        return shown
    return f"{shown[:limit]}… ({size} bytes)"


class ProtocolError(GenieError, ValueError):
    """A payload that is not a valid message; ``reason`` names the offending field."""

    def __init__(self, reason: str) -> None:
        reason = clip(reason, 2 * LOG_QUOTE_CHARS)  # a reason may quote what it refused: never all of it
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
        if error["type"] == CONTROL_CHARACTER:  # found deep in a model: name the text itself
            context = error.get("ctx") or {}
            loc = ".".join(p for p in (loc, str(context.get("where", ""))) if p)
            msg = f"{context.get('what')} in {context.get('text')}"
        loc = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def check_size(data: bytes | bytearray | str, max_bytes: int = MAX_PAYLOAD_BYTES) -> None:
    """Raise ProtocolError if ``data`` is over ``max_bytes`` (check before parsing or even decoding it)."""
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise ProtocolError(f"message: payload of {size} bytes exceeds {max_bytes}")


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SQUARE = bytes.maketrans(b"{}", b"[]")


def _nested_deeper(data: bytes | bytearray | str, limit: int) -> bool:
    """True if the valid JSON ``data`` nests arrays and objects more than ``limit`` deep.

    Decided on the text, in C: keep only the brackets outside strings, then strip innermost ``[]`` pairs
    ``limit`` times; anything left was deeper. (A few ms for 256 KiB; most messages stop at the count.)
    """
    if isinstance(data, str):
        raw = data.encode("utf-8", "surrogatepass")
    else:
        raw = data if isinstance(data, bytes) else bytes(data)
        encoding = json.detect_encoding(raw)
        if encoding != "utf-8":  # json.loads also reads UTF-16/32; in UTF-8 a bracket byte is a bracket
            raw = raw.decode(encoding, "surrogatepass").encode("utf-8", "surrogatepass")
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", raw).translate(_SQUARE, _NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return False
        brackets = brackets.replace(b"[]", b"")
    return bool(brackets)


def parse_json(data: bytes | bytearray | str, max_bytes: int = MAX_PAYLOAD_BYTES,
               max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse the JSON value of a payload, or raise ProtocolError: over ``max_bytes`` (never parsed), not UTF-8
    JSON, or nested deeper than ``max_depth``."""
    check_size(data, max_bytes)
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"message: not valid UTF-8 JSON ({exc})") from None
    except RecursionError:  # deeper than the parser itself goes
        raise _too_deep(max_depth) from None
    if isinstance(obj, dict | list) and _nested_deeper(data, max_depth):
        raise _too_deep(max_depth)
    return obj


def _too_deep(limit: int) -> ProtocolError:
    return ProtocolError(f"message: JSON nested deeper than {limit} levels")


def decode_json(data: bytes | bytearray | str, max_bytes: int = MAX_PAYLOAD_BYTES) -> dict:
    """Parse the JSON object of a payload (see ``parse_json``), or raise ProtocolError."""
    obj = parse_json(data, max_bytes)
    if not isinstance(obj, dict):
        raise ProtocolError(f"message: expected a JSON object, got {type(obj).__name__}")
    return obj


def decode(data: bytes | bytearray | str, *expected: type[M], max_bytes: int = MAX_PAYLOAD_BYTES) -> M:
    """Parse ``data`` as one of the ``expected`` message classes, or raise ProtocolError.

    The header is checked first, so a reason always names the field that is wrong
    (``header.messageId: Field required``, ``payload.value: ...``).

    A message of the first expected class, in UTF-8 and with fewer brackets than ``MAX_JSON_DEPTH`` (so not
    nested deeper), is read in one pass by pydantic's own JSON reader; anything else (another class, a
    message that does not validate, another encoding) is read as described, so that errors say the same.
    """
    check_size(data, max_bytes)
    brackets = data.count("[") + data.count("{") if isinstance(data, str) else data.count(b"[") + data.count(b"{")
    if expected and brackets <= MAX_JSON_DEPTH:
        try:
            return expected[0].model_validate_json(data)
        except ValidationError:
            pass  # read again below, for the reason to name the field (or another class to fit)
    return _decode_checked(data, *expected, max_bytes=max_bytes)


def _decode_checked(data: bytes | bytearray | str, *expected: type[M], max_bytes: int = MAX_PAYLOAD_BYTES) -> M:
    """``decode`` step by step: the JSON, its depth, the header, then each expected class in turn."""
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
