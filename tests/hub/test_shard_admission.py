"""A shard starts the hubs of many homes in a window: no more than ``window`` hubs are warming up at once, and a
hub leaves the window once its devices have answered and gone quiet (docs/shards.md, Taking and letting go)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hub.shards.shard import Shard
from tests.hub.test_shard_homes import BOUND, HOMES, group
from tests.hub.test_shard_membership import running

BARE = ["bare1", "bare2"]
"""Homes with no device at all: their hubs hear only their own status, and must not hold the window."""


async def test_hubs_start_one_window_at_a_time_each_after_its_devices_answered(tmp_path: Path) -> None:
    async with group(tmp_path) as g:
        took: list[list[str]] = []
        unanswered: list[str] = []

        def on_event(event: dict[str, Any]) -> None:
            if event["event"] == "took":
                took.append(event["homes"])
                for home, served in shard.served.items():  # every hub out of the window has heard its lamp
                    record = served.hub.directory.get("lamp")
                    if home not in shard.warming and home in HOMES and (record is None or not record.online):
                        unanswered.append(f"{home} counted warm before its lamp answered, at {event}")
                assert len(shard.warming) <= 1, shard.warming
            g.on_event(event)

        shard = Shard("a", g.bus.connect, dict.fromkeys(HOMES + BARE), g.data, interval=0.1, expiry=0.5, grace=0.2,
                      request_timeout=1.0, window=1, quiet=0.2, on_event=on_event)
        g.shards["a"] = shard
        async with running(shard):
            await g.events.until(lambda _e: len(shard.served) == len(HOMES) + len(BARE), timeout=3 * BOUND)
        assert [len(homes) for homes in took] == [1] * (len(HOMES) + len(BARE))
        assert sorted(home for homes in took for home in homes) == sorted(HOMES + BARE)
        assert unanswered == []


async def test_a_wider_window_starts_homes_together_and_empties_as_hubs_warm(tmp_path: Path) -> None:
    async with group(tmp_path) as g:
        shard = Shard("a", g.bus.connect, dict.fromkeys(HOMES), g.data, interval=0.1, expiry=0.5, grace=0.2,
                      request_timeout=1.0, window=len(HOMES), quiet=0.2, on_event=g.on_event)
        g.shards["a"] = shard
        async with running(shard):
            first = await g.events.until(lambda e: e["event"] == "took")
            assert sorted(first["homes"]) == sorted(HOMES)  # the rate allows them all, and so does the window
            await g.settled(["a"])
            await g.events.until(lambda e: e["event"] == "warm" and e["warming"] == 0, timeout=BOUND)
        warmed = [home for e in g.events.seen if e["event"] == "warm" for home in e["homes"]]
        assert sorted(warmed) == sorted(HOMES)
