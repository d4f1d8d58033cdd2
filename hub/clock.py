"""Time for the simulation: the real clock (optionally sped up), or a manual one that tests move by hand.

One clock drives device behaviours (curtains, drift, batteries), the hub's timers and the recorder.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol

DEFAULT_EPOCH = 1_767_225_600.0
"""2026-01-01T00:00:00Z: where a ``ManualClock``'s wall time starts unless a test says otherwise."""


class Clock(Protocol):
    """What behaviours use instead of ``time`` and ``asyncio.sleep``."""

    def now(self) -> float:
        """Seconds on this clock."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""

    def wall(self) -> float:
        """Simulated Unix time (what "at seven" and "every weekday" are measured against)."""


class RealClock:
    """Wall time, optionally sped up (``speed`` simulated seconds per real second)."""

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError(f"clock speed must be positive, got {speed}")
        self.speed = speed
        self._started = time.time()

    def now(self) -> float:
        """Seconds on this clock (monotonic), for intervals and timeouts."""
        return asyncio.get_running_loop().time() * self.speed

    def wall(self) -> float:
        """The real time at start-up, then moving ``speed`` times faster."""
        return self._started + (time.time() - self._started) * self.speed

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time (at once for zero or less)."""
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class ManualClock:
    """A clock that only moves when ``advance`` is awaited; sleepers wake in deadline order."""

    def __init__(self, start: float = 0.0, epoch: float = DEFAULT_EPOCH) -> None:
        self._now = start
        self._wall_offset = epoch - start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        """Seconds on this clock (monotonic), for intervals and timeouts."""
        return self._now

    def wall(self) -> float:
        """``epoch`` when the clock was made, moving with ``advance``."""
        return self._now + self._wall_offset

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time (at once for zero or less)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + max(0.0, seconds), next(self._seq), future))
        await future

    @property
    def sleepers(self) -> int:
        """How many tasks are waiting on this clock."""
        return sum(1 for *_, f in self._sleepers if not f.done())

    async def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``, waking each sleeper at its deadline and letting it run."""
        target = self._now + seconds
        await _settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            if not future.done():
                future.set_result(None)
            await _settle()
        self._now = target
        await _settle()


async def _settle(rounds: int = 5) -> None:
    """Let woken tasks run until they block again (a few loop iterations, no wall time)."""
    for _ in range(rounds):
        await asyncio.sleep(0)
