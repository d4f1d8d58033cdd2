"""The Home Assistant bridge on the real embedded broker: a client logged in as Home Assistant's broker
user sees the home through discovery, reads our state topics, and moves devices the Home Assistant way."""

from __future__ import annotations

import asyncio
import json

import aiomqtt
import pytest

from hub.interop.roles import HOMEASSISTANT_USER
from hub.security import HUB_USER
from tests.interop.conftest import InteropHome, body, collect, next_message, subscribed

pytestmark = pytest.mark.e2e

DISCOVERY = "homeassistant/device/+/config"


def is_config(message: aiomqtt.Message) -> bool:
    return str(message.topic).startswith("homeassistant/device/") and bool(message.payload)


async def test_every_device_is_announced_once_with_a_retained_config(interop_home: InteropHome) -> None:
    ids = set(interop_home.runners)
    async with subscribed(interop_home.client(HOMEASSISTANT_USER, "ha-discovery"), DISCOVERY) as ha:
        configs = await collect(ha, is_config, len(ids))
    assert set(configs) == {f"homeassistant/device/{i}/config" for i in ids}
    lamp = json.loads(configs["homeassistant/device/desk-lamp/config"])
    assert lamp["device"]["identifiers"] == ["genie_desk-lamp"] and lamp["device"]["manufacturer"] == "Yeelight"
    assert lamp["components"]["light"]["state_topic"] == "genie/dev/desk-lamp/state"


async def test_a_home_assistant_command_moves_the_device(interop_home: InteropHome) -> None:
    assert interop_home.state("desk-lamp")["powerstate"] == "off"
    async with subscribed(interop_home.client(HOMEASSISTANT_USER, "ha-light"), DISCOVERY,
                          "genie/dev/desk-lamp/state") as ha:
        config = body(await next_message(ha, lambda m: str(m.topic) == "homeassistant/device/desk-lamp/config"))
        light = config["components"]["light"]
        # What Home Assistant publishes for light.turn_on(brightness_pct=40, kelvin=3000) with on_command_type
        # "last": the style topics first, then ON.
        await ha.publish(light["brightness_command_topic"], b"40", qos=1)
        await ha.publish(light["color_temp_command_topic"], b"3000", qos=1)
        await ha.publish(light["command_topic"], light["payload_on"].encode(), qos=1)
        await interop_home.until(lambda d: d.get("desk-lamp").state.get("powerstate") == "on")  # type: ignore[union-attr]
        # The device confirms on the state topic Home Assistant listens to.
        await next_message(ha, lambda m: str(m.topic) == "genie/dev/desk-lamp/state" and any(
            p == {"name": "powerstate", "value": "on"} for p in body(m)["payload"]["properties"]))
    await interop_home.bridge.idle()
    lamp = interop_home.state("desk-lamp")
    assert (lamp["powerstate"], lamp["brightness"], lamp["colorTemperature"]) == ("on", 40, 3000)
    assert interop_home.bridge.failures == []


async def test_climate_mode_and_a_locked_door_the_home_assistant_way(interop_home: InteropHome) -> None:
    async with subscribed(interop_home.client(HOMEASSISTANT_USER, "ha-climate"), DISCOVERY) as ha:
        configs = {t: json.loads(p) for t, p in (await collect(ha, is_config, len(interop_home.runners))).items()}
        climate = configs["homeassistant/device/bedroom-ac/config"]["components"]["climate"]
        lock = configs["homeassistant/device/front-door/config"]["components"]["lock"]
        await ha.publish(climate["mode_command_topic"], b"cool", qos=1)
        await ha.publish(climate["temperature_command_topic"], b"22", qos=1)
        # lock.unlock(code="000000") and then code="123456", rendered through the announced command_template.
        await ha.publish(lock["command_topic"], b'{"action": "UNLOCK", "code": "000000"}', qos=1)
        await ha.publish(lock["command_topic"], b'{"action": "UNLOCK", "code": "123456"}', qos=1)
        await interop_home.until(
            lambda d: d.get("front-door").state.get("lockstate") == "unlocked")  # type: ignore[union-attr]
    await interop_home.bridge.idle()
    assert {k: interop_home.state("bedroom-ac")[k] for k in ("powerstate", "mode", "temperature")} == {
        "powerstate": "on", "mode": "cold", "temperature": 22}
    (failure,) = interop_home.bridge.failures  # the wrong code, refused by the lock itself
    assert "Unlock -> INVALIDATE_PARAMS" in failure


async def test_the_vacuum_state_is_mirrored_for_home_assistant(interop_home: InteropHome) -> None:
    async with subscribed(interop_home.client(HOMEASSISTANT_USER, "ha-vacuum"), "genie/ha/vacuum/vacuum/state") as ha:
        first = await next_message(ha, lambda m: True)
        assert body(first)["state"] == "docked"
        await ha.publish("genie/ha/vacuum/vacuum/set", b"start", qos=1)
        cleaning = await next_message(ha, lambda m: body(m)["state"] == "cleaning")
    assert body(cleaning)["fan_speed"] == interop_home.state("vacuum")["mode"]


async def test_removing_a_device_clears_its_discovery_message(interop_home: InteropHome) -> None:
    async with subscribed(interop_home.client(HOMEASSISTANT_USER, "ha-removal"), DISCOVERY) as ha, \
            interop_home.client(HUB_USER, "genie-hub-remover") as remover:
        await next_message(ha, lambda m: str(m.topic) == "homeassistant/device/kitchen-switch/config")
        await interop_home.stop_device("kitchen-switch")
        await remover.publish("genie/dev/kitchen-switch/register", b"", qos=1, retain=True)  # deregistration
        cleared = await next_message(
            ha, lambda m: str(m.topic) == "homeassistant/device/kitchen-switch/config" and not m.payload)
    assert cleared.payload == b""
    assert "kitchen-switch" not in interop_home.hub.directory
    await interop_home.bridge.idle()
    async with subscribed(interop_home.client(HOMEASSISTANT_USER, "ha-after"), DISCOVERY) as ha:
        configs = await collect(ha, is_config, len(interop_home.runners) - 1)
    assert "homeassistant/device/kitchen-switch/config" not in configs  # nothing retained any more


async def test_home_assistant_coming_online_gets_the_home_again(interop_home: InteropHome) -> None:
    async with subscribed(interop_home.client(HOMEASSISTANT_USER, "ha-birth"), DISCOVERY,
                          "genie/dev/+/state") as ha:
        await collect(ha, is_config, len(interop_home.runners))  # the retained copies
        await ha.publish("homeassistant/status", b"online", qos=1)
        live = await collect(ha, lambda m: not m.retain and is_config(m), len(interop_home.runners))
        # ...and every device re-announces its state live (a broker without retained messages still works).
        states = await collect(ha, lambda m: not m.retain and str(m.topic).endswith("/state"),
                               len(interop_home.runners))
    assert len(live) == len(states) == len(interop_home.runners)


async def test_home_assistant_cannot_send_directives_or_speak_for_devices(interop_home: InteropHome) -> None:
    async with interop_home.client(HOMEASSISTANT_USER, "ha-rogue") as ha, \
            subscribed(interop_home.client(HUB_USER, "genie-hub-observer"), "genie/#", "homeassistant/#") as observer:
        await ha.publish("genie/dev/tv/request", b'{"directive": true}', qos=1)
        await ha.publish("genie/dev/tv/state", b'{"spoofed": true}', qos=1)
        await ha.publish("homeassistant/device/tv/config", b"", qos=1, retain=True)
        await ha.publish("homeassistant/status", b"marker", qos=1)
        seen = []
        async with asyncio.timeout(10):
            async for message in observer.messages:
                if message.retain:
                    continue
                seen.append(str(message.topic))
                if str(message.topic) == "homeassistant/status":
                    break
    assert seen[-1] == "homeassistant/status"
    assert not {"genie/dev/tv/request", "genie/dev/tv/state", "homeassistant/device/tv/config"} & set(seen)
    assert interop_home.hub.directory.get("tv") is not None
