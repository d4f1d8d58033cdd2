"""Humidifier: the room's humidity rises to the target while on, and drifts back when off."""

from __future__ import annotations

from devices.categories.humidifier import Humidifier
from hub.protocol import ErrorCode


async def test_misting_reaches_the_target_and_stops_there(sim):
    humidifier = await sim.make(Humidifier, currentHumidity=40.0)
    reports = sim.record(humidifier)
    assert sim.ok(await sim.control(humidifier, "SetHumidity", 60)) == {"humidity": 60, "powerstate": "on"}
    await sim.advance(10 * 60)
    assert humidifier.state["currentHumidity"] == 50.0  # 1 % per minute
    await sim.advance(60 * 60)
    assert humidifier.state["currentHumidity"] == 60.0
    readings = reports.values("currentHumidity", cause="sensor")
    assert readings == sorted(readings) and max(readings) == 60.0


async def test_sleep_mode_mists_at_half_rate(sim):
    humidifier = await sim.make(Humidifier, currentHumidity=40.0, humidity=70, mode="sleep", powerstate="on")
    await sim.advance(10 * 60)
    assert humidifier.state["currentHumidity"] == 45.0


async def test_it_cannot_dry_the_air(sim):
    humidifier = await sim.make(Humidifier, currentHumidity=70.0, humidity=50, powerstate="on")
    await sim.advance(30 * 60)
    assert humidifier.state["currentHumidity"] == 70.0


async def test_off_the_room_dries_back_to_ambient(sim):
    humidifier = await sim.make(Humidifier, currentHumidity=40.0, humidity=50, powerstate="on")
    await sim.advance(30 * 60)
    assert humidifier.state["currentHumidity"] == 50.0
    sim.ok(await sim.control(humidifier, "TurnOff"))
    await sim.advance(10 * 60)
    assert humidifier.state["currentHumidity"] == 48.0  # 0.2 % per minute
    await sim.advance(2 * 60 * 60)
    assert humidifier.state["currentHumidity"] == 40.0


async def test_target_range_and_adjust(sim):
    humidifier = await sim.make(Humidifier)
    assert sim.error(await sim.control(humidifier, "SetHumidity", 90)) == ErrorCode.INVALIDATE_PARAMS
    assert sim.error(await sim.control(humidifier, "SetHumidity", 20)) == ErrorCode.INVALIDATE_PARAMS
    assert sim.error(await sim.control(humidifier, "SetMode", "turbo")) == ErrorCode.INVALIDATE_PARAMS
    assert humidifier.state == humidifier.initial_state
    assert sim.ok(await sim.control(humidifier, "AdjustUpHumidity")) == {"humidity": 60, "powerstate": "on"}
    assert sim.ok(await sim.control(humidifier, "AdjustUpHumidity", 50)) == {"humidity": 80}
    assert sim.ok(await sim.query(humidifier, "QueryHumidity")) == {"humidity": 80}
    reply = await sim.control(humidifier, "SetTemperature", 20)
    assert sim.error(reply) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
