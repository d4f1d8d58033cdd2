"""The Home Assistant discovery payload of every demo device, against Home Assistant's documented schema
(tests/interop/ha_schema.py), its value templates rendered on real state, and its command translations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devices.home import load_home
from hub.interop.ha_mapping import CommandError, HaTopics, map_device
from hub.protocol import DeviceInfo, DeviceStatus, Property, PropertySpec, StateSnapshot, encode
from tests.interop import ha_schema

DEMO = [d.id for d in load_home().devices]
HA = HaTopics()

EXPECTED_PLATFORMS = {
    "light": {"light"}, "switch": {"switch"}, "outlet": {"switch", "sensor"}, "curtain": {"cover"},
    "aircondition": {"climate"}, "heater": {"climate"}, "waterheater": {"water_heater"}, "fan": {"fan"},
    "airpurifier": {"fan", "sensor"}, "humidifier": {"humidifier"}, "fingerprintlock": {"lock", "sensor"},
    "roboticvacuum": {"vacuum", "sensor"}, "television": {"switch", "number"}, "sensor": {"sensor"},
}
"""Home Assistant platforms each category is announced with (the TV as switch + numbers: no MQTT media player)."""


def test_the_demo_home_covers_every_category(demo_infos: dict[str, DeviceInfo]) -> None:
    assert {i.device_type for i in demo_infos.values()} == set(EXPECTED_PLATFORMS)


@pytest.mark.parametrize("device_id", DEMO)
def test_discovery_payload_follows_the_documented_schema(device_id: str, demo_infos: dict[str, DeviceInfo]) -> None:
    info = demo_infos[device_id]
    mapping = map_device(info, HA, version="0.1.0")
    root = json.loads(mapping.payload())
    assert mapping.discovery_topic == f"homeassistant/device/{device_id}/config"
    assert set(root) <= ha_schema.ROOT_KEYS and set(root) >= ha_schema.ROOT_REQUIRED
    assert set(root["device"]) <= ha_schema.DEVICE_KEYS and root["device"]["identifiers"]
    assert set(root["origin"]) <= ha_schema.ORIGIN_KEYS and set(root["origin"]) >= ha_schema.ORIGIN_REQUIRED
    assert root["availability_mode"] in ha_schema.AVAILABILITY_MODES
    for item in root["availability"]:
        assert set(item) <= ha_schema.AVAILABILITY_ITEM_KEYS and "topic" in item
    assert {a["topic"] for a in root["availability"]} == {f"genie/dev/{device_id}/status", "genie/hub/status"}
    platforms = set()
    unique_ids = set()
    for key, component in root["components"].items():
        platform = ha_schema.PLATFORMS[component["platform"]]
        platforms.add(component["platform"])
        merged = {k: v for k, v in root.items() if k in ha_schema.SHARED_OPTIONS} | component
        assert set(component) <= platform.allowed, (key, set(component) - platform.allowed, platform.page)
        assert platform.required <= set(merged), (key, platform.required - set(merged), platform.page)
        assert component["unique_id"] not in unique_ids
        unique_ids.add(component["unique_id"])
        for topic_key in [k for k in component if k.endswith("_topic")]:
            topic = component[topic_key]
            assert topic.startswith((f"genie/dev/{device_id}/", f"genie/ha/{device_id}/")), (topic_key, topic)
            if "command" in topic_key or topic_key == "set_position_topic" or topic_key == "set_fan_speed_topic":
                assert topic.endswith("/set") and topic in mapping.commands, topic_key
    assert platforms == EXPECTED_PLATFORMS[info.device_type]


@pytest.mark.parametrize("device_id", DEMO)
def test_documented_option_values(device_id: str, demo_infos: dict[str, DeviceInfo]) -> None:
    for component in map_device(demo_infos[device_id], HA).config["components"].values():
        platform = component["platform"]
        if platform == "climate":
            assert set(component["modes"]) <= ha_schema.CLIMATE_MODES and "off" in component["modes"]
            assert component["precision"] in ha_schema.CLIMATE_PRECISIONS
        elif platform == "water_heater":
            assert set(component["modes"]) <= ha_schema.WATER_HEATER_MODES
        elif platform == "vacuum":
            assert set(component["supported_features"]) <= ha_schema.VACUUM_FEATURES
        elif platform == "humidifier":
            assert component.get("device_class") in ha_schema.HUMIDIFIER_CLASSES
        elif platform == "number":
            assert component["mode"] in ha_schema.NUMBER_MODES and component["min"] < component["max"]
        elif platform == "sensor":
            device_class = component.get("device_class")
            assert device_class in ha_schema.SENSOR_DEVICE_CLASSES
            if device_class in ha_schema.SENSOR_UNITS:
                assert component["unit_of_measurement"] in ha_schema.SENSOR_UNITS[device_class]
                assert component["state_class"] == "measurement"


def test_a_light_offers_what_the_device_supports(demo_infos: dict[str, DeviceInfo]) -> None:
    light = map_device(demo_infos["desk-lamp"], HA).config["components"]["light"]
    assert "schema" not in light and light["brightness_scale"] == 100
    assert light["color_temp_kelvin"] is True and (light["min_kelvin"], light["max_kelvin"]) == (2700, 6500)
    assert light["rgb_command_topic"] == "genie/ha/desk-lamp/light/rgb/set"
    dimmer = demo_infos["desk-lamp"].model_copy(update={
        "property_specs": [s for s in demo_infos["desk-lamp"].property_specs if s.name in ("powerstate", "brightness")],
        "actions": ["TurnOn", "TurnOff", "SetBrightness"]})
    plain = map_device(dimmer, HA).config["components"]["light"]
    assert "brightness_command_topic" in plain
    assert not {"rgb_command_topic", "color_temp_command_topic"} & set(plain)


def test_an_unknown_category_is_mapped_by_property_type() -> None:
    camera = DeviceInfo(
        device_id="porch-cam", device_name="摄像头", device_type="camera", brand="Acme", model="C1",
        actions=["TurnOn", "TurnOff", "SetVolume"],
        property_specs=[PropertySpec(name="powerstate", data_type="enum", enum_values=["on", "off"]),
                        PropertySpec(name="volume", data_type="int", min=0, max=10),
                        PropertySpec(name="motion", data_type="enum", enum_values=["yes", "no"], access_mode="r")])
    components = map_device(camera, HA).config["components"]
    assert {k: c["platform"] for k, c in components.items()} == {"powerstate": "switch", "volume": "number",
                                                                   "motion": "sensor"}
    assert components["motion"]["device_class"] == "enum" and components["motion"]["options"] == ["yes", "no"]


# ---------------------------------------------------------------------- command translation


def translate(info: DeviceInfo, topic_tail: str, payload: str, state: dict[str, Any] | None = None) -> list[tuple]:
    mapping = map_device(info, HA)
    command = mapping.commands[f"genie/ha/{info.device_id}/{topic_tail}"]
    return [(r.action, r.payload.attribute, r.payload.value) for r in command(payload, state or {})]


@pytest.mark.parametrize(("device_id", "tail", "payload", "state", "expected"), [
    ("desk-lamp", "light/set", "ON", None, [("TurnOn", "powerstate", "on")]),
    ("desk-lamp", "light/set", "OFF", None, [("TurnOff", "powerstate", "off")]),
    ("desk-lamp", "light/brightness/set", "42", None, [("SetBrightness", "brightness", 42)]),
    ("desk-lamp", "light/brightness/set", "0", None, [("TurnOff", "powerstate", "off")]),
    ("desk-lamp", "light/rgb/set", "255,0,128", None, [("SetColor", "color", "#FF0080")]),
    ("desk-lamp", "light/color_temp/set", "9000", None, [("SetColorTemperature", "colorTemperature", 6500)]),
    ("kitchen-plug", "switch/set", "ON", None, [("TurnOn", "powerstate", "on")]),
    ("living-curtain", "cover/set", "OPEN", None, [("TurnOn", "powerstate", "on")]),
    ("living-curtain", "cover/set", "STOP", None, [("Pause", None, None)]),
    ("living-curtain", "cover/position/set", "30", None, [("SetPosition", "position", 30)]),
    ("living-ac", "climate/mode/set", "cool", {"powerstate": "off"},
     [("TurnOn", "powerstate", "on"), ("SetMode", "mode", "cold")]),
    ("living-ac", "climate/mode/set", "fan_only", {"powerstate": "on"}, [("SetMode", "mode", "airsupply")]),
    ("living-ac", "climate/mode/set", "off", {"powerstate": "on"}, [("TurnOff", "powerstate", "off")]),
    ("living-ac", "climate/temperature/set", "24.6", None, [("SetTemperature", "temperature", 25)]),
    ("living-ac", "climate/fan_mode/set", "high", None, [("SetWindSpeed", "windspeed", 3)]),
    ("bathroom-heater", "climate/mode/set", "heat", {"powerstate": "off"}, [("TurnOn", "powerstate", "on")]),
    ("water-heater", "water_heater/mode/set", "electric", {}, [("TurnOn", "powerstate", "on")]),
    ("water-heater", "water_heater/temperature/set", "60", None, [("SetTemperature", "temperature", 60)]),
    ("study-fan", "fan/percentage/set", "2", None, [("SetWindSpeed", "windspeed", 2)]),
    ("study-fan", "fan/percentage/set", "0", None, [("TurnOff", "powerstate", "off")]),
    ("study-fan", "fan/preset/set", "natureWind", None, [("SetMode", "mode", "natureWind")]),
    ("study-fan", "fan/oscillation/set", "oscillate_on", None, [("OpenSwing", None, None)]),
    ("humidifier", "humidifier/target/set", "55", None, [("SetHumidity", "humidity", 55)]),
    ("humidifier", "humidifier/mode/set", "sleep", None, [("SetMode", "mode", "sleep")]),
    ("front-door", "lock/set", '{"action": "UNLOCK", "code": "123456"}', None, [("Unlock", "code", "123456")]),
    ("front-door", "lock/set", '{"action": "UNLOCK", "code": "None"}', None, [("Unlock", None, None)]),
    ("front-door", "lock/set", "LOCK", None, [("Lock", None, None)]),
    ("vacuum", "vacuum/set", "start", None, [("TurnOn", "powerstate", "on")]),
    ("vacuum", "vacuum/set", "return_to_base", None, [("TurnOff", "powerstate", "off")]),
    ("vacuum", "vacuum/fan_speed/set", "strong", None, [("SetMode", "mode", "strong")]),
    ("tv", "volume/set", "35", None, [("SetVolume", "volume", 35)]),
    ("tv", "channel/set", "7", None, [("SelectChannel", "channel", 7)]),
    ("tv", "mute/set", "ON", None, [("SetMute", None, None)]),
])
def test_home_assistant_commands_become_our_directives(demo_infos: dict[str, DeviceInfo], device_id: str,
                                                      tail: str, payload: str, state: dict[str, Any] | None,
                                                      expected: list[tuple]) -> None:
    assert translate(demo_infos[device_id], tail, payload, state) == expected


@pytest.mark.parametrize(("device_id", "tail", "payload"), [
    ("desk-lamp", "light/set", "MAYBE"), ("desk-lamp", "light/brightness/set", "bright"),
    ("desk-lamp", "light/brightness/set", "nan"), ("desk-lamp", "light/rgb/set", "300,0,0"),
    ("living-ac", "climate/mode/set", "turbo"), ("living-ac", "climate/fan_mode/set", "auto"),
    ("front-door", "lock/set", "OPEN"), ("vacuum", "vacuum/set", "clean_spot"), ("living-curtain", "cover/set", "UP"),
])
def test_a_payload_home_assistant_would_never_send_is_refused(demo_infos: dict[str, DeviceInfo], device_id: str,
                                                             tail: str, payload: str) -> None:
    with pytest.raises(CommandError):
        translate(demo_infos[device_id], tail, payload)


# ---------------------------------------------------------------------- templates on real payloads


def snapshot(device_id: str, state: dict[str, Any]) -> str:
    return encode(StateSnapshot.create(device_id, [Property(name=k, value=v) for k, v in state.items()])).decode()


def render(template: str, payload: str) -> str:
    """Render as Home Assistant does for MQTT: ``value`` and ``value_json``, in an immutable sandbox."""
    pytest.importorskip("jinja2", reason="jinja2 renders Home Assistant's templates in this test")
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment()
    return env.from_string(template).render(value=payload, value_json=json.loads(payload)).strip()


@pytest.mark.parametrize(("device_id", "key", "option", "state", "expected"), [
    ("desk-lamp", "light", "state_value_template", {"powerstate": "on"}, "ON"),
    ("desk-lamp", "light", "state_value_template", {"powerstate": "off"}, "OFF"),
    ("desk-lamp", "light", "brightness_value_template", {"brightness": 70}, "70"),
    ("desk-lamp", "light", "rgb_value_template", {"color": "#FF8000"}, "255,128,0"),
    ("desk-lamp", "light", "color_temp_value_template", {"colorTemperature": 4000}, "4000"),
    ("living-curtain", "cover", "value_template", {"position": 0, "motion": "stopped"}, "closed"),
    ("living-curtain", "cover", "value_template", {"position": 40, "motion": "stopped"}, "open"),
    ("living-curtain", "cover", "value_template", {"position": 40, "motion": "closing"}, "closing"),
    ("living-curtain", "cover", "position_template", {"position": 40}, "40"),
    ("living-ac", "climate", "mode_state_template", {"powerstate": "on", "mode": "cold"}, "cool"),
    ("living-ac", "climate", "mode_state_template", {"powerstate": "on", "mode": "dehumidification"}, "dry"),
    ("living-ac", "climate", "mode_state_template", {"powerstate": "off", "mode": "cold"}, "off"),
    ("living-ac", "climate", "fan_mode_state_template", {"windspeed": 2}, "medium"),
    ("living-ac", "climate", "current_temperature_template", {"currentTemperature": 27.4}, "27.4"),
    ("bathroom-heater", "climate", "mode_state_template", {"powerstate": "on"}, "heat"),
    ("water-heater", "water_heater", "mode_state_template", {"powerstate": "on"}, "electric"),
    ("study-fan", "fan", "oscillation_value_template", {"swing": "on"}, "oscillate_on"),
    ("study-fan", "fan", "percentage_value_template", {"windspeed": 3}, "3"),
    ("humidifier", "humidifier", "current_humidity_template", {"currentHumidity": 41.5}, "41.5"),
    ("front-door", "lock", "value_template", {"lockstate": "locked"}, "LOCKED"),
    ("front-door", "lock", "value_template", {"lockstate": "unlocked"}, "UNLOCKED"),
    ("tv", "mute", "value_template", {"mute": True}, "ON"),
    ("tv", "volume", "value_template", {"volume": 20}, "20"),
    ("living-sensor", "pm2_5", "value_template", {"pm2.5": 35}, "35"),
])
def test_value_templates_read_our_state_snapshot(demo_infos: dict[str, DeviceInfo], device_id: str, key: str,
                                                 option: str, state: dict[str, Any], expected: str) -> None:
    component = map_device(demo_infos[device_id], HA).config["components"][key]
    assert render(component[option], snapshot(device_id, state)) == expected


def test_availability_follows_our_status_topic(demo_infos: dict[str, DeviceInfo]) -> None:
    root = map_device(demo_infos["tv"], HA).config
    template = root["availability"][0]["value_template"]
    assert render(template, encode(DeviceStatus.create("tv", True, "connect")).decode()) == "online"
    assert render(template, encode(DeviceStatus.create("tv", False, "lwt")).decode()) == "offline"


def test_the_vacuum_state_is_mirrored_in_home_assistant_json(demo_infos: dict[str, DeviceInfo]) -> None:
    mapping = map_device(demo_infos["vacuum"], HA)
    (topic, mirror), = mapping.mirrors.items()
    assert topic == "genie/ha/vacuum/vacuum/state" == mapping.config["components"]["vacuum"]["state_topic"]
    assert json.loads(mirror({"status": "returning", "mode": "quiet", "battery": 64})) == {
        "state": "returning", "fan_speed": "quiet", "battery_level": 64}
    assert json.loads(mirror({}))["state"] == "idle"
