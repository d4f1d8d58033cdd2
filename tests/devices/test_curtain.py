"""Curtain: the motor moves the opening over clock time; Pause stops it."""

from __future__ import annotations

from devices.categories.curtain import Curtain
from hub.protocol import ErrorCode


async def test_turn_on_opens_over_time(sim):
    curtain = await sim.make(Curtain)
    reports = sim.record(curtain)
    reply = sim.ok(await sim.control(curtain, "TurnOn"))
    assert reply == {"position": 0, "motion": "opening", "powerstate": "on"}
    await sim.advance(5)
    assert curtain.state["position"] == 50
    assert curtain.state["motion"] == "opening"
    await sim.advance(5)
    assert curtain.state == {"powerstate": "on", "position": 100, "motion": "stopped"}
    positions = reports.values("position")
    assert positions == sorted(positions) and positions[-1] == 100
    assert set(reports.causes("position")) == {"motion"}


async def test_pause_stops_the_motor_where_it_is(sim):
    curtain = await sim.make(Curtain)
    await sim.control(curtain, "TurnOn")
    await sim.advance(3)
    assert sim.ok(await sim.control(curtain, "Pause")) == {"position": 30, "motion": "stopped"}
    await sim.advance(20)
    assert curtain.state["position"] == 30
    assert curtain.state["motion"] == "stopped"


async def test_set_position_closes_part_way(sim):
    curtain = await sim.make(Curtain, position=100, powerstate="on")
    sim.ok(await sim.control(curtain, "SetPosition", 40))
    assert curtain.state["motion"] == "closing"
    await sim.advance(60)
    assert curtain.state["position"] == 40
    assert curtain.state["motion"] == "stopped"


async def test_adjust_position_steps_from_the_target(sim):
    curtain = await sim.make(Curtain)
    await sim.control(curtain, "AdjustUpPosition")
    await sim.control(curtain, "AdjustUpPosition")  # before the first move ends: from the target, 25 -> 50
    await sim.advance(10)
    assert curtain.state["position"] == 50


async def test_out_of_range_position_refused_and_nothing_moves(sim):
    curtain = await sim.make(Curtain)
    assert sim.error(await sim.control(curtain, "SetPosition", 120)) == ErrorCode.INVALIDATE_PARAMS
    await sim.advance(10)
    assert curtain.state == curtain.initial_state


async def test_jammed_motor_refuses_and_stops(sim):
    curtain = await sim.make(Curtain)
    await sim.control(curtain, "TurnOn")
    await sim.advance(2)
    curtain.fault = "jammed"
    await sim.advance(5)
    assert curtain.state["position"] == 20
    assert curtain.state["motion"] == "stopped"
    assert sim.error(await sim.control(curtain, "TurnOff")) == ErrorCode.SERVICE_ERROR


async def test_unsupported_action(sim):
    curtain = await sim.make(Curtain)
    assert sim.error(await sim.control(curtain, "SetBrightness", 10)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION


async def test_reset_stops_motion_and_restores(sim):
    curtain = await sim.make(Curtain)
    await sim.control(curtain, "TurnOn")
    await sim.advance(4)
    sim.ok(await sim.control(curtain, "Reset"))
    await sim.advance(10)
    assert curtain.state == {"powerstate": "off", "position": 0, "motion": "stopped"}
