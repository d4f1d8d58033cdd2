"""MqttConnection's own edges, against a scripted MQTT server on 127.0.0.1 (what no real broker does on cue):
a CONNECT never answered, a connection refused, pings on an idle session, a socket buffer that fills up, a
connection lost while a PUBACK is awaited, messages received before a drop, a cancellation while waiting."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from hub.protocol.mqtt import BrokerURL, ConnectionFailed, MqttConnection

CONNACK = bytes([0x20, 0x02, 0x00, 0x00])
BOUND = 10.0


@dataclass
class Peer:
    """One accepted connection of the scripted server: its packets as (first byte, body)."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    packets: list[tuple[int, bytes]] = field(default_factory=list)

    async def packet(self) -> tuple[int, bytes]:
        first = (await self.reader.readexactly(1))[0]
        length, shift = 0, 0
        while True:
            byte = (await self.reader.readexactly(1))[0]
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        body = await self.reader.readexactly(length)
        self.packets.append((first, body))
        return first, body

    async def until(self, kind: int) -> bytes:
        """The body of the next packet of type ``kind`` (others are kept in ``packets``)."""
        while True:
            first, body = await self.packet()
            if first >> 4 == kind:
                return body


@contextlib.asynccontextmanager
async def scripted(script: Callable[[Peer], Awaitable[None]]) -> AsyncIterator[BrokerURL]:
    """A server on an ephemeral loopback port running ``script`` for each connection."""
    tasks: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            await script(Peer(reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield BrokerURL("127.0.0.1", server.sockets[0].getsockname()[1])
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


async def test_a_connect_never_answered_fails_within_the_timeout() -> None:
    async def silent(peer: Peer) -> None:
        await peer.until(1)
        await asyncio.Event().wait()

    async with scripted(silent) as url:
        with pytest.raises(ConnectionFailed, match=r"no answer within 0\.3 s"):
            async with asyncio.timeout(BOUND), MqttConnection(url, "c", timeout=0.3):
                pass


async def test_a_refused_connection_says_so() -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]  # bound, never listening: the connection is refused
        with pytest.raises(ConnectionFailed, match=f"cannot reach the MQTT broker at mqtt://127.0.0.1:{port}: "
                                                   "Connection refused"):
            async with MqttConnection(BrokerURL("127.0.0.1", port), "c"):
                pass


async def test_a_refusing_connack_names_its_reason() -> None:
    async def refuse(peer: Peer) -> None:
        await peer.until(1)
        peer.writer.write(bytes([0x20, 0x02, 0x00, 0x05]))  # not authorised
        await peer.writer.drain()

    async with scripted(refuse) as url:
        with pytest.raises(ConnectionFailed, match=r"refused c: \[code:135\] Not authorized"):
            async with asyncio.timeout(BOUND), MqttConnection(url, "c"):
                pass


async def test_an_idle_session_pings_within_its_keepalive() -> None:
    pinged = asyncio.Event()

    async def broker(peer: Peer) -> None:
        await peer.until(1)
        peer.writer.write(CONNACK)
        await peer.until(12)  # PINGREQ
        pinged.set()
        peer.writer.write(bytes([0xD0, 0x00]))
        await peer.until(14)

    async with scripted(broker) as url, MqttConnection(url, "c", keepalive=1):
        async with asyncio.timeout(BOUND):  # a ping is due 1-1.25 s after the last packet
            await pinged.wait()


async def test_a_burst_larger_than_the_socket_buffer_arrives_whole_and_in_order() -> None:
    count, size = 400, 16_000  # 6.4 MB: far more than a loopback socket takes before the reader reads
    release, got = asyncio.Event(), asyncio.Event()
    bodies: list[bytes] = []

    async def slow(peer: Peer) -> None:
        await peer.until(1)
        peer.writer.write(CONNACK)
        await release.wait()  # read nothing while the client queues its burst
        while len(bodies) < count:
            bodies.append(await peer.until(3))
        got.set()
        await peer.until(14)

    async with scripted(slow) as url, MqttConnection(url, "c") as conn:
        for i in range(count):
            await conn.publish("burst", b"%06d" % i + b"x" * size, qos=0)
            await asyncio.sleep(0)  # a loop iteration: what is queued is written as far as the socket takes it
        assert conn._writing, "the burst fitted the socket: the test proves nothing"
        release.set()
        async with asyncio.timeout(BOUND):
            await got.wait()
    assert [body[7:13] for body in bodies] == [b"%06d" % i for i in range(count)]  # after the topic "burst"


async def test_a_connection_lost_while_a_puback_is_awaited_fails_the_publish_at_once() -> None:
    async def drop(peer: Peer) -> None:
        await peer.until(1)
        peer.writer.write(CONNACK)
        await peer.until(3)
        peer.writer.transport.abort()

    async with scripted(drop) as url, MqttConnection(url, "c", timeout=BOUND) as conn:
        with pytest.raises(ConnectionFailed, match=r"publish to t failed: connection to .* lost"):
            async with asyncio.timeout(BOUND / 2):
                await conn.publish("t", b"x")


async def test_messages_received_before_a_drop_are_delivered_then_the_stream_fails() -> None:
    def publish(topic: bytes, payload: bytes) -> bytes:
        body = len(topic).to_bytes(2, "big") + topic + payload
        return bytes([0x30, len(body)]) + body

    async def talk(peer: Peer) -> None:
        await peer.until(1)
        peer.writer.write(CONNACK)
        subscribe = await peer.until(8)
        peer.writer.write(bytes([0x90, 0x03]) + subscribe[:2] + b"\x01")
        peer.writer.write(publish(b"a/1", b"one") + publish(b"b/1", b"not ours") + publish(b"a/2", b"two"))
        await peer.writer.drain()
        peer.writer.transport.abort()

    async with scripted(talk) as url, MqttConnection(url, "c") as conn:
        await conn.subscribe("a/+")
        seen = []
        with pytest.raises(ConnectionFailed, match="lost"):
            async with asyncio.timeout(BOUND):
                async for message in conn.messages():
                    seen.append((message.topic, message.payload))
    assert seen == [("a/1", b"one"), ("a/2", b"two")]


async def test_a_publish_cancelled_while_it_waits_is_cancelled() -> None:
    published = asyncio.Event()

    async def never_ack(peer: Peer) -> None:
        await peer.until(1)
        peer.writer.write(CONNACK)
        await peer.until(3)
        published.set()
        await peer.until(14)

    async with scripted(never_ack) as url, MqttConnection(url, "c", timeout=BOUND) as conn:
        task = asyncio.create_task(conn.publish("t", b"x"))
        async with asyncio.timeout(BOUND):
            await published.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not conn._acks, "a cancelled publish left its wait behind"


async def test_a_session_from_a_given_address_leaves_the_port_to_the_connect() -> None:
    """With a local address given, the port is picked at connect (per destination), not by a scan at bind: the
    scan took two thirds of a 17,000-device fleet process's CPU once each address had ~20,000 ports in use."""
    async def broker(peer: Peer) -> None:
        await peer.until(1)
        peer.writer.write(CONNACK)
        await peer.until(14)

    async with scripted(broker) as url, MqttConnection(url, "c", bind_address="127.0.0.2") as conn:
        sock = conn.socket()
        assert sock is not None and sock.getsockname()[0] == "127.0.0.2"
        assert sock.getsockopt(socket.IPPROTO_IP, getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)) == 1
