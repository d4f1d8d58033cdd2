"""Switch and outlet: power, and the outlet's metered load."""

from __future__ import annotations

from devices.categories.switch import Outlet, Switch
from hub.protocol import ErrorCode


async def test_switch_turns_on_and_off(sim):
    switch = await sim.make(Switch)
    reports = sim.record(switch)
    assert sim.ok(await sim.control(switch, "TurnOn")) == {"powerstate": "on"}
    assert sim.ok(await sim.query(switch, "QueryPowerState")) == {"powerstate": "on"}
    assert sim.ok(await sim.control(switch, "TurnOff")) == {"powerstate": "off"}
    assert reports.values("powerstate") == ["on", "off"]


async def test_switch_supports_nothing_else(sim):
    switch = await sim.make(Switch)
    assert sim.error(await sim.control(switch, "SetBrightness", 50)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert switch.actions() == ["TurnOn", "TurnOff", "Query", "QueryPowerState", "Reset"]


async def test_outlet_draws_its_load_only_while_on(sim):
    outlet = await sim.make(Outlet)
    assert outlet.state["power"] == 0.0
    reply = sim.ok(await sim.control(outlet, "TurnOn"))
    assert reply["powerstate"] == "on"
    assert 0 < reply["power"] <= 3500
    assert reply["power"] == outlet.load
    assert sim.ok(await sim.control(outlet, "TurnOff")) == {"powerstate": "off", "power": 0.0}


async def test_outlet_load_is_seeded_by_device_id(sim):
    a = await sim.make(Outlet, "plug-a", powerstate="on")
    again = await sim.make(Outlet, "plug-a", powerstate="on")
    loads = {(await sim.make(Outlet, f"plug-{i}")).load for i in range(8)}
    assert a.state["power"] == again.state["power"] > 0
    assert len(loads) > 1  # different plugs, different appliances


async def test_outlet_initial_power_is_the_load_when_on(sim):
    outlet = await sim.make(Outlet, powerstate="on", power=1500.0)
    assert outlet.load == 1500.0
    off = await sim.make(Outlet, "plug-off", power=1500.0)
    assert off.state["power"] == 0.0  # power always follows powerstate


async def test_outlet_power_is_read_only(sim):
    outlet = await sim.make(Outlet)
    assert sim.error(await sim.control(outlet, "SetPower", 100)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert outlet.state["power"] == 0.0


async def test_outlet_reset_restores_power(sim):
    outlet = await sim.make(Outlet)
    await sim.control(outlet, "TurnOn")
    sim.ok(await sim.control(outlet, "Reset"))
    assert outlet.state == {"powerstate": "off", "power": 0.0}
