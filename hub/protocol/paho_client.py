"""paho-mqtt's client as ``hub.protocol.mqtt.MqttConnection`` drives it: handed the socket the event loop made,
reading from one large ``recv``, and with short paths for the packets every message costs.

Every text command costs the hub two messages in and two out, each with its PUBACK. paho's general path
builds, for each, objects nobody here reads (an ``MQTTMessage`` with a lock-bearing info, MQTT 5 properties
and a reason code for a 3.1.1 PUBACK, a matcher walk over callbacks never added) and reads a packet's
header a byte at a time. Here:

- a whole MQTT 3.1.1 PUBLISH (QoS 0 or 1) or PUBACK found in the buffer is read in place: the message goes
  straight to ``deliver`` (topic bytes, payload, retain), then its PUBACK is queued, as paho does; a PUBACK
  of a QoS 1 message we sent goes to ``acked`` (mid) and frees its slot as paho does (the next queued
  message, if any, is sent). Anything else, a packet not wholly read yet, or one these short paths find
  malformed, takes paho's own path, which reads on from the same buffer;
- what is queued is written by one ``send`` (paho writes packet by packet), once the loop has nothing else
  ready (``LoopWrites``, one writer for all the sessions of a loop): a PUBACK leaves with the publish that
  handling its message caused. A QoS 0 PUBLISH or a DISCONNECT in the queue (paho does more for those once
  written) sends it all paho's way;
- a QoS 1 publish is queued without the MQTTMessage, message info and log lines paho makes for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import weakref
from collections.abc import Callable, Sized
from typing import Any, Protocol

import paho.mqtt.client as paho
from paho.mqtt.enums import MQTTErrorCode, MQTTProtocolVersion

_READ_SIZE = 1 << 16
_OK = MQTTErrorCode.MQTT_ERR_SUCCESS
_AGAIN = MQTTErrorCode.MQTT_ERR_AGAIN
_LOST = MQTTErrorCode.MQTT_ERR_CONN_LOST
_PUBLISH, _PUBACK, _DISCONNECT = 0x30, 0x40, 0xE0
_SENT = paho.MQTTMessageInfo(0)
"""The info every message of ``publish_qos1`` shares: nobody waits on it (the session waits for its PUBACK)."""


def _is_address(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return True


async def open_tcp(loop: asyncio.AbstractEventLoop, host: str, port: int, bind: str = "") -> socket.socket:
    """A TCP connection to ``host``, made without blocking the loop, with Nagle off (paho leaves it on: ~40 ms
    per QoS 1 exchange), leaving from ``bind`` if given ("" for any address)."""
    if _is_address(host):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        targets: list[tuple[Any, ...]] = [(family, socket.SOCK_STREAM, 0, "", (host, port))]
    else:
        targets = list(await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    error: OSError = OSError(f"no address for {host}")
    for family, kind, proto, _, address in targets:
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if bind:  # the port is then chosen at connect, per destination: no scan of the address's ports
                with contextlib.suppress(OSError):  # (Linux; at 20,000 ports in use, 2/3 of a fleet's CPU)
                    sock.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24), 1)
                sock.bind((bind, 0))
            await loop.sock_connect(sock, address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
    raise error


class BufferedSocket:
    """A client socket that serves paho's small reads from one large ``recv``; what it holds can be read
    packet by packet in place (``packet``, ``skip``)."""

    def __init__(self, sock: socket.socket) -> None:
        self.raw = sock
        self.data = b""
        self.at = 0

    def recv(self, size: int) -> bytes:
        """Up to ``size`` bytes: from the buffer, else from one large read of the socket."""
        if self.at >= len(self.data):
            data = self.raw.recv(max(size, _READ_SIZE))  # BlockingIOError when nothing came: paho waits
            if len(data) <= size:
                return data
            self.data, self.at = data, 0
        chunk = self.data[self.at:self.at + size]
        self.at += len(chunk)
        return chunk

    def fill(self) -> bool:
        """Read what the socket holds into the empty buffer; False when the peer has closed."""
        self.data, self.at = self.raw.recv(_READ_SIZE), 0
        return bool(self.data)

    def packet(self) -> tuple[int, int, int] | None:
        """The next packet if the buffer holds all of it: (first byte, where its body starts, where it ends)."""
        data, at = self.data, self.at
        end = len(data)
        if at + 1 >= end:
            return None
        length, shift, i = 0, 0, at + 1
        while True:
            if i >= end or shift > 21:
                return None  # not all here (or not a length at all: paho's own path says so)
            byte = data[i]
            length |= (byte & 0x7F) << shift
            i += 1
            if not byte & 0x80:
                break
            shift += 7
        if i + length > end:
            return None
        return data[at], i, i + length

    def pending(self) -> int:
        """Bytes read from the socket and not yet handed out."""
        return len(self.data) - self.at

    def send(self, data: bytes) -> int:
        """The socket's own ``send``."""
        return self.raw.send(data)

    def __getattr__(self, name: str) -> object:
        return getattr(self.raw, name)


class PahoClient(paho.Client):
    """paho's client, handed the TCP connection the event loop made instead of connecting (and blocking)
    itself, with the short paths of the module's docstring; its owner ``bind``s what they call."""

    made: BufferedSocket | None = None
    deliver: Callable[[bytes, bytes, bool], None]
    """Told every message received on the session: (topic, payload, retain)."""
    acked: Callable[[int], None]
    """Told the mid of each QoS 1 message of ours the broker acknowledged."""

    def bind(self, deliver: Callable[[bytes, bytes, bool], None], acked: Callable[[int], None]) -> None:
        """Set what the short paths call (before the connection is made)."""
        self.deliver, self.acked = deliver, acked

    def _create_socket_connection(self) -> Any:  # paho 2.x (pinned): where its own blocking connect happens
        sock, self.made = self.made, None
        if sock is None:
            raise OSError("no TCP connection was made for the session")
        return sock

    def close_socket(self) -> None:
        """Close the connection at once, without DISCONNECT (paho's own socket clean-up)."""
        self._sock_close()

    def publish_qos1(self, topic: str, payload: bytes, retain: bool) -> tuple[MQTTErrorCode, int]:
        """``publish(topic, payload, 1, retain)``'s (rc, mid), without what paho builds for it that nobody here
        reads (a message info with its lock, log lines); paho's own ``publish`` when it would do more (not
        connected, the in-flight window full, a topic it refuses)."""
        raw = topic.encode()
        queue = self._out_messages
        if (self._sock is None or not raw or b"+" in raw or b"#" in raw or type(payload) is not bytes
                or len(payload) > 268_435_000 or 0 < self._max_inflight_messages <= self._inflight_messages
                or 0 < self._max_queued_messages <= len(queue)):
            info = self.publish(topic, payload, qos=1, retain=retain)
            return info.rc, info.mid
        mid = self._mid_generate()
        message = paho.MQTTMessage.__new__(paho.MQTTMessage)  # what paho keeps of it until its PUBACK
        message.mid, message._topic, message.payload, message.qos, message.retain = mid, raw, payload, 1, retain
        message.dup, message.properties, message.info = False, None, _SENT
        message.state, message.timestamp = paho.mqtt_ms_wait_for_puback, 0.0
        size, length = 4 + len(raw) + len(payload), bytearray()
        while True:
            size, byte = size >> 7, size & 0x7F
            length.append(byte | 0x80 if size else byte)
            if not size:
                break
        first = 0x32 | retain
        packet = b"".join((bytes((first,)), length, len(raw).to_bytes(2, "big"), raw, mid.to_bytes(2, "big"),
                           payload))
        with self._out_message_mutex:
            queue[mid] = message
            self._inflight_messages += 1
        self._out_packet.append({"command": first, "mid": mid, "qos": 1, "pos": 0, "to_process": len(packet),
                                 "packet": packet, "info": None})
        self._call_socket_register_write()
        return _OK, mid

    def _packet_read(self) -> MQTTErrorCode:
        sock = self._sock
        if self._in_packet["command"] or not isinstance(sock, BufferedSocket):
            return super()._packet_read()  # in the middle of a packet: paho goes on with it
        if sock.at >= len(sock.data):
            try:
                if not sock.fill():
                    return _LOST
            except BlockingIOError:
                return _AGAIN
            except OSError as err:
                self._easy_log(paho.MQTT_LOG_ERR, "failed to receive on socket: %s", err)
                return _LOST
        found = sock.packet()
        if found is not None and self._protocol == MQTTProtocolVersion.MQTTv311:
            first, start, end = found
            kind = first & 0xF0
            if kind == _PUBLISH and not first & 0x04:  # QoS 0 or 1
                rc = self._publish_in(sock, first, start, end)
                if rc is not None:
                    return rc
            elif kind == _PUBACK and end - start == 2:
                rc = self._puback_in(sock, start, end)
                if rc is not None:
                    return rc
        return super()._packet_read()

    def _publish_in(self, sock: BufferedSocket, first: int, start: int, end: int) -> MQTTErrorCode | None:
        data = sock.data
        qos = (first & 0x06) >> 1
        if end - start < 2:
            return None
        topic_end = start + 2 + (data[start] << 8 | data[start + 1])
        if topic_end == start + 2 or topic_end + 2 * qos > end:
            return None  # malformed: paho's path says how
        sock.at = end
        self._last_bytes_received = paho.time_func()
        mid = data[topic_end] << 8 | data[topic_end + 1] if qos else 0
        self.deliver(data[start + 2:topic_end], data[topic_end + 2 * qos:end], bool(first & 0x01))
        if qos and not self._manual_ack:
            return self._send_command_with_mid(_PUBACK, mid, False)
        return _OK

    def _puback_in(self, sock: BufferedSocket, start: int, end: int) -> MQTTErrorCode | None:
        data = sock.data
        mid = data[start] << 8 | data[start + 1]
        with self._out_message_mutex:
            message = self._out_messages.get(mid)
            if message is None or message.qos != 1:
                return None  # unknown, or not ours to finish here: paho's path
            sock.at = end
            self._last_bytes_received = paho.time_func()
            self.acked(mid)
            del self._out_messages[mid]
            self._inflight_messages -= 1
            if self._max_inflight_messages > 0 and len(self._out_messages) > self._inflight_messages:
                return self._update_inflight()  # some wait for a free slot: the next goes out
        return _OK

    def _packet_write(self) -> MQTTErrorCode:
        queue = self._out_packet
        sock = self._sock
        if sock is None or not queue or any(
                (p["command"] & 0xF0 == _PUBLISH and p["qos"] == 0) or p["command"] & 0xF0 == _DISCONNECT
                for p in queue):
            return super()._packet_write()
        data = b"".join(p["packet"][p["pos"]:] if p["pos"] else p["packet"] for p in queue)
        try:
            written = sock.send(data)
        except BlockingIOError:
            return _AGAIN
        except OSError as err:
            self._easy_log(paho.MQTT_LOG_ERR, "failed to send on socket: %s", err)
            return _LOST
        while written > 0:
            packet = queue[0]
            if written >= packet["to_process"]:
                written -= packet["to_process"]
                queue.popleft()
            else:
                packet["to_process"] -= written
                packet["pos"] += written
                written = 0
        with self._msgtime_mutex:
            self._last_msg_out = paho.time_func()
        return _OK


_DEFER_TURNS = 4  # loop turns a write may wait for others' packets to join it


class _Writer(Protocol):
    _flush_soon: bool

    def _flush(self) -> None: ...


class LoopWrites:
    """The sessions of one loop with packets to write: written once the loop has nothing else ready (at most
    ``_DEFER_TURNS`` turns late), so that what those callbacks queue leaves in the same write (a PUBACK with
    the publish that handling its message caused). One per loop: sessions never wait for each other."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop, self.sessions, self.turns = loop, list[_Writer](), 0
        self.ready: Sized = getattr(loop, "_ready", ())  # the loop's ready callbacks (asyncio's loop shows them)

    def add(self, session: _Writer) -> None:
        """``session`` has packets to write."""
        self.sessions.append(session)
        if len(self.sessions) == 1:
            self.turns = 0
            self.loop.call_soon(self.run)

    def run(self) -> None:
        """Write, unless the loop has other callbacks ready (then a turn later, at most ``_DEFER_TURNS``)."""
        if self.ready and self.turns < _DEFER_TURNS:
            self.turns += 1
            self.loop.call_soon(self.run)
            return
        sessions, self.sessions = self.sessions, []
        for session in sessions:
            if session._flush_soon:
                session._flush()


_WRITES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopWrites] = weakref.WeakKeyDictionary()


def loop_writes(loop: asyncio.AbstractEventLoop) -> LoopWrites:
    """The writer of ``loop``'s sessions."""
    return _WRITES.get(loop) or _WRITES.setdefault(loop, LoopWrites(loop))
