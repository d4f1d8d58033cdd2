"""A text command end to end: client → hub → understanding → directive → device ack → reply.

The hub and the fleet run in their own processes (`genie hub`, `genie devices spawn`), the client
here. Each round sends one TextCommand on the hub's command topic and waits for its reply; commands
alternate between turning a light on and off, so every one is a real state change acknowledged by a
device. The ratio is to two raw round trips measured in the same run on the same broker (a command
crosses the broker four times). Targets: p50 ≤ 2×, p99 ≤ 4×.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import _harness as h
from bench.floor import measure as floor
from hub.client import list_devices
from hub.protocol import Topics
from hub.protocol.mqtt import BrokerURL, MqttConnection


async def light_name(url: BrokerURL, within: float = 60) -> str:
    """The Chinese name of an online light of the fleet (asked of the hub, as a user would)."""
    async with h.deadline(within, "waiting for the hub to list an online light"):
        for _ in range(1000):  # until the directory has one: each round is one request/response, not a sleep
            devices = await list_devices(url, timeout=10)
            lights = [d for d in devices if d.category == "light" and d.online and d.names.for_lang("zh")]
            if lights:
                return lights[0].names.display("zh")
    raise h.BenchError("the hub listed no online light after 1,000 asks")


async def commands(url: BrokerURL, rounds: int) -> dict[str, float]:
    name = await light_name(url)
    topics = Topics()
    times = []
    async with MqttConnection(url, "bench-client") as conn:
        await conn.subscribe(topics.command_reply("bench-client"))
        replies = conn.messages()
        for i in range(rounds + 20):
            started = time.perf_counter()
            await h.ask(conn, replies, "bench-client", f"{'打开' if i % 2 else '关闭'}{name}")
            if i >= 20:
                times.append((time.perf_counter() - started) * 1000)
    return h.summary(times)


async def run(brokers: list[str], sizes: list[int], quick: bool, profile: Path | None = None,
              rounds: int | None = None) -> dict:
    """Per broker and fleet size: command p50/p99 and their ratios to the floor measured on the same broker.

    With ``profile`` (an existing directory), the hub runs under cProfile and writes ``hub-BROKER.prof`` there.
    """
    rounds = rounds or (200 if quick else 1000)
    result: dict = {}
    for kind in brokers:
        async with h.broker(kind) as (url, _broker):
            base = await floor(url, rounds)
            hub = await h.hub(url, profile=profile / f"hub-{kind}.prof" if profile else None)
            try:
                for size in sizes:
                    fleet, _online = await h.fleet(url, size, processes=1 if size <= 1000 else 2, seed=size)
                    try:
                        figures = await commands(url, rounds)
                    finally:
                        await fleet.stop()
                    result.setdefault(kind, {})[str(size)] = {
                        **figures,
                        "floor_p50": base["p50"],
                        "floor_p99": base["p99"],
                        "ratio_p50": round(figures["p50"] / (2 * base["p50"]), 2),
                        "ratio_p99": round(figures["p99"] / (2 * base["p99"]), 2),
                    }
            finally:
                await hub.stop()
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench command", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (under two minutes)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--broker", action="append", choices=["amqtt", "mosquitto"], help="default: both")
    parser.add_argument("--devices", type=int, action="append", help="fleet sizes (default: 10 and 1000)")
    parser.add_argument("--rounds", type=int, help="commands per fleet size (default: 1000, --quick 200)")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="run the hub under cProfile; write DIR/hub-BROKER.prof (read: python -m pstats FILE)")
    args = parser.parse_args(argv)
    if args.profile:
        args.profile = args.profile.resolve()
        args.profile.mkdir(parents=True, exist_ok=True)
    result = h.run(run(args.broker or ["amqtt", "mosquitto"], args.devices or [10, 1000], args.quick, args.profile,
                       args.rounds))
    table = [("broker", "devices", "command p50 (ms)", "p99 (ms)", "floor p50", "ratio p50", "ratio p99")]
    for kind, sizes in result.items():
        for size, v in sizes.items():
            table.append((kind, size, f"{v['p50']:.2f}", f"{v['p99']:.2f}", f"{v['floor_p50']:.3f}",
                          f"{v['ratio_p50']:.2f}", f"{v['ratio_p99']:.2f}"))
    h.emit({"command": result}, args.json, table)
    if args.profile:
        print(f"hub profiles (the profile is written when the hub stops): {args.profile}/hub-*.prof", file=sys.stderr)
    return 0
