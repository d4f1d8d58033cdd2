"""The live shards as one shard sees them (hub.shards.membership), alone on a clock and on the in-memory bus."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from hub.protocol import Topics
from hub.shards.membership import Membership
from hub.shards.shard import Shard
from hub.shards.wire import Beat, shard_topic
from tests.fakes import MemoryBroker

BOUND = 2.0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def beat(shard: str, alive: bool = True, run: str = "r1") -> Beat:
    return Beat(shard=shard, alive=alive, run=run)


def own(seq: int) -> Beat:
    return Beat(shard="a", alive=True, run="me", seq=seq)


def test_a_shard_is_dropped_when_silent_for_the_expiry_as_the_shard_s_own_beats_show_time() -> None:
    clock = Clock()
    view = Membership("a", run="me", expiry=3.0, clock=clock)
    assert view.heard(beat("b")) is True  # a newcomer: answered at once
    assert view.heard(beat("b")) is False
    assert view.live() == ["a", "b"]
    for seq in range(6):  # a's own beats, each back at once: its inbound is up to date
        clock.now += 0.5
        view.sent(seq)
        view.heard(own(seq))
        assert view.expire() == []  # silent up to 3.0 s
    clock.now += 0.5
    view.sent(6)
    assert view.expire() == []  # 3.5 s by the clock, but a has not yet heard what was sent meanwhile
    view.heard(own(6))
    assert view.expire() == ["b"]  # silent 3.5 s on a's inbound timeline
    assert view.live() == ["a"]


def test_a_shard_that_hears_everything_late_takes_no_one_for_dead() -> None:
    clock = Clock()
    view = Membership("a", run="me", expiry=3.0, clock=clock)
    view.heard(beat("b"))
    for seq in range(10):  # five seconds of beats sent, none heard back yet: a's inbound is behind
        clock.now += 0.5
        view.sent(seq)
        assert view.expire() == []
    assert view.lag() == pytest.approx(4.5)  # the oldest beat on its way back left 4.5 s ago
    view.heard(beat("b"))  # what b sent meanwhile comes through, then a's own first beat
    view.heard(own(0))
    assert view.expire() == [] and view.live() == ["a", "b"]
    assert view.lag() == pytest.approx(4.0)


def test_a_will_drops_the_shard_at_once_and_a_restart_is_a_newcomer() -> None:
    view = Membership("a", expiry=3.0, clock=Clock())
    view.heard(beat("b"))
    assert view.heard(beat("b", alive=False)) is False
    assert view.live() == ["a"]
    view.heard(beat("b"))
    assert view.heard(beat("b", run="r2")) is True  # the same id, started again


def test_an_own_beat_of_another_run_or_a_will_of_an_earlier_one_tells_nothing() -> None:
    clock = Clock()
    view = Membership("a", run="me", expiry=3.0, clock=clock)
    view.sent(0)
    view.heard(Beat(shard="a", alive=True, run="old", seq=0))
    view.heard(Beat(shard="a", alive=False, run="me", seq=0))
    assert view.inbound is None
    view.heard(own(0))
    assert view.inbound == clock.now


# --------------------------------------------------------------------------- on the in-memory bus


class Events:
    """A shard's events, awaited by predicate."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self._changed = asyncio.Event()

    def __call__(self, event: dict[str, Any]) -> None:
        self.seen.append(event)
        self._changed.set()

    async def until(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = BOUND) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                for event in self.seen:
                    if predicate(event):
                        return event
                self._changed.clear()
                await self._changed.wait()


@contextlib.asynccontextmanager
async def running(shard: Shard) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(shard.run())
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def make(bus: MemoryBroker, shard_id: str, tmp_path: Path, events: Events, **options: Any) -> Shard:
    return Shard(shard_id, bus.connect, {}, tmp_path / "homes", interval=0.1, expiry=0.5, grace=0.1,
                 on_event=events, **options)


async def test_two_shards_see_each_other_and_a_killed_one_is_dropped_on_its_will(tmp_path: Path) -> None:
    bus = MemoryBroker()
    a_events, b_events = Events(), Events()
    a, b = make(bus, "a", tmp_path, a_events), make(bus, "b", tmp_path, b_events)
    async with running(a), running(b):
        await a_events.until(lambda e: e["event"] == "members" and e["members"] == ["a", "b"])
        await b_events.until(lambda e: e["event"] == "members" and e["members"] == ["a", "b"])
        loop = asyncio.get_running_loop()
        killed = loop.time()
        await bus.clients["genie-shard-b"].abort()  # a power cut: its will says it is gone
        a_events.seen.clear()
        await a_events.until(lambda e: e["event"] == "members" and e["members"] == ["a"])
        assert loop.time() - killed < a.expiry  # the will, not the expiry
        assert not any(e["event"] == "expired" for e in a_events.seen)


async def test_a_shard_that_falls_silent_without_a_will_is_dropped_after_the_expiry(tmp_path: Path) -> None:
    bus = MemoryBroker()
    events = Events()
    a = make(bus, "a", tmp_path, events)
    async with running(a), bus.connect("genie-shard-mute", None) as mute:
        await events.until(lambda e: e["event"] == "connected")
        heard = asyncio.get_running_loop().time()
        await mute.publish(shard_topic(Topics(), "mute"), Beat(shard="mute", alive=True, run="x").encode())
        await events.until(lambda e: e["event"] == "members" and e["members"] == ["a", "mute"])
        await events.until(lambda e: e["event"] == "expired" and e["shard"] == "mute")
        assert asyncio.get_running_loop().time() - heard >= a.expiry
        await events.until(lambda e: e["event"] == "members" and e["members"] == ["a"])


async def test_a_malformed_beat_is_dropped_and_the_shard_goes_on(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    bus = MemoryBroker()
    events = Events()
    a = make(bus, "a", tmp_path, events)
    async with running(a), bus.connect("genie-shard-odd", None) as odd:
        await events.until(lambda e: e["event"] == "connected")
        for payload in (b"not json", b'{"shard": "Odd!", "alive": true}', b'{"shard": "odd"}'):
            await odd.publish(shard_topic(Topics(), "odd"), payload)
        await odd.publish(shard_topic(Topics(), "odd"), Beat(shard="odd", alive=True).encode())
        await events.until(lambda e: e["event"] == "members" and e["members"] == ["a", "odd"])
    assert sum("dropped a malformed beat" in r.getMessage() for r in caplog.records) == 3
