"""A fleet coming up: time until N devices are online, until the hub's directory holds all of them, and RSS.

`genie hub` and `genie devices spawn --random N --processes P` run in their own processes against the
broker; "online" is when the spawn reports every device connected and announced, "directory" when the
hub's HubInfo answer counts all N online (asked repeatedly: each ask is one request/response).
Each of ``--runs`` runs (default 5) starts a fresh broker and hub (a cold start is what is measured); each
figure is the median over the runs with [min–max], with the hub's and the broker's CPU per device.
Targets (Mosquitto, N = 10,000): online ≤ 60 s, directory complete ≤ 10 s after, fleet RSS ≤ 2 GiB.
"""

from __future__ import annotations

import argparse
import time

from bench import _harness as h
from bench import _stats as s
from bench.floor import add_run_options
from hub.client import hub_info
from hub.protocol.mqtt import BrokerURL


async def directory_complete(url: BrokerURL, count: int, limit: float) -> float:
    """Seconds until the hub lists ``count`` devices online (HubInfo asked in a loop bounded in time)."""
    started = time.perf_counter()
    online = 0
    while time.perf_counter() - started < limit:
        online = (await hub_info(url, timeout=30)).online
        if online >= count:
            return time.perf_counter() - started
    raise h.BenchError(f"the hub's directory had {online} of {count} devices online {limit:g} s after the fleet "
                       "reported them all online")


async def one(kind: str, count: int) -> dict[str, float]:
    """One run: a fresh broker and hub, a fleet of ``count`` brought online; times, RSS and CPU per device."""
    async with h.broker(kind) as (url, broker):
        hub = await h.hub(url)
        try:
            processes = 1 if count <= 2000 else 2
            window = s.CpuWindow({"hub": hub.pid, "broker": broker.pid})
            window.start()
            fleet, online = await h.fleet(url, count, processes=processes, seed=count)
            try:
                directory = await directory_complete(url, count, limit=120)
                window.stop()
                fleet_cpu = s.cpu_s(fleet.pid)
                per = window.per(count, "device")
                return {
                    "devices": count,
                    "processes": processes,
                    "online_s": round(online, 2),
                    "directory_after_s": round(directory, 2),
                    "fleet_rss_mb": round(h.rss_mb(fleet.proc.pid), 1),
                    "hub_rss_mb": round(h.rss_mb(hub.proc.pid), 1),
                    "broker_rss_mb": round(h.rss_mb(broker.proc.pid), 1),
                    "hub_cpu_ms_per_device": per["hub_cpu_ms_per_device"],
                    "broker_cpu_ms_per_device": per["broker_cpu_ms_per_device"],
                    "fleet_cpu_ms_per_device": round(1000 * fleet_cpu / count, 3),
                    "machine_busy_pct": per["machine_busy_pct"],
                }
            finally:
                await fleet.stop()
        finally:
            await hub.stop()


async def run(plan: list[tuple[str, int]], runs: int = 5) -> list[dict]:
    """Each (broker, size) of ``plan`` measured ``runs`` times, each run from a fresh broker and hub (a cold
    start is what this step measures); the medians with their spread and every run."""
    results = []
    for kind, count in plan:
        each = [await one(kind, count) for _ in range(runs)]
        results.append({"broker": kind, **s.over_runs(each)})
    return results


def plan_for(quick: bool, brokers: list[str], sizes: list[int] | None) -> list[tuple[str, int]]:
    if sizes:
        return [(b, n) for b in brokers for n in sizes]
    if quick:
        return [(b, 1000) for b in brokers]
    plan = [("mosquitto", n) for n in (1000, 5000, 10000) if "mosquitto" in brokers]
    return plan + [("amqtt", n) for n in (1000, 2000) if "amqtt" in brokers]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench fleet", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 devices per broker only")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--broker", action="append", choices=["amqtt", "mosquitto"], help="default: both")
    parser.add_argument("--devices", type=int, action="append", help="fleet sizes (default: by broker)")
    add_run_options(parser)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    results, load = h.run(s.sampled(run(plan_for(args.quick, args.broker or ["amqtt", "mosquitto"], args.devices),
                                        args.runs)))
    table = [("broker", "devices", "online (s)", "directory after (s)", "fleet RSS (MB)", "hub RSS (MB)",
              "broker RSS (MB)", "hub CPU/device (ms)")]
    table += [(r["broker"], str(r["devices"]), s.with_range(r, "online_s"), s.with_range(r, "directory_after_s"),
               s.with_range(r, "fleet_rss_mb", "{:.0f}"), s.with_range(r, "hub_rss_mb", "{:.0f}"),
               s.with_range(r, "broker_rss_mb", "{:.0f}"), s.with_range(r, "hub_cpu_ms_per_device"))
              for r in results]
    h.emit({"fleet": results, "load": load}, args.json, table)
    if not args.json:
        print(f"median of {args.runs} runs [min–max], each from a fresh broker and hub; {s.describe_load(load)}")
    return 0
