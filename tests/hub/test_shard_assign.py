"""Which shard owns a home (hub.shards.assign): stable, balanced, and homes move only as they must."""

from __future__ import annotations

import random

import pytest

from hub.shards.assign import assignment, moved, owner

HOMES = [f"home-{i}" for i in range(1000)]


def shards(n: int) -> list[str]:
    return [f"shard-{i}" for i in range(n)]


def test_every_shard_computes_the_same_owner_whatever_the_order_it_lists_the_members() -> None:
    members = shards(4)
    first = assignment(HOMES, members)
    shuffled = members[:]
    random.Random(7).shuffle(shuffled)
    assert assignment(HOMES, shuffled) == first
    assert assignment(HOMES, members) == first
    assert set(first.values()) == set(members)


def test_no_shard_no_owner() -> None:
    assert owner("home-1", []) is None


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_a_thousand_homes_are_spread_within_20_percent_of_an_even_share(n: int) -> None:
    counts = {shard: 0 for shard in shards(n)}
    for shard in assignment(HOMES, shards(n)).values():
        assert shard is not None
        counts[shard] += 1
    even = len(HOMES) / n
    assert all(abs(count - even) <= 0.2 * even for count in counts.values()), counts


@pytest.mark.parametrize("n", [2, 3, 4])
def test_a_shard_joining_takes_only_homes_it_now_owns_about_its_share(n: int) -> None:
    before = assignment(HOMES, shards(n))
    after = assignment(HOMES, [*shards(n), "newcomer"])
    changed = moved(before, after)
    assert changed and all(after[home] == "newcomer" for home in changed)
    even = len(HOMES) / (n + 1)
    assert abs(len(changed) - even) <= 0.2 * even


@pytest.mark.parametrize("n", [3, 4, 5])
def test_a_shard_leaving_moves_only_its_own_homes(n: int) -> None:
    members = shards(n)
    before = assignment(HOMES, members)
    after = assignment(HOMES, [s for s in members if s != "shard-1"])
    changed = moved(before, after)
    assert changed == {home for home, shard in before.items() if shard == "shard-1"}
    assert all(after[home] != "shard-1" for home in HOMES)
