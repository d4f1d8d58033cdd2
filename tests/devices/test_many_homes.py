"""Many generated homes (issue 19, scale): the same homes for the same seed, whichever share a process makes;
the homes dealt to processes without gaps or overlaps; one-line errors for impossible sizes."""

from __future__ import annotations

import pytest

from devices.registry import load_registry
from devices.registry.fleet import FleetError, home_id, many_homes
from genie.homes_fleet import broker_urls, parse_part, parts
from hub.errors import GenieError


def _ids(homes: list) -> list[tuple[str | None, list[str]]]:
    return [(h.id, [d.id for d in h.devices]) for h in homes]


def test_the_same_seed_gives_the_same_homes_and_each_share_is_its_part_of_them() -> None:
    registry = load_registry()
    whole = many_homes(registry, 7, 5, seed=3)
    assert [h.id for h in whole] == [home_id(k) for k in range(1, 8)] == [f"h0000{k}" for k in range(1, 8)]
    assert all(len(h.devices) == 5 for h in whole)
    assert [h.model_dump() for h in many_homes(registry, 7, 5, seed=3)] == [h.model_dump() for h in whole]
    shares = [many_homes(registry, 7, 5, seed=3, indices=share) for share in parts(7, 3)]
    assert [h.model_dump() for share in shares for h in share] == [h.model_dump() for h in whole]
    other = many_homes(registry, 7, 5, seed=4)
    assert _ids(other) != _ids(whole)
    # homes differ from one another (each draws from its own seed), and devices carry registry brands
    assert len({tuple(ids) for _, ids in _ids(whole)}) > 1
    assert all(d.brand and d.model for h in whole for d in h.devices)


def test_homes_are_dealt_to_processes_in_contiguous_shares_without_gaps() -> None:
    assert parts(10, 3) == [range(1, 4), range(4, 7), range(7, 11)]
    assert parts(2, 5) == [range(1, 2), range(2, 3)]  # never more processes than homes
    assert parts(10_000, 6)[-1].stop == 10_001
    assert sum(len(p) for p in parts(10_000, 6)) == 10_000


@pytest.mark.parametrize(("homes", "per_home", "message"), [
    (0, 10, "--homes must be between 1 and 100000, got 0"),
    (100_001, 10, "--homes must be between 1 and 100000, got 100001"),
    (3, 0, "--per-home must be between 1 and 1000, got 0"),
])
def test_impossible_sizes_are_refused(homes: int, per_home: int, message: str) -> None:
    with pytest.raises(FleetError, match=message):
        many_homes(load_registry(), homes, per_home)


def test_part_and_broker_lists_are_read_or_refused_in_one_line() -> None:
    assert parse_part("1/4") == (1, 4)
    for bad in ("4/4", "x/2", "1", "-1/2"):
        with pytest.raises(GenieError, match="--part: expected I/P"):
            parse_part(bad)
    urls = broker_urls("mqtt://127.0.0.1:1884,127.0.0.1:1885")
    assert [(u.host, u.port) for u in urls] == [("127.0.0.1", 1884), ("127.0.0.1", 1885)]
    with pytest.raises(GenieError, match="port must be a number"):
        broker_urls("mqtt://127.0.0.1:1884,mqtt://127.0.0.1:0")
