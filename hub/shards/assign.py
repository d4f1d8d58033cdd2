"""Which shard owns a home: rendezvous (highest random weight) hashing of (home id, shard id).

Every shard computes the same answer from the same set of live shards, with no coordinator: each home goes to
the shard whose weight for it is highest. When a shard joins, only the homes it now wins move (to it); when one
leaves, only its homes move (each to its runner-up); every other home stays where it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping


def weight(home_id: str, shard_id: str) -> int:
    """The pseudo-random weight of ``shard_id`` for ``home_id`` (64 bits of BLAKE2b of both, separated)."""
    digest = hashlib.blake2b(f"{home_id}\x00{shard_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def owner(home_id: str, shards: Iterable[str]) -> str | None:
    """The shard of ``shards`` that owns ``home_id`` (ties, which need a hash collision, go to the larger id);
    None when there is no shard."""
    best: tuple[int, str] | None = None
    for shard in shards:
        candidate = (weight(home_id, shard), shard)
        if best is None or candidate > best:
            best = candidate
    return None if best is None else best[1]


def assignment(home_ids: Iterable[str], shards: Iterable[str]) -> dict[str, str | None]:
    """Each home's owner among ``shards``."""
    members = sorted(set(shards))
    return {home: owner(home, members) for home in home_ids}


def moved(before: Mapping[str, str | None], after: Mapping[str, str | None]) -> set[str]:
    """The homes whose owner differs between two assignments."""
    return {home for home in before.keys() | after.keys() if before.get(home) != after.get(home)}
