"""The MQTT connection that hub, devices and clients share (MQTT 3.1.1 over aiomqtt/paho).

``Connection`` is the bus interface the rest of the code is written against; tests use an
in-memory implementation of the same interface (``tests/fakes.py``). ``MqttConnection`` is the
real one. It sets TCP_NODELAY on every socket (paho leaves Nagle on, which costs ~40 ms per
QoS 1 exchange) and drops any message that matches none of its subscriptions, so nothing
depends on a broker that delivers retained messages to clients that never asked for them.

Two per-packet costs of aiomqtt/paho are cut (a QoS 1 round trip is 12-15 % faster for it):
paho reads a packet's fixed header a byte at a time, so each incoming packet took three or more
``recv`` calls, and each packet sent went through ``call_soon_threadsafe`` → ``add_writer`` → a poll
for writability → ``remove_writer``, two or three event-loop iterations and five system calls.
``_BufferedSocket`` reads whatever has arrived in one call (aiomqtt keeps reading while it reports
``pending()`` bytes), and packets queued on the event loop's thread are written by one ``call_soon``
callback (packets queued together are sent together), falling back to aiomqtt's writer only when the
socket's buffer is full.

It also never loses a cancellation: aiomqtt waits for PUBACK/SUBACK/CONNACK with ``asyncio.wait_for``,
which on Python 3.11 swallows a ``cancel()`` that arrives in the same loop iteration as the
acknowledgement (CPython gh-86296, fixed in 3.12). A task cancelled while publishing then went on
running — with a fast broker (Mosquitto) that happened to about one benchmark run in seven, which
hung waiting for that task. ``_acknowledged`` re-raises such a lost cancellation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar
from urllib.parse import unquote, urlsplit

import aiomqtt

from hub.errors import GenieError
from hub.protocol.codec import clip
from hub.protocol.topics import topic_matches

_LOGGER = logging.getLogger(__name__)

DEFAULT_BROKER_URL = "mqtt://127.0.0.1:1883"
BROKER_ENV = "GENIE_BROKER"


class Backoff:
    """Jittered exponential backoff ("equal jitter"): wait a random time between half a doubling ceiling and it.

    Spreads a fleet's reconnections after a broker restart instead of a thundering herd.
    """

    def __init__(self, initial: float = 0.05, maximum: float = 10.0, rng: random.Random | None = None) -> None:
        self.initial = initial
        self.maximum = maximum
        self.attempt = 0
        self._rng = rng or random.Random()

    def next(self) -> float:
        """Seconds to wait before the next attempt."""
        ceiling = min(self.maximum, self.initial * (2 ** self.attempt))
        self.attempt += 1
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        """A connection succeeded: start again from the shortest wait."""
        self.attempt = 0


class ConnectionFailed(GenieError, ConnectionError):
    """The broker could not be reached or refused us; the message says which and where."""


class BadBrokerURL(GenieError, ValueError):
    """A broker URL that cannot be used (``--broker``, ``$GENIE_BROKER``); the message says why."""


@dataclass(frozen=True, slots=True)
class BrokerURL:
    """Where a broker is: ``mqtt://[user[:password]@]host[:port]``."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> BrokerURL:
        """Parse ``url``; BadBrokerURL (a ValueError) with a clear reason if it is not a broker URL."""
        text = url.strip()
        if "://" not in text:
            text = "mqtt://" + text
        parts = urlsplit(text)
        if parts.scheme not in ("mqtt", "tcp"):
            raise BadBrokerURL(f"broker URL {url!r}: scheme must be mqtt:// (got {parts.scheme}://)")
        if not parts.hostname:
            raise BadBrokerURL(f"broker URL {url!r}: no host")
        try:
            port = parts.port if parts.port is not None else 1883
        except ValueError:
            port = -1
        if not 1 <= port <= 65535:
            raise BadBrokerURL(f"broker URL {url!r}: port must be a number 1-65535")
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    @classmethod
    def from_env(cls, url: str | None = None) -> BrokerURL:
        """``url`` if given, else ``$GENIE_BROKER``, else the default local broker."""
        return cls.parse(url or os.environ.get(BROKER_ENV) or DEFAULT_BROKER_URL)

    def __str__(self) -> str:
        user = f"{self.username}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"mqtt://{user}{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Will:
    """The message the broker publishes for us if we vanish without a DISCONNECT."""

    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = True


@dataclass(frozen=True, slots=True)
class Inbound:
    """A received message."""

    topic: str
    payload: bytes
    retain: bool = False


class Connection(Protocol):
    """The bus interface: one MQTT session."""

    client_id: str

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Publish ``payload`` on ``topic``."""

    async def subscribe(self, *filters: str) -> None:
        """Subscribe to topic filters (QoS 1)."""

    def messages(self) -> AsyncIterator[Inbound]:
        """Received messages, in order; ends (raising ConnectionError) when the session drops."""

    async def abort(self) -> None:
        """Drop the connection without DISCONNECT, as a power cut would (the will fires)."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None: ...


_NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
_T = TypeVar("_T")
_READ_SIZE = 1 << 16


class _BufferedSocket:
    """A client socket that serves paho's small reads from one large ``recv`` (see the module's docstring).

    ``pending()`` is what aiomqtt asks (as of an SSL socket) to keep reading without waiting for the
    socket to become readable again; everything else is the socket's own.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.raw = sock
        self._data = b""
        self._at = 0

    def recv(self, size: int) -> bytes:
        """Up to ``size`` bytes: from the buffer, else from one large read of the socket."""
        if self._at >= len(self._data):
            data = self.raw.recv(max(size, _READ_SIZE))  # BlockingIOError when nothing came: paho waits
            if len(data) <= size:
                return data
            self._data, self._at = data, 0
        chunk = self._data[self._at:self._at + size]
        self._at += len(chunk)
        return chunk

    def pending(self) -> int:
        """Bytes read from the socket and not yet handed out."""
        return len(self._data) - self._at

    def __getattr__(self, name: str) -> object:
        return getattr(self.raw, name)


async def _acknowledged(operation: Awaitable[_T]) -> _T:
    """Await an aiomqtt call that waits for the broker's acknowledgement, without losing a cancellation.

    On Python 3.11, ``asyncio.wait_for`` returns the result instead of raising CancelledError when the
    awaited future completes in the same loop iteration as the ``cancel()`` (CPython gh-86296); the
    request stays counted in ``Task.cancelling()``, so a request made during the call is raised here.
    """
    task = asyncio.current_task()
    requested = task.cancelling() if task is not None else 0
    result = await operation
    if task is not None and task.cancelling() > requested:
        raise asyncio.CancelledError()
    return result


def _open(sock: Any) -> bool:
    """Is the socket still open? A connection closed meanwhile (the broker went away while we stopped) has
    fileno -1, and asking the loop to watch -1 ends in an "Exception in callback" traceback."""
    try:
        return int(sock.fileno()) >= 0
    except (OSError, ValueError):
        return False


class MqttConnection:
    """A real MQTT 3.1.1 session to ``url`` as ``client_id``; an async context manager."""

    def __init__(
        self,
        url: BrokerURL,
        client_id: str,
        *,
        will: Will | None = None,
        keepalive: int = 30,
        timeout: float = 5.0,
        bind_address: str = "",
    ) -> None:
        self.client_id = client_id
        self.url = url
        self.timeout = timeout  # seconds to wait for the broker's CONNACK, PUBACK or SUBACK
        self._filters: list[str] = []
        self._client = aiomqtt.Client(
            url.host,
            url.port,
            username=url.username,
            password=url.password,
            identifier=client_id,
            will=aiomqtt.Will(will.topic, will.payload, will.qos, will.retain) if will else None,
            clean_session=True,
            keepalive=keepalive,
            timeout=timeout,
            socket_options=_NODELAY,
            bind_address=bind_address,  # the local address to leave from ("": any); each has its own ports
        )
        # The two per-packet savings use aiomqtt's and paho's internals (aiomqtt 2.5, paho 2.x, pinned in
        # pyproject.toml); should they change, the connection falls back to the stock behaviour.
        self._paho: Any = getattr(self._client, "_client", None)
        self._aiomqtt_register_write: Callable[[Any, Any, Any], None] | None = getattr(
            self._client, "_on_socket_register_write", None)
        self._fast = all(hasattr(self._client, name) for name in ("_loop", "_disconnected")) and \
            self._paho is not None and self._aiomqtt_register_write is not None
        if self._fast and self._paho is not None:
            self._paho.on_socket_register_write = self._register_write

    def _register_write(self, client: Any, userdata: Any, sock: Any) -> None:
        """paho has packets to send: on the loop's thread, send them from the next callback."""
        loop = self._client._loop
        try:
            here = asyncio.get_running_loop() is loop
        except RuntimeError:  # paho's connect runs in an executor thread
            here = False
        assert self._aiomqtt_register_write is not None
        if here:
            loop.call_soon(self._write, client, userdata, sock)
        elif _open(sock):
            self._aiomqtt_register_write(client, userdata, sock)

    def _write(self, client: Any, userdata: Any, sock: Any) -> None:
        try:
            client.loop_write()
        except Exception as exc:  # as aiomqtt does: the connection is broken
            if not self._client._disconnected.done():
                self._client._disconnected.set_exception(exc)
            return
        if client.want_write() and self._aiomqtt_register_write is not None and _open(sock):  # buffer full: wait
            self._aiomqtt_register_write(client, userdata, sock)

    async def __aenter__(self) -> Self:
        try:
            await _acknowledged(self._client.__aenter__())
        except aiomqtt.MqttCodeError as exc:
            raise ConnectionFailed(f"broker {self.url} refused {self.client_id}: {exc}") from None
        except aiomqtt.MqttError as exc:
            raise ConnectionFailed(f"cannot reach the MQTT broker at {self.url}: {exc}") from None
        except asyncio.CancelledError:
            connected = getattr(self._client, "_connected", None)
            if connected is not None and connected.done() and not connected.cancelled() \
                    and connected.exception() is None:
                await self.__aexit__(None, None, None)  # connected after all: do not leave the session open
            raise
        sock = getattr(self._paho, "_sock", None) if self._fast else None
        if isinstance(sock, socket.socket):
            self._paho._sock = _BufferedSocket(sock)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self._client.__aexit__(exc_type, exc, tb)
        except aiomqtt.MqttError as error:
            _LOGGER.debug("%s: disconnect: %s", self.client_id, error)

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Publish ``payload`` on ``topic`` and wait for the broker's acknowledgement (QoS 1, 2)."""
        try:
            await _acknowledged(self._client.publish(topic, payload, qos=qos, retain=retain))
        except aiomqtt.MqttError as exc:
            raise ConnectionFailed(f"{self.client_id}: publish to {topic} failed: {exc}") from None

    async def subscribe(self, *filters: str) -> None:
        """Subscribe to ``filters`` (QoS 1) and wait for the broker's acknowledgement."""
        self._filters.extend(f for f in filters if f not in self._filters)
        try:
            await _acknowledged(self._client.subscribe([(f, 1) for f in filters]))
        except aiomqtt.MqttError as exc:
            raise ConnectionFailed(f"{self.client_id}: subscribe failed: {exc}") from None

    async def messages(self) -> AsyncIterator[Inbound]:
        """Every message received on one of our subscriptions; ConnectionFailed when the link drops."""
        try:
            async for message in self._client.messages:
                topic = str(message.topic)
                if not any(topic_matches(topic, f) for f in self._filters):
                    _LOGGER.debug("%s: dropped %s (matches no subscription of ours)", self.client_id, clip(topic))
                    continue
                payload = message.payload
                if isinstance(payload, str):
                    payload = payload.encode()
                elif not isinstance(payload, bytes | bytearray):
                    payload = b"" if payload is None else str(payload).encode()
                yield Inbound(topic, bytes(payload), bool(message.retain))
        except aiomqtt.MqttError as exc:
            raise ConnectionFailed(f"{self.client_id}: connection to {self.url} lost: {exc}") from None

    def socket(self) -> socket.socket | None:
        """The connection's TCP socket while it is open (its local and peer addresses), else None."""
        sock = self._paho.socket() if self._paho is not None else None
        if isinstance(sock, _BufferedSocket):
            sock = sock.raw
        return sock if isinstance(sock, socket.socket) else None

    async def abort(self) -> None:
        """Drop the connection without DISCONNECT, as a power cut would (the will fires)."""
        sock = self._paho.socket() if self._paho is not None else None
        if isinstance(sock, _BufferedSocket):
            sock = sock.raw
        if isinstance(sock, socket.socket):  # paho's other kind (a WebSocket wrapper) is never used here
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
