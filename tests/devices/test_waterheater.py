"""Water heater: a tank that heats to its setpoint and slowly loses heat."""

from __future__ import annotations

from devices.categories.waterheater import WaterHeater
from hub.protocol import ErrorCode


async def test_water_heater_heats_a_degree_a_minute(sim):
    tank = await sim.make(WaterHeater, currentTemperature=20.0)
    reports = sim.record(tank)
    sim.ok(await sim.control(tank, "SetTemperature", 50))
    assert tank.state["powerstate"] == "on"
    await sim.advance(10 * 60)
    assert tank.state["currentTemperature"] == 30.0
    await sim.advance(60 * 60)
    assert tank.state["currentTemperature"] == 50.0
    assert max(reports.values("currentTemperature")) == 50.0


async def test_water_heater_off_loses_heat_slowly(sim):
    tank = await sim.make(WaterHeater, currentTemperature=50.0, temperature=50)
    reports = sim.record(tank)
    await sim.advance(60 * 60)
    assert tank.state["currentTemperature"] == 46.4  # 0.06 °C per minute of standing loss
    readings = reports.values("currentTemperature", cause="sensor")
    assert readings == sorted(readings, reverse=True) and len(readings) == 120  # one every 30 s


async def test_water_heater_on_holds_the_setpoint(sim):
    tank = await sim.make(WaterHeater, currentTemperature=50.0, temperature=50, powerstate="on")
    await sim.advance(60 * 60)
    assert tank.state["currentTemperature"] == 50.0
    sim.ok(await sim.control(tank, "AdjustDownTemperature", 5))
    await sim.advance(50 * 60)
    assert tank.state["currentTemperature"] == 47.0  # toward the lower setpoint, only by standing loss
    await sim.advance(5 * 60 * 60)
    assert tank.state["currentTemperature"] == 45.0


async def test_water_heater_setpoint_range(sim):
    tank = await sim.make(WaterHeater)
    assert sim.error(await sim.control(tank, "SetTemperature", 80)) == ErrorCode.INVALIDATE_PARAMS
    assert sim.error(await sim.control(tank, "SetTemperature", 30)) == ErrorCode.INVALIDATE_PARAMS
    assert tank.state == tank.initial_state
    assert sim.error(await sim.control(tank, "SetVolume", 3)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
