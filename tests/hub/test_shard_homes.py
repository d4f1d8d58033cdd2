"""Shards serving homes on the in-memory bus: homes spread over the members, move when one joins (let go first,
then taken), are taken over when one dies, and no home is ever served by two shards at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from devices.categories import device_class
from devices.home import parse_home
from devices.runner import DeviceRunner
from hub.protocol import HubRequest, HubStatus, TextCommandResponse, Topics, decode, encode
from hub.shards.assign import owner
from hub.shards.shard import Shard
from tests.conftest import wait_for
from tests.fakes import MemoryBroker
from tests.hub.test_shard_membership import Events, running

BOUND = 5.0
HOMES = [f"h{i}" for i in range(8)]


class Group:
    """Homes with a lamp each, their devices, and the shards sharing them, all on one in-memory bus."""

    def __init__(self, tmp_path: Path) -> None:
        self.bus = MemoryBroker()
        self.data = tmp_path / "homes"
        self.shards: dict[str, Shard] = {}
        self.events = Events()
        self.overlaps: list[str] = []
        self.runners = []
        for home in HOMES:
            config = parse_home({"id": home, "rooms": [{"id": "living", "names": {"en": ["living room"]}}],
                                 "devices": [{"id": "lamp", "category": "light", "room": "living",
                                              "names": {"en": ["lamp"]}}]}).device_configs()[0]
            self.runners.append(DeviceRunner(device_class("light")(config), self._connector(home), Topics().home(home)))

    def _connector(self, home: str) -> Any:
        """Each home's devices under client ids of their home, as the real connector gives them."""
        return lambda client_id, will: self.bus.connect(f"{home}.{client_id}", will)

    def on_event(self, event: dict[str, Any]) -> None:
        """Every event: no home is served by two shards (checked in the one event loop, so at that instant)."""
        seen: dict[str, str] = {}
        for shard in self.shards.values():
            for home in shard.served:
                if home in seen:
                    self.overlaps.append(f"{home}: {seen[home]} and {shard.id} after {event}")
                seen[home] = shard.id
        self.events(event)

    def shard(self, shard_id: str) -> Shard:
        shard = Shard(shard_id, self.bus.connect, dict.fromkeys(HOMES), self.data, interval=0.1, expiry=0.5,
                      grace=0.2, request_timeout=1.0, on_event=self.on_event)
        self.shards[shard_id] = shard
        return shard

    def served(self) -> dict[str, str]:
        return {home: shard.id for shard in self.shards.values() for home in shard.served}

    async def settled(self, members: list[str]) -> None:
        """Until every home is served, each by its owner among ``members``."""
        want = {home: owner(home, members) for home in HOMES}
        async with asyncio.timeout(BOUND):
            while self.served() != want:
                self.events._changed.clear()
                await self.events._changed.wait()
        for shard in self.shards.values():  # and each hub has heard its lamp answer the discovery
            for served in shard.served.values():
                directory = served.hub.directory
                await wait_for(directory, lambda d: (r := d.get("lamp")) is not None and r.online, timeout=BOUND)

    async def say(self, home: str, text: str) -> TextCommandResponse:
        client = f"genie-client-{uuid.uuid4().hex[:8]}"
        topics = Topics().home(home)
        request = HubRequest.create("TextCommand", client, text, "en")
        async with self.bus.connect(client, None) as conn:
            await conn.subscribe(topics.command_reply(client))
            await conn.publish(topics.command, encode(request))
            async with asyncio.timeout(BOUND):
                async for message in conn.messages():
                    reply = decode(message.payload, TextCommandResponse)
                    if reply.header.message_id == request.header.message_id:
                        return reply
        raise AssertionError("no reply")

    def replies_per_request(self) -> list[int]:
        counts: dict[str, int] = {}
        for _sender, topic, payload in self.bus.log:
            if "/hub/reply/" in topic:
                message_id = json.loads(payload)["header"]["messageId"]
                counts[message_id] = counts.get(message_id, 0) + 1
        return list(counts.values())


@contextlib.asynccontextmanager
async def group(tmp_path: Path) -> AsyncIterator[Group]:
    g = Group(tmp_path)
    tasks = [asyncio.create_task(r.run()) for r in g.runners]
    try:
        async with asyncio.timeout(BOUND):
            await asyncio.gather(*(r.online.wait() for r in g.runners))
        yield g
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_homes_spread_move_to_a_newcomer_and_are_never_served_twice(tmp_path: Path) -> None:
    async with group(tmp_path) as g, running(g.shard("a")), running(g.shard("b")):
        await g.settled(["a", "b"])
        for home in HOMES:
            assert (await g.say(home, "turn on the lamp")).payload.ok
        async with running(g.shard("c")):
            await g.settled(["a", "b", "c"])
            moved = [home for home in HOMES if owner(home, ["a", "b", "c"]) == "c"]
            assert moved, "the newcomer owns some homes"
            let_go = [e for e in g.events.seen if e["event"] == "released"]
            assert sorted(h for e in let_go for h in e["homes"]) == sorted(moved)
            for home in HOMES:
                reply = await g.say(home, "is the lamp on")
                assert reply.payload.ok, reply.payload.reply
            assert all(g.shards["c"].served[h].hub.directory.get("lamp") is not None for h in moved)
    assert g.overlaps == []
    assert g.replies_per_request() and set(g.replies_per_request()) == {1}


async def test_a_dead_shard_s_homes_are_taken_over_and_answer_again(tmp_path: Path) -> None:
    async with group(tmp_path) as g, running(g.shard("a")), running(g.shard("b")) as b_task:
        await g.settled(["a", "b"])
        b_homes = sorted(g.shards["b"].served)
        for home in b_homes:
            assert (await g.say(home, "turn on the lamp")).payload.ok
        loop = asyncio.get_running_loop()
        killed = loop.time()
        await g.bus.clients["genie-shard-b"].abort()  # its will goes out; its hubs can no longer answer
        b_task.cancel()
        await asyncio.gather(b_task, return_exceptions=True)
        del g.shards["b"]
        await g.settled(["a"])
        taken = loop.time() - killed
        assert taken < g.shards["a"].expiry  # on the will, before any expiry
        for home in b_homes:
            reply = await g.say(home, "turn off the lamp")
            assert reply.payload.ok, reply.payload.reply
            assert g.shards["a"].served[home].hub.directory.get("lamp") is not None
        states = {r.topics.prefix: r.device.state["powerstate"] for r in g.runners}
        assert all(states[Topics().home(h).prefix] == "off" for h in b_homes)
    assert g.overlaps == []


async def test_a_shard_stopped_cleanly_hands_its_homes_over_at_once(tmp_path: Path) -> None:
    async with group(tmp_path) as g, running(g.shard("a")), running(g.shard("b")) as b_task:
        await g.settled(["a", "b"])
        b_homes = sorted(g.shards["b"].served)
        loop = asyncio.get_running_loop()
        stopped = loop.time()
        b_task.cancel()  # Ctrl-C: its hubs say offline, it says it is gone, then it disconnects
        await asyncio.gather(b_task, return_exceptions=True)
        del g.shards["b"]
        await g.settled(["a"])
        assert loop.time() - stopped < g.shards["a"].expiry  # told, not found out by silence
        statuses = {t: decode(p, HubStatus).online for s, t, p in g.bus.log  # each home's last word from b
                    if s == "genie-shard-b" and t.endswith("/hub/status")}
        assert sorted(statuses) == sorted(Topics().home(h).hub_status for h in b_homes)
        assert not any(statuses.values())
        for home in b_homes:
            assert (await g.say(home, "turn on the lamp")).payload.ok
    assert g.overlaps == []


class Deaf:
    """A connector whose shard sessions stop getting their beats acknowledged once ``mute`` is set (or, with
    ``refuse``, have them refused)."""

    def __init__(self, bus: MemoryBroker, refuse: bool = False) -> None:
        self.bus = bus
        self.refuse = refuse
        self.mute = asyncio.Event()

    def __call__(self, client_id: str, will: Any) -> Any:
        conn = self.bus.connect(client_id, will)
        publish = conn.publish
        mute, refuse = self.mute, self.refuse

        async def held(topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
            if mute.is_set() and "/shards/" in topic:
                if refuse:
                    raise ConnectionError("publish refused")
                await asyncio.Event().wait()  # the broker never takes it
            await publish(topic, payload, qos=qos, retain=retain)

        conn.publish = held  # type: ignore[method-assign]
        return conn


@pytest.mark.parametrize("refuse", [False, True], ids=["unacknowledged", "refused"])
async def test_a_shard_whose_beats_are_not_acknowledged_lets_every_home_go_and_starts_over(tmp_path: Path,
                                                                                          refuse: bool) -> None:
    async with group(tmp_path) as g:
        deaf = Deaf(g.bus, refuse)
        shard = Shard("a", deaf, dict.fromkeys(HOMES), g.data, interval=0.1, expiry=0.3, grace=0.1,
                      on_event=g.on_event)
        g.shards["a"] = shard
        async with running(shard):
            await g.settled(["a"])
            deaf.mute.set()
            if not refuse:
                await g.events.until(lambda e: e["event"] == "cut_off")
            await g.events.until(lambda e: e["event"] == "lost")
            assert shard.served == {}  # let go, databases closed, locks released
            locks = [shard.places.try_lock(home) for home in HOMES]
            assert all(lock is not None for lock in locks)
            for lock in locks:
                assert lock is not None
                lock.release()
            deaf.mute.clear()
            g.events.seen.clear()
            await g.events.until(lambda e: e["event"] == "connected")  # and starts over, as a newcomer
            await g.settled(["a"])
