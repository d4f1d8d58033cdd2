"""The short paths a message takes through paho (hub.protocol.paho_client): packets of every kind, cut anywhere
by the reads, arrive whole and in order; what they cannot read (QoS 2, a malformed PUBLISH) takes paho's own
path; a full in-flight window drains; what is queued together leaves in one ``send``."""

from __future__ import annotations

import asyncio
from typing import Any

from hub.protocol.bus import BrokerURL
from hub.protocol.mqtt import ConnectionFailed, MqttConnection
from tests.protocol.test_mqtt_session import BOUND, CONNACK, Peer, scripted


def publish(topic: bytes, payload: bytes, *, qos: int = 0, mid: int = 0, retain: bool = False) -> bytes:
    body = len(topic).to_bytes(2, "big") + topic + (mid.to_bytes(2, "big") if qos else b"") + payload
    length, size = b"", len(body)
    while True:
        byte, size = size & 0x7F, size >> 7
        length += bytes([byte | (0x80 if size else 0)])
        if not size:
            break
    return bytes([0x30 | qos << 1 | int(retain)]) + length + body


async def subscribed(peer: Peer) -> None:
    await peer.until(1)
    peer.writer.write(CONNACK)
    subscribe = await peer.until(8)
    peer.writer.write(bytes([0x90, 0x03]) + subscribe[:2] + b"\x01")


async def test_packets_cut_anywhere_arrive_whole_in_order_and_acknowledged() -> None:
    big = bytes(range(256)) * 800  # 200 KB: more than one read
    stream = (publish(b"a/1", b"one", qos=1, mid=7, retain=True) + publish(b"a/2", b"two")
              + publish(b"a/\xff", b"topic not UTF-8", qos=1, mid=8) + publish(b"a/3", big, qos=1, mid=9)
              + publish(b"a/4", b"four", qos=2, mid=10) + publish(b"b/1", b"not ours", qos=1, mid=11)
              + publish(b"a/5", b"five", qos=1, mid=12))
    acked: list[int] = []
    all_acked = asyncio.Event()

    async def talk(peer: Peer) -> None:
        await subscribed(peer)
        at, sizes, turn = 0, [1, 2, 3, 5, 8, 13, 4096], 0
        while at < len(stream):  # cut at every size in turn: headers, lengths and bodies split
            size = sizes[turn % len(sizes)]
            peer.writer.write(stream[at:at + size])
            await peer.writer.drain()
            at, turn = at + size, turn + 1
        while len(acked) < 6:
            first, body = await peer.packet()
            if first >> 4 == 4:
                acked.append(int.from_bytes(body[:2], "big"))
            elif first >> 4 == 5:  # PUBREC of the QoS 2 message: release it
                peer.writer.write(bytes([0x62, 0x02]) + body[:2])
            elif first >> 4 == 7:
                acked.append(int.from_bytes(body[:2], "big"))
        all_acked.set()
        await peer.until(14)

    seen: list[tuple[str, bytes, bool]] = []
    async with scripted(talk) as url, MqttConnection(url, "c", timeout=BOUND) as conn:
        await conn.subscribe("a/+")
        messages = conn.messages()
        async with asyncio.timeout(BOUND):
            while len(seen) < 5:
                message = await anext(messages)
                seen.append((message.topic, message.payload, message.retain))
            await all_acked.wait()
    assert seen == [("a/1", b"one", True), ("a/2", b"two", False), ("a/3", big, False), ("a/5", b"five", False),
                    ("a/4", b"four", False)]  # QoS 2 is delivered on its PUBREL, sent once the stream is written
    assert sorted(acked) == [7, 8, 9, 10, 11, 12]  # every QoS 1 and 2 message, ours or not, readable or not


async def test_a_malformed_publish_ends_the_session_as_paho_does() -> None:
    async def talk(peer: Peer) -> None:
        await subscribed(peer)
        peer.writer.write(bytes([0x32, 0x03, 0x00, 0x09, 0x61]))  # a topic of 9 bytes in a body of 3
        await peer.until(14)

    async with scripted(talk) as url, MqttConnection(url, "c", timeout=BOUND) as conn:
        await conn.subscribe("#")
        async with asyncio.timeout(BOUND):
            try:
                async for _ in conn.messages():
                    raise AssertionError("a malformed message was delivered")
            except ConnectionFailed as exc:
                assert "lost" in str(exc)


class CountingSocket:
    def __init__(self, raw: Any) -> None:
        self.raw, self.sends, self.sent = raw, 0, list[bytes]()

    def send(self, data: bytes) -> int:
        self.sends += 1
        self.sent.append(bytes(data))
        return int(self.raw.send(data))

    def __getattr__(self, name: str) -> object:
        return getattr(self.raw, name)


async def test_more_than_a_window_of_publishes_all_complete_and_queued_ones_leave_together(broker: Any) -> None:
    url = BrokerURL.parse(broker.url)
    async with MqttConnection(url, "many", timeout=BOUND) as conn, MqttConnection(url, "reader") as reader:
        await reader.subscribe("many/#")
        counting = CountingSocket(conn._paho._sock.raw)  # type: ignore[union-attr]
        conn._paho._sock.raw = counting  # type: ignore[union-attr]
        async with asyncio.timeout(BOUND):
            await asyncio.gather(*(conn.publish(f"many/{i}", b"%d" % i) for i in range(3)))
        assert counting.sends == 1, "three publishes queued in one loop turn left in several sends"
        async with asyncio.timeout(BOUND):  # 60 in flight at once: paho's window is 20, the rest wait for acks
            await asyncio.gather(*(conn.publish(f"many/{i}", b"%d" % i) for i in range(3, 63)))
            got = [m async for m in _first(reader.messages(), 63)]
    assert sorted(int(m.payload) for m in got) == list(range(63))


async def _first(messages: Any, count: int) -> Any:
    for _ in range(count):
        yield await anext(messages)


async def test_a_publish_its_puback_and_a_message_in_build_none_of_pahos_per_packet_objects(monkeypatch: Any) -> None:
    import paho.mqtt._packet as packets
    import paho.mqtt.client as client

    built: list[str] = []

    def counting(cls: Any) -> Any:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            built.append(cls.__name__)
            cls.__init__(self, *args, **kwargs)

        return type(cls.__name__, (cls,), {"__init__": init})

    async def talk(peer: Peer) -> None:
        await subscribed(peer)
        body = await peer.until(3)  # our QoS 1 publish: its mid follows the topic
        mid = body[2 + int.from_bytes(body[:2], "big"):][:2]
        peer.writer.write(publish(b"a/1", b"in", qos=1, mid=5) + bytes([0x40, 0x02]) + mid)
        await peer.until(14)

    async with scripted(talk) as url, MqttConnection(url, "c", timeout=BOUND) as conn:
        await conn.subscribe("a/+")
        monkeypatch.setattr(client, "MQTTMessage", counting(client.MQTTMessage))
        monkeypatch.setattr(packets, "Properties", counting(packets.Properties))
        monkeypatch.setattr(packets, "ReasonCode", counting(packets.ReasonCode))
        async with asyncio.timeout(BOUND):
            await conn.publish("out", b"x")
            message = await anext(conn.messages())
    assert (message.topic, message.payload) == ("a/1", b"in")
    assert built == [], "paho built objects for what we sent or received"


async def test_a_puback_leaves_with_the_publish_a_task_started_by_its_message_makes(broker: Any) -> None:
    """As the hub serves a command: the message is handed on, a task is started for it, and that task's publish
    (a turn later) leaves in the same write as the message's PUBACK."""
    url = BrokerURL.parse(broker.url)
    async with MqttConnection(url, "server", timeout=BOUND) as server, MqttConnection(url, "asker") as asker:
        await server.subscribe("ask")
        await asker.subscribe("answer")
        counting = CountingSocket(server._paho._sock.raw)  # type: ignore[union-attr]
        server._paho._sock.raw = counting  # type: ignore[union-attr]
        tasks: set[asyncio.Task[None]] = set()

        async def serve() -> None:
            async for message in server.messages():
                task = asyncio.create_task(server.publish("answer", message.payload))
                tasks.add(task)

        serving = asyncio.create_task(serve())
        try:
            answers = asker.messages()
            async with asyncio.timeout(BOUND):
                for i in range(5):
                    await asker.publish("ask", b"%d" % i)
                    assert (await anext(answers)).payload == b"%d" % i
                await asyncio.gather(*tasks)
            sent = list(counting.sent)
        finally:
            serving.cancel()
    assert [packet[0] for packet in sent] == [0x40] * 5, f"{sent}: not one write for each PUBACK and its answer"
    assert all(packet[4] == 0x32 for packet in sent), sent


async def test_a_publish_never_acknowledged_fails_after_the_timeout_and_not_before() -> None:
    async def never_ack(peer: Peer) -> None:
        await peer.until(1)
        peer.writer.write(CONNACK)
        await peer.until(14)

    loop = asyncio.get_running_loop()
    async with scripted(never_ack) as url, MqttConnection(url, "c", timeout=0.3) as conn:
        for _ in range(2):  # the second wait has its own timer
            began = loop.time()
            async with asyncio.timeout(BOUND):
                try:
                    await conn.publish("t", b"x")
                    raise AssertionError("a publish nobody acknowledged succeeded")
                except ConnectionFailed as exc:
                    assert "no acknowledgement within 0.3 s" in str(exc)
            assert 0.29 <= loop.time() - began < BOUND
        assert not conn._acks


async def test_messages_handed_to_a_handler_come_in_order_as_read_and_the_stream_still_fails() -> None:
    async def talk(peer: Peer) -> None:
        await subscribed(peer)
        peer.writer.write(publish(b"a/1", b"one") + publish(b"a/2", b"two"))
        go = await peer.until(3)  # the client's "go": it has handed its messages over
        peer.writer.write(bytes([0x40, 0x02]) + go[4:6] + publish(b"a/3", b"three", qos=1, mid=3))
        await peer.until(4)  # the PUBACK of a/3: handled
        peer.writer.transport.abort()

    handed: list[tuple[str, bytes]] = []
    async with scripted(talk) as url, MqttConnection(url, "c", timeout=BOUND) as conn:
        await conn.subscribe("a/+")
        messages = conn.messages()
        async with asyncio.timeout(BOUND):
            first = await anext(messages)
            conn.hand_to(lambda topic, payload: handed.append((topic, payload)))
            await conn.publish("go", b"")
            try:
                async for message in messages:
                    raise AssertionError(f"{message} went to the stream, not the handler")
            except ConnectionFailed as exc:
                assert "lost" in str(exc)
    assert (first.topic, first.payload) == ("a/1", b"one")
    assert handed == [("a/2", b"two"), ("a/3", b"three")]
