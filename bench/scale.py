"""Scale: many devices in many homes (issue 19 item 4) — time until all are online on the broker, until every
home's hub lists them, the memory of each part, and per-command latency under a steady load.

`genie devices spawn --homes H --per-home N/H` runs the fleet in its own processes. "Online" is seen on the
broker itself: one subscriber per broker counts the devices whose status says online
(``genie/home/+/dev/+/status``), from the moment the spawn starts. The hubs, when the run has them, are
`genie hub --home FILE` processes, one per home (``--hubs per-home``, small sizes only); the directory is
complete when every home's hub lists all of its devices online. The load is ``--rate`` text commands a
second for ``--duration`` seconds, each to a random home, sent on schedule whether or not earlier ones were
answered (an open loop), each timed from its publication to its reply; the same commands are sent twice,
``load_first`` (most homes spoken to for the first time) and ``load`` (homes already in use).

One Mosquitto process holds as many connections as it may open files: the bench raises its own limit to the
hard limit (inherited by the brokers it starts) and, when one process cannot hold the fleet, starts several
Mosquittos and spreads the homes over them (home k on broker (k-1) mod B); the fleet's processes are sized the
same way. ``--find-limit`` grows the fleet (amqtt, or the 2-node RabbitMQ cluster of tests/rabbitmq.py) until
it does not come online within ``--bound`` seconds or its connections fail, and reports the largest that held.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import random
import resource
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from bench import _harness as h
from bench._scale_brokers import brokers, observer
from bench._scale_load import directories_complete, load, load_plan, requester
from bench._stats import sampled
from hub.protocol import DeviceStatus, ProtocolError, decode
from hub.protocol.mqtt import BrokerURL, MqttConnection

SPARE_FILES = 500
"""Open files a broker or fleet process keeps for other things than devices' connections."""


def open_files() -> int:
    """Raise this process's open-files limit to the hard limit (children inherit it); return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def sizes(devices: int, limit: int) -> tuple[int, int]:
    """(brokers, fleet processes) for ``devices`` connections when a process may open ``limit`` files."""
    per_process = max(1000, limit - SPARE_FILES)
    brokers = math.ceil(devices / per_process)
    processes = max(1 if devices <= 2000 else 2, math.ceil(devices / per_process))
    return brokers, min(processes, 64)


class OnlineCounter:
    """The devices whose last status on a broker says online (each broker read by one subscriber)."""

    def __init__(self, expected: int) -> None:
        self.expected, self.online = expected, set[str]()
        self.complete = asyncio.Event()
        self.started = time.perf_counter()
        self.seconds: float | None = None

    async def watch(self, url: BrokerURL, client_id: str, ready: asyncio.Event) -> None:
        """Count statuses on ``url`` until cancelled (``ready`` once subscribed)."""
        async with MqttConnection(url, client_id, keepalive=60) as conn:
            await conn.subscribe("genie/home/+/dev/+/status")
            ready.set()
            async for message in conn.messages():
                try:
                    online = decode(message.payload, DeviceStatus).online
                except ProtocolError:
                    continue
                (self.online.add if online else self.online.discard)(message.topic)
                if len(self.online) >= self.expected and self.seconds is None:
                    self.seconds = time.perf_counter() - self.started
                    self.complete.set()


@contextlib.asynccontextmanager
async def counting(urls: list[tuple[BrokerURL, str]], expected: int) -> AsyncIterator[OnlineCounter]:
    """An OnlineCounter subscribed on every broker before the body runs."""
    counter = OnlineCounter(expected)
    tasks = []
    for i, (url, client_id) in enumerate(urls):
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(counter.watch(url, f"{client_id}-{i}" if i else client_id, ready)))
        async with h.deadline(30, f"status counter on {url.host}:{url.port}"):
            await ready.wait()
    counter.started = time.perf_counter()
    try:
        yield counter
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# -- fleet, hubs, load ---------------------------------------------------------------------------------------

async def fleet(urls: list[BrokerURL], homes: int, per_home: int, processes: int, seed: int,
                timeout: float) -> tuple[h.Proc, float]:
    """`genie devices spawn --homes` on ``urls``; returns it and the seconds until it said all were online."""
    started = time.perf_counter()
    brokers = ",".join(f"mqtt://{u.host}:{u.port}" for u in urls)
    proc, _ = await h.start("fleet", *h.GENIE, "devices", "spawn", "--homes", str(homes), "--per-home", str(per_home),
                            "--seed", str(seed), "--processes", str(processes), "--no-latency", "--keepalive", "120",
                            "--broker", brokers, *_sources(homes * per_home), ready=b"devices online", timeout=timeout)
    return proc, time.perf_counter() - started


def _sources(devices: int) -> list[str]:
    """Loopback source addresses for a fleet past one address's ephemeral ports (at most 20,000 devices each)."""
    count = -(-devices // 20_000)
    return ["--source-addresses", str(count)] if count > 1 else []


async def home_hubs(urls: list[BrokerURL], homes: list[Any]) -> list[h.Proc]:
    """One `genie hub --home FILE` per home (on its broker), started side by side."""
    import yaml

    folder = h.scratch("homes")

    async def one(home: Any) -> h.Proc:
        path = folder / f"{home.id}.yaml"
        path.write_text(yaml.safe_dump(home.model_dump(mode="json", exclude_defaults=True), allow_unicode=True),
                        encoding="utf-8")
        url = urls[(int(home.id[1:]) - 1) % len(urls)]
        proc, _ = await h.start(f"hub {home.id}", *h.GENIE, "hub", "--home", str(path), "--db",
                                str(folder / f"{home.id}.db"), "--broker", f"mqtt://{url.host}:{url.port}",
                                ready=b"hub connected")
        return proc

    return list(await asyncio.gather(*(one(home) for home in homes)))


async def shards(urls: list[BrokerURL], homes: int, count: int, pacing: Sequence[str] = ()) -> list[h.Proc]:
    """``count`` `genie shard` processes (at least one per broker: a shard has one session): shard j on broker
    j mod B, sharing the homes of that broker (home k on broker (k - 1) mod B) and one data directory; each
    starts its hubs as ``pacing`` says (`genie shard` options: --start-rate, --window; its defaults when empty)."""
    from devices.registry.fleet import home_id

    folder, data = h.scratch("shards"), h.scratch("shard-data")
    lists = []
    for b in range(len(urls)):
        path = folder / f"homes-{b}.txt"
        path.write_text("".join(f"{home_id(k)}\n" for k in range(b + 1, homes + 1, len(urls))), encoding="utf-8")
        lists.append(path)
    started = []
    for j in range(max(count, len(urls))):
        url = urls[j % len(urls)]
        proc, _ = await h.start(f"shard s{j + 1}", *h.GENIE, "shard", "--broker", f"mqtt://{url.host}:{url.port}",
                                "--id", f"s{j + 1}", "--homes", str(lists[j % len(urls)]), "--data-dir", str(data),
                                "--json", *pacing,
                                ready=b'"connected"')
        started.append(proc)
    return started


# -- one run -------------------------------------------------------------------------------------------------

async def one(kind: str, devices: int, homes: int, *, hubs: str, shard_count: int, rate: float, duration: float,
              seed: int, bound: float, hubs_first: bool = False, broker_count: int = 0,
              pacing: Sequence[str] = ()) -> dict[str, Any]:
    """One fleet of ``devices`` in ``homes`` homes on ``kind``: the figures of issue 19 item 4."""
    from devices.registry import load_registry
    from devices.registry.fleet import home_id, many_homes

    per_home = max(1, devices // homes)
    devices = per_home * homes
    limit = open_files()
    count, processes = sizes(devices, limit)
    count = max(count, broker_count)
    registry = load_registry()
    made = many_homes(registry, homes, per_home, seed=seed) if hubs == "per-home" or kind == "rabbitmq" else []
    logins = {str(home.id): [d.id for d in home.devices] for home in made} if kind == "rabbitmq" else {}
    result: dict[str, Any] = {"broker": kind, "devices": devices, "homes": homes, "per_home": per_home,
                              "hubs": hubs, "open_files_limit": limit, "fleet_processes": processes,
                              "shard_pacing": " ".join(pacing) or "genie shard's defaults"}
    async with brokers(kind, 1 if kind != "mosquitto" else count, logins) as started:
        urls = [u for u, _ in started]
        result["brokers"] = len({id(p) for _, p in started}) if kind != "rabbitmq" else 2
        watched = [observer(urls[0], kind)] if kind == "rabbitmq" else [observer(u, kind) for u in urls]
        hub_procs: list[h.Proc] = []

        async def start_hubs() -> None:
            hub_procs.extend(await home_hubs(urls, made) if hubs == "per-home" else
                             await shards(urls, homes, shard_count, pacing) if hubs == "shards" else [])

        if hubs_first:
            await start_hubs()
        async with counting(watched, devices) as counter:
            spawned, said_online = await fleet(urls, homes, per_home, processes, seed, timeout=bound)
            try:
                async with h.deadline(60, f"the broker seeing all {devices} devices online"):
                    await counter.complete.wait()
                result["online_s"] = round(counter.seconds or 0.0, 2)
                result["spawn_said_online_s"] = round(said_online, 2)
                hubs_started = time.perf_counter()
                if not hubs_first:
                    await start_hubs()
                result["hub_processes"] = len(hub_procs)
                if hub_procs:
                    async with requester(urls) as asker:
                        every = {k: (home_id(k), per_home) for k in range(1, homes + 1)}
                        result["hubs_started"] = "before the fleet" if hubs_first else "once the fleet was online"
                        result.update(await directories_complete(asker, every, bound))
                        result["directories_from_hubs_start_s"] = round(time.perf_counter() - hubs_started, 2)
                        await asyncio.sleep(5)  # memory once settled, not mid-announcement
                        result["rss_mb"] = rss(spawned, hub_procs, [p for _, p in started], kind)
                        sample = made or many_homes(registry, homes, per_home, seed=seed, indices=sorted(
                            random.Random(seed).sample(range(1, homes + 1), min(homes, 300))))
                        plan = load_plan(sample, rate, duration, seed)
                        # The same commands twice: the first reaches most homes for the first time (a hub reads
                        # its home's names on its first sentence), the second the homes once in use.
                        result["load_first"] = await load(asker, plan, rate)
                        result["load"] = await load(asker, plan, rate)
                else:
                    await asyncio.sleep(5)
                    result["rss_mb"] = rss(spawned, hub_procs, [p for _, p in started], kind)
                result["kb_per_device"] = round(result["rss_mb"]["fleet"] * 1024 / devices, 1)
                if hub_procs:
                    result["hub_kb_per_home"] = round(result["rss_mb"]["hubs"] * 1024 / homes, 1)
            finally:
                if spawned.proc.returncode is not None:  # it should run until stopped: say how it ended
                    result["fleet_exited"] = f"status {spawned.proc.returncode}: {spawned.tail()[-1500:]}"
                await spawned.stop()
                for proc in hub_procs:
                    await proc.stop()
    return result


def rss(fleet_proc: h.Proc, hubs: list[h.Proc], broker_procs: list[Any], kind: str) -> dict[str, float]:
    """Resident memory (MB) of the fleet's processes, the hubs and the brokers (a cluster's Erlang VMs)."""
    if kind == "rabbitmq":
        cluster = broker_procs[0]
        brokers_mb = sum(h.rss_mb(n.process.pid) for n in cluster.nodes if n.process is not None)
    else:
        brokers_mb = sum(h.rss_mb(p.pid) for p in {id(p): p for p in broker_procs}.values())
    return {"fleet": round(h.rss_mb(fleet_proc.pid), 1), "hubs": round(sum(h.rss_mb(p.pid) for p in hubs), 1),
            "brokers": round(brokers_mb, 1)}


async def find_limit(kind: str, start: int, step: int, per_home: int, bound: float, seed: int) -> dict[str, Any]:
    """Grow the fleet by ``step`` from ``start`` until it does not come online within ``bound`` s (or fails)."""
    held: list[dict[str, Any]] = []
    devices = start
    while True:
        try:
            async with h.deadline(bound + 120, f"{devices} devices on {kind}"):
                figures = await one(kind, devices, max(1, devices // per_home), hubs="none", shard_count=0,
                                    rate=0, duration=0, seed=seed, bound=bound)
        except (h.BenchError, ConnectionError, TimeoutError) as exc:
            return {"broker": kind, "bound_s": bound, "held": held, "largest": held[-1]["devices"] if held else 0,
                    "broke_at": devices, "why": f"{type(exc).__name__}: {str(exc)[:600]}"}
        finally:
            await h.stop_all()
        held.append(figures)
        print(f"[scale] {kind}: {devices} devices online in {figures['online_s']} s", flush=True,
              file=sys.stderr)
        devices += step


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's shape with the median (and min-max) of each figure over ``runs``."""
    def pick(values: list[Any]) -> Any:
        if all(isinstance(v, int | float) for v in values):
            return {"median": statistics.median(values), "min": min(values), "max": max(values)} \
                if len(set(values)) > 1 else values[0]
        if all(isinstance(v, dict) for v in values):  # every key any run has: a count a run lacks is none of it
            merged = {}
            for key in dict.fromkeys(k for v in values for k in v):
                lacking: list[Any] | int = [] if any(isinstance(v.get(key), list) for v in values) else 0
                merged[key] = pick([v.get(key, lacking) for v in values])
            return merged
        if all(isinstance(v, list) for v in values):
            return [item for v in values for item in v]  # examples: all the runs'
        return values[0]

    return {"runs": len(runs), **pick(runs)} if len(runs) > 1 else {"runs": 1, **runs[0]}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=100_000, help="devices in all (default 100000)")
    parser.add_argument("--homes", type=int, default=10_000, help="homes they are spread over (default 10000)")
    parser.add_argument("--broker", choices=["mosquitto", "amqtt", "rabbitmq"], default="mosquitto")
    parser.add_argument("--hubs", choices=["none", "shards", "per-home"], default="shards",
                        help="the homes' hubs: `genie shard` processes (default), one `genie hub` per home (small "
                             "sizes), or none (the devices alone)")
    parser.add_argument("--hubs-first", action="store_true",
                        help="start the hubs before the fleet (default: once it is online, so that they do not "
                             "share the CPU with its connections)")
    parser.add_argument("--brokers", type=int, default=0, help="Mosquitto processes (default: as open files need)")
    parser.add_argument("--shards", type=int, default=2, help="shard processes (at least one per broker; default 2)")
    parser.add_argument("--start-rate", type=float, default=None, metavar="N",
                        help="hubs each shard starts a second at most (default: `genie shard`'s own, 100): the "
                             "fleet must answer each hub's start with an announcement of its devices")
    parser.add_argument("--window", type=int, default=None, metavar="N",
                        help="hubs each shard has warming up at once at most (default: `genie shard`'s own, 100): "
                             "a hub leaves the window once its devices have answered")
    parser.add_argument("--rate", type=float, default=50, help="load: text commands a second (default 50)")
    parser.add_argument("--duration", type=float, default=30, help="load: seconds (default 30)")
    parser.add_argument("--runs", type=int, default=1, help="runs; the figures are their median (default 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bound", type=float, default=600, help="seconds a fleet may take to come online")
    parser.add_argument("--find-limit", action="store_true",
                        help="grow the fleet from --devices by --step until it no longer holds (amqtt, rabbitmq)")
    parser.add_argument("--step", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not 1 <= args.homes <= args.devices:
        parser.error("--homes must be between 1 and --devices")
    if args.hubs == "per-home" and args.homes > 50:
        parser.error("--hubs runs one hub process per home: at most 50 homes")
    if args.find_limit:
        report = h.run(find_limit(args.broker, args.devices, args.step, max(1, args.devices // args.homes),
                                  args.bound, args.seed))
        rows = [("devices", "online (s)", "fleet RSS (MB)", "broker RSS (MB)")]
        rows += [(str(r["devices"]), f"{r['online_s']:.1f}", f"{r['rss_mb']['fleet']:.0f}",
                  f"{r['rss_mb']['brokers']:.0f}") for r in report["held"]]
        h.emit({"scale_limit": report}, args.json, [*rows, ("broke at", str(report["broke_at"]), report["why"], "")])
        return 0

    pacing = [*(["--start-rate", f"{args.start_rate:g}"] if args.start_rate else []),
              *(["--window", str(args.window)] if args.window else [])]

    failed: list[str] = []

    async def runs() -> list[dict[str, Any]]:  # each with the machine's load while it ran; a failed one named
        done = []
        for k in range(1, args.runs + 1):
            try:
                figures, load = await sampled(one(
                    args.broker, args.devices, args.homes, hubs=args.hubs, shard_count=args.shards, rate=args.rate,
                    duration=args.duration, seed=args.seed, bound=args.bound, hubs_first=args.hubs_first,
                    broker_count=args.brokers, pacing=pacing))
                done.append({**figures, "machine_load": load})
            except h.BenchError as e:
                failed.append(f"run {k}: {e}")
                print(f"bench scale: {failed[-1]}", file=sys.stderr)
        if not done:
            raise h.BenchError(f"no run of {args.runs} finished: {failed[-1]}")
        return done

    result = {**median_of(h.run(runs())), **({"failed_runs": failed} if failed else {})}
    h.emit({"scale": result}, args.json, [("figure", "value"), *((k, str(v)) for k, v in result.items())])
    return 0
