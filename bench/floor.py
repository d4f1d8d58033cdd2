"""The MQTT floor: a raw request/response round trip (QoS 1) through the broker, p50/p99.

Two plain sessions of the project's MQTT client (TCP_NODELAY on): one publishes a request, the other
echoes it back, sequentially. This is the least any command can cost per device exchange.
``--runs K`` (default 5) measures K runs of ``--rounds`` round trips on one broker (the sessions reconnect
for each run); each figure is the median over the runs, with [min–max] beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from bench import _harness as h
from bench import _stats as s
from hub.protocol.mqtt import BrokerURL, MqttConnection

WARM_UP = 20
"""Round trips not counted at the start of each series."""


class FloorProbe:
    """An asker and an echo session on one broker: ``series(n)`` measures n sequential round trips."""

    def __init__(self, url: BrokerURL, asker: MqttConnection, echo: MqttConnection) -> None:
        self.url, self._asker, self._echo = url, asker, echo
        self._replies = asker.messages()
        self._count = 0

    async def reflect(self) -> None:
        """Echo every request back (runs as a task while the probe is open)."""
        async for message in self._echo.messages():
            await self._echo.publish("bench/reply", message.payload)

    async def once(self) -> float:
        """One round trip, in ms (at most COMMAND_TIMEOUT)."""
        self._count += 1
        request = b"%d" % self._count
        started = time.perf_counter()
        await self._asker.publish("bench/request", request)
        async with h.deadline(h.COMMAND_TIMEOUT, f"floor on {self.url}: echo of request {self._count}"):
            while (await anext(self._replies)).payload != request:
                pass  # a late echo of an earlier request cannot be this one's
        return (time.perf_counter() - started) * 1000

    async def series(self, rounds: int, warm_up: int = WARM_UP) -> list[float]:
        """``rounds`` round trip times in ms, after ``warm_up`` uncounted ones."""
        for _ in range(warm_up):
            await self.once()
        return [await self.once() for _ in range(rounds)]


@contextlib.asynccontextmanager
async def probe(url: BrokerURL, tag: str = "") -> AsyncIterator[FloorProbe]:
    """A FloorProbe on ``url``; its echo task is stopped (bounded) when the block ends."""
    async with MqttConnection(url, f"bench-asker{tag}") as asker, MqttConnection(url, f"bench-echo{tag}") as echo:
        await asker.subscribe("bench/reply")
        await echo.subscribe("bench/request")
        it = FloorProbe(url, asker, echo)
        reflector = asyncio.create_task(it.reflect(), name="floor echo")
        try:
            yield it
        finally:
            reflector.cancel()
            async with h.deadline(5, f"floor on {url}: stopping the echo session"):
                await asyncio.gather(reflector, return_exceptions=True)


async def measure(url: BrokerURL, rounds: int) -> dict[str, float]:
    """``rounds`` sequential round trips (after the warm-up); each must complete within COMMAND_TIMEOUT."""
    async with probe(url) as p:
        return h.summary(await p.series(rounds))


async def run(brokers: list[str], quick: bool, runs: int = 5, rounds: int | None = None) -> dict[str, Any]:
    """Per broker (one broker process for all its runs): median over ``runs`` of p50/p99, with spread."""
    rounds = rounds or (300 if quick else 2000)
    result = {}
    for kind in brokers:
        async with h.broker(kind) as (url, broker):
            each = []
            for _ in range(runs):
                async with probe(url) as p:
                    await p.series(WARM_UP, warm_up=0)
                    window = s.CpuWindow({"broker": broker.pid})
                    window.start()
                    figures = h.summary(await p.series(rounds, warm_up=0))
                    window.stop()
                each.append({**figures, **window.per(rounds, "trip")})
            result[kind] = s.over_runs(each)
    return result


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """``--runs K``: how many complete measurements each figure is the median of."""
    parser.add_argument("--runs", type=int, default=5, help="complete measurements per figure (default 5)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench floor", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (under a minute)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--broker", action="append", choices=["amqtt", "mosquitto"],
                        help="broker(s) to measure (default: both)")
    parser.add_argument("--rounds", type=int, help="round trips per run (default 2000, --quick 300)")
    add_run_options(parser)
    args = parser.parse_args(argv)
    result, load = h.run(s.sampled(run(args.broker or ["amqtt", "mosquitto"], args.quick, args.runs, args.rounds)))
    table = [("broker", "round trip p50 (ms) [min–max]", "p99 (ms)", "broker CPU/trip (ms)", "runs")]
    table += [(k, s.with_range(v, "p50", "{:.3f}"), s.with_range(v, "p99", "{:.3f}"),
               s.with_range(v, "broker_cpu_ms_per_trip", "{:.3f}"), str(len(v["runs"]))) for k, v in result.items()]
    h.emit({"floor": result, "load": load}, args.json, table)
    return 0
