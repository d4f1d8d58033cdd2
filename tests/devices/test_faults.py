"""Injected faults: slow, flaky, jammed, and dropping offline at a given moment."""

from __future__ import annotations

import asyncio

import pytest

from devices.base import DeviceConfig, Faults
from devices.categories.curtain import Curtain
from devices.categories.fingerprintlock import FingerprintLock
from devices.categories.light import Light
from devices.home import HomeFileError, parse_home
from hub.clock import ManualClock
from hub.protocol import ErrorCode, ErrorResponse, Request, Response


def make(cls, faults: Faults, **extra):
    clock = ManualClock()
    config = DeviceConfig(id=f"{cls.category}-1", category=cls.category, faults=faults, **extra)
    return cls(config, clock=clock), clock


async def test_a_slow_device_answers_late_by_the_given_time() -> None:
    light, clock = make(Light, Faults(slow_ms=800))
    reply = asyncio.ensure_future(light.handle(Request.control(light.id, "TurnOn")))
    await clock.advance(0.79)
    assert not reply.done()
    await clock.advance(0.02)
    assert isinstance(await reply, Response)


async def test_a_flaky_device_drops_about_the_given_share_and_always_the_same_ones() -> None:
    answers = []
    for _ in range(2):
        light, _clock = make(Light, Faults(flaky=0.3))
        answers.append([await light.handle(Request.control(light.id, "TurnOn")) is None for _ in range(400)])
    assert answers[0] == answers[1]  # deterministic per device id: a test can replay it
    assert 0.22 < sum(answers[0]) / 400 < 0.38


async def test_a_fully_flaky_device_never_answers_and_a_reliable_one_always_does() -> None:
    silent, _ = make(Light, Faults(flaky=1.0))
    reliable, _ = make(Light, Faults())
    assert await silent.handle(Request.control(silent.id, "TurnOn")) is None
    assert isinstance(await reliable.handle(Request.control(reliable.id, "TurnOn")), Response)


async def test_a_jammed_lock_says_so_and_stays_jammed_after_reset() -> None:
    lock, _ = make(FingerprintLock, Faults(jammed=True), code="2580")
    reply = await lock.handle(Request.control(lock.id, "Unlock", value="2580"))
    assert isinstance(reply, ErrorResponse)
    assert reply.payload.error_code is ErrorCode.SERVICE_ERROR and "jammed" in reply.payload.message
    await lock.handle(Request.control(lock.id, "Reset"))
    assert lock.fault == "jammed"
    assert lock.state["lockstate"] == "locked"


async def test_a_jammed_curtain_does_not_move() -> None:
    curtain, clock = make(Curtain, Faults(jammed=True))
    reply = await curtain.handle(Request.control(curtain.id, "TurnOn"))
    assert isinstance(reply, ErrorResponse) and reply.payload.error_code is ErrorCode.SERVICE_ERROR
    await clock.advance(30)
    assert curtain.state["position"] == 0


def test_impossible_faults_are_refused() -> None:
    with pytest.raises(ValueError, match="flaky between 0 and 1"):
        Faults(flaky=1.5)
    with pytest.raises(ValueError, match="offline_after"):
        Faults(offline_after=-1)


@pytest.mark.parametrize(("fields", "message"), [
    ({"slow_ms": -5}, "slow_ms"), ({"flaky": 1.5}, "flaky"), ({"offline_after": -1}, "offline_after"),
    ({"sometimes": True}, "sometimes"),
])
def test_bad_faults_in_a_home_file_name_the_entry_and_field(fields: dict, message: str) -> None:
    home = {"rooms": [{"id": "r", "names": {"en": ["room"]}}],
            "devices": [{"id": "lamp", "category": "light", "room": "r", "faults": fields}]}
    with pytest.raises(HomeFileError, match=rf"devices\[0\] \(id 'lamp'\)\.faults\.{message}"):
        parse_home(home, "home.yaml")


def test_faults_in_a_home_file_reach_the_device() -> None:
    home = parse_home({"rooms": [{"id": "r", "names": {"en": ["room"]}}],
                       "devices": [{"id": "lamp", "category": "light", "room": "r",
                                    "faults": {"slow_ms": 250, "flaky": 0.1, "offline_after": 60}}]}, "home.yaml")
    assert home.device_configs()[0].faults == Faults(slow_ms=250, flaky=0.1, offline_after=60)
