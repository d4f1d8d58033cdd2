"""Certify's own broker (the product's embedded broker with a watch on one login, through
``EmbeddedBroker(broker_class=)``): each CONNECT noted once, refusals too; every PUBLISH attempt noted, the ones
the ACL refuses included; a cut connection fires the will; a restart counts the attempts made while away."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from genie.certify.broker import OwnBroker
from hub.protocol import DeviceStatus, DeviceTopic, Topics, decode, encode
from hub.protocol.mqtt import BrokerURL, ConnectionFailed, MqttConnection, Will

DEVICE = "watched-lamp"


@pytest.fixture
async def own() -> AsyncIterator[OwnBroker]:
    broker = OwnBroker(DEVICE)
    await broker.start()
    try:
        yield broker
    finally:
        await broker.stop()


def _as_device(own: OwnBroker, password: str | None = None, will: Will | None = None) -> MqttConnection:
    url = BrokerURL("127.0.0.1", own.port, DEVICE, password or own.device_password())
    return MqttConnection(url, DEVICE, will=will, timeout=5)


async def test_each_connect_is_noted_once_with_its_will_and_refusals_too(own: OwnBroker) -> None:
    topics = Topics()
    will = Will(topics.device(DEVICE, DeviceTopic.STATUS), encode(DeviceStatus.create(DEVICE, False, "lwt")))
    with pytest.raises(ConnectionFailed):
        async with _as_device(own, password="wrong"):
            pass
    async with _as_device(own, will=will):
        pass
    connects = own.journal.connects
    # amqtt checks an accepted CONNECT a second time, after GenieBroker did: it used to be noted twice
    assert [c.accepted for c in connects] == [False, True]
    accepted = connects[1]
    assert accepted.client_id == DEVICE and accepted.will_topic == will.topic and accepted.will_retain
    assert decode(accepted.will_payload or b"", DeviceStatus).payload.reason == "lwt"
    assert accepted.keepalive == 30 and accepted.clean


async def test_publish_attempts_are_noted_the_refused_ones_too(own: OwnBroker) -> None:
    topics = Topics()
    mine, theirs = topics.device(DEVICE, DeviceTopic.STATE), topics.device("someone-else", DeviceTopic.STATE)
    async with _as_device(own) as conn:
        await conn.publish(mine, b"{}")
        await conn.publish(theirs, b"{}")
        await conn.publish(topics.command, b"{}")
    seen = [(p.topic, p.allowed) for p in own.journal.publishes]
    assert seen == [(mine, True), (theirs, False), (topics.command, False)]


async def test_a_cut_fires_the_will_and_a_restart_counts_the_attempts(own: OwnBroker) -> None:
    topics = Topics()
    status = topics.device(DEVICE, DeviceTopic.STATUS)
    will = Will(status, encode(DeviceStatus.create(DEVICE, False, "lwt")))
    async with MqttConnection(own.hub_url(), "genie-hub-test", timeout=5) as hub, _as_device(own, will=will):
        await hub.subscribe(status)
        broker = own.broker
        assert broker is not None and broker.connected(DEVICE)
        assert broker.drop(DEVICE)
        async with asyncio.timeout(5):
            async for message in hub.messages():
                assert not decode(message.payload, DeviceStatus).online
                break
        assert broker.retained(status) is not None
    port = own.port

    restart = asyncio.create_task(own.restart(2.0))
    async with asyncio.timeout(10):
        await own.away.wait()
        with pytest.raises(ConnectionFailed, match="Server unavailable"):  # CONNACK 3: retry later
            async with _as_device(own):
                pass
        attempts = await restart
    assert own.port == port and len(attempts) == 1
    async with _as_device(own):  # and it is back, on the same port, with the same logins
        assert own.broker is not None and own.broker.connected(DEVICE)
