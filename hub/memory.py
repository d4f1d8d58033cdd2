"""The garbage collector in a process that runs hubs for good (`genie hub`, `genie up`).

CPython's cyclic collector scans, in each full collection, every container object the process holds: with a hub and
its 1,000 devices in one process (as `genie up` runs them) that is ~387,000 objects and 70-200 ms at a time on this
project's machine, paid by whichever command is being served when it strikes; and it collects its youngest
generation every 700 allocations, about once a command. ``settle`` waits until the hubs' directories have been quiet
for a moment after start-up (the devices have answered the discovery), collects once, and freezes what is alive then
(``gc.freeze``): the collector never scans those objects again. They are still freed by reference counting when they
are dropped; only a reference cycle among them would be kept, and what a hub keeps for good (its directory,
lexicons, grammar, registry) forms none that it drops. ``YOUNG`` allocations between collections of the youngest
generation instead of 700: most of a command's objects are freed by reference counting first, so the collector looks
at fewer of them."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Iterable

from hub.directory import Directory

__all__ = ["LIMIT_S", "QUIET_S", "YOUNG", "settle"]

_LOGGER = logging.getLogger(__name__)

YOUNG = 20_000
"""Allocations (less deallocations) between two collections of the youngest generation (CPython: 700)."""

QUIET_S = 2.0
"""Seconds in which no device came, left or was renamed, after which the start-up is taken as done."""

LIMIT_S = 60.0
"""Seconds after which the freeze is made even if the directories keep changing (a fleet that never settles)."""


async def settle(directories: Iterable[Directory], quiet: float = QUIET_S, limit: float = LIMIT_S) -> None:
    """Once no device has come to, left or been renamed in ``directories`` for ``quiet`` seconds (at most
    ``limit`` seconds from now; their states may change meanwhile), collect once and freeze every object alive:
    later collections look only at what comes after."""
    watched = list(directories)
    changed = asyncio.Event()
    seen = [(len(d), d.names_version) for d in watched]

    def heard(_record: object = None) -> None:  # a device came, went or was renamed: not a change of state
        now = [(len(d), d.names_version) for d in watched]
        if now != seen:
            seen[:] = now
            changed.set()

    for directory in watched:
        directory.listeners.append(heard)
    try:
        async with asyncio.timeout(limit):
            while True:
                changed.clear()
                try:
                    async with asyncio.timeout(quiet):
                        await changed.wait()
                except TimeoutError:
                    break  # quiet for ``quiet`` seconds
    except TimeoutError:
        pass  # still changing after ``limit``: what is there now is what the hubs keep
    finally:
        for directory in watched:
            directory.listeners.remove(heard)
    started = time.perf_counter()
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
    gc.collect()
    gc.freeze()
    _LOGGER.info("memory: %d objects kept out of garbage collection (%.0f ms)", gc.get_freeze_count(),
                 (time.perf_counter() - started) * 1000)
