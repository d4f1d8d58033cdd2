"""Robotic vacuum: cleaning drains the battery, it goes home by itself, and charges on the dock."""

from __future__ import annotations

from devices.categories.roboticvacuum import RoboticVacuum
from hub.protocol import ErrorCode


async def test_cleaning_drains_the_battery(sim):
    vacuum = await sim.make(RoboticVacuum)
    reports = sim.record(vacuum)
    reply = sim.ok(await sim.control(vacuum, "TurnOn"))
    assert reply == {"powerstate": "on", "status": "cleaning", "battery": 100}
    await sim.advance(29)
    assert vacuum.state["battery"] == 100
    await sim.advance(1)
    assert vacuum.state["battery"] == 99  # 1 % per 30 s at standard suction
    await sim.advance(5 * 60)
    assert vacuum.state["battery"] == 89
    assert set(reports.causes("battery")) == {"sensor"}


async def test_low_battery_sends_it_home_then_it_charges(sim):
    vacuum = await sim.make(RoboticVacuum, battery=20)
    reports = sim.record(vacuum)
    sim.ok(await sim.control(vacuum, "TurnOn"))
    await sim.advance(150)
    assert vacuum.state == {"powerstate": "off", "status": "returning", "battery": 15, "mode": "standard"}
    assert reports.reports[-1] == ({"status": "returning", "powerstate": "off"}, "motion")
    await sim.advance(29)
    assert vacuum.state["status"] == "returning"
    await sim.advance(1)
    assert vacuum.state["status"] == "docked"
    assert vacuum.state["battery"] == 14  # the trip home costs a little too
    await sim.advance(18)
    assert vacuum.state["battery"] == 15  # 1 % per 18 s on the dock
    await sim.advance(2 * 60 * 60)
    assert vacuum.state["battery"] == 100
    assert reports.values("status") == ["cleaning", "returning", "docked"]
    assert reports.causes("status") == ["command", "motion", "motion"]


async def test_charging_stops_at_full(sim):
    vacuum = await sim.make(RoboticVacuum, battery=98)
    reports = sim.record(vacuum)
    await sim.advance(36)
    assert vacuum.state["battery"] == 100
    await sim.advance(10 * 60)
    assert reports.values("battery") == [99, 100]


async def test_refuses_to_start_on_a_flat_battery(sim):
    vacuum = await sim.make(RoboticVacuum, battery=5)
    reply = await sim.control(vacuum, "TurnOn")
    assert sim.error(reply) == ErrorCode.SERVICE_ERROR
    assert "battery" in reply.payload.message
    assert vacuum.state["status"] == "docked"
    await sim.advance(5 * 18)
    assert vacuum.state["battery"] == 10
    assert sim.ok(await sim.control(vacuum, "TurnOn"))["status"] == "cleaning"


async def test_pause_and_continue(sim):
    vacuum = await sim.make(RoboticVacuum)
    await sim.control(vacuum, "TurnOn")
    await sim.advance(60)
    assert sim.ok(await sim.control(vacuum, "Pause")) == {"powerstate": "off", "status": "paused"}
    await sim.advance(10 * 60)
    assert vacuum.state["battery"] == 98  # paused: neither draining nor charging
    assert vacuum.state["status"] == "paused"
    assert sim.ok(await sim.control(vacuum, "Continue")) == {"powerstate": "on", "status": "cleaning",
                                                             "battery": 98}
    await sim.advance(30)
    assert vacuum.state["battery"] == 97


async def test_pause_counts_partial_work(sim):
    vacuum = await sim.make(RoboticVacuum)
    await sim.control(vacuum, "TurnOn")
    for _ in range(5):  # 5 x 6 s of cleaning, paused in between: still 30 s of work
        await sim.advance(6)
        await sim.control(vacuum, "Pause")
        await sim.advance(60)
        await sim.control(vacuum, "Continue")
    assert vacuum.state["battery"] == 99


async def test_turn_off_goes_back_to_the_dock(sim):
    vacuum = await sim.make(RoboticVacuum)
    await sim.control(vacuum, "TurnOn")
    await sim.advance(60)
    assert sim.ok(await sim.control(vacuum, "TurnOff")) == {"powerstate": "off", "status": "returning"}
    await sim.advance(30)
    assert vacuum.state["status"] == "docked"
    assert sim.ok(await sim.control(vacuum, "TurnOff")) == {"powerstate": "off", "status": "docked"}
    assert sim.ok(await sim.control(vacuum, "Pause")) == {"powerstate": "off", "status": "docked"}


async def test_suction_mode_does_not_start_it_and_strong_drains_faster(sim):
    vacuum = await sim.make(RoboticVacuum)
    assert sim.ok(await sim.control(vacuum, "SetMode", "strong")) == {"mode": "strong"}
    assert vacuum.state["status"] == "docked" and vacuum.state["powerstate"] == "off"
    await sim.control(vacuum, "TurnOn")
    await sim.advance(18)
    assert vacuum.state["battery"] == 99
    assert sim.error(await sim.control(vacuum, "SetMode", "turbo")) == ErrorCode.INVALIDATE_PARAMS
    assert vacuum.state["mode"] == "strong"


async def test_read_only_and_unsupported(sim):
    vacuum = await sim.make(RoboticVacuum)
    assert sim.error(await sim.control(vacuum, "SetBattery", 50)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.error(await sim.control(vacuum, "SetTemperature", 20)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.ok(await sim.query(vacuum)) == {"powerstate": "off", "status": "docked", "battery": 100,
                                               "mode": "standard"}


async def test_jammed_brush_stops_it(sim):
    vacuum = await sim.make(RoboticVacuum)
    await sim.control(vacuum, "TurnOn")
    vacuum.fault = "jammed"
    reports = sim.record(vacuum)
    await sim.advance(6)
    assert vacuum.state["status"] == "paused"
    assert reports.causes("status") == ["motion"]
    assert sim.error(await sim.control(vacuum, "Continue")) == ErrorCode.SERVICE_ERROR
    assert vacuum.state["status"] == "paused"


async def test_home_file_powerstate_on_means_cleaning(sim):
    vacuum = await sim.make(RoboticVacuum, powerstate="on", battery=50)
    assert vacuum.state["status"] == "cleaning"
    await sim.advance(30)
    assert vacuum.state["battery"] == 49


async def test_reset_docks_it_and_restores_the_battery(sim):
    vacuum = await sim.make(RoboticVacuum, battery=60)
    await sim.control(vacuum, "TurnOn")
    await sim.advance(25)
    sim.ok(await sim.control(vacuum, "Reset"))
    assert vacuum.state == {"powerstate": "off", "status": "docked", "battery": 60, "mode": "standard"}
    await sim.advance(18)
    assert vacuum.state["battery"] == 61  # charging counts from the reset, not from before
