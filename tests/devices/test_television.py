"""Television: volume, mute and channel."""

from __future__ import annotations

from devices.categories.television import Television
from hub.protocol import ErrorCode


async def test_volume_set_and_adjust(sim):
    tv = await sim.make(Television)
    assert sim.ok(await sim.control(tv, "SetVolume", 55)) == {"volume": 55, "powerstate": "on"}
    assert tv.state["powerstate"] == "on"  # changing the volume of a TV that is off turns it on
    assert sim.ok(await sim.control(tv, "AdjustUpVolume")) == {"volume": 65}
    assert sim.ok(await sim.control(tv, "AdjustUpVolume", 50)) == {"volume": 100}
    assert sim.ok(await sim.control(tv, "AdjustDownVolume", 5)) == {"volume": 95}


async def test_mute_and_unmute(sim):
    tv = await sim.make(Television, powerstate="on")
    reports = sim.record(tv)
    assert sim.ok(await sim.control(tv, "SetMute")) == {"mute": True}
    assert sim.ok(await sim.control(tv, "CancelMute")) == {"mute": False}
    assert reports.values("mute") == [True, False]


async def test_changing_the_volume_unmutes(sim):
    tv = await sim.make(Television, powerstate="on", mute=True)
    sim.ok(await sim.control(tv, "AdjustDownVolume"))
    assert tv.state["mute"] is False
    assert tv.state["volume"] == 20


async def test_channels(sim):
    tv = await sim.make(Television, powerstate="on")
    assert sim.ok(await sim.control(tv, "SelectChannel", 42)) == {"channel": 42}
    assert sim.ok(await sim.control(tv, "AdjustUpChannel")) == {"channel": 43}
    assert sim.ok(await sim.control(tv, "AdjustDownChannel")) == {"channel": 42}
    tv_low = await sim.make(Television, "tv-low", powerstate="on")
    assert sim.ok(await sim.control(tv_low, "AdjustDownChannel")) == {"channel": 1}


async def test_out_of_range_values_refused(sim):
    tv = await sim.make(Television)
    reports = sim.record(tv)
    bad = (("SetVolume", 101), ("SetVolume", -1), ("SelectChannel", 0), ("SelectChannel", 1000),
           ("SelectChannel", "CCTV"))
    for action, value in bad:
        assert sim.error(await sim.control(tv, action, value)) == ErrorCode.INVALIDATE_PARAMS, (action, value)
    assert tv.state == tv.initial_state
    assert reports.reports == []


async def test_unsupported_actions(sim):
    tv = await sim.make(Television)
    assert sim.error(await sim.control(tv, "SetTemperature", 20)) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.error(await sim.control(tv, "SetMode", "cinema")) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
