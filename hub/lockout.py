"""Unlock codes: after a few wrong ones in a row, a lock refuses every further try for a growing time.

``Hub.send`` consults one ``Lockout`` for every ``Unlock`` directive, whatever channel it came from (the
speaker, the web API, the AliGenie gateway, the Home Assistant bridge): a refused try never reaches the
device, and the refusal says how long is left (``refusal`` / ``refused_for``).

Wrong codes are forgotten after a quiet hour (``FORGET_AFTER``), counted from the end of the last refusal (or
from the last wrong code while no refusal has begun): an attack long past leaves no count behind, so the
owner's typo days later is a first wrong code again, while an attacker who keeps trying never waits long
enough to be forgiven. The right code resets the count at once, but is itself refused while a refusal lasts.
Removing a device does not reset its count: a device that is removed and registers again under the same id
(an attacker's way to start over) finds its count where it was.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

FREE_TRIES = 5
"""Wrong codes in a row a lock takes before it refuses further tries."""
FIRST_WAIT = 30.0
"""Seconds refused after the last free try; each further wrong code doubles it."""
MAX_WAIT = 900.0
"""The longest refusal (15 minutes)."""
FORGET_AFTER = 3600.0
"""Seconds without a wrong code, after the last refusal ended, after which a lock's count starts afresh."""

_REFUSAL = "too many wrong codes for {device}: unlocking is refused; try again in {seconds} s"
_REFUSED = re.compile(r"^too many wrong codes for .*: unlocking is refused; try again in (\d+) s$")


class Lockout:
    """Counts each lock's wrong codes in a row and says how long it refuses to be tried again."""

    def __init__(self, now: Callable[[], float], *, free_tries: int = FREE_TRIES, first_wait: float = FIRST_WAIT,
                 max_wait: float = MAX_WAIT, forget_after: float = FORGET_AFTER) -> None:
        self._now = now
        self.free_tries = free_tries
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.forget_after = forget_after
        self._wrong: dict[str, int] = {}
        self._until: dict[str, float] = {}
        self._quiet_from: dict[str, float] = {}
        """Per lock: from when a quiet spell counts (the end of its refusal, or its last wrong code)."""

    def wait(self, device_id: str) -> float:
        """Seconds before ``device_id`` may be tried again (0: now)."""
        until = self._until.get(device_id)
        return 0.0 if until is None else max(0.0, until - self._now())

    def wrong(self, device_id: str) -> int:
        """The wrong codes in a row still counted against ``device_id`` (0 once forgotten)."""
        quiet_from = self._quiet_from.get(device_id)
        if quiet_from is not None and self._now() - quiet_from >= self.forget_after:
            self.succeeded(device_id)
        return self._wrong.get(device_id, 0)

    def failed(self, device_id: str) -> float:
        """Count a wrong code; returns the wait it starts (0 while tries are left)."""
        wrong = self.wrong(device_id) + 1
        self._wrong[device_id] = wrong
        now = self._now()
        if wrong < self.free_tries:
            self._quiet_from[device_id] = now
            return 0.0
        wait = min(self.max_wait, self.first_wait * 2 ** (wrong - self.free_tries))
        self._until[device_id] = self._quiet_from[device_id] = now + wait
        return wait

    def succeeded(self, device_id: str) -> None:
        """The right code: the count starts afresh."""
        self._wrong.pop(device_id, None)
        self._until.pop(device_id, None)
        self._quiet_from.pop(device_id, None)

def refusal(device_id: str, wait: float) -> str:
    """The error detail of a try refused for ``wait`` more seconds (whole seconds, rounded up)."""
    return _REFUSAL.format(device=device_id, seconds=max(1, math.ceil(wait)))


def refused_for(message: str | None) -> int | None:
    """The seconds a ``refusal`` message says are left, or None if ``message`` is no refusal."""
    match = _REFUSED.match(message or "")
    return int(match.group(1)) if match else None
