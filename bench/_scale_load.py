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
from hub.protocol import (
    HubRequest,
    HubStatus,
    ListDevicesResponse,
    ProtocolError,
    TextCommandResponse,
    Topics,
    decode,
    encode,
)
from hub.protocol.mqtt import BrokerURL, MqttConnection

POWERED = ("light", "switch", "outlet", "fan", "television", "airpurifier", "humidifier", "heater")
"""Categories a load command turns on or off."""
CLIENT_ID = "genie-bench-load"


class Requester:
    """Requests to the hub of home ``k`` (on broker ``(k - 1) mod B``), their replies by message id."""

    def __init__(self, conns: list[MqttConnection]) -> None:
        self.conns = conns
        self.waiting: dict[str, asyncio.Future[bytes]] = {}
        self.hubs: dict[str, asyncio.Event] = {}
        """Per home id: set while its hub's retained status says online."""
        self.last_hub_at = 0.0
        """When (perf_counter) a hub last said online."""

    def hub(self, home_id: str) -> asyncio.Event:
        """Set while home ``home_id``'s hub says it is online."""
        return self.hubs.setdefault(home_id, asyncio.Event())

    async def read(self, conn: MqttConnection) -> None:
        """Hand each reply on ``conn`` to the request it answers (by the messageId it echoes); follow each
        home's hub status."""
        async for message in conn.messages():
            if message.topic.endswith("/hub/status"):
                self._hub_status(message.topic, message.payload)
                continue
            try:
                message_id = json.loads(message.payload)["header"]["messageId"]
            except (ValueError, KeyError, TypeError):
                continue
            future = self.waiting.pop(message_id, None)
            if future is not None and not future.done():
                future.set_result(message.payload)

    def _hub_status(self, topic: str, payload: bytes) -> None:
        home_id = topic.split("/")[2]
        try:
            online = decode(payload, HubStatus).online if payload else False
        except ProtocolError:
            return
        if online:
            self.hub(home_id).set()
            self.last_hub_at = time.perf_counter()
        else:
            self.hub(home_id).clear()

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
            await conn.subscribe(f"genie/home/+/hub/reply/{CLIENT_ID}-{i}", "genie/home/+/hub/status")
            readers.append(asyncio.create_task(asker.read(conn)))
        try:
            yield asker
        finally:
            for task in readers:
                task.cancel()
            await asyncio.gather(*readers, return_exceptions=True)


async def directories_complete(asker: Requester, homes: dict[int, tuple[str, int]], limit: float,
                               parallel: int = 64) -> dict[str, float]:
    """Seconds until the hub of every home (number: (id, devices)) lists all its devices online, and until the
    last of them said it was online. A home is asked once its hub says online (its retained status), then again
    (backing off from 0.25 s to 2 s) until its list is complete; at most ``parallel`` asks are out at once."""
    started = time.perf_counter()
    gate = asyncio.Semaphore(parallel)
    waiting = dict(homes)

    async def check(k: int, home_id: str, expected: int) -> None:
        pause = 0.25
        while True:
            await asker.hub(home_id).wait()
            async with gate:
                try:
                    reply = decode(await asker.ask(k, home_id, "ListDevices", timeout=5.0), ListDevicesResponse)
                except TimeoutError:
                    reply = None
            if reply is not None and sum(1 for d in reply.payload.devices if d.online) >= expected:
                waiting.pop(k, None)
                return
            await asyncio.sleep(pause)  # a bench's polling of an outside process, bounded by ``limit``
            pause = min(2.0, pause * 1.5)

    try:
        async with asyncio.timeout(limit):
            await asyncio.gather(*(check(k, home_id, n) for k, (home_id, n) in homes.items()))
    except TimeoutError:
        first = next(iter(waiting.values()))[0]
        said = "said online" if asker.hub(first).is_set() else "never said online"
        raise h.BenchError(f"{len(waiting)} of {len(homes)} homes' hubs did not list all their devices online "
                           f"within {limit:g} s (first: {first}, whose hub {said})") from None
    return {"directories_after_s": round(time.perf_counter() - started, 2),
            "hubs_online_after_s": round(max(0.0, asker.last_hub_at - started), 2)}


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
    the latency of each, the commands that failed by reason, and what the hub said to the first five not ok."""
    latencies: list[float] = []
    failed: dict[str, int] = {}
    said: list[str] = []

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
            if len(said) < 5:  # what the hub said, for the reader to see why
                said.append(f"{home_id}: {text!r} -> {reply.payload.reply!r}")

    started = time.perf_counter()
    tasks = []
    for n, (k, home_id, text) in enumerate(plan):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(k, home_id, text)))
    await asyncio.gather(*tasks)
    return {"commands": len(plan), "rate": rate, "seconds": round(time.perf_counter() - started, 1),
            **h.summary(latencies), "failed": failed, **({"not_ok_replies": said} if said else {})}
