"""A hub starting sends ``Online`` and then a DiscoveryDevices broadcast; a device answers the pair with one
announcement (at 100,000 devices the second one was half of a shard's start-up traffic). A discovery from
another hub, or the same hub's ``Online`` after its discovery (certify's order), still gets its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from devices.categories import device_class
from devices.config import DeviceConfig
from devices.runner import DeviceRunner
from genie.app import connector
from hub.broker import EmbeddedBroker
from hub.protocol import DeviceTopic, DiscoveryRequest, HubStatus, Request, Topics, encode
from hub.protocol.mqtt import BrokerURL, MqttConnection

pytestmark = pytest.mark.e2e

BOUND = 10.0
DEVICE = "wave-light"


@pytest.fixture
async def light(broker: EmbeddedBroker) -> AsyncIterator[DeviceRunner]:
    config = DeviceConfig(id=DEVICE, category="light")
    runner = DeviceRunner(device_class("light")(config), connector(BrokerURL.parse(broker.url)))
    task = asyncio.create_task(runner.run())
    try:
        async with asyncio.timeout(BOUND):
            await runner.online.wait()
        yield runner
    finally:
        runner.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _registrations_before_a_reply(url: BrokerURL, *triggers: tuple[str, bytes]) -> int:
    """Send ``triggers`` then a query to the device; count its registrations published before its reply. The
    device takes its messages one at a time and finishes an announcement before it reads the next message,
    and the broker keeps one publisher's messages in order: every announcement the triggers caused comes
    before the reply."""
    topics = Topics()
    register, reply = topics.device(DEVICE, DeviceTopic.REGISTER), topics.device(DEVICE, DeviceTopic.REPLY)
    async with MqttConnection(url, "wave-observer") as observer, MqttConnection(url, "wave-hub") as hub:
        await observer.subscribe(register, reply)
        for topic, payload in triggers:
            await hub.publish(topic, payload)
        await hub.publish(topics.device(DEVICE, DeviceTopic.REQUEST), encode(Request.query(DEVICE)))
        count = 0
        async with asyncio.timeout(BOUND):
            async for message in observer.messages():
                if message.topic == reply:
                    return count
                count += not message.retain
    raise AssertionError("the observer's messages ended")


def _url(broker: EmbeddedBroker) -> BrokerURL:
    return BrokerURL.parse(broker.url)


def _online(hub: str) -> tuple[str, bytes]:
    return Topics().hub_status, encode(HubStatus.create(hub, True, "connect"))


def _discover(hub: str) -> tuple[str, bytes]:
    return Topics().discover, encode(DiscoveryRequest.create(hub))


async def test_a_hubs_online_then_its_discovery_cost_one_announcement(broker: EmbeddedBroker,
                                                                      light: DeviceRunner) -> None:
    assert await _registrations_before_a_reply(_url(broker), _online("genie-hub"), _discover("genie-hub")) == 1


async def test_another_hubs_discovery_gets_its_own_announcement(broker: EmbeddedBroker, light: DeviceRunner) -> None:
    assert await _registrations_before_a_reply(_url(broker), _online("genie-hub"), _discover("other-hub")) == 2


async def test_a_discovery_then_an_online_get_one_announcement_each(broker: EmbeddedBroker,
                                                                    light: DeviceRunner) -> None:
    assert await _registrations_before_a_reply(_url(broker), _discover("genie-hub"), _online("genie-hub")) == 2
