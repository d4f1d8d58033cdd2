"""What a real Home Assistant refused or misread in our discovery payloads (issue 20), each pinned here:
the light schema, a lock that must lock without a code, the micro sign, the colour mode, mireds for releases
without ``color_temp_kelvin``, ``default_entity_id`` instead of ``object_id``, and per-component discovery
for releases before 2024.11."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from devices.home import load_home
from hub.interop.ha_mapping import HaTopics, map_device
from hub.protocol import DeviceInfo
from tests.interop import ha_schema
from tests.interop.test_ha_mapping import render, snapshot, translate

DEMO = [d.id for d in load_home().devices]
HA = HaTopics()


def components(info: DeviceInfo, **options: Any) -> dict[str, dict[str, Any]]:
    return map_device(info, HA, **options).config["components"]


def test_a_light_uses_a_schema_home_assistant_accepts(demo_infos: dict[str, DeviceInfo]) -> None:
    for info in demo_infos.values():
        for component in components(info).values():
            if component["platform"] == "light":
                assert component.get("schema", "basic") in ha_schema.LIGHT_SCHEMAS, info.device_id


def test_a_lock_locks_without_a_code_and_unlocks_with_one(demo_infos: dict[str, DeviceInfo]) -> None:
    # Home Assistant matches code_format against the code of lock.lock too, "" when none is typed.
    code_format = re.compile(components(demo_infos["front-door"])["lock"]["code_format"])
    assert code_format.match("") and code_format.match("123456")
    assert not code_format.match("12a") and not code_format.match("12")
    assert translate(demo_infos["front-door"], "lock/set", '{"action": "LOCK", "code": ""}') == [("Lock", None, None)]


def test_micrograms_are_written_with_the_micro_sign(demo_infos: dict[str, DeviceInfo]) -> None:
    units = [c["unit_of_measurement"] for info in demo_infos.values() for c in components(info).values()
             if c.get("device_class") == "pm25"]
    assert units and all(u == "\u00b5g/m\u00b3" for u in units)
    assert all("\u03bc" not in json.dumps(map_device(i, HA).config, ensure_ascii=False) for i in demo_infos.values())


def test_the_colour_mode_follows_what_changed_last(demo_infos: dict[str, DeviceInfo]) -> None:
    mapping = map_device(demo_infos["desk-lamp"], HA)
    light = mapping.config["components"]["light"]
    mirror = mapping.mirrors[light["color_mode_state_topic"]]
    white = {"powerstate": "on", "color": "#FFFFFF", "colorTemperature": 4000}
    assert mirror(white) == b"color_temp"
    assert mirror({**white, "color": "#FF0000"}) == b"rgb"
    assert mirror({**white, "color": "#FF0000"}) == b"rgb"  # nothing changed: still the colour
    assert mirror({**white, "color": "#FF0000", "colorTemperature": 3000}) == b"color_temp"
    assert mirror({**white, "color": "#00FF00", "colorTemperature": 3000}) == b"rgb"
    a_coloured_start = map_device(demo_infos["desk-lamp"], HA)
    assert a_coloured_start.mirrors[light["color_mode_state_topic"]]({**white, "color": "#0000FF"}) == b"rgb"


@pytest.mark.parametrize(("payload", "kelvin"), [("333", 3000), ("250", 4000), ("153", 6500), ("500", 2700),
                                                 ("3000", 3000), ("9000", 6500)])
def test_colour_temperature_in_mireds_or_kelvin(demo_infos: dict[str, DeviceInfo], payload: str, kelvin: int) -> None:
    assert translate(demo_infos["desk-lamp"], "light/color_temp/set", payload) == [
        ("SetColorTemperature", "colorTemperature", kelvin)]


@pytest.mark.parametrize("device_id", DEMO)
def test_default_entity_id_instead_of_object_id(device_id: str, demo_infos: dict[str, DeviceInfo]) -> None:
    for key, component in components(demo_infos[device_id]).items():
        assert "object_id" not in component
        assert component["default_entity_id"] == f"{component['platform']}.{component['unique_id']}", key


# ---------------------------------------------------------------------- before 2024.11 / 2025.2


def test_legacy_discovery_is_one_message_per_component(demo_infos: dict[str, DeviceInfo]) -> None:
    info = demo_infos["desk-lamp"]
    device_based = map_device(info, HA, version="0.1.0")
    legacy = map_device(info, HA, version="0.1.0", legacy=True)
    assert list(device_based.messages()) == ["homeassistant/device/desk-lamp/config"]
    messages = {topic: json.loads(payload) for topic, payload in legacy.messages().items()}
    assert list(messages) == ["homeassistant/light/genie_desk_lamp/light/config"]
    light = messages["homeassistant/light/genie_desk_lamp/light/config"]
    assert "platform" not in light and "components" not in light and "default_entity_id" not in light
    assert light["object_id"] == light["unique_id"] == "genie_desk_lamp_light"
    assert light["device"] == device_based.config["device"] and light["origin"]["name"] == "Genie Sim"
    assert light["availability"] == device_based.config["availability"] and light["availability_mode"] == "all"
    assert set(light) <= ha_schema.PLATFORMS["light"].allowed | {"origin", "availability", "availability_mode"}


@pytest.mark.parametrize("device_id", DEMO)
def test_legacy_discovery_covers_every_component(device_id: str, demo_infos: dict[str, DeviceInfo]) -> None:
    device_based = map_device(demo_infos[device_id], HA)
    legacy = map_device(demo_infos[device_id], HA, legacy=True)
    topics = {f"homeassistant/{c['platform']}/genie_{device_id.replace('-', '_')}/{key}/config"
              for key, c in device_based.config["components"].items()}
    assert set(legacy.messages()) == topics
    assert set(legacy.commands) == set(device_based.commands)


def test_legacy_lights_speak_mireds(demo_infos: dict[str, DeviceInfo]) -> None:
    light = components(demo_infos["desk-lamp"], legacy=True)["light"]
    assert not {"color_temp_kelvin", "min_kelvin", "max_kelvin"} & set(light)
    assert (light["min_mireds"], light["max_mireds"]) == (154, 370)  # 6500 K, 2700 K
    assert render(light["color_temp_value_template"], snapshot("desk-lamp", {"colorTemperature": 4000})) == "250"
    assert render(light["color_temp_value_template"], snapshot("desk-lamp", {"colorTemperature": 2700})) == "370"


def test_genie_up_ha_legacy_reaches_the_bridge() -> None:
    import argparse

    from genie.commands.hub import interop, interop_args
    from hub.interop.homeassistant import HomeAssistantBridge
    from hub.interop.wiring import make_extensions
    from hub.service import Hub
    from tests.fakes import MemoryBroker

    parser = argparse.ArgumentParser()
    interop_args(parser)
    hub = Hub(MemoryBroker().connect)
    for flags, legacy in ((["--ha-discovery"], False), (["--ha-discovery", "--ha-legacy"], True)):
        (bridge,) = make_extensions(hub, interop(parser.parse_args(flags)))
        assert isinstance(bridge, HomeAssistantBridge) and bridge.legacy is legacy
