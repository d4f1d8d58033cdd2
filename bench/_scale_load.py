"""What `python -m bench scale` asks the homes' hubs: each directory, and text commands to random homes at a
steady rate, each timed from its publication to its reply. One MQTT session per broker carries them all."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import AsyncIterator
from typing import Any

from bench import _harness as h
from hub.protocol import HubRequest, ListDevicesResponse, TextCommandResponse, Topics, decode, encode
from hub.protocol.mqtt import BrokerURL, MqttConnection

POWERED = ("light", "switch", "outlet", "fan", "television", "airpurifier", "humidifier", "heater")
"""Categories a load command turns on or off."""
CLIENT_ID = "genie-bench-load"


class Requester:
    """Requests to the hub of home ``k`` (on broker ``(k - 1) mod B``), their replies by message id."""

    def __init__(self, conns: list[MqttConnection]) -> None:
        self.conns = conns
        self.waiting: dict[str, asyncio.Future[bytes]] = {}

    async def read(self, conn: MqttConnection) -> None:
        """Hand each reply on ``conn`` to the request it answers (by the messageId it echoes)."""
        async for message in conn.messages():
            try:
                message_id = json.loads(message.payload)["header"]["messageId"]
            except (ValueError, KeyError, TypeError):
                continue
            future = self.waiting.pop(message_id, None)
            if future is not None and not future.done():
                future.set_result(message.payload)

    async def ask(self, k: int, home_id: str, name: str, text: str | None = None,
                  timeout: float = h.COMMAND_TIMEOUT) -> bytes:
        """Send request ``name`` to home ``home_id``'s hub; its reply (TimeoutError after ``timeout``)."""
        i = (k - 1) % len(self.conns)
        request = HubRequest.create(name, f"{CLIENT_ID}-{i}", text, lang="en" if text else None)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.waiting[request.header.message_id] = future
        try:
            await self.conns[i].publish(Topics().home(home_id).command, encode(request))
            return await asyncio.wait_for(future, timeout)
        finally:
            self.waiting.pop(request.header.message_id, None)


@contextlib.asynccontextmanager
async def requester(urls: list[BrokerURL]) -> AsyncIterator[Requester]:
    """A Requester with one session per broker, subscribed to its replies from every home."""
    async with contextlib.AsyncExitStack() as stack:
        conns = [await stack.enter_async_context(MqttConnection(u, f"{CLIENT_ID}-{i}", keepalive=60))
                 for i, u in enumerate(urls)]
        asker = Requester(conns)
        readers = []
        for i, conn in enumerate(conns):
            await conn.subscribe(f"genie/home/+/hub/reply/{CLIENT_ID}-{i}")
            readers.append(asyncio.create_task(asker.read(conn)))
        try:
            yield asker
        finally:
            for task in readers:
                task.cancel()
            await asyncio.gather(*readers, return_exceptions=True)


async def directories_complete(asker: Requester, homes: dict[int, tuple[str, int]], limit: float,
                               parallel: int = 64) -> float:
    """Seconds until the hub of every home (number: (id, devices)) lists all its devices online; each home is
    asked (``parallel`` at a time; a hub not serving yet is given 1 s) until it does."""
    started = time.perf_counter()
    waiting = dict(homes)
    gate = asyncio.Semaphore(parallel)

    async def check(k: int, home_id: str, expected: int) -> None:
        async with gate:
            try:
                reply = decode(await asker.ask(k, home_id, "ListDevices", timeout=1.0), ListDevicesResponse)
            except TimeoutError:
                return
        if sum(1 for d in reply.payload.devices if d.online) >= expected:
            waiting.pop(k, None)

    while waiting:
        await asyncio.gather(*(check(k, home_id, n) for k, (home_id, n) in list(waiting.items())))
        if waiting and time.perf_counter() - started > limit:
            raise h.BenchError(f"{len(waiting)} of {len(homes)} homes' hubs did not list all their devices "
                               f"online within {limit:g} s (first: {next(iter(waiting.values()))[0]})")
    return time.perf_counter() - started


def load_plan(homes: list[Any], rate: float, duration: float, seed: int) -> list[tuple[int, str, str]]:
    """(home number, home id, text) of each command of the load: a random home (of ``homes``, numbered from
    their ``id``), one of its powered devices turned on or off by its English name."""
    rng = random.Random(seed)
    by_home: dict[int, list[tuple[int, str, str]]] = {}
    for home in homes:
        k = int(home.id[1:])
        for d in home.devices:
            if d.category in POWERED and d.names.en:
                by_home.setdefault(k, []).append((k, home.id, d.names.en[0]))
    if not by_home:
        raise h.BenchError("no home has a device to turn on or off")
    plan = []
    for _ in range(round(rate * duration)):
        k, home_id, name = rng.choice(by_home[rng.choice(list(by_home))])
        plan.append((k, home_id, f"turn {rng.choice(('on', 'off'))} the {name}"))
    return plan


async def load(asker: Requester, plan: list[tuple[int, str, str]], rate: float) -> dict[str, Any]:
    """Send ``plan`` at ``rate`` commands a second whether or not earlier ones were answered (an open loop);
    the latency of each, and the commands that failed by reason."""
    latencies: list[float] = []
    failed: dict[str, int] = {}

    async def one(k: int, home_id: str, text: str) -> None:
        sent = time.perf_counter()
        try:
            reply = decode(await asker.ask(k, home_id, "TextCommand", text), TextCommandResponse)
        except TimeoutError:
            failed["timeout"] = failed.get("timeout", 0) + 1
            return
        latencies.append((time.perf_counter() - sent) * 1000)
        if not reply.payload.ok:
            failed["not ok"] = failed.get("not ok", 0) + 1

    started = time.perf_counter()
    tasks = []
    for n, (k, home_id, text) in enumerate(plan):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(k, home_id, text)))
    await asyncio.gather(*tasks)
    return {"commands": len(plan), "rate": rate, "seconds": round(time.perf_counter() - started, 1),
            **h.summary(latencies), "failed": failed}
