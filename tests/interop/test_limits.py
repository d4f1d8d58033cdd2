"""Payload limits and short log lines on every topic the hub reads, through a real secured broker (the
embedded amqtt; for a device's topics Mosquitto with the exported policy too): the neighbours (Home
Assistant, Hermes) and a device, each logged in with its own credentials, publish a payload over the
protocol's 256 KiB and a 100,000-deep JSON nest. (Over the broker's packet limit, a 10 MB one never reaches the
hub: both brokers drop the connection first, tests/e2e/test_broker_abuse.py.)

Each is dropped with exactly one short warning (no traceback, no log record longer than ``LINE_CAP``),
never parsed, and the next valid message is handled as usual.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiomqtt
import pytest

from devices.categories import device_class
from devices.home import load_home
from devices.runner import DeviceRunner
from genie.app import connector
from hub.clock import RealClock
from hub.interop.hermes import ERROR_TOPIC, NOT_RECOGNIZED_TOPIC, PARSED_TOPIC, QUERY_TOPIC, HermesNlu
from hub.interop.homeassistant import HomeAssistantBridge
from hub.interop.roles import HERMES_USER, HOMEASSISTANT_USER
from hub.protocol import DeviceTopic, Registration, encode
from hub.protocol.codec import LOG_QUOTE_CHARS, MAX_PAYLOAD_BYTES
from hub.service import Hub
from tests.brokers import BrokerUnderTest
from tests.conftest import wait_for

SAFETY = 30.0
"""Upper bound on any wait; a correct run is far below it."""

OVERSIZED = MAX_PAYLOAD_BYTES + 1024
"""Over the hub's payload limit, under the brokers' packet limit (hub.security.MAX_PACKET_BYTES)."""
DEEP = b"[" * 100_000
LINE_CAP = 4 * LOG_QUOTE_CHARS
"""Longest log record allowed: fixed wording plus at most ``LOG_QUOTE_CHARS`` of each thing a peer chose."""

RUNNING = ("desk-lamp", "front-door")
LIGHT = "genie/ha/desk-lamp/light/set"
LOCK = "genie/ha/front-door/lock/set"


@dataclass
class Home:
    broker: BrokerUnderTest
    hub: Hub
    bridge: HomeAssistantBridge
    hermes: HermesNlu

    def client(self, user: str) -> aiomqtt.Client:
        """A client logged in as ``user`` under its own name as client id."""
        url = self.broker.as_user(user)
        return aiomqtt.Client(url.host, url.port, username=url.username, password=url.password, identifier=user,
                              timeout=SAFETY)


@pytest.fixture
async def home(any_broker: BrokerUnderTest) -> AsyncIterator[Home]:
    """The hub with the Home Assistant bridge and Hermes, the desk lamp and the front door, all online."""
    connect = connector(any_broker.url, any_broker.credentials)
    the_hub = Hub(connect)
    bridge, hermes = HomeAssistantBridge(the_hub), HermesNlu(the_hub)
    the_hub.extensions += [bridge, hermes]
    configs = [c for c in load_home().device_configs() if c.id in RUNNING]
    runners = [DeviceRunner(device_class(c.category)(c, clock=RealClock()), connect) for c in configs]
    tasks = [asyncio.create_task(the_hub.run(), name="hub")]
    try:
        async with asyncio.timeout(SAFETY):
            await the_hub.ready.wait()
        tasks += [asyncio.create_task(r.run(), name=f"device[{r.device.id}]") for r in runners]
        await wait_for(the_hub.directory, lambda d: all((r := d.get(i)) is not None and r.online for i in RUNNING),
                       timeout=SAFETY)
        await bridge.idle()
        yield Home(any_broker, the_hub, bridge, hermes)
    finally:
        for task in reversed(tasks):  # devices first, then the hub
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await bridge.aclose()
        await hermes.aclose()


def check_log(caplog: pytest.LogCaptureFixture, dropped: dict[str, int]) -> list[str]:
    """Every record is short and has no traceback; the hub's warnings are exactly ``dropped`` (topic -> how
    many messages on it were dropped). Returns the warnings."""
    for record in caplog.records:
        assert len(record.getMessage()) <= LINE_CAP, (record.name, record.getMessage()[:300])
        assert record.exc_info is None, (record.name, record.getMessage())
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("hub") and r.levelno >= logging.WARNING]
    for topic, count in dropped.items():
        assert sum(topic in w for w in warnings) == count, (topic, warnings)
    assert len(warnings) == sum(dropped.values()), warnings
    return warnings


async def test_the_bridge_drops_an_oversized_command_and_a_nested_one_with_one_short_line_each(
        home: Home, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with home.client(HOMEASSISTANT_USER) as ha:
        await ha.publish(LIGHT, b"O" * OVERSIZED, qos=1)
        await ha.publish(LOCK, DEEP, qos=1)
        await ha.publish("homeassistant/status", b"o" * OVERSIZED, qos=1)
        await ha.publish(LIGHT, b"ON", qos=1)  # after all that, a valid command is carried out
        await wait_for(home.hub.directory, lambda d: d.get("desk-lamp").state["powerstate"] == "on",  # type: ignore[union-attr]
                       timeout=SAFETY)
        await home.bridge.idle()
    warnings = check_log(caplog, {LIGHT: 1, LOCK: 1, "homeassistant/status": 1})
    assert sum(f"payload of {OVERSIZED} bytes exceeds {MAX_PAYLOAD_BYTES}" in w for w in warnings) == 2
    assert all(len(f) <= LINE_CAP for f in home.bridge.failures)
    assert home.hub.directory.get("front-door").state["lockstate"] == "locked"  # type: ignore[union-attr]


async def test_hermes_drops_an_oversized_query_and_answers_a_nested_one_with_an_error(
        home: Home, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    replies: list[tuple[str, dict[str, object]]] = []
    huge = b'{"input": "' + b"x" * OVERSIZED + b'", "id": "huge"}'  # valid, and over the limit
    async with home.client(HERMES_USER) as rhasspy:
        for topic in (PARSED_TOPIC, NOT_RECOGNIZED_TOPIC, ERROR_TOPIC):
            await rhasspy.subscribe(topic, qos=1)
        await rhasspy.publish(QUERY_TOPIC, huge, qos=1)
        await rhasspy.publish(QUERY_TOPIC, DEEP, qos=1)
        await rhasspy.publish(QUERY_TOPIC, json.dumps({"input": "turn on the desk lamp", "id": "after"}), qos=1)
        async with asyncio.timeout(SAFETY):
            async for message in rhasspy.messages:
                body = json.loads(bytes(message.payload))  # type: ignore[arg-type]
                replies.append((str(message.topic), body))
                if body.get("id") == "after":
                    break
        await home.hermes.idle()
    assert [topic for topic, _ in replies] == [ERROR_TOPIC, PARSED_TOPIC], replies
    assert replies[1][1]["input"] == "turn on the desk lamp"
    warnings = check_log(caplog, {QUERY_TOPIC: 2})
    assert sum(f"payload of {len(huge)} bytes exceeds" in w for w in warnings) == 1, warnings


async def test_the_hub_drops_a_devices_oversized_and_nested_messages_and_takes_its_next_one(
        home: Home, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    topics = home.hub.topics
    lamp = next(c for c in load_home().device_configs() if c.id == "desk-lamp")
    info = device_class(lamp.category)(dataclasses.replace(lamp, id="newcomer")).info()
    state, register = topics.device("newcomer", DeviceTopic.STATE), topics.device("newcomer", DeviceTopic.REGISTER)
    async with home.client("newcomer") as device:
        await device.publish(state, b"{" + b" " * OVERSIZED + b"}", qos=1)
        await device.publish(register, DEEP, qos=1)
        await device.publish(register, encode(Registration.create(info)), qos=1)
        await wait_for(home.hub.directory, lambda d: "newcomer" in d, timeout=SAFETY)
    warnings = check_log(caplog, {state: 1, register: 1})
    assert any(f"payload of {OVERSIZED + 2} bytes exceeds {MAX_PAYLOAD_BYTES}" in w for w in warnings)
    assert any("nested deeper than" in w for w in warnings)
    assert home.hub.malformed == 2
