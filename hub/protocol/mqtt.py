"""The MQTT connection that hub, devices and clients share (MQTT 3.1.1 on paho-mqtt, driven by asyncio).

``MqttConnection`` is the real session of the bus interface (``hub.protocol.bus.Connection``; tests use an
in-memory one, ``tests/fakes.py``): paho-mqtt's client in its "external event loop" mode, its socket watched
by the running loop (``loop_read`` when readable, ``loop_write`` when paho has packets to send, ``loop_misc``
on a timer for the keepalive): no thread, no executor, no extra task. It replaced aiomqtt, which wraps the
same client: a message handled cost about twice the CPU through it (docs/performance.md).

- The loop makes the TCP connection (``sock_connect``, never blocking), with TCP_NODELAY (paho leaves Nagle
  on: ~40 ms per QoS 1 exchange), and hands it to paho.
- The socket is read by large ``recv`` calls and what each brought is read on until it is used up; the
  packets a message costs take short paths through paho (``hub.protocol.paho_client``). Packets queued
  while the loop has other callbacks ready (for at most a few turns) are written together by one ``send``:
  a PUBACK leaves with the publish that handling its message caused; a full socket buffer waits for
  writability.
- Every wait for CONNACK, PUBACK or SUBACK is bounded by ``timeout`` (the acknowledgements' by one timer, set
  for the oldest wait); a lost connection fails them at once;
  a message that matches none of our subscriptions is dropped, so nothing depends on a broker that delivers
  retained messages to clients that never asked for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any, Self

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode

from hub.protocol.bus import (
    BROKER_ENV,
    DEFAULT_BROKER_URL,
    Backoff,
    BadBrokerURL,
    BrokerURL,
    Connection,
    ConnectionFailed,
    Inbound,
    Will,
)
from hub.protocol.codec import clip
from hub.protocol.paho_client import BufferedSocket, LoopWrites, PahoClient, loop_writes, open_tcp
from hub.protocol.topics import topic_matches

__all__ = ["BROKER_ENV", "DEFAULT_BROKER_URL", "Backoff", "BadBrokerURL", "BrokerURL", "Connection",
           "ConnectionFailed", "Inbound", "MqttConnection", "Will"]

_LOGGER = logging.getLogger(__name__)

_MATCH_CACHE = 4096  # topics whose match against our subscriptions is remembered
_OK = MQTTErrorCode.MQTT_ERR_SUCCESS


class _NoAck(Exception):
    """No acknowledgement within the session's timeout."""


class MqttConnection:
    """A real MQTT 3.1.1 session to ``url`` as ``client_id``; an async context manager.

    ``timeout``: seconds to wait for the broker's CONNACK (and the TCP connection), a PUBACK or a SUBACK;
    ``misc_every``: seconds between keepalive checks (default a quarter of ``keepalive``, at most 15 s; a ping
    then goes out at most that late, well within the broker's 1.5 x keepalive); ``bind_address``: the local
    address to leave from ("" for any; each address has its own ports)."""

    def __init__(
        self,
        url: BrokerURL,
        client_id: str,
        *,
        will: Will | None = None,
        keepalive: int = 30,
        timeout: float = 5.0,
        bind_address: str = "",
        misc_every: float | None = None,
    ) -> None:
        self.client_id = client_id
        self.url = url
        self.timeout = timeout
        self.keepalive = keepalive
        self._misc_every = misc_every if misc_every is not None else min(15.0, max(0.25, keepalive / 4))
        self._bind = bind_address
        self._filters: list[str] = []
        self._matches: dict[str, bool] = {}
        self._inbox: deque[Inbound] = deque()
        self._handler: Callable[[str, bytes], None] | None = None
        self._waiters: list[asyncio.Future[None]] = []
        self._acks: dict[int, asyncio.Future[Any]] = {}
        self._deadlines: deque[tuple[float, asyncio.Future[Any]]] = deque()  # of the waits in _acks, in order
        self._overdue_timer: asyncio.TimerHandle | None = None
        self._lost: str | None = "not connected"  # why there is no session; None while there is one
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connack: asyncio.Future[None] | None = None
        self._closed: asyncio.Future[None] | None = None
        self._misc: asyncio.TimerHandle | None = None
        self._fd, self._flush_soon, self._writing, self._closing = -1, False, False, False
        self._writes: LoopWrites | None = None
        client = PahoClient(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True,
                            protocol=paho.MQTTv311)
        if url.username is not None:
            client.username_pw_set(url.username, url.password)
        if will is not None:
            client.will_set(will.topic, will.payload, will.qos, will.retain)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_ack
        client.on_subscribe = self._on_ack
        client.on_message = self._on_message
        client.bind(self._deliver, self._acked)
        client.on_socket_open = self._on_socket_open
        client.on_socket_close = self._on_socket_close
        client.on_socket_register_write = self._on_register_write
        client.on_socket_unregister_write = self._on_unregister_write
        self._paho = client

    async def __aenter__(self) -> Self:
        loop = self._loop = asyncio.get_running_loop()
        self._writes = loop_writes(loop)
        self._connack, self._closed = loop.create_future(), loop.create_future()
        try:
            async with asyncio.timeout(self.timeout):
                self._paho.made = BufferedSocket(await open_tcp(loop, self.url.host, self.url.port, self._bind))
                self._paho.connect(self.url.host, self.url.port, self.keepalive)
                await self._connack
        except TimeoutError:
            self._drop()
            raise ConnectionFailed(f"cannot reach the MQTT broker at {self.url}: no answer within "
                                   f"{self.timeout:g} s") from None
        except OSError as exc:
            self._drop()
            why = os.strerror(exc.errno) if exc.errno else str(exc)  # "Connection refused", not asyncio's words
            raise ConnectionFailed(f"cannot reach the MQTT broker at {self.url}: {why}") from None
        except BaseException:  # refused, or cancelled
            self._drop()
            raise
        self._lost = None
        if self.keepalive > 0:
            self._misc = loop.call_later(self._misc_every, self._keepalive_check)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._lost is None and self._closed is not None:
            self._closing = True
            self._paho.disconnect()  # paho closes the socket once the DISCONNECT is written
            await asyncio.wait({self._closed}, timeout=self.timeout)
        self._drop()

    def _drop(self) -> None:
        """Close whatever is open, at once; fail every wait."""
        if self._misc is not None:
            self._misc.cancel()
            self._misc = None
        if self._paho.made is not None:
            self._paho.made.raw.close()
            self._paho.made = None
        if self._paho.socket() is not None:
            self._paho.close_socket()
        self._gone("closed")

    def _gone(self, why: str) -> None:
        """The session has ended: say why to every waiter."""
        if self._lost is None or self._lost == "not connected":
            self._lost = why
        failure = ConnectionFailed(f"{self.client_id}: {self._lost}")
        for future in (self._connack, *self._acks.values()):
            if future is not None and not future.done():
                future.set_exception(failure)
                future.exception()  # retrieved: its waiter (if any) raises its own words
        self._acks.clear()
        self._deadlines.clear()
        if self._overdue_timer is not None:
            self._overdue_timer.cancel()
            self._overdue_timer = None
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)
        self._wake()
        if self._misc is not None:
            self._misc.cancel()
            self._misc = None

    def _on_connect(self, client: Any, userdata: Any, flags: Any, code: Any, properties: Any) -> None:
        if self._connack is None or self._connack.done():
            return
        if code.is_failure:
            self._connack.set_exception(
                ConnectionFailed(f"broker {self.url} refused {self.client_id}: [code:{code.value}] {code}"))
        else:
            self._connack.set_result(None)

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, code: Any, properties: Any) -> None:
        self._gone("closed" if self._closing else f"connection to {self.url} lost: {code}")

    def _on_ack(self, client: Any, userdata: Any, mid: int, codes: Any, properties: Any) -> None:
        future = self._acks.get(mid)
        if future is not None and not future.done():
            future.set_result(codes)

    def _acked(self, mid: int) -> None:
        future = self._acks.get(mid)
        if future is not None and not future.done():
            future.set_result(None)

    def _on_message(self, client: Any, userdata: Any, message: paho.MQTTMessage) -> None:
        self._deliver(message._topic, message.payload, message.retain)

    def _deliver(self, raw_topic: bytes, payload: bytes | bytearray, retain: bool) -> None:
        try:
            topic = raw_topic.decode()
        except UnicodeDecodeError:
            _LOGGER.debug("%s: dropped a message whose topic is not UTF-8", self.client_id)
            return
        wanted = self._matches.get(topic)
        if wanted is None:
            wanted = any(topic_matches(topic, f) for f in self._filters)
            if len(self._matches) >= _MATCH_CACHE:
                self._matches.clear()
            self._matches[topic] = wanted
        if not wanted:
            _LOGGER.debug("%s: dropped %s (matches no subscription of ours)", self.client_id, clip(topic))
            return
        if self._handler is not None:
            self._handler(topic, bytes(payload))
            return
        self._inbox.append(Inbound(topic, payload if isinstance(payload, bytes) else bytes(payload), retain))
        self._wake()

    def hand_to(self, handler: Callable[[str, bytes], None]) -> None:
        """From now on, hand each message (topic, payload) to ``handler`` as it is read, in order (those not yet
        taken from ``messages`` first), instead of to ``messages``; which still raises when the link drops.
        ``handler`` must not raise or block. Saves the turn of the loop each message waits for its reader."""
        while self._inbox:
            message = self._inbox.popleft()
            handler(message.topic, message.payload)
        self._handler = handler

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _on_socket_open(self, client: Any, userdata: Any, sock: Any) -> None:
        assert self._loop is not None
        self._fd = sock.fileno()
        self._loop.add_reader(self._fd, self._readable, sock)

    def _on_socket_close(self, client: Any, userdata: Any, sock: Any) -> None:
        if self._loop is not None and self._fd >= 0:
            self._loop.remove_reader(self._fd)
            if self._writing:
                self._loop.remove_writer(self._fd)
            self._fd, self._writing = -1, False

    def _readable(self, sock: BufferedSocket) -> None:
        client = self._paho
        while client.loop_read() == _OK and sock.pending() and client.socket() is sock:
            pass  # the rest of what one recv brought: the socket will not say readable for it

    def _on_register_write(self, client: Any, userdata: Any, sock: Any) -> None:
        if not self._flush_soon and not self._writing and self._writes is not None:
            self._flush_soon = True
            self._writes.add(self)

    def _on_unregister_write(self, client: Any, userdata: Any, sock: Any) -> None:
        if self._writing and self._loop is not None:
            self._loop.remove_writer(self._fd)
            self._writing = False

    def _flush(self) -> None:
        """Write what paho has queued (everything queued since the last flush goes together)."""
        self._flush_soon = False
        if self._writing and self._loop is not None:  # called as the writer: the socket can take more now
            self._loop.remove_writer(self._fd)
            self._writing = False
        client = self._paho
        if client.socket() is None:
            return
        client.loop_write()
        if client.want_write() and client.socket() is not None and self._loop is not None:
            self._writing = True  # the socket's buffer is full: wait until it can take more
            self._loop.add_writer(self._fd, self._flush)

    def _keepalive_check(self) -> None:
        self._misc = None
        if self._lost is None and self._paho.loop_misc() == _OK and self._lost is None and self._loop is not None:
            self._misc = self._loop.call_later(self._misc_every, self._keepalive_check)

    async def _acknowledged(self, mid: int | None, what: str) -> Any:
        loop = self._loop
        if mid is None or loop is None:
            raise ConnectionFailed(f"{self.client_id}: {what} failed: {self._lost or 'not sent'}")
        future = self._acks[mid] = loop.create_future()
        deadlines = self._deadlines  # one timer for all waits (each its own cost ~2x as much): they end in order
        while deadlines and deadlines[0][1].done():
            deadlines.popleft()
        deadlines.append((loop.time() + self.timeout, future))
        if self._overdue_timer is None:
            self._overdue_timer = loop.call_at(deadlines[0][0], self._overdue)
        try:
            return await future
        except _NoAck:
            raise ConnectionFailed(f"{self.client_id}: {what} failed: no acknowledgement within "
                                   f"{self.timeout:g} s") from None
        except ConnectionFailed:
            raise ConnectionFailed(f"{self.client_id}: {what} failed: {self._lost}") from None
        finally:
            if self._acks.get(mid) is future:
                del self._acks[mid]

    def _overdue(self) -> None:
        """Fail the waits for an acknowledgement whose time is up; set the timer for the next."""
        self._overdue_timer = None
        if self._loop is None:
            return
        deadlines, now = self._deadlines, self._loop.time() + 0.001  # the loop may call a timer that early
        while deadlines and (deadlines[0][1].done() or deadlines[0][0] <= now):
            future = deadlines.popleft()[1]
            if not future.done():
                future.set_exception(_NoAck())
        if deadlines:
            self._overdue_timer = self._loop.call_at(deadlines[0][0], self._overdue)

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Publish ``payload`` on ``topic`` and wait for the broker's acknowledgement (QoS 1, 2)."""
        if self._lost is not None:
            raise ConnectionFailed(f"{self.client_id}: publish to {topic} failed: {self._lost}")
        rc, mid = (self._paho.publish_qos1(topic, payload, retain) if qos == 1
                   else tuple(self._paho.publish(topic, payload, qos=qos, retain=retain)))
        if rc != _OK:
            raise ConnectionFailed(f"{self.client_id}: publish to {topic} failed: {paho.error_string(rc)}")
        if qos:
            await self._acknowledged(mid, f"publish to {topic}")

    async def subscribe(self, *filters: str) -> None:
        """Subscribe to ``filters`` (QoS 1) and wait for the broker's acknowledgement."""
        self._filters.extend(f for f in filters if f not in self._filters)
        self._matches.clear()
        if self._lost is not None:
            raise ConnectionFailed(f"{self.client_id}: subscribe failed: {self._lost}")
        rc, mid = self._paho.subscribe([(f, 1) for f in filters])
        if rc != _OK:
            raise ConnectionFailed(f"{self.client_id}: subscribe failed: {paho.error_string(rc)}")
        codes = await self._acknowledged(mid, "subscribe")
        refused = [f for f, code in zip(filters, codes or (), strict=False) if getattr(code, "is_failure", False)]
        if refused:
            _LOGGER.debug("%s: the broker refused the subscription to %s", self.client_id, ", ".join(refused))

    async def messages(self) -> AsyncIterator[Inbound]:
        """Every message received on one of our subscriptions; ConnectionFailed when the link drops."""
        while True:
            while self._inbox:
                yield self._inbox.popleft()
            if self._lost is not None or self._loop is None:
                raise ConnectionFailed(f"{self.client_id}: {self._lost}")
            waiter = self._loop.create_future()
            self._waiters.append(waiter)
            await waiter

    def socket(self) -> socket.socket | None:
        """The connection's TCP socket while it is open (its local and peer addresses), else None."""
        sock = self._paho.socket()
        if isinstance(sock, BufferedSocket):
            sock = sock.raw
        return sock if isinstance(sock, socket.socket) else None

    async def abort(self) -> None:
        """Drop the connection without DISCONNECT, as a power cut would (the will fires)."""
        sock = self.socket()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
