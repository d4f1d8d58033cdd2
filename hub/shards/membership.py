"""The live shards as one shard sees them: kept from heartbeats, dropped on a will or when beats stop.

Pure bookkeeping on a clock (no I/O): ``Shard`` feeds it every beat it hears and asks it who is alive.

Silence is measured on the shard's own inbound timeline, not the wall clock: a shard whose inbound lags (a
discovery storm, a starved CPU) hears everyone late, itself included, and must not take that for their death.
So each own beat's sending time is noted, and when that beat comes back the shard knows it has heard everything
sent up to then (``inbound``); a member is dead when it has been silent for ``expiry`` seconds *before* that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from hub.shards.wire import Beat

DEFAULT_EXPIRY = 3.0
"""Seconds of silence after which a shard is taken for dead (three beats at the default interval)."""


@dataclass
class Member:
    """Another shard, as last heard."""

    beat: Beat
    heard: float
    """When its last beat arrived (the membership's clock)."""


class Membership:
    """The members of one shard's group (itself included), as that shard hears them."""

    def __init__(self, own: str, *, run: str = "", expiry: float = DEFAULT_EXPIRY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.own = own
        self.run = run
        self.expiry = expiry
        self.clock = clock
        self.others: dict[str, Member] = {}
        self.inbound: float | None = None
        """Everything sent up to this time has been heard (the sending time of the last own beat heard back)."""
        self._sent: dict[int, float] = {}

    def sent(self, seq: int) -> None:
        """This shard has just sent its beat number ``seq``."""
        self._sent[seq] = self.clock()

    def heard(self, beat: Beat) -> bool:
        """Take in a beat; True when it names a shard this view did not have (a newcomer, or a shard that
        restarted: another ``run``) — the caller answers with its own beat at once."""
        now = self.clock()
        if beat.shard == self.own:
            at = self._sent.pop(beat.seq, None) if beat.alive and beat.run == self.run else None
            if at is not None:
                self.inbound = at if self.inbound is None else max(self.inbound, at)
                self._sent = {seq: t for seq, t in self._sent.items() if seq > beat.seq}
            return False
        if not beat.alive:
            self.others.pop(beat.shard, None)
            return False
        known = self.others.get(beat.shard)
        self.others[beat.shard] = Member(beat, now)
        return known is None or known.beat.run != beat.run

    def expire(self) -> list[str]:
        """Drop the shards silent for ``expiry`` seconds of inbound time; return their ids."""
        if self.inbound is None:
            return []
        gone = [shard for shard, member in self.others.items() if self.inbound - member.heard > self.expiry]
        for shard in gone:
            del self.others[shard]
        return gone

    def lag(self) -> float:
        """Seconds since the oldest own beat still on its way back was sent (0 when none is): how far behind
        this shard's inbound is."""
        return self.clock() - min(self._sent.values()) if self._sent else 0.0

    def live(self) -> list[str]:
        """The live shards, this one included, sorted."""
        return sorted([self.own, *self.others])

    def digests(self) -> dict[str, str]:
        """Each other member's home-list digest (the group should agree on one list)."""
        return {shard: member.beat.digest for shard, member in self.others.items()}
