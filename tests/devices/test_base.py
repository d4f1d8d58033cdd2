"""The generic device base: faults, side effects in replies, bad steps, queries sent as control."""

from __future__ import annotations

import pytest

from devices.categories.aircondition import AirCondition
from devices.categories.light import Light
from hub.protocol import ErrorCode, Request


async def test_reset_gets_through_error_and_offline_faults(sim):
    light = await sim.make(Light, powerstate="off")
    await sim.control(light, "TurnOn")
    for fault in ("error", "offline"):
        light.fault = fault
        assert sim.ok(await sim.control(light, "Reset"))["powerstate"] == "off"
        assert light.fault is None


async def test_a_reply_lists_the_side_effects_of_a_change(sim):
    ac = await sim.make(AirCondition, powerstate="off")
    assert sim.ok(await sim.control(ac, "SetTemperature", 22)) == {"temperature": 22, "powerstate": "on"}
    assert sim.ok(await sim.control(ac, "SetTemperature", 23)) == {"temperature": 23}


@pytest.mark.parametrize("step", ["nan", "inf", True, "-3", 0, "abc"])
async def test_an_adjust_step_must_be_a_positive_finite_number(sim, step):
    light = await sim.make(Light, powerstate="on", brightness=50)
    assert sim.error(await sim.control(light, "AdjustUpBrightness", step)) == ErrorCode.INVALIDATE_PARAMS
    assert light.state["brightness"] == 50


async def test_a_query_sent_in_the_control_namespace_is_answered(sim):
    light = await sim.make(Light, powerstate="on", brightness=42)
    assert sim.ok(await sim.control(light, "QueryBrightness")) == {"brightness": 42}


async def test_a_silent_device_ignores_requests_but_not_reset(sim):
    light = await sim.make(Light)
    light.fault = "offline"
    assert await sim.control(light, "TurnOn") is None
    assert light.state["powerstate"] == "off"


async def test_a_request_naming_another_device_is_refused_in_the_devices_own_name(sim):
    """The hub drops a reply on a device's topic that names another device (it would speak for it), so the
    refusal must carry the device's own id to be heard at all (docs/protocol.md, ErrorResponse)."""
    light = await sim.make(Light, "light-1", powerstate="off")
    reply = await light.handle(Request.control("light-2", "TurnOn"))
    assert sim.error(reply) == ErrorCode.DEVICE_IS_NOT_EXIST
    assert reply.payload.device_id == "light-1"
    assert "light-2" in reply.payload.message
    assert light.state["powerstate"] == "off"
