"""Heater: a thermostat setpoint and a room that only warms by heating."""

from __future__ import annotations

from devices.categories.heater import Heater
from hub.protocol import ErrorCode


async def test_heater_warms_the_room_to_the_setpoint(sim):
    heater = await sim.make(Heater, currentTemperature=18.0)
    reports = sim.record(heater)
    sim.ok(await sim.control(heater, "SetTemperature", 21))
    assert heater.state["powerstate"] == "on"
    await sim.advance(2 * 60)
    assert heater.state["currentTemperature"] == 19.0  # 0.5 °C per minute
    await sim.advance(60 * 60)
    assert heater.state["currentTemperature"] == 21.0
    readings = reports.values("currentTemperature")
    assert readings == sorted(readings) and max(readings) == 21.0
    assert set(reports.causes("currentTemperature")) == {"sensor"}


async def test_heater_cannot_cool(sim):
    heater = await sim.make(Heater, currentTemperature=25.0, temperature=20, powerstate="on")
    await sim.advance(30 * 60)
    assert heater.state["currentTemperature"] == 25.0  # the room's ambient is 25: nothing cools it


async def test_heater_off_cools_back_to_ambient(sim):
    heater = await sim.make(Heater, currentTemperature=18.0, temperature=20)
    await sim.control(heater, "TurnOn")
    await sim.advance(10 * 60)
    assert heater.state["currentTemperature"] == 20.0
    await sim.control(heater, "TurnOff")
    await sim.advance(10 * 60)
    assert heater.state["currentTemperature"] == 19.0  # 0.1 °C per minute
    await sim.advance(60 * 60)
    assert heater.state["currentTemperature"] == 18.0


async def test_heater_on_keeps_the_room_at_the_setpoint(sim):
    heater = await sim.make(Heater, currentTemperature=24.0, temperature=22, powerstate="on")
    sim.ok(await sim.control(heater, "SetTemperature", 22))
    await sim.advance(30 * 60)
    assert heater.state["currentTemperature"] == 24.0  # a warm room stays warm: ambient is 24


async def test_heater_setpoint_range(sim):
    heater = await sim.make(Heater)
    reports = sim.record(heater)
    assert sim.error(await sim.control(heater, "SetTemperature", 36)) == ErrorCode.INVALIDATE_PARAMS
    assert sim.error(await sim.control(heater, "SetTemperature", 4)) == ErrorCode.INVALIDATE_PARAMS
    assert heater.state == heater.initial_state
    assert reports.reports == []
    assert sim.ok(await sim.control(heater, "AdjustUpTemperature")) == {"temperature": 23, "powerstate": "on"}
    assert sim.ok(await sim.control(heater, "AdjustUpTemperature", 20)) == {"temperature": 35}


async def test_heater_unsupported_actions(sim):
    heater = await sim.make(Heater)
    assert sim.error(await sim.control(heater, "SetMode", "auto")) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    reply = await sim.control(heater, "SetCurrentTemperature", 30)
    assert sim.error(reply) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
