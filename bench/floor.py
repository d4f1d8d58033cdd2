"""The MQTT floor: a raw request/response round trip (QoS 1) through the broker, p50/p99.

Two plain sessions of the project's MQTT client (TCP_NODELAY on): one publishes a request, the other
echoes it back, sequentially. This is the least any command can cost per device exchange.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from bench import _harness as h
from hub.protocol.mqtt import BrokerURL, MqttConnection


async def measure(url: BrokerURL, rounds: int) -> dict[str, float]:
    """``rounds`` sequential round trips (after 50 of warm-up); each must complete within COMMAND_TIMEOUT."""
    async with MqttConnection(url, "bench-asker") as asker, MqttConnection(url, "bench-echo") as echo:
        await asker.subscribe("bench/reply")
        await echo.subscribe("bench/request")

        async def reflect() -> None:
            async for message in echo.messages():
                await echo.publish("bench/reply", message.payload)

        reflector = asyncio.create_task(reflect(), name="floor echo")
        replies = asker.messages()
        times = []
        try:
            for i in range(rounds + 50):
                request = b"%d" % i
                started = time.perf_counter()
                await asker.publish("bench/request", request)
                async with h.deadline(h.COMMAND_TIMEOUT, f"floor on {url}: echo of request {i}"):
                    while (await anext(replies)).payload != request:
                        pass  # a late echo of an earlier request cannot be this one's
                if i >= 50:  # warm-up excluded
                    times.append((time.perf_counter() - started) * 1000)
        finally:
            reflector.cancel()
            async with h.deadline(5, f"floor on {url}: stopping the echo session"):
                await asyncio.gather(reflector, return_exceptions=True)
    return h.summary(times)


async def run(brokers: list[str], quick: bool) -> dict:
    rounds = 300 if quick else 2000
    result = {}
    for kind in brokers:
        async with h.broker(kind) as (url, _proc):
            result[kind] = await measure(url, rounds)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench floor", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (under a minute)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--broker", action="append", choices=["amqtt", "mosquitto"],
                        help="broker(s) to measure (default: both)")
    args = parser.parse_args(argv)
    result = h.run(run(args.broker or ["amqtt", "mosquitto"], args.quick))
    table = [("broker", "round trip p50 (ms)", "p99 (ms)", "n")]
    table += [(k, f"{v['p50']:.3f}", f"{v['p99']:.3f}", str(v["n"])) for k, v in result.items()]
    h.emit({"floor": result}, args.json, table)
    return 0
