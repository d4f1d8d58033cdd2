"""The Home Assistant bridge's life cycle over the in-memory bus: announce, clear on removal, republish after
the broker lost everything, refuse what Home Assistant would never send."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from devices.categories import device_class
from devices.home import load_home
from hub.interop.homeassistant import HomeAssistantBridge
from hub.protocol import DeviceStatus, DeviceTopic, Property, Registration, StateSnapshot, Topics, encode
from hub.service import Hub
from tests.conftest import wait_for
from tests.fakes import MemoryBroker, MemoryConnection

TOPICS = Topics()
CONFIG = "homeassistant/device/desk-lamp/config"


class Setup:
    def __init__(self, legacy: bool = False) -> None:
        self.broker = MemoryBroker()
        self.hub = Hub(self.broker.connect, request_timeout=1.0)  # CI: a device starved of CPU is not offline
        self.bridge = HomeAssistantBridge(self.hub, legacy=legacy)
        self.hub.extensions.append(self.bridge)

    async def connections(self, count: int) -> None:
        async with asyncio.timeout(5), self.hub.connection_changed:
            await self.hub.connection_changed.wait_for(lambda: self.hub.connections >= count and self.hub.connected)


@pytest.fixture(params=[False], ids=["device-based"])
async def setup(request: pytest.FixtureRequest) -> AsyncIterator[Setup]:
    s = Setup(request.param)
    task = asyncio.create_task(s.hub.run(), name="hub")
    try:
        await s.connections(1)
        yield s
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await s.bridge.aclose()


async def announce(conn: MemoryConnection, device_id: str = "desk-lamp") -> None:
    config = next(c for c in load_home().device_configs() if c.id == device_id)
    info = device_class(config.category)(config).info()
    await conn.publish(TOPICS.device(device_id, DeviceTopic.REGISTER), encode(Registration.create(info)), retain=True)
    await conn.publish(TOPICS.device(device_id, DeviceTopic.STATUS),
                       encode(DeviceStatus.create(device_id, True, "connect")), retain=True)


async def test_a_registration_is_announced_and_a_removal_clears_it(setup: Setup) -> None:
    async with setup.broker.connect("desk-lamp") as lamp:
        await announce(lamp)
        await setup.bridge.idle()
        config = json.loads(setup.broker.retained[CONFIG])
        assert config["components"]["light"]["command_topic"] == "genie/ha/desk-lamp/light/set"
        published = sum(1 for _s, t, _p in setup.broker.log if t == CONFIG)
        await announce(lamp)  # the same registration again (a discovery broadcast): nothing new to publish
        await setup.bridge.idle()
        assert sum(1 for _s, t, _p in setup.broker.log if t == CONFIG) == published
        setup.hub.directory.remove("desk-lamp")
        await setup.bridge.idle()
    assert CONFIG not in setup.broker.retained
    assert setup.bridge.mapping("desk-lamp") is None


async def test_after_the_broker_lost_everything_the_bridge_republishes(setup: Setup) -> None:
    async with setup.broker.connect("desk-lamp") as lamp:
        await announce(lamp)
        await setup.bridge.idle()
        setup.broker.retained.clear()  # a broker restarted without persistence
        setup.broker.clients["genie-hub"]._drop(fire_will=False)
        await setup.connections(2)
        await setup.bridge.idle()
    assert CONFIG in setup.broker.retained


async def test_commands_home_assistant_would_never_send_are_refused_and_reported(setup: Setup) -> None:
    async with setup.broker.connect("desk-lamp") as lamp, setup.broker.connect("home-assistant") as ha:
        await announce(lamp)
        await setup.bridge.idle()
        await ha.publish("genie/ha/desk-lamp/light/brightness/set", b"very bright")
        await ha.publish("genie/ha/no-such-device/light/set", b"ON")
        await setup.bridge.idle()
    assert setup.bridge.failures == ["genie/ha/desk-lamp/light/brightness/set 'very bright': "
                                     "expected a number, got 'very bright'"]
    assert not [t for _s, t, _p in setup.broker.log if t.endswith("/request")]  # nothing reached a device


async def test_a_command_to_a_silent_device_is_reported_offline(setup: Setup) -> None:
    async with setup.broker.connect("desk-lamp") as lamp, setup.broker.connect("home-assistant") as ha:
        await announce(lamp)  # registered and online, but nobody answers its requests
        await setup.bridge.idle()
        await ha.publish("genie/ha/desk-lamp/light/set", b"ON")
        await setup.bridge.idle()
    (failure,) = setup.bridge.failures
    assert "TurnOn -> IOT_DEVICE_OFFLINE" in failure


LEGACY_LIGHT = "homeassistant/light/genie_desk_lamp/light/config"
COLOUR_MODE = "genie/ha/desk-lamp/light/color_mode/state"


@pytest.mark.parametrize("setup", [True], ids=["legacy"], indirect=True)
async def test_legacy_discovery_is_announced_per_component_and_cleared(setup: Setup) -> None:
    async with setup.broker.connect("desk-lamp") as lamp:
        await announce(lamp)
        await setup.bridge.idle()
        assert CONFIG not in setup.broker.retained
        light = json.loads(setup.broker.retained[LEGACY_LIGHT])
        assert light["command_topic"] == "genie/ha/desk-lamp/light/set" and light["min_mireds"] == 154
        setup.hub.directory.remove("desk-lamp")
        await setup.bridge.idle()
    assert not [t for t in setup.broker.retained if t.startswith("homeassistant/")]


async def test_a_colour_lights_mode_follows_the_value_that_changed(setup: Setup) -> None:
    async with setup.broker.connect("desk-lamp") as lamp:
        await announce(lamp)
        await setup.bridge.idle()
        assert setup.broker.retained[COLOUR_MODE] == b"color_temp"  # white
        for change, mode in (({"color": "#FF0000"}, b"rgb"), ({"colorTemperature": 3000}, b"color_temp")):
            state = {**setup.hub.directory.get("desk-lamp").state, **change}  # type: ignore[union-attr]
            await lamp.publish(TOPICS.device("desk-lamp", DeviceTopic.STATE), encode(StateSnapshot.create(
                "desk-lamp", [Property(name=k, value=v) for k, v in state.items()])), retain=True)
            await wait_for(setup.hub.directory, lambda d, c=change: all(  # type: ignore[misc]
                d.get("desk-lamp").state.get(k) == v for k, v in c.items()), timeout=5)  # type: ignore[union-attr]
            await setup.bridge.idle()
            assert setup.broker.retained[COLOUR_MODE] == mode
