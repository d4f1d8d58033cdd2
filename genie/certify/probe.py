"""Certify's side of the wire: an MQTT session with the hub's rights that hears everything the device publishes
and sends it requests, every wait bounded.

Every message heard is kept (``Seen``: when, topic, bytes, retain flag) up to ``LOG_LIMIT``; a request is
matched to its reply by ``messageId`` (``Exchange``); a reply that matches no request is kept too, it is evidence.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from genie.certify.model import trim
from hub.protocol import (
    DeviceTopic,
    DiscoveryRequest,
    ErrorResponse,
    HubStatus,
    ProtocolError,
    Request,
    Response,
    Topics,
    decode,
    encode,
)
from hub.protocol.mqtt import BrokerURL, MqttConnection

LOG_LIMIT = 50_000
LOG_BYTES = 32 * 1024 * 1024
"""Messages, and bytes of them, kept; past either the oldest half is let go (a device flooding certify)."""
REPLY_TIMEOUT = 3.0
"""Seconds a reply may take: the hub's own request timeout (docs/protocol.md §7)."""


@dataclass
class Seen:
    """One message heard on the device's topics."""

    at: float
    topic: str
    payload: bytes
    retain: bool

    @property
    def kind(self) -> str:
        """The last level of the topic (register, status, state, report, reply, request)."""
        return self.topic.rsplit("/", 1)[-1]

    def text(self) -> str:
        """The message for the evidence: its kind, then the header's name and messageId and the payload (the rest
        of the header left out) if it has that shape, else the bytes as they came."""
        value = self.json()
        header = value.get("header") if value else None
        where = f"← {self.kind}{' (retained)' if self.retain else ''}:"
        if value is None or not isinstance(header, dict) or set(value) != {"header", "payload"}:
            return f"{where} {self.payload.decode('utf-8', 'replace')}"
        message_id = str(header.get("messageId", "?"))[:8]
        payload = json.dumps(value["payload"], ensure_ascii=False, separators=(",", ":"))
        return f"{where} {header.get('name', '?')} id {message_id} {payload}"

    def json(self) -> dict[str, Any] | None:
        """The payload as a JSON object, or None."""
        try:
            value = json.loads(self.payload)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        return value if isinstance(value, dict) else None

    def message_id(self) -> str | None:
        """``header.messageId`` if the payload has one."""
        value = self.json()
        header = value.get("header") if value else None
        found = header.get("messageId") if isinstance(header, dict) else None
        return found if isinstance(found, str) else None


@dataclass
class Exchange:
    """One request and what came back."""

    request: Request
    sent: float
    seen: Seen | None = None
    reply: Response | ErrorResponse | None = None
    problem: str = ""
    """Why the reply is not a valid one (undecodable...), or 'no reply within N s'."""

    @property
    def seconds(self) -> float | None:
        """Reply time, if a reply came."""
        return None if self.seen is None else self.seen.at - self.sent

    def error_code(self) -> str | None:
        """The ErrorResponse's code, if the reply is one."""
        return self.reply.payload.error_code.value if isinstance(self.reply, ErrorResponse) else None

    def describe(self) -> list[str]:
        """The exchange as evidence lines."""
        value = self.request.payload.value
        lines = [f"→ request {self.request.header.name}{'' if value is None else f'({json.dumps(value)})'} "
                 f"id {self.request.header.message_id[:8]}"]
        if self.seen is not None:
            lines.append(f"{self.seen.text()} [{(self.seconds or 0) * 1000:.0f} ms]")
        if self.problem:
            lines.append(f"  ✗ {self.problem}")
        return lines


@dataclass
class Probe:
    """The hub's session on the broker, for one device."""

    url: BrokerURL
    device_id: str
    topics: Topics = field(default_factory=Topics)
    client_id: str = "genie-hub-certify"
    log: list[Seen] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    let_go: int = 0
    """Messages let go from the front of ``log`` so far (an entry's position for good is ``let_go`` + its index)."""
    _bytes: int = 0
    _conn: MqttConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    lost: str = ""
    """Why the session ended, if it did."""

    def topic(self, kind: DeviceTopic) -> str:
        """The device's topic of ``kind``."""
        return self.topics.device(self.device_id, kind)

    async def open(self) -> None:
        """Connect and subscribe to every topic of the device."""
        conn = MqttConnection(self.url, self.client_id, keepalive=30, timeout=5.0)
        await conn.__aenter__()
        try:
            await conn.subscribe(*(self.topic(k) for k in DeviceTopic if k != DeviceTopic.REQUEST))
        except BaseException:
            await conn.__aexit__(None, None, None)
            raise
        self._conn, self.lost = conn, ""
        self._reader = asyncio.create_task(self._read(conn), name="certify-probe")

    async def close(self) -> None:
        """Disconnect; the reader ends."""
        conn, reader = self._conn, self._reader
        self._conn, self._reader = None, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
        if conn is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await conn.__aexit__(None, None, None)

    async def _read(self, conn: MqttConnection) -> None:
        try:
            async for message in conn.messages():
                self.log.append(Seen(time.monotonic(), message.topic, message.payload, message.retain))
                self._bytes += len(message.payload)
                if len(self.log) > LOG_LIMIT or self._bytes > LOG_BYTES:
                    half = len(self.log) // 2
                    self.let_go += half
                    del self.log[:half]
                    self._bytes = sum(len(s.payload) for s in self.log)
                self._wake()
        except ConnectionError as exc:
            self.lost = str(exc)
            self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def mark(self) -> float:
        """Now, to look only at what is heard from here on."""
        return time.monotonic()

    def heard(self, since: float = 0.0, kind: str | None = None) -> list[Seen]:
        """Messages heard since ``since`` (monotonic), of ``kind`` if given."""
        return [s for s in self.log if s.at >= since and (kind is None or s.kind == kind)]

    async def wait_for(self, found: Callable[[Seen], bool], timeout: float, since: float = 0.0) -> Seen | None:
        """The first message since ``since`` for which ``found`` is true, waiting up to ``timeout`` s; else None."""
        deadline = time.monotonic() + timeout
        position = self.let_go + bisect.bisect_left(self.log, since, key=lambda s: s.at)  # for good: see let_go
        while True:
            for seen in self.log[max(0, position - self.let_go):]:  # only what came since the last look
                if found(seen):
                    return seen
            position = self.let_go + len(self.log)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await self._changed.wait()

    async def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish as the hub (ConnectionError if the session is gone)."""
        if self._conn is None:
            raise ConnectionError("certify's own session is closed")
        await self._conn.publish(topic, payload, qos=1, retain=retain)

    async def subscribe_again(self, *kinds: DeviceTopic) -> None:
        """Subscribe again to the device's ``kinds``: the broker sends what it retains there anew (MQTT 3.1.1 §3.8.4),
        with the retain flag, on this same session (another session would take this one's id on a broker that
        makes every client id its login's name)."""
        if self._conn is None:
            raise ConnectionError("certify's own session is closed")
        await self._conn.subscribe(*(self.topic(k) for k in kinds))

    async def hub_online(self, retain: bool) -> None:
        """Say the hub is online on ``genie/hub/status``."""
        await self.publish(self.topics.hub_status, encode(HubStatus.create("genie-hub", True, "connect")),
                           retain=retain)

    async def discover(self) -> None:
        """Broadcast a DiscoveryDevices."""
        await self.publish(self.topics.discover, encode(DiscoveryRequest.create()))

    async def send(self, request: Request, timeout: float = REPLY_TIMEOUT) -> Exchange:
        """Send ``request`` to the device and wait up to ``timeout`` s for the reply with its messageId."""
        exchange = Exchange(request, time.monotonic())
        self.exchanges.append(exchange)
        message_id = request.header.message_id
        try:
            await self.publish(self.topic(DeviceTopic.REQUEST), encode(request))
        except ConnectionError as exc:
            exchange.problem = f"could not send: {exc}"
            return exchange
        seen = await self.wait_for(lambda s: s.kind == "reply" and s.message_id() == message_id, timeout,
                                   since=exchange.sent)
        if seen is None:
            exchange.problem = f"no reply within {timeout:g} s"
            return exchange
        exchange.seen = seen
        try:
            reply = decode(seen.payload, Response, ErrorResponse)
            exchange.reply = reply if isinstance(reply, Response | ErrorResponse) else None
        except ProtocolError as exc:
            exchange.problem = f"the reply is not a valid Response or ErrorResponse: {exc.reason}"
        return exchange

    async def send_raw(self, payload: bytes) -> None:
        """Publish ``payload`` as it is on the device's request topic."""
        await self.publish(self.topic(DeviceTopic.REQUEST), payload)

    def orphans(self, since: float = 0.0) -> list[Seen]:
        """Replies heard since ``since`` whose messageId no request of certify had."""
        ids = {e.request.header.message_id for e in self.exchanges}
        return [s for s in self.heard(since, "reply") if s.message_id() not in ids]


def control(device_id: str, action: str, value: Any = None, device_type: str = "") -> Request:
    """A Control request (a Query one for a query action)."""
    from hub.protocol.vocabulary import ACTIONS, QUERY_ACTIONS

    if action in QUERY_ACTIONS or action.startswith("Query"):
        return Request.query(device_id, action, device_type=device_type)
    kind = ACTIONS.get(action)
    return Request.control(device_id, action, attribute=kind.attribute if kind else None, value=value,
                           device_type=device_type)


def fresh_id() -> str:
    """A new messageId."""
    return uuid.uuid4().hex


def describe(seen: list[Seen], limit: int = 6) -> list[str]:
    """Some messages as evidence lines."""
    return [trim(s.text()) for s in seen[:limit]]
