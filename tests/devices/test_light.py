"""Light: power, brightness, colour and colour temperature through directives."""

from __future__ import annotations

from devices.categories.light import Light
from hub.protocol import ErrorCode


async def test_turn_on_and_off_report_changes(sim):
    light = await sim.make(Light)
    reports = sim.record(light)
    assert sim.ok(await sim.control(light, "TurnOn")) == {"powerstate": "on"}
    assert sim.ok(await sim.control(light, "TurnOff")) == {"powerstate": "off"}
    assert reports.reports == [({"powerstate": "on"}, "command"), ({"powerstate": "off"}, "command")]


async def test_setting_brightness_turns_the_light_on(sim):
    light = await sim.make(Light)
    assert sim.ok(await sim.control(light, "SetBrightness", 40)) == {"brightness": 40, "powerstate": "on"}
    assert light.state["powerstate"] == "on"


async def test_adjust_brightness_uses_the_default_step_and_clamps(sim):
    light = await sim.make(Light, powerstate="on", brightness=60)
    assert sim.ok(await sim.control(light, "AdjustUpBrightness")) == {"brightness": 85}
    assert sim.ok(await sim.control(light, "AdjustUpBrightness")) == {"brightness": 100}
    assert sim.ok(await sim.control(light, "AdjustDownBrightness", 30)) == {"brightness": 70}
    assert sim.error(await sim.control(light, "AdjustDownBrightness", -5)) == ErrorCode.INVALIDATE_PARAMS
    assert light.state["brightness"] == 70


async def test_out_of_range_brightness_is_refused_and_changes_nothing(sim):
    light = await sim.make(Light)
    reports = sim.record(light)
    assert sim.error(await sim.control(light, "SetBrightness", 150)) == ErrorCode.INVALIDATE_PARAMS
    assert light.state == light.initial_state
    assert reports.reports == []


async def test_colour_by_name_or_hex_and_bad_colours_refused(sim):
    light = await sim.make(Light, powerstate="on")
    assert sim.ok(await sim.control(light, "SetColor", "Red")) == {"color": "#FF0000"}
    assert sim.ok(await sim.control(light, "SetColor", "#00ff7f")) == {"color": "#00FF7F"}
    assert sim.error(await sim.control(light, "SetColor", "mauve")) == ErrorCode.INVALIDATE_PARAMS
    assert light.state["color"] == "#00FF7F"


async def test_colour_temperature_range(sim):
    light = await sim.make(Light, powerstate="on")
    assert sim.ok(await sim.control(light, "SetColorTemperature", 3000)) == {"colorTemperature": 3000}
    assert sim.error(await sim.control(light, "SetColorTemperature", 7000)) == ErrorCode.INVALIDATE_PARAMS
    assert sim.ok(await sim.control(light, "AdjustUpColorTemperature")) == {"colorTemperature": 3500}


async def test_unsupported_action_and_query(sim):
    light = await sim.make(Light)
    assert sim.error(await sim.control(light, "SetTemperature", 22)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.error(await sim.query(light, "QueryTemperature")) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.ok(await sim.query(light, "QueryBrightness")) == {"brightness": 80}
    assert sim.ok(await sim.query(light)) == light.state


async def test_reset_restores_the_home_file_state(sim):
    light = await sim.make(Light, brightness=30)
    await sim.control(light, "SetBrightness", 90)
    reports = sim.record(light)
    sim.ok(await sim.control(light, "Reset"))
    assert light.state == {"powerstate": "off", "brightness": 30, "color": "#FFFFFF",
                           "colorTemperature": 4000}
    assert reports.causes("brightness") == ["reset"]
