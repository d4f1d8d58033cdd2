"""The steady load of `python -m bench scale`: text commands to random homes at a fixed rate, each timed."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from typing import Any

from bench import _harness as h
from hub.protocol import HubRequest, ProtocolError, TextCommandResponse, Topics, decode, encode
from hub.protocol.mqtt import BrokerURL, MqttConnection

POWERED = ("light", "switch", "outlet", "fan", "television", "airpurifier", "humidifier", "heater")
"""Categories a load command turns on or off."""


def load_plan(homes: list[Any], rate: float, duration: float, seed: int) -> list[tuple[int, str, str]]:
    """(home number, home id, text) of each command of the load: a random home, one of its powered devices
    turned on or off by its English name."""
    rng = random.Random(seed)
    targets = [(k, home.id, d.names.en[0]) for k, home in enumerate(homes, start=1)
               for d in home.devices if d.category in POWERED and d.names.en]
    if not targets:
        raise h.BenchError("no home has a device to turn on or off")
    by_home: dict[int, list[tuple[int, str, str]]] = {}
    for target in targets:
        by_home.setdefault(target[0], []).append(target)
    plan = []
    for _ in range(round(rate * duration)):
        k, home_id, name = rng.choice(by_home[rng.choice(list(by_home))])
        plan.append((k, home_id, f"turn {rng.choice(('on', 'off'))} the {name}"))
    return plan


async def load(urls: list[BrokerURL], plan: list[tuple[int, str, str]], rate: float) -> dict[str, Any]:
    """Send ``plan`` at ``rate`` commands a second (open loop); latency of each, errors and timeouts."""
    client_id = "genie-bench-load"
    latencies: list[float] = []
    failed: dict[str, int] = {}
    async with contextlib.AsyncExitStack() as stack:
        conns = [await stack.enter_async_context(MqttConnection(u, f"{client_id}-{i}")) for i, u in enumerate(urls)]
        waiting: dict[str, tuple[float, asyncio.Future[TextCommandResponse]]] = {}

        async def read(conn: MqttConnection) -> None:
            async for message in conn.messages():
                try:
                    reply = decode(message.payload, TextCommandResponse)
                except ProtocolError:
                    continue
                entry = waiting.pop(reply.header.message_id, None)
                if entry is not None and not entry[1].done():
                    latencies.append((time.perf_counter() - entry[0]) * 1000)
                    entry[1].set_result(reply)

        readers = []
        for i, conn in enumerate(conns):
            await conn.subscribe(f"genie/home/+/hub/reply/{client_id}-{i}")
            readers.append(asyncio.create_task(read(conn)))

        async def one(k: int, home_id: str, text: str) -> None:
            i = (k - 1) % len(conns)
            request = HubRequest.create("TextCommand", f"{client_id}-{i}", text, lang="en")
            future: asyncio.Future[TextCommandResponse] = asyncio.get_running_loop().create_future()
            waiting[request.header.message_id] = (time.perf_counter(), future)
            await conns[i].publish(Topics().home(home_id).command, encode(request))
            try:
                reply = await asyncio.wait_for(future, h.COMMAND_TIMEOUT)
            except TimeoutError:
                failed["timeout"] = failed.get("timeout", 0) + 1
                return
            if not reply.payload.ok:
                failed["not ok"] = failed.get("not ok", 0) + 1

        started = time.perf_counter()
        sent = []
        for n, (k, home_id, text) in enumerate(plan):
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            sent.append(asyncio.create_task(one(k, home_id, text)))
        await asyncio.gather(*sent)
        elapsed = time.perf_counter() - started
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    return {"commands": len(plan), "rate": rate, "seconds": round(elapsed, 1), **h.summary(latencies),
            "failed": failed}
