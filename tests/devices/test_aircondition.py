"""Air conditioner: setpoint, modes, and a room temperature that follows the clock."""

from __future__ import annotations

from devices.categories.aircondition import AirCondition
from hub.protocol import ErrorCode


async def test_cooling_reaches_the_setpoint_and_never_overshoots(sim):
    ac = await sim.make(AirCondition, currentTemperature=28.0)
    reports = sim.record(ac)
    assert sim.ok(await sim.control(ac, "SetTemperature", 24)) == {"temperature": 24, "powerstate": "on"}
    assert ac.state["powerstate"] == "on"  # setting the temperature of an off AC turns it on
    await sim.advance(60)
    assert ac.state["currentTemperature"] == 27.5  # 0.5 °C per minute
    await sim.advance(7 * 60)
    assert ac.state["currentTemperature"] == 24.0
    await sim.advance(30 * 60)
    assert ac.state["currentTemperature"] == 24.0
    readings = reports.values("currentTemperature")
    assert readings == sorted(readings, reverse=True)
    assert min(readings) == 24.0
    assert set(reports.causes("currentTemperature")) == {"sensor"}


async def test_heating_and_auto(sim):
    ac = await sim.make(AirCondition, currentTemperature=18.0, temperature=22, mode="heat", powerstate="on")
    await sim.advance(4 * 60)
    assert ac.state["currentTemperature"] == 20.0
    await sim.advance(30 * 60)
    assert ac.state["currentTemperature"] == 22.0
    sim.ok(await sim.control(ac, "SetMode", "auto"))
    sim.ok(await sim.control(ac, "SetTemperature", 20))
    await sim.advance(2 * 60)
    assert ac.state["currentTemperature"] == 21.0  # auto cools as well


async def test_cold_mode_does_not_heat_and_heat_mode_does_not_cool(sim):
    cold = await sim.make(AirCondition, "ac-cold", currentTemperature=22.0, temperature=26, powerstate="on")
    heat = await sim.make(AirCondition, "ac-heat", currentTemperature=28.0, temperature=20, mode="heat",
                          powerstate="on")
    await sim.advance(20 * 60)
    assert cold.state["currentTemperature"] == 22.0
    assert heat.state["currentTemperature"] == 28.0


async def test_off_the_room_drifts_back_to_ambient(sim):
    ac = await sim.make(AirCondition, currentTemperature=28.0)
    await sim.control(ac, "SetTemperature", 24)
    await sim.advance(10 * 60)
    assert ac.state["currentTemperature"] == 24.0
    sim.ok(await sim.control(ac, "TurnOff"))
    await sim.advance(10 * 60)
    assert ac.state["currentTemperature"] == 25.0  # 0.1 °C per minute toward 28
    await sim.advance(60 * 60)
    assert ac.state["currentTemperature"] == 28.0


async def test_air_supply_only_moves_air(sim):
    ac = await sim.make(AirCondition, currentTemperature=26.0, temperature=24, mode="airsupply",
                        powerstate="on")
    await sim.advance(10 * 60)
    assert ac.state["currentTemperature"] == 26.0


async def test_mode_aliases_and_bad_modes(sim):
    ac = await sim.make(AirCondition, mode="heat")
    assert sim.ok(await sim.control(ac, "SetMode", "cool")) == {"mode": "cold", "powerstate": "on"}
    assert sim.ok(await sim.control(ac, "SetMode", "Dehumidification")) == {"mode": "dehumidification"}
    assert sim.error(await sim.control(ac, "SetMode", "turbo")) == ErrorCode.INVALIDATE_PARAMS
    assert sim.error(await sim.control(ac, "SetMode")) == ErrorCode.INVALIDATE_PARAMS
    assert ac.state["mode"] == "dehumidification"


async def test_setpoint_and_wind_speed_ranges(sim):
    ac = await sim.make(AirCondition)
    reports = sim.record(ac)
    for action, value in (("SetTemperature", 31), ("SetTemperature", 15), ("SetTemperature", 22.5),
                          ("SetWindSpeed", 4), ("SetWindSpeed", 0)):
        assert sim.error(await sim.control(ac, action, value)) == ErrorCode.INVALIDATE_PARAMS, (action, value)
    assert ac.state == ac.initial_state
    assert reports.reports == []
    assert sim.ok(await sim.control(ac, "SetTemperature", "max")) == {"temperature": 30, "powerstate": "on"}
    assert sim.ok(await sim.control(ac, "AdjustUpTemperature")) == {"temperature": 30}
    assert sim.ok(await sim.control(ac, "AdjustDownTemperature", 3)) == {"temperature": 27}
    assert sim.ok(await sim.control(ac, "AdjustUpWindSpeed")) == {"windspeed": 3}


async def test_current_temperature_is_read_only(sim):
    ac = await sim.make(AirCondition)
    assert "SetCurrentTemperature" not in ac.actions()
    reply = await sim.control(ac, "SetCurrentTemperature", 20)
    assert sim.error(reply) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.error(await sim.control(ac, "SetBrightness", 20)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.ok(await sim.query(ac, "QueryTemperature")) == {"temperature": 26}


async def test_reset_restores_and_keeps_a_single_ticker(sim):
    ac = await sim.make(AirCondition, currentTemperature=28.0)
    await sim.control(ac, "SetTemperature", 20)
    await sim.advance(5 * 60)
    sim.ok(await sim.control(ac, "Reset"))
    assert ac.state["currentTemperature"] == 28.0
    assert ac.state["powerstate"] == "off"
    await sim.control(ac, "SetTemperature", 20)
    await sim.advance(60)
    assert ac.state["currentTemperature"] == 27.5  # one ticker: exactly 0.5 °C a minute
    await ac.start()  # a second start must not add another
    await sim.advance(60)
    assert ac.state["currentTemperature"] == 27.0


async def test_auto_fan_speed_as_on_every_split_unit(sim):
    """An AC's fan runs at a level or "auto" (Zigbee AC controllers' fan_mode low/medium/high/auto, every remote's
    AUTO key): the spec says so, the state holds "auto", and a step leaves auto from the middle level."""
    ac = await sim.make(AirCondition, powerstate="on")
    spec = ac.spec("windspeed")
    assert spec is not None and (spec.min, spec.max, spec.enum_values) == (1, 3, ["auto"])
    assert sim.ok(await sim.control(ac, "SetWindSpeed", "Auto")) == {"windspeed": "auto"}
    assert sim.ok(await sim.query(ac, "QueryWindSpeed")) == {"windspeed": "auto"}
    assert sim.ok(await sim.control(ac, "AdjustUpWindSpeed")) == {"windspeed": 3}
    assert sim.ok(await sim.control(ac, "SetWindSpeed", "auto")) == {"windspeed": "auto"}
    assert sim.ok(await sim.control(ac, "AdjustDownWindSpeed")) == {"windspeed": 1}
    for wrong in ("turbo", "", "automatic"):
        assert sim.error(await sim.control(ac, "SetWindSpeed", wrong)) == ErrorCode.INVALIDATE_PARAMS, wrong
    assert ac.state["windspeed"] == 1
