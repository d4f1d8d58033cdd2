"""The live shards as one shard sees them: kept from heartbeats, dropped on a will or when beats stop.

Pure bookkeeping on a clock (no I/O): ``Shard`` feeds it every beat it hears and asks it who is alive.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from hub.shards.wire import Beat

DEFAULT_EXPIRY = 3.0
"""Seconds without a beat after which a shard is taken for dead (three beats at the default interval)."""


@dataclass
class Member:
    """Another shard, as last heard."""

    beat: Beat
    heard: float
    """When its last beat arrived (the membership's clock)."""


class Membership:
    """The members of one shard's group (itself included), as that shard hears them."""

    def __init__(self, own: str, *, expiry: float = DEFAULT_EXPIRY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.own = own
        self.expiry = expiry
        self.clock = clock
        self.others: dict[str, Member] = {}
        self.own_heard: float | None = None
        """When this shard last heard its own beat come back from the broker (None: not yet)."""
        self.since = clock()
        """When this view began (the shard's connection): its own beat has had no chance before."""

    def heard(self, beat: Beat) -> bool:
        """Take in a beat; True when it names a shard this view did not have (a newcomer, or a shard that
        restarted: another ``run``) — the caller answers with its own beat at once."""
        now = self.clock()
        if beat.shard == self.own:
            if beat.alive:
                self.own_heard = now
            return False
        if not beat.alive:
            self.others.pop(beat.shard, None)
            return False
        known = self.others.get(beat.shard)
        self.others[beat.shard] = Member(beat, now)
        return known is None or known.beat.run != beat.run

    def expire(self) -> list[str]:
        """Drop the shards not heard from for ``expiry`` seconds; return their ids."""
        now = self.clock()
        gone = [shard for shard, member in self.others.items() if now - member.heard > self.expiry]
        for shard in gone:
            del self.others[shard]
        return gone

    def live(self) -> list[str]:
        """The live shards, this one included, sorted."""
        return sorted([self.own, *self.others])

    def cut_off(self) -> bool:
        """True when this shard's own beats have not come back for ``expiry`` seconds: the others have dropped
        it by now, so it must let its homes go."""
        last = self.own_heard if self.own_heard is not None else self.since
        return self.clock() - last > self.expiry

    def digests(self) -> dict[str, str]:
        """Each other member's home-list digest (the group should agree on one list)."""
        return {shard: member.beat.digest for shard, member in self.others.items()}
