"""Shared physics of devices whose readings change by themselves: a periodic tick, values that creep."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from devices.base import SimulatedDevice


def approach(current: float, goal: float, step: float) -> float:
    """``current`` moved toward ``goal`` by at most ``step``: never past it."""
    if current < goal:
        return min(goal, current + step)
    return max(goal, current - step)


class PeriodicDevice(SimulatedDevice):
    """A device whose physics advances every ``interval`` seconds of clock time (see ``tick``).

    The loop starts with ``start`` and is cancelled by ``close``, so ``Reset`` (close, restore, start)
    restarts it from the initial state.
    """

    interval: ClassVar[float] = 30.0
    _ticker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start, and start the tick loop if it is not running."""
        await super().start()
        if self._ticker is None or self._ticker.done():  # a second start must not double the speed
            self._ticker = self.spawn(self._tick_forever())

    async def _tick_forever(self) -> None:
        while True:
            await self.clock.sleep(self.interval)
            self.tick()

    def tick(self) -> None:
        """Advance the physics by one ``interval``; report changes with ``apply(..., cause=...)``."""
