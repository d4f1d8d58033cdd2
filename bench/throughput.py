"""Sustained text commands per second from many concurrent clients, and one group command over many lights.

- ``cmds/s``: C clients (separate MQTT sessions) each send commands back to back for a fixed time against
  `genie hub` + a 10-device fleet; the figure is completed commands per second. The clients are spread
  over ``--client-processes`` processes (default 2: this one and a worker, `python -m bench throughput
  --worker`), so that one Python process's CPU is not the limit; the busiest client process's CPU share of
  a core is reported (``client_cpu_pct``: near 100 means the clients, not the hub, set the pace).
- ``group``: "turn off every light" (关掉所有的灯), then "turn on every light", with a fleet of L lights: the
  time from sending the text to the reply listing every light's result.

One broker, one hub and one fleet serve all ``--runs`` runs (default 5), after 20 warm-up commands; each
figure is the median over the runs with [min–max], with the hub's and the broker's CPU per command.
Target: ≥ 2,000 commands/s with 32 clients on Mosquitto.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bench import _harness as h
from bench import _stats as s
from bench.command import WARM_UP, Ask, light_name, session
from bench.fleet import directory_complete
from bench.floor import add_run_options
from hub.client import say
from hub.protocol.mqtt import BrokerURL, MqttConnection

CLIENTS = (1, 8, 32)
GO = "bench/throughput/go"
ROOT = Path(__file__).resolve().parent.parent


async def drive(url: BrokerURL, tag: str, clients: int, name: str, seconds: float,
                ready: Callable[[], Awaitable[None]]) -> dict[str, float]:
    """Open ``clients`` sessions, await ``ready()`` (the start), send commands back to back for ``seconds``.

    Returns the commands completed, the seconds it took and the CPU seconds this process used meanwhile.
    """
    done = 0

    async def loop(ask: Ask, until: float) -> None:
        nonlocal done
        i = 0
        while time.perf_counter() < until:
            await ask(f"{'打开' if i % 2 else '关闭'}{name}")
            done += 1
            i += 1

    async with contextlib.AsyncExitStack() as stack:
        asks = [await stack.enter_async_context(session(url, f"bench-{tag}-{i}")) for i in range(clients)]
        await ready()
        cpu, started = s.own_cpu_s(), time.perf_counter()
        await asyncio.gather(*(loop(ask, started + seconds) for ask in asks))
        elapsed, cpu = time.perf_counter() - started, s.own_cpu_s() - cpu
    return {"done": done, "elapsed_s": elapsed, "cpu_s": cpu}


async def worker(url: BrokerURL, tag: str, clients: int, name: str, seconds: float) -> None:
    """A client process: prints ``worker ready``, waits for the start signal on GO, drives, prints its JSON."""
    async with MqttConnection(url, f"bench-{tag}-go") as go:
        await go.subscribe(GO)
        signals = go.messages()

        async def ready() -> None:
            print("worker ready", flush=True)
            async with h.deadline(120, f"throughput worker {tag}: the start signal"):
                await anext(signals)

        figures = await drive(url, tag, clients, name, seconds, ready)
    print(json.dumps(figures), flush=True)


def shares(clients: int, processes: int) -> list[int]:
    """``clients`` split as evenly as possible over at most ``processes`` processes (none empty)."""
    n = max(1, min(clients, processes))
    return [clients // n + (1 if i < clients % n else 0) for i in range(n)]


async def point(url: BrokerURL, clients: int, processes: int, name: str, seconds: float,
                pids: Mapping[str, int]) -> dict[str, Any]:
    """One measurement: ``clients`` clients over ``processes`` processes for ``seconds``; rate and CPU."""
    split = shares(clients, processes)
    workers = []
    try:
        for j, n in enumerate(split[1:], 1):
            proc, _ = await h.start(f"throughput worker {j}", sys.executable, "-m", "bench", "throughput", "--worker",
                                    f"mqtt://{url.host}:{url.port}", "--tag", f"w{j}", "--clients", str(n),
                                    "--name", name, "--seconds", str(seconds), ready=b"worker ready", cwd=ROOT)
            workers.append(proc)
        window = s.CpuWindow(pids)
        async with MqttConnection(url, "bench-go") as go:
            async def ready() -> None:
                window.start()
                await go.publish(GO, b"go")

            mine = await drive(url, "w0", split[0], name, seconds, ready)
        window.stop()
        theirs = [await _result(w, seconds) for w in workers]
    finally:
        for w in workers:
            await w.stop()
    every = [mine, *theirs]
    done = sum(int(f["done"]) for f in every)
    return {"cmds_per_s": round(sum(f["done"] / f["elapsed_s"] for f in every), 1), "commands": done,
            **window.per(done), "client_cpu_pct": round(max(100 * f["cpu_s"] / f["elapsed_s"] for f in every), 1),
            "client_cpu_ms_per_cmd": round(1000 * sum(f["cpu_s"] for f in every) / done, 3) if done else 0.0,
            "client_processes": len(split)}


async def _result(proc: h.Proc, seconds: float) -> dict[str, float]:
    """The JSON line a worker prints when it is done."""
    async with h.deadline(seconds + h.COMMAND_TIMEOUT + 30, f"{proc.name}: its result"):
        await proc.proc.wait()
        if proc.reader is not None:
            await proc.reader  # the rest of its output, up to end of file
    for line in reversed(proc.tail().splitlines()):
        if line.startswith("{"):
            return dict(json.loads(line))
    raise h.BenchError(f"{proc.name} ended (status {proc.proc.returncode}) without its figures:\n{proc.tail()}")


def lights_home(count: int) -> Path:
    """A home of ``count`` plain lights in four rooms (written to a temporary file)."""
    rooms = [{"id": f"room{i}", "names": {"en": [f"room {i}"], "zh": [f"房间{i}"]}} for i in range(4)]
    devices = [{"id": f"light-{i}", "category": "light", "room": f"room{i % 4}",
                "names": {"zh": [f"灯{i}号"], "en": [f"light {i}"]}} for i in range(count)]
    path = h.scratch("home") / "lights.yaml"
    path.write_text(yaml.safe_dump({"rooms": rooms, "devices": devices}, allow_unicode=True), encoding="utf-8")
    return path


async def group(url: BrokerURL, lights: int, runs: int) -> dict[str, Any]:
    """All lights off, then on, ... ``runs`` times on one fleet of ``lights`` lights: seconds and successes."""
    fleet, _ = await h.fleet(url, lights, home=lights_home(lights))
    each = []
    try:
        await directory_complete(url, lights, limit=60)
        for i in range(runs):
            started = time.perf_counter()
            result = await say(url, "打开所有的灯" if i % 2 else "关掉所有的灯", timeout=120)
            elapsed = time.perf_counter() - started
            each.append({"seconds": round(elapsed, 3), "succeeded": sum(a.result == "SUCCESS" for a in result.actions)})
    finally:
        await fleet.stop()
    return {"lights": lights, **s.over_runs(each)}


async def run(kind: str, quick: bool, runs: int = 5, processes: int = 2, seconds: float | None = None,
              clients: tuple[int, ...] = CLIENTS, lights: int | None = None) -> dict[str, Any]:
    """Commands/s by number of clients (median of ``runs``) and the group command, on one broker and hub."""
    seconds = seconds or (2 if quick else 10)
    lights = lights or (200 if quick else 1000)
    async with h.broker(kind) as (url, broker):
        hub = await h.hub(url)
        try:
            fleet, _ = await h.fleet(url, 10, seed=3)
            try:
                await directory_complete(url, 10, limit=60)  # the hub has taken in the whole fleet
                name = await light_name(url)
                async with session(url, "bench-warm-up") as ask:  # the hub's first commands build its indexes
                    for i in range(WARM_UP):
                        await ask(f"{'打开' if i % 2 else '关闭'}{name}")
                pids = {"hub": hub.pid, "broker": broker.pid, "fleet": fleet.pid}
                each: dict[int, list[dict[str, Any]]] = {c: [] for c in clients}
                for _ in range(runs):
                    for c in clients:
                        each[c].append(await point(url, c, processes, name, seconds, pids))
            finally:
                await fleet.stop()
            grouped = await group(url, lights, runs)
        finally:
            await hub.stop()
    by_clients = {str(c): s.over_runs(points) for c, points in each.items()}
    best = max(by_clients, key=lambda c: by_clients[c]["cmds_per_s"])
    return {"broker": kind, "runs": runs, "seconds_per_point": seconds, "by_clients": by_clients,
            "cmds_per_s_by_clients": {c: v["cmds_per_s"] for c, v in by_clients.items()},
            "throughput_cmds_per_s": by_clients[best]["cmds_per_s"], "best_clients": int(best), "group": grouped}


def table(result: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Rows for people: per number of clients, the medians with [min–max]."""
    rows: list[tuple[str, ...]] = [("clients", "commands/s", "hub CPU/cmd (ms)", "broker CPU/cmd (ms)",
                                    "busiest client process CPU %")]
    for c, v in result["by_clients"].items():
        rows.append((f"{c} ({v['client_processes']} proc.)", s.with_range(v, "cmds_per_s", "{:.0f}"),
                     s.with_range(v, "hub_cpu_ms_per_cmd", "{:.3f}"),
                     s.with_range(v, "broker_cpu_ms_per_cmd", "{:.3f}"),
                     s.with_range(v, "client_cpu_pct", "{:.0f}")))
    g = result["group"]
    rows.append((f"group: {g['lights']} lights", s.with_range(g, "seconds", "{:.2f}") + " s",
                 f"{g['succeeded']} ok", "", ""))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench throughput", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 s per point, a 200-light group")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--broker", choices=["amqtt", "mosquitto"], default="mosquitto")
    parser.add_argument("--seconds", type=float, help="seconds per point (default 10, --quick 2)")
    parser.add_argument("--clients", type=int, action="append", help="numbers of clients (default 1, 8, 32)")
    parser.add_argument("--client-processes", type=int, default=2, help="processes the clients are spread over")
    parser.add_argument("--lights", type=int, help="lights of the group command (default 1000, --quick 200)")
    add_run_options(parser)
    for hidden in ("--worker", "--tag", "--name"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        url = BrokerURL.parse(args.worker)
        h.run(worker(url, args.tag, args.clients[0], args.name, args.seconds))
        return 0
    if min(args.runs, args.client_processes, *(args.clients or [1]), args.lights or 1) < 1:
        parser.error("--runs, --client-processes, --clients and --lights must be at least 1")
    result, load = h.run(s.sampled(run(args.broker, args.quick, args.runs, args.client_processes, args.seconds,
                                       tuple(args.clients or CLIENTS), args.lights)))
    h.emit({"throughput": {args.broker: result}, "load": load}, args.json, table(result))
    if not args.json:
        print(f"median of {args.runs} runs [min–max]; {s.describe_load(load)}")
    return 0
