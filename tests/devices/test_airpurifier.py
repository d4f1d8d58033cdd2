"""Air purifier: PM2.5 falls while filtering, faster at higher speed, and creeps back when off."""

from __future__ import annotations

from devices.categories.airpurifier import AirPurifier
from hub.protocol import ErrorCode


async def test_filtering_brings_pm25_down_to_clean_and_no_lower(sim):
    purifier = await sim.make(AirPurifier, mode="manual", windspeed=3)
    reports = sim.record(purifier)
    sim.ok(await sim.control(purifier, "TurnOn"))
    await sim.advance(60 * 60)
    readings = reports.values("pm2.5")
    assert readings == sorted(readings, reverse=True)
    assert purifier.state["pm2.5"] == 10 and min(readings) == 10
    assert set(reports.causes("pm2.5")) == {"sensor"}


async def test_higher_speed_cleans_faster(sim):
    slow = await sim.make(AirPurifier, "slow", mode="manual", windspeed=1, powerstate="on")
    fast = await sim.make(AirPurifier, "fast", mode="manual", windspeed=3, powerstate="on")
    await sim.advance(5 * 60)
    assert 10 <= int(fast.state["pm2.5"]) < int(slow.state["pm2.5"]) < 75


async def test_off_pm25_rises_back_to_ambient(sim):
    purifier = await sim.make(AirPurifier, mode="manual", windspeed=3, powerstate="on")
    await sim.advance(60 * 60)
    assert purifier.state["pm2.5"] == 10
    reports = sim.record(purifier)
    sim.ok(await sim.control(purifier, "TurnOff"))
    await sim.advance(10 * 60)
    assert 10 < int(purifier.state["pm2.5"]) < 75
    await sim.advance(5 * 60 * 60)
    assert purifier.state["pm2.5"] == 75
    readings = reports.values("pm2.5")
    assert readings == sorted(readings) and max(readings) == 75


async def test_auto_mode_chooses_the_speed_from_the_reading(sim):
    """Auto mode is the purifier's automatic fan speed: the state says "auto" and the reading sets the pace — as
    fast as speed 3 while the air is polluted, as slow as speed 1 once it is clean."""
    auto = await sim.make(AirPurifier, "auto", **{"pm2.5": 150})
    fast = await sim.make(AirPurifier, "fast", mode="manual", windspeed=3, powerstate="on", **{"pm2.5": 150})
    assert sim.ok(await sim.control(auto, "SetMode", "auto")) == {"mode": "auto", "windspeed": "auto",
                                                                  "powerstate": "on"}
    await sim.advance(30)  # one reading
    assert auto.state["pm2.5"] == fast.state["pm2.5"] < 150
    await sim.advance(60 * 60)
    assert auto.state["pm2.5"] == 10 and auto.state["windspeed"] == "auto"


async def test_auto_wind_speed_is_auto_mode_and_a_level_leaves_it(sim):
    purifier = await sim.make(AirPurifier, mode="manual", windspeed=1)
    spec = purifier.spec("windspeed")
    assert spec is not None and spec.enum_values == ["auto"]
    assert sim.ok(await sim.control(purifier, "SetWindSpeed", "auto")) == {"windspeed": "auto", "mode": "auto",
                                                                          "powerstate": "on"}
    assert sim.ok(await sim.control(purifier, "AdjustUpWindSpeed")) == {"windspeed": 3, "mode": "manual"}
    assert sim.ok(await sim.control(purifier, "SetMode", "auto")) == {"mode": "auto", "windspeed": "auto"}
    assert sim.ok(await sim.control(purifier, "SetMode", "manual")) == {"mode": "manual", "windspeed": 2}


async def test_choosing_a_speed_switches_to_manual_and_sleep_is_slow(sim):
    purifier = await sim.make(AirPurifier, powerstate="on")
    sim.ok(await sim.control(purifier, "SetWindSpeed", 3))
    assert purifier.state["mode"] == "manual"
    assert sim.ok(await sim.control(purifier, "SetMode", "sleep")) == {"mode": "sleep", "windspeed": 1}


async def test_bad_values_refused_and_pm25_read_only(sim):
    purifier = await sim.make(AirPurifier)
    assert sim.error(await sim.control(purifier, "SetWindSpeed", 0)) == ErrorCode.INVALIDATE_PARAMS
    assert sim.error(await sim.control(purifier, "SetMode", "turbo")) == ErrorCode.INVALIDATE_PARAMS
    assert purifier.state == purifier.initial_state
    assert sim.error(await sim.control(purifier, "SetPm25", 5)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.ok(await sim.query(purifier, "QueryPM25")) == {"pm2.5": 75}


async def test_the_initial_mode_and_speed_agree(sim):
    """A home file that gives one of them gets the other to match: manual runs at a level, a level is manual."""
    manual = await sim.make(AirPurifier, "a", mode="manual")
    level = await sim.make(AirPurifier, "b", windspeed=3)
    plain = await sim.make(AirPurifier, "c")
    assert (manual.state["mode"], manual.state["windspeed"]) == ("manual", 2)
    assert (level.state["mode"], level.state["windspeed"]) == ("manual", 3)
    assert (plain.state["mode"], plain.state["windspeed"]) == ("auto", "auto")
    assert manual.initial_state == manual.state
