"""Sustained text commands per second from many concurrent clients, and one group command over many lights.

- ``cmds/s``: C clients (separate MQTT sessions in this process) each send commands back to back for
  a fixed time against `genie hub` + a fleet; the figure is completed commands per second.
- ``group``: "turn off every light" (关掉所有的灯) with a fleet of L lights: the time from sending the
  text to the reply listing every light's result.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

import yaml

from bench import _harness as h
from bench.command import light_name
from bench.fleet import directory_complete
from hub.client import say
from hub.protocol import Topics
from hub.protocol.mqtt import BrokerURL, MqttConnection


async def client_loop(url: BrokerURL, client_id: str, name: str, until: float, counts: list[int]) -> None:
    topics = Topics()
    async with MqttConnection(url, client_id) as conn:
        await conn.subscribe(topics.command_reply(client_id))
        replies = conn.messages()
        i = 0
        while time.perf_counter() < until:
            await h.ask(conn, replies, client_id, f"{'打开' if i % 2 else '关闭'}{name}")
            counts.append(1)
            i += 1


async def sustained(url: BrokerURL, clients: int, seconds: float) -> float:
    name = await light_name(url)
    counts: list[int] = []
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(client_loop(url, f"bench-c{i}", name, until, counts) for i in range(clients)))
    return len(counts) / (time.perf_counter() - started)


def lights_home(count: int) -> Path:
    """A home of ``count`` plain lights in four rooms (written to a temporary file)."""
    rooms = [{"id": f"room{i}", "names": {"en": [f"room {i}"], "zh": [f"房间{i}"]}} for i in range(4)]
    devices = [{"id": f"light-{i}", "category": "light", "room": f"room{i % 4}",
                "names": {"zh": [f"灯{i}号"], "en": [f"light {i}"]}} for i in range(count)]
    path = h.scratch("home") / "lights.yaml"
    path.write_text(yaml.safe_dump({"rooms": rooms, "devices": devices}, allow_unicode=True), encoding="utf-8")
    return path


async def group(url: BrokerURL, lights: int) -> dict[str, float]:
    fleet, _ = await h.fleet(url, lights, home=lights_home(lights))
    try:
        await directory_complete(url, lights, limit=60)
        started = time.perf_counter()
        result = await say(url, "关掉所有的灯", timeout=120)
        elapsed = time.perf_counter() - started
        done = sum(1 for a in result.actions if a.result == "SUCCESS")
    finally:
        await fleet.stop()
    return {"lights": lights, "seconds": round(elapsed, 3), "succeeded": done}


async def run(kind: str, quick: bool) -> dict:
    async with h.broker(kind) as (url, _broker):
        hub = await h.hub(url)
        try:
            fleet, _ = await h.fleet(url, 10, seed=3)
            try:
                rates = {c: round(await sustained(url, c, 3 if quick else 10), 1) for c in (1, 8, 32)}
            finally:
                await fleet.stop()
            grouped = await group(url, 200 if quick else 1000)
        finally:
            await hub.stop()
    return {"broker": kind, "cmds_per_s_by_clients": rates, "throughput_cmds_per_s": max(rates.values()),
            "group": grouped}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench throughput", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, a 200-light group")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--broker", choices=["amqtt", "mosquitto"], default="mosquitto")
    args = parser.parse_args(argv)
    result = h.run(run(args.broker, args.quick))
    table = [("clients", "commands/s")]
    table += [(str(c), f"{r:.1f}") for c, r in result["cmds_per_s_by_clients"].items()]
    g = result["group"]
    table.append((f"group: {g['lights']} lights off", f"{g['seconds']:.2f} s ({g['succeeded']} ok)"))
    h.emit({"throughput": {args.broker: result}}, args.json, table)
    return 0
