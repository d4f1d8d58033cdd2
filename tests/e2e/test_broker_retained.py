"""Retained messages survive an immediate reconnect of the same client id (issue 20, item 5).

Checked against the real Home Assistant, the embedded broker lost 4 of 28 retained discovery messages (QoS 0)
when the same client id reconnected at once; Mosquitto kept all 28. What amqtt 0.12.1 does there:

- it replays a retained QoS 0 message at the subscription's QoS (``retained.qos or qos``: 0 is false), so a
  subscriber at QoS 1 gets each as a QoS 1 message whose PUBACK the broker awaits;
- it awaits that whole replay inside the connection's loop, so a connection that stops answering (a client
  restarting) holds its client id until every PUBACK has timed out (5 s each, at once): the same id connecting
  again waited for the old connection to close, gave up after 5 s, and its own replay went on beside the old
  one's.

Packets are written by hand on raw sockets, as a client restarting in the middle of its replay does.
"""

from __future__ import annotations

import asyncio
import struct

import pytest

from hub.protocol.mqtt import MqttConnection
from hub.security import HUB_USER
from tests.brokers import BrokerUnderTest, amqtt_broker
from tests.e2e.test_broker_abuse import RawClient, _packet, _text, publish_packet, raw_client

pytestmark = pytest.mark.e2e

COUNT = 28
PAD = b"x" * 1500  # a Home Assistant discovery config is about this long
BOUND = 10.0
PROMPT = 2.0
"""Seconds a CONNACK may take when the same client id's previous connection is being replaced."""
DISCONNECT = bytes([0xE0, 0x00])


def subscribe_packet(topic_filter: str, qos: int, packet_id: int = 1) -> bytes:
    return _packet(0x82, struct.pack("!H", packet_id) + _text(topic_filter.encode()) + bytes([qos]))


def _retained_publish(topic: str, payload: bytes) -> bytes:
    packet = bytearray(publish_packet(topic, payload, qos=0))
    packet[0] |= 0x01  # RETAIN
    return bytes(packet)


def _topics(prefix: str) -> list[str]:
    return [f"{prefix}/entity-{i:02d}" for i in range(COUNT)]


async def _publish_retained(broker: BrokerUnderTest, prefix: str) -> None:
    url, client_id = broker.observer()
    async with MqttConnection(url, client_id) as publisher:
        for i, topic in enumerate(_topics(prefix)):
            await publisher.publish(topic, f"config {i} ".encode() + PAD, qos=0, retain=True)
        # A QoS 1 message after the burst: its PUBACK says the broker has taken every message before it. Without
        # it, the same client id connecting again at once may cut the burst short on Mosquitto 2.0 (see below).
        await publisher.publish(f"{prefix}-taken", b"", qos=1)
    assert sorted(await _retained(broker, prefix)) == _topics(prefix)


async def _retained(broker: BrokerUnderTest, prefix: str) -> dict[str, bytes]:
    """The retained messages under ``prefix`` a new subscriber gets, up to a live marker sent after them."""
    url, client_id = broker.observer()
    marker = f"{prefix}/zz-marker"
    found: dict[str, bytes] = {}
    async with MqttConnection(url, client_id) as observer:
        await observer.subscribe(f"{prefix}/#")
        await observer.publish(marker, b"end", qos=1)
        async with asyncio.timeout(BOUND):
            async for message in observer.messages():
                if message.topic == marker and not message.retain:
                    return found
                if message.retain:
                    found[message.topic] = message.payload
    raise AssertionError("the observer's messages ended")


async def _replayed(client: RawClient) -> dict[str, int]:
    """The retained PUBLISHes a raw client gets after its SUBACK, by topic, with the QoS of each."""
    found: dict[str, int] = {}
    while len(found) < COUNT:
        first, body = await client.read_packet()
        if first >> 4 == 9:  # SUBACK
            assert body[2:] == b"\x01", f"subscription refused: {body!r}"
            continue
        assert first >> 4 == 3 and first & 0x01, f"not a retained PUBLISH: {first:#x}"
        qos = (first >> 1) & 0x03
        (length,) = struct.unpack("!H", body[:2])
        found[body[2:2 + length].decode()] = qos
    return found


async def test_the_same_client_id_reconnecting_during_its_retained_replay_gets_every_message_at_once(
        any_broker: BrokerUnderTest) -> None:
    prefix = "homeassistant/retained-replay"
    await _publish_retained(any_broker, prefix)
    # A client subscribes at QoS 1 and stops answering in the middle of its replay (a restart), then its
    # login connects again under the same client id (on Mosquitto every client id is its user name).
    async with raw_client(any_broker, HUB_USER, HUB_USER) as (first, code):
        assert code == 0
        await first.send(subscribe_packet(f"{prefix}/#", 1))
        started = asyncio.get_running_loop().time()
        async with raw_client(any_broker, HUB_USER, HUB_USER) as (again, code):
            waited = asyncio.get_running_loop().time() - started
            assert code == 0
            assert waited < PROMPT, f"the CONNACK took {waited:.1f} s"
            await again.send(subscribe_packet(f"{prefix}/#", 1))
            replayed = await _replayed(again)
    assert sorted(replayed) == _topics(prefix)
    assert set(replayed.values()) == {0}, "a retained QoS 0 message is delivered at QoS 0"
    assert sorted(await _retained(any_broker, prefix)) == _topics(prefix)


@pytest.mark.parametrize("ending", ["disconnect", "close"])
async def test_retained_messages_sent_just_before_the_same_client_id_reconnects_are_all_kept(ending: str) -> None:
    """The publishing side, on the embedded broker: a burst of retained QoS 0 messages, then DISCONNECT (or
    the socket's end) and the same client id again at once; every message is kept. (Mosquitto 2.0 keeps only
    the first few of such a burst when the same id connects again at once.)"""
    prefix = f"genie/retained-{ending}"
    burst = b"".join(_retained_publish(topic, f"config {i} ".encode() + PAD)
                     for i, topic in enumerate(_topics(prefix)))
    async with amqtt_broker(None) as broker, raw_client(broker, HUB_USER, HUB_USER) as (first, code):
        assert code == 0
        await first.send(burst + (DISCONNECT if ending == "disconnect" else b""))
        first.writer.close()
        async with raw_client(broker, HUB_USER, HUB_USER) as (_again, code):
            assert code == 0
            retained = await _retained(broker, prefix)
    assert sorted(retained) == _topics(prefix)
    assert retained[f"{prefix}/entity-27"] == b"config 27 " + PAD
