"""Fingerprint lock: Lock always, Unlock only with the code, relock by itself after 30 s."""

from __future__ import annotations

from devices.categories.fingerprintlock import FingerprintLock
from hub.protocol import ErrorCode


async def test_unlock_with_the_code_then_it_relocks_by_itself(sim):
    lock = await sim.make(FingerprintLock, code="2580")
    reports = sim.record(lock)
    assert sim.ok(await sim.control(lock, "Unlock", "2580")) == {"lockstate": "unlocked"}
    await sim.advance(29)
    assert lock.state["lockstate"] == "unlocked"
    await sim.advance(1)
    assert lock.state["lockstate"] == "locked"
    assert reports.reports == [({"lockstate": "unlocked"}, "command"), ({"lockstate": "locked"}, "motion")]


async def test_wrong_or_missing_code_is_refused_and_it_stays_locked(sim):
    lock = await sim.make(FingerprintLock, code="2580")
    reports = sim.record(lock)
    for value in ("0000", None, "", "25800", True):
        reply = await sim.control(lock, "Unlock", value)
        assert sim.error(reply) == ErrorCode.INVALIDATE_PARAMS, value
        assert reply.payload.message == "wrong or missing unlock code"
    assert lock.state["lockstate"] == "locked"
    assert reports.reports == []


async def test_a_lock_without_a_code_never_unlocks(sim):
    lock = await sim.make(FingerprintLock)
    for value in (None, "", "0000", "None"):
        assert sim.error(await sim.control(lock, "Unlock", value)) == ErrorCode.INVALIDATE_PARAMS
    assert lock.state["lockstate"] == "locked"


async def test_a_numeric_code_value_matches(sim):
    lock = await sim.make(FingerprintLock, code="2580")
    assert sim.ok(await sim.control(lock, "Unlock", 2580)) == {"lockstate": "unlocked"}


async def test_lock_works_and_cancels_the_relock(sim):
    lock = await sim.make(FingerprintLock, code="2580")
    await sim.control(lock, "Unlock", "2580")
    reports = sim.record(lock)
    assert sim.ok(await sim.control(lock, "Lock")) == {"lockstate": "locked"}
    assert sim.ok(await sim.control(lock, "Lock")) == {"lockstate": "locked"}  # locking a locked door is fine
    await sim.advance(60)
    assert reports.reports == [({"lockstate": "locked"}, "command")]


async def test_unlocking_again_restarts_the_relock_delay(sim):
    lock = await sim.make(FingerprintLock, code="2580")
    await sim.control(lock, "Unlock", "2580")
    await sim.advance(20)
    await sim.control(lock, "Unlock", "2580")
    await sim.advance(20)
    assert lock.state["lockstate"] == "unlocked"
    await sim.advance(10)
    assert lock.state["lockstate"] == "locked"


async def test_lockstate_is_only_changed_by_lock_and_unlock(sim):
    lock = await sim.make(FingerprintLock, code="2580")
    assert lock.actions() == ["Lock", "Unlock", "Query", "Reset"]
    for action in ("SetLockstate", "TurnOn", "TurnOff"):
        assert sim.error(await sim.control(lock, action, "unlocked")) == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    assert lock.state["lockstate"] == "locked"
    assert sim.ok(await sim.query(lock)) == {"lockstate": "locked", "battery": 90}


async def test_jammed_bolt_refuses(sim):
    lock = await sim.make(FingerprintLock, code="2580")
    lock.fault = "jammed"
    assert sim.error(await sim.control(lock, "Unlock", "2580")) == ErrorCode.SERVICE_ERROR
    assert sim.error(await sim.control(lock, "Unlock", "1111")) == ErrorCode.INVALIDATE_PARAMS
    assert lock.state["lockstate"] == "locked"


async def test_reset_to_an_unlocked_home_file_rearms_the_relock(sim):
    lock = await sim.make(FingerprintLock, code="2580", lockstate="unlocked")
    await sim.advance(30)
    assert lock.state["lockstate"] == "locked"
    sim.ok(await sim.control(lock, "Reset"))
    assert lock.state["lockstate"] == "unlocked"
    await sim.advance(30)
    assert lock.state["lockstate"] == "locked"
