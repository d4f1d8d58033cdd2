"""Fan: wind speed, wind mode and oscillation."""

from __future__ import annotations

from devices.categories.fan import Fan
from hub.protocol import ErrorCode


async def test_wind_speed_set_and_adjust(sim):
    fan = await sim.make(Fan)
    assert sim.ok(await sim.control(fan, "SetWindSpeed", 1)) == {"windspeed": 1, "powerstate": "on"}
    assert fan.state["powerstate"] == "on"
    assert sim.ok(await sim.control(fan, "AdjustUpWindSpeed")) == {"windspeed": 2}
    assert sim.ok(await sim.control(fan, "AdjustUpWindSpeed", 5)) == {"windspeed": 3}
    assert sim.ok(await sim.control(fan, "AdjustDownWindSpeed")) == {"windspeed": 2}


async def test_out_of_range_speed_and_unknown_mode_refused(sim):
    fan = await sim.make(Fan)
    reports = sim.record(fan)
    assert sim.error(await sim.control(fan, "SetWindSpeed", 5)) == ErrorCode.INVALIDATE_PARAMS
    assert sim.error(await sim.control(fan, "SetWindSpeed", "fast")) == ErrorCode.INVALIDATE_PARAMS
    assert sim.error(await sim.control(fan, "SetMode", "turbo")) == ErrorCode.INVALIDATE_PARAMS
    assert fan.state == fan.initial_state
    assert reports.reports == []


async def test_modes_and_sleep_wind_slows_down(sim):
    fan = await sim.make(Fan, powerstate="on", windspeed=3)
    assert sim.ok(await sim.control(fan, "SetMode", "natureWind")) == {"mode": "natureWind", "windspeed": 3}
    assert sim.ok(await sim.control(fan, "SetMode", "sleepwind")) == {"mode": "sleepWind", "windspeed": 1}


async def test_swing_opens_and_closes(sim):
    fan = await sim.make(Fan)
    reports = sim.record(fan)
    assert sim.ok(await sim.control(fan, "OpenSwing")) == {"swing": "on", "powerstate": "on"}
    assert fan.state["powerstate"] == "on"  # swinging a fan that is off starts it
    assert sim.ok(await sim.control(fan, "CloseSwing")) == {"swing": "off"}
    assert reports.values("swing") == ["on", "off"]
    assert {"OpenSwing", "CloseSwing"} <= set(fan.actions())


async def test_unsupported_actions(sim):
    fan = await sim.make(Fan)
    assert sim.error(await sim.control(fan, "SetTemperature", 20)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.error(await sim.control(fan, "Pause")) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION


async def test_a_fan_has_no_auto_speed(sim):
    """No source gives a fan an automatic speed (its modes are wind patterns): none is invented."""
    fan = await sim.make(Fan)
    spec = fan.spec("windspeed")
    assert spec is not None and spec.enum_values == []
    assert sim.error(await sim.control(fan, "SetWindSpeed", "auto")) == ErrorCode.INVALIDATE_PARAMS
    assert fan.state == fan.initial_state
