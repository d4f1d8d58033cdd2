"""How a large fleet connects (issue 19, scale): at most CONNECTS_AT_ONCE devices of a process wait for a CONNACK
at once, a failed attempt gives its turn back, and fleet devices wait ACK_TIMEOUT for the broker's answers (a
100,000-device attempt churned when devices gave up after the usual 5 s and reconnected together)."""

from __future__ import annotations

import asyncio

import pytest

from genie.homes_fleet import ACK_TIMEOUT, Gated, fleet_connector
from hub.protocol.mqtt import BrokerURL, ConnectionFailed


class _Held:
    """A connection whose CONNECT is answered only when the test says so (``fail``: refused)."""

    def __init__(self, waiting: _Waiting, answer: asyncio.Event, fail: bool = False) -> None:
        self.waiting, self.answer, self.fail, self.entered = waiting, answer, fail, False

    async def __aenter__(self) -> _Held:
        async with self.waiting.changed:
            self.waiting.append(self)
            self.waiting.changed.notify_all()
        try:
            await self.answer.wait()
        finally:
            self.waiting.remove(self)
        if self.fail:
            raise ConnectionFailed("refused")
        self.entered = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.entered = False


class _Waiting(list):
    """The connections waiting for their CONNACK, and a condition notified when one starts waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Condition()

    async def until(self, count: int) -> None:
        async with asyncio.timeout(5), self.changed:
            await self.changed.wait_for(lambda: len(self) == count)


async def test_at_most_the_gates_count_of_devices_connect_at_once_and_all_get_their_turn() -> None:
    gate, waiting, answer = asyncio.Semaphore(3), _Waiting(), asyncio.Event()
    held = [_Held(waiting, answer) for _ in range(10)]

    async def connect(conn: _Held) -> _Held:
        async with Gated(conn, gate) as inner:
            return inner

    tasks = [asyncio.create_task(connect(conn)) for conn in held]
    await waiting.until(3)
    for _ in range(20):  # the others stay queued in the process while the three wait
        await asyncio.sleep(0)
    assert len(waiting) == 3
    answer.set()
    done = await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert done == held and not waiting


async def test_a_refused_connect_gives_its_turn_back() -> None:
    gate, waiting, answer = asyncio.Semaphore(1), _Waiting(), asyncio.Event()
    refused, next_one = _Held(waiting, answer, fail=True), _Held(waiting, answer)
    first = asyncio.create_task(Gated(refused, gate).__aenter__())
    second = asyncio.create_task(Gated(next_one, gate).__aenter__())
    await waiting.until(1)
    assert waiting == [refused]
    answer.set()
    with pytest.raises(ConnectionFailed):
        await asyncio.wait_for(first, 5)
    assert await asyncio.wait_for(second, 5) is next_one and next_one.entered


async def test_fleet_devices_wait_longer_for_the_broker_than_a_client_does() -> None:
    url = BrokerURL("127.0.0.1", 1)
    plain = fleet_connector(url, None, 30, "h00001")("light-1", None)
    gated = fleet_connector(url, None, 30, "h00001", gate=asyncio.Semaphore(1))("light-2", None)
    assert plain.timeout == ACK_TIMEOUT >= 30
    assert isinstance(gated, Gated) and gated._inner.timeout == ACK_TIMEOUT
