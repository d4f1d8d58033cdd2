"""What every category must do: describe itself fully, refuse what it cannot do, reset cleanly."""

from __future__ import annotations

import pytest

from devices.base import SimulatedDevice
from devices.categories import CATEGORIES, device_class
from hub.protocol import ErrorCode, Request
from hub.protocol.vocabulary import ACTIONS, DEVICE_TYPES, QUERY_ACTIONS, set_action_for

CLASSES = sorted(CATEGORIES.values(), key=lambda cls: cls.category)
VOCABULARY_GAPS: set[str] = set()
"""Actions some category implements that hub/protocol/vocabulary.py does not list yet."""


def test_every_aligenie_type_has_a_behaviour():
    assert set(CATEGORIES) == set(DEVICE_TYPES)
    with pytest.raises(ValueError, match="known: aircondition"):
        device_class("toaster")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.category)
def test_description_is_complete(cls: type[SimulatedDevice]):
    assert cls.__doc__
    assert set(cls.defaults) == {spec.name for spec in cls.specs}
    for spec in cls.specs:
        assert spec.coerce(cls.defaults[spec.name]) == cls.defaults[spec.name], spec.name
    assert cls.default_names.zh and cls.default_names.en and cls.default_names.fr


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.category)
async def test_actions_are_in_the_vocabulary(sim, cls: type[SimulatedDevice]):
    device = await sim.make(cls)
    info = device.info()
    assert info.device_type == cls.category
    assert info.device_name == cls.default_names.zh[0]
    unknown = {a for a in device.actions() if a not in ACTIONS and a not in QUERY_ACTIONS}
    assert unknown <= VOCABULARY_GAPS


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.category)
async def test_unknown_action_and_query_refused(sim, cls: type[SimulatedDevice]):
    device = await sim.make(cls)
    assert sim.error(await sim.control(device, "Fly")) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.error(await sim.query(device, "QueryMood")) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert sim.ok(await sim.query(device)) == device.state


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.category)
async def test_every_numeric_setting_refuses_out_of_range(sim, cls: type[SimulatedDevice]):
    device = await sim.make(cls)
    reports = sim.record(device)
    for spec in device.specs:
        action = set_action_for(spec.name)
        if not spec.writable or spec.data_type not in ("int", "float") or action is None:
            continue
        for bad in (spec.max + 1, spec.min - 1, "lots"):
            reply = await sim.control(device, action, bad)
            assert sim.error(reply) == ErrorCode.INVALIDATE_PARAMS, (spec.name, bad)
    assert device.state == device.initial_state
    assert reports.reports == []


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.category)
async def test_faults_and_wrong_device(sim, cls: type[SimulatedDevice]):
    device = await sim.make(cls)
    assert sim.error(await device.handle(Request.query("someone-else"))) == ErrorCode.DEVICE_IS_NOT_EXIST
    device.fault = "error"
    assert sim.error(await sim.query(device)) == ErrorCode.SERVICE_ERROR
    device.fault = "offline"
    assert await sim.query(device) is None


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.category)
async def test_reset_restores_state_and_behaviours(sim, cls: type[SimulatedDevice]):
    device = await sim.make(cls)
    await sim.advance(0)
    waiting = sim.clock.sleepers
    if "TurnOn" in device.actions():
        await sim.control(device, "TurnOn")
    await sim.advance(10 * 60)
    device.fault = "jammed"
    reply = sim.ok(await sim.control(device, "Reset"))
    assert reply == device.state == device.initial_state
    assert device.fault is None
    await sim.advance(0)
    assert sim.clock.sleepers == waiting  # periodic behaviours restarted, once
