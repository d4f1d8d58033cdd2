"""``python -m bench hubcpu``: the hub's own CPU per text command, in one process on the in-memory bus.

The hub (``hub.service.Hub`` with its SQLite store, as ``genie hub`` runs it) and N devices drawn from the
brand registry (``random_fleet``, as ``genie devices spawn --random N --no-latency`` runs them) share one
event loop on the in-memory bus of ``tests.fakes`` (with an index of exact topics and the wildcard matches of
each topic remembered, so that the bus does not scan 1,000 sessions per message: the hub's figures stay the
hub's). Nothing crosses a socket: what is left is what the hub does per command, apart from its MQTT client.

The client asks the hub for its directory (ListDevices, as ``genie devices list`` does) and draws each
command from the devices listed: on/off, set a value, step a value, ask a state (the load test's own
templates, ``genie.load.sentences``, which share no word with the parser) and, one command in ten, a group
(the lights of a room, templates here), in zh, en and fr. Every run draws new sentences (its own seed):
a cache in the hub that only remembers sentences cannot make a run look cheaper than a user's day.

A run is ``--rounds`` commands, one at a time (each waits for its reply), then a short settling for the
devices' state snapshots (they follow a change by 0.2 s) and the hub's taking them in. Measured over the run:
``time.process_time`` (this whole process: hub, devices, bus and client) and the same CPU split by whose
code each event-loop callback runs (a task by its coroutine's module: ``hub``, ``devices``, ``bench`` and
``tests`` are the bus and the client, the rest asyncio's own). The hub figure is the target's (≤ 0.6 ms per
command, the MQTT client apart). Each figure is the median of ``--runs`` runs with [min–max].

``--profile DIR`` writes DIR/hubcpu-N.prof, a cProfile of the measured windows (``python -m pstats``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import cProfile
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVarTuple, Unpack

from bench import _harness as h
from bench import _stats as s
from hub.protocol import HubRequest, ListDevicesResponse, TextCommandResponse, Topics, decode, encode, topic_matches
from hub.protocol.mqtt import Inbound, Will
from tests.fakes import MemoryBroker, MemoryConnection

SIZES = (10, 1000)
WARM_UP = 40
"""Commands before the first run (imports, first reads of each language's data)."""
SETTLE_S = 0.3
"""Seconds after a run's last reply: the devices' snapshots come 0.2 s after a change (devices/runner.py)."""
GROUP_SHARE = 0.1
"""Share of commands said to a room's lights."""
REPLY_S = 10.0
"""A command without a reply for this long fails the run."""
TOPICS = Topics()

# -- the bus -------------------------------------------------------------------------------------------------


class Bus(MemoryBroker):
    """``tests.fakes.MemoryBroker`` with its subscriptions indexed: exact topics in a dict, the wildcard filters
    matched once per topic (the fake scans every session for every message)."""

    def __init__(self) -> None:
        super().__init__()
        self.exact: dict[str, dict[str, IndexedConnection]] = {}
        self.wild: dict[tuple[str, str], IndexedConnection] = {}
        self.wild_for: dict[str, list[IndexedConnection]] = {}
        """Per topic, the sessions whose wildcard filters match it (forgotten whenever one changes)."""

    def connect(self, client_id: str, will: Will | None = None) -> IndexedConnection:
        return IndexedConnection(self, client_id, will)

    def route(self, sender: str, topic: str, payload: bytes, retain: bool) -> None:
        if retain:
            if payload:
                self.retained[topic] = payload
            else:
                self.retained.pop(topic, None)
        message = Inbound(topic, payload, False)
        for client in self.exact.get(topic, {}).values():
            client.queue.put_nowait(message)
        wild = self.wild_for.get(topic)
        if wild is None:
            wild = self.wild_for[topic] = [c for (f, _), c in self.wild.items() if topic_matches(topic, f)]
        for client in wild:
            client.queue.put_nowait(message)

    def forget(self, conn: IndexedConnection) -> None:
        """Drop every subscription of ``conn``."""
        for topic_filter in conn.filters:
            if "+" in topic_filter or "#" in topic_filter:
                self.wild.pop((topic_filter, conn.client_id), None)
                self.wild_for.clear()
            else:
                self.exact.get(topic_filter, {}).pop(conn.client_id, None)


class IndexedConnection(MemoryConnection):
    """A MemoryConnection whose subscriptions live in its Bus's index."""

    broker: Bus

    def _drop(self, *, fire_will: bool) -> None:
        if self.connected and self.broker.clients.get(self.client_id) is self:
            self.broker.forget(self)
        super()._drop(fire_will=fire_will)

    async def subscribe(self, *filters: str) -> None:
        if not self.connected:
            raise ConnectionError(f"{self.client_id}: not connected")
        for topic_filter in filters:
            if topic_filter in self.filters:
                continue
            self.filters.append(topic_filter)
            if "+" in topic_filter or "#" in topic_filter:
                self.broker.wild[(topic_filter, self.client_id)] = self
                self.broker.wild_for.clear()
                held = [(t, p) for t, p in self.broker.retained.items() if topic_matches(t, topic_filter)]
            else:
                self.broker.exact.setdefault(topic_filter, {})[self.client_id] = self
                payload = self.broker.retained.get(topic_filter)
                held = [(topic_filter, payload)] if payload is not None else []
            for topic, payload in held:
                self.queue.put_nowait(Inbound(topic, payload, True))


# -- whose CPU -----------------------------------------------------------------------------------------------

Ts = TypeVarTuple("Ts")
PARTS = ("hub", "devices", "bus_client", "asyncio")


def _part(filename: str) -> str:
    for marker, part in (("/hub/", "hub"), ("/devices/", "devices"), ("/bench/", "bus_client"),
                         ("/tests/", "bus_client")):
        if marker in filename:
            return part
    return "asyncio"


class MeteredLoop(asyncio.SelectorEventLoop):
    """An event loop that, while ``on``, adds each callback's CPU time to the part whose code it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.on = False
        self.spent = dict.fromkeys(PARTS, 0.0)
        self._parts: dict[str, str] = {}

    def part_of(self, callback: Callable[..., object]) -> str:
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, asyncio.Task):
            coro = owner.get_coro()
            code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        else:
            code = getattr(getattr(callback, "__func__", callback), "__code__", None)
        filename = code.co_filename if code is not None else ""
        part = self._parts.get(filename)
        if part is None:
            part = self._parts[filename] = _part(filename)
        return part

    def _metered(self, callback: Callable[[Unpack[Ts]], object]) -> Callable[[Unpack[Ts]], object]:
        part, spent, clock = self.part_of(callback), self.spent, time.process_time

        def run(*args: *Ts) -> None:
            began = clock()
            try:
                callback(*args)
            finally:
                spent[part] += clock() - began

        return run

    def call_soon(self, callback: Callable[[Unpack[Ts]], object], *args: *Ts,
                  context: contextvars.Context | None = None) -> asyncio.Handle:
        return super().call_soon(self._metered(callback) if self.on else callback, *args, context=context)

    def call_at(self, when: float, callback: Callable[[Unpack[Ts]], object], *args: *Ts,
                context: contextvars.Context | None = None) -> asyncio.TimerHandle:
        return super().call_at(when, self._metered(callback) if self.on else callback, *args, context=context)


# -- the home and its commands -------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def running_home(size: int, seed: int, db: Path) -> AsyncIterator[Bus]:
    """The hub and ``size`` registry devices on a Bus; every task stopped on exit."""
    from devices.categories import device_class
    from devices.home import load_home
    from devices.registry import load_registry
    from devices.registry.fleet import random_fleet
    from devices.runner import DeviceRunner
    from genie.homes import automations_of
    from hub.service import Hub
    from hub.store import Store

    home = random_fleet(load_registry(), size, seed=seed)
    for entry in home.devices:  # as `genie devices spawn --no-latency`
        entry.latency_ms, entry.quirks = None, []
    bus = Bus()
    runners = [DeviceRunner(device_class(c.category)(c), bus.connect) for c in home.device_configs()]
    store = Store(db)
    hub = Hub(bus.connect, store=store, automations=automations_of(load_home()))
    tasks = [asyncio.create_task(r.run(), name=f"hubcpu.device[{r.id}]") for r in runners]
    try:
        async with h.deadline(60, f"{size} devices online and in the hub's directory"):
            await asyncio.gather(*(r.online.wait() for r in runners))
            tasks.append(asyncio.create_task(hub.run(), name="hubcpu.hub"))
            await hub.ready.wait()
            await _all_listed(hub.directory, size)
        yield bus
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        store.close()


async def _all_listed(directory: Any, size: int) -> None:
    """Return once ``size`` devices are online in ``directory`` (checked on each of its changes)."""
    done = asyncio.Event()

    def check(_record: object = None) -> None:
        if sum(r.online for r in directory.all()) >= size:
            done.set()

    directory.listeners.append(check)
    try:
        check()
        await done.wait()
    finally:
        directory.listeners.remove(check)


class Client:
    """A text client on the bus: one request at a time, each awaiting its reply."""

    def __init__(self, conn: IndexedConnection) -> None:
        self.conn = conn
        self.replies = conn.messages()

    async def ask(self, name: str, text: str | None = None, lang: str | None = None) -> list[bytes]:
        """Send a hub request; its reply payloads (a directory may come in parts)."""
        request = HubRequest.create(name, self.conn.client_id, text, lang)
        await self.conn.publish(TOPICS.command, encode(request))
        marker, parts = request.header.message_id.encode(), 1
        got: list[bytes] = []
        async with h.deadline(REPLY_S, f"reply to {name} {text or ''!r}"):
            while len(got) < parts:
                payload = (await anext(self.replies)).payload
                if marker in payload:
                    got.append(payload)
                    if name == "ListDevices":
                        parts = decode(payload, ListDevicesResponse).payload.parts or 1
        return got


async def targets(client: Client) -> tuple[list[Any], dict[str, dict[str, str]]]:
    """The devices the hub lists, as the load test's Targets, and the rooms with lights (id -> names)."""
    from devices.registry import load_registry
    from genie.load.targets import specs_of, target_of

    registry = load_registry()
    views = [v for p in await client.ask("ListDevices") for v in decode(p, ListDevicesResponse).payload.devices]
    lit = {v.room: {lang: v.room_names.display(lang) for lang in ("zh", "en", "fr")}
           for v in views if v.category == "light" and v.online}
    return [target_of(v, None, specs_of(v, registry)) for v in views if v.online], lit


_GROUP = {"zh": {"on": "打开{r}的灯", "off": "关掉{r}的灯"},
          "en": {"on": "turn on the lights in the {r}", "off": "turn off the lights in the {r}"},
          "fr": {"on": "allume les lumières {de}{r}", "off": "éteins les lumières {de}{r}"}}
_MASCULINE_FR = ("salon", "bureau", "balcon")


def _of_fr(room: str) -> str:
    if room[:1].lower() in "aeiouhéè":
        return "de l'"
    return "du " if room.split()[0].lower() in _MASCULINE_FR else "de la "


def commands(devices: Sequence[Any], rooms: dict[str, dict[str, str]], count: int,
             seed: int) -> list[tuple[str, str]]:
    """``count`` (lang, text) drawn by ``seed`` from the devices and lit rooms listed."""
    from genie.load.sentences import kinds, sentence

    rng = random.Random(seed)
    usable = [d for d in devices if kinds(d)]
    said = []
    for _ in range(count):
        lang = rng.choice(("zh", "en", "fr"))
        if rooms and rng.random() < GROUP_SHARE:
            room = rooms[rng.choice(sorted(rooms))][lang]
            text = _GROUP[lang][rng.choice(("on", "off"))].replace("{r}", room).replace("{de}", _of_fr(room))
        else:
            text = sentence(rng.choice(usable), lang, rng).text
        said.append((lang, text))
    return said


# -- runs ----------------------------------------------------------------------------------------------------


async def one_run(client: Client, said: Sequence[tuple[str, str]], profiler: cProfile.Profile | None) -> dict[str, Any]:
    """Every command of ``said`` in turn, then the settling: CPU per command, in all and by part."""
    loop = asyncio.get_running_loop()
    metered = isinstance(loop, MeteredLoop) and profiler is None
    if metered:
        assert isinstance(loop, MeteredLoop)
        loop.spent.update(dict.fromkeys(PARTS, 0.0))
        loop.on = True
    if profiler is not None:
        profiler.enable()
    ok, began_wall, began = 0, time.perf_counter(), time.process_time()
    try:
        for lang, text in said:
            reply = decode((await client.ask("TextCommand", text, lang))[0], TextCommandResponse)
            ok += reply.payload.ok
        await asyncio.sleep(SETTLE_S)
        cpu = time.process_time() - began
    finally:
        if profiler is not None:
            profiler.disable()
        if metered:
            assert isinstance(loop, MeteredLoop)
            loop.on = False
    n = len(said)
    figures = {"cpu_ms_per_cmd": round(cpu * 1000 / n, 3), "ok_share": round(ok / n, 3),
               "wall_s": round(time.perf_counter() - began_wall, 2)}
    if metered:
        assert isinstance(loop, MeteredLoop)
        figures |= {f"{part}_ms_per_cmd": round(loop.spent[part] * 1000 / n, 3) for part in PARTS}
    return figures


async def run(sizes: Sequence[int], runs: int, rounds: int, seed: int, profile: Path | None) -> dict[str, Any]:
    """Per fleet size: the median over ``runs`` runs of each figure, with [min–max] and every run."""
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="genie-hubcpu-") as work:
        for size in sizes:
            async with running_home(size, seed, Path(work) / f"hub-{size}.db") as bus, \
                    bus.connect("hubcpu-client") as conn:
                await conn.subscribe(TOPICS.command_reply(conn.client_id))
                client = Client(conn)
                devices, rooms = await targets(client)
                await one_run(client, commands(devices, rooms, WARM_UP, seed - 1), None)
                profiler = cProfile.Profile() if profile else None
                each = [await one_run(client, commands(devices, rooms, rounds, seed + i), profiler)
                        for i in range(runs)]
                if profiler is not None and profile is not None:
                    profiler.dump_stats(profile / f"hubcpu-{size}.prof")
            result[str(size)] = s.over_runs(each) | {"devices_listed": len(devices), "lit_rooms": len(rooms)}
    return result


def table(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """The printed table: medians with [min–max]."""
    rows: list[tuple[str, ...]] = [("devices", "hub CPU/cmd (ms)", "devices", "bus+client", "asyncio",
                                    "process CPU/cmd (ms)", "replies ok")]
    for size, v in result.items():
        split = [s.with_range(v, f"{p}_ms_per_cmd", "{:.3f}") if f"{p}_ms_per_cmd" in v else "-" for p in PARTS]
        rows.append((size, *split, s.with_range(v, "cpu_ms_per_cmd", "{:.3f}"), f"{v['ok_share']:.0%}"))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench hubcpu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, action="append", help="fleet sizes (default: 10 and 1000)")
    parser.add_argument("--runs", type=int, default=5, help="runs each figure is the median of (default 5)")
    parser.add_argument("--rounds", type=int, default=300, help="commands per run (default 300)")
    parser.add_argument("--seed", type=int, default=19, help="the fleet's and the sentences' seed (default 19)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="cProfile the measured windows into DIR/hubcpu-N.prof (no split by part then)")
    args = parser.parse_args(argv)
    sizes = args.devices or list(SIZES)
    if args.runs < 1 or args.rounds < 1 or any(not 1 <= n <= 2000 for n in sizes):
        parser.error("--runs and --rounds must be at least 1, --devices between 1 and 2000")
    if args.profile:
        args.profile = args.profile.resolve()
        args.profile.mkdir(parents=True, exist_ok=True)
    with asyncio.Runner(loop_factory=MeteredLoop) as runner:
        result, load = runner.run(s.sampled(run(sizes, args.runs, args.rounds, args.seed, args.profile)))
    h.emit({"hubcpu": result, "load": load, "runs": args.runs, "rounds": args.rounds}, args.json, table(result))
    if not args.json:
        print(f"CPU per command, median of {args.runs} runs of {args.rounds} [min–max]; {s.describe_load(load)}")
    if args.profile:
        print(f"profiles: {args.profile}/hubcpu-*.prof (python -m pstats FILE)", file=sys.stderr)
    return 0
