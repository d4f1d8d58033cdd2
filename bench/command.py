"""A text command end to end: client → hub → understanding → directive → device ack → reply.

The hub and the fleet run in their own processes (`genie hub`, `genie devices spawn`), the client
here. Each round sends one TextCommand on the hub's command topic and waits for its reply; commands
alternate between turning a light on and off, so every one is a real state change acknowledged by a
device. The ratio is to two raw round trips (a command crosses the broker four times) measured in the
same run on the same broker: half of the run's floor round trips just before its commands, half just after.

A run is one complete measurement: floor, ``--rounds`` commands, floor, with the CPU time the hub, the
broker, the fleet and this client used during the commands. One broker, one hub and (per fleet size) one
fleet serve all ``--runs`` runs, as a user's would; each figure is the median over the runs with
[min–max] beside it, every run's own figures are kept in the JSON. Targets: p50 ≤ 1.5×, p99 ≤ 3× two
floor round trips; hub CPU ≤ 0.6 ms per command.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from bench import _harness as h
from bench import _stats as s
from bench import floor
from bench.fleet import directory_complete
from hub.client import list_devices
from hub.protocol import Topics
from hub.protocol.mqtt import BrokerURL, MqttConnection

WARM_UP = 20
"""Commands not counted at the start of each run."""

Ask = Callable[[str], Awaitable[None]]


async def light_name(url: BrokerURL, within: float = 60) -> str:
    """The Chinese name of an online light of the fleet (asked of the hub, as a user would)."""
    async with h.deadline(within, "waiting for the hub to list an online light"):
        for _ in range(1000):  # until the directory has one: each round is one request/response, not a sleep
            devices = await list_devices(url, timeout=10)
            lights = [d for d in devices if d.category == "light" and d.online and d.names.for_lang("zh")]
            if lights:
                return lights[0].names.display("zh")
    raise h.BenchError("the hub listed no online light after 1,000 asks")


@contextlib.asynccontextmanager
async def session(url: BrokerURL, client_id: str = "bench-client") -> AsyncIterator[Ask]:
    """A client session on the hub's reply topic; yields ``ask(text)``, which waits for the reply."""
    async with MqttConnection(url, client_id) as conn:
        await conn.subscribe(Topics().command_reply(client_id))
        replies = conn.messages()

        async def ask(text: str) -> None:
            await h.ask(conn, replies, client_id, text)

        yield ask


async def one_run(probe: floor.FloorProbe, ask: Ask, name: str, rounds: int,
                  pids: Mapping[str, int]) -> dict[str, Any]:
    """Floor, ``rounds`` commands (CPU of ``pids`` measured over them), floor: this run's figures."""
    started = time.perf_counter()
    floor_times = await probe.series(rounds // 2 or 1)
    for i in range(WARM_UP):
        await ask(f"{'打开' if i % 2 else '关闭'}{name}")
    window = s.CpuWindow(pids)
    times = []
    window.start()
    for i in range(rounds):
        begun = time.perf_counter()
        await ask(f"{'打开' if i % 2 else '关闭'}{name}")
        times.append((time.perf_counter() - begun) * 1000)
    window.stop()
    floor_times += await probe.series(rounds - rounds // 2 or 1, warm_up=2)
    figures, base = h.summary(times), h.summary(floor_times)
    return {**figures, "floor_p50": base["p50"], "floor_p99": base["p99"],
            "ratio_p50": s.ratio(figures["p50"], base["p50"]), "ratio_p99": s.ratio(figures["p99"], base["p99"]),
            **window.per(rounds), "commands_per_s": round(rounds / window.wall_s, 1),
            "seconds": round(time.perf_counter() - started, 2)}


async def run(brokers: list[str], sizes: list[int], quick: bool, profile: Path | None = None,
              rounds: int | None = None, runs: int = 5) -> dict[str, Any]:
    """Per broker and fleet size: the median over ``runs`` of each run's figures, with spread and the runs.

    With ``profile`` (an existing directory), the hub runs under cProfile and writes ``hub-BROKER.prof`` there.
    """
    rounds = rounds or (200 if quick else 1000)
    result: dict[str, Any] = {}
    for kind in brokers:
        async with h.broker(kind) as (url, broker):
            hub = await h.hub(url, profile=profile / f"hub-{kind}.prof" if profile else None)
            try:
                for size in sizes:
                    fleet, _online = await h.fleet(url, size, processes=1 if size <= 1000 else 2, seed=size)
                    try:
                        await directory_complete(url, size, limit=120)  # the hub has taken in the whole fleet
                        name = await light_name(url)
                        pids = {"hub": hub.pid, "broker": broker.pid, "fleet": fleet.pid}
                        async with floor.probe(url) as probe, session(url) as ask:
                            each = [await one_run(probe, ask, name, rounds, pids) for _ in range(runs)]
                    finally:
                        await fleet.stop()
                    result.setdefault(kind, {})[str(size)] = s.over_runs(each)
            finally:
                await hub.stop()
    return result


def table(result: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """The printed table: medians over the runs with [min–max]."""
    rows: list[tuple[str, ...]] = [("broker", "devices", "command p50 (ms)", "p99 (ms)", "floor p50", "ratio p50",
                                    "ratio p99", "hub CPU/cmd (ms)", "broker CPU/cmd")]
    for kind, sizes in result.items():
        for size, v in sizes.items():
            rows.append((kind, size, s.with_range(v, "p50"), s.with_range(v, "p99"),
                         s.with_range(v, "floor_p50", "{:.3f}"), s.with_range(v, "ratio_p50"),
                         s.with_range(v, "ratio_p99"), s.with_range(v, "hub_cpu_ms_per_cmd"),
                         s.with_range(v, "broker_cpu_ms_per_cmd")))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench command", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds per run")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--broker", action="append", choices=["amqtt", "mosquitto"], help="default: both")
    parser.add_argument("--devices", type=int, action="append", help="fleet sizes (default: 10 and 1000)")
    parser.add_argument("--rounds", type=int, help="commands per run (default: 1000, --quick 200)")
    floor.add_run_options(parser)
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="run the hub under cProfile; write DIR/hub-BROKER.prof (read: python -m pstats FILE)")
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.rounds is not None and args.rounds < 2):
        parser.error("--runs must be at least 1 and --rounds at least 2")
    if args.profile:
        args.profile = args.profile.resolve()
        args.profile.mkdir(parents=True, exist_ok=True)
    result, load = h.run(s.sampled(run(args.broker or ["amqtt", "mosquitto"], args.devices or [10, 1000],
                                       args.quick, args.profile, args.rounds, args.runs)))
    h.emit({"command": result, "load": load, "runs": args.runs}, args.json, table(result))
    if not args.json:
        print(f"median of {args.runs} runs [min–max]; {s.describe_load(load)}")
    if args.profile:
        print(f"hub profiles (the profile is written when the hub stops): {args.profile}/hub-*.prof", file=sys.stderr)
    return 0
