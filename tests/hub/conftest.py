"""The demo home running on a MemoryBroker: one DeviceRunner per device and a Hub with a SQLite store.

Synchronisation is by events only: runners' ``online``, ``hub.ready``, and a Directory listener that
sets an asyncio.Event when a condition on the directory becomes true. Every task started is
cancelled and awaited at teardown.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import aclosing
from pathlib import Path
from typing import Any

import pytest

from devices.base import SimulatedDevice
from devices.categories import device_class
from devices.home import load_home
from devices.runner import DeviceRunner
from genie.homes import automations_of
from hub.clock import ManualClock
from hub.directory import DeviceRecord, Directory
from hub.protocol import DeviceTopic, HubRequest, Message, Topics, decode, encode
from hub.service import Hub
from hub.store import Store
from tests.fakes import MemoryBroker, MemoryConnection

SAFETY = 2.0
"""Upper bound on any wait for an event; a correct run never gets near it."""

TOPICS = Topics()
TIMEZONE = "Asia/Shanghai"
"""The demo home's hub runs in Shanghai time: the manual clock starts at 2026-01-01 08:00 there (a Thursday)."""


async def until(directory: Directory, predicate: Callable[[], bool], timeout: float = SAFETY) -> None:
    """Return once ``predicate()`` is true, re-checking on every directory change (no polling)."""
    event = asyncio.Event()

    def listener(_record: DeviceRecord) -> None:
        if predicate():
            event.set()

    directory.listeners.append(listener)
    try:
        if predicate():
            return
        async with asyncio.timeout(timeout):
            await event.wait()
    finally:
        directory.listeners.remove(listener)


def snapshot(directory: Directory) -> dict[str, tuple[bool, dict[str, Any], str]]:
    """Everything the directory holds, for before/after comparisons."""
    return {r.id: (r.online, dict(r.state), r.info.model_dump_json()) for r in directory.all()}


REPLY_WAIT = 1.0
"""Real seconds the hub waits for a device's answer over the in-memory bus: long enough that a device starved of
CPU (CI runs two workers and an install beside them) is not taken for offline, short enough for the tests of a
silent device."""


class DemoHome:
    """The running demo home: broker, devices, hub; helpers to talk to them."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.broker = MemoryBroker()
        self.clock = ManualClock()
        self.configs = {c.id: c for c in load_home().device_configs()}
        self.runners = {
            c.id: DeviceRunner(device_class(c.category)(c, clock=self.clock), self.broker.connect)
            for c in self.configs.values()
        }
        self.store = Store(db)
        self.automations = automations_of(load_home()).model_copy(update={"timezone": TIMEZONE})
        self.hub = self.new_hub(self.store)
        self.hub_task: asyncio.Task[None] | None = None
        self.tasks: list[asyncio.Task[Any]] = []
        self.stores: list[Store] = [self.store]

    def new_hub(self, store: Store) -> Hub:
        """A hub of this home on ``store``, on the home's manual clock (Asia/Shanghai time)."""
        return Hub(self.broker.connect, store=store, request_timeout=REPLY_WAIT, clock=self.clock,
                   automations=self.automations)

    def start(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self.tasks.append(task)
        return task

    async def up(self) -> None:
        for device_id, runner in self.runners.items():
            self.start(runner.run(), f"runner[{device_id}]")
        async with asyncio.timeout(SAFETY):
            await asyncio.gather(*(r.online.wait() for r in self.runners.values()))
        self.hub_task = self.start(self.hub.run(), "hub")
        async with asyncio.timeout(SAFETY):
            await self.hub.ready.wait()
        await self.all_online(self.hub)

    async def all_online(self, hub: Hub) -> None:
        ids = set(self.runners)
        await until(hub.directory, lambda: set(r.id for r in hub.directory.all() if r.online) >= ids)

    async def stop_hub(self) -> None:
        assert self.hub_task is not None
        self.hub_task.cancel()
        await asyncio.gather(self.hub_task, return_exceptions=True)

    async def down(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for store in self.stores:
            store.close()

    # ------------------------------------------------------------------ helpers
    def device(self, device_id: str) -> SimulatedDevice:
        return self.runners[device_id].device

    def state(self, device_id: str) -> dict[str, Any]:
        return dict(self.runners[device_id].device.state)

    def states(self) -> dict[str, dict[str, Any]]:
        return {device_id: self.state(device_id) for device_id in self.runners}

    def requests_to(self, device_id: str) -> int:
        """How many directives the hub has published to ``device_id`` so far."""
        topic = TOPICS.device(device_id, DeviceTopic.REQUEST)
        return sum(1 for _sender, t, _payload in self.broker.log if t == topic)

    async def offline(self, device_id: str) -> None:
        """Wait until the hub's directory marks ``device_id`` offline."""
        record = self.hub.directory.get(device_id)
        assert record is not None
        await until(self.hub.directory, lambda: not record.online)


@pytest.fixture
async def home(tmp_path: Path) -> AsyncIterator[DemoHome]:
    demo = DemoHome(tmp_path / "hub.db")
    try:
        await demo.up()
        yield demo
    finally:
        await demo.down()
    # Nothing the test started may outlive it (a few loop turns let cancelled children finish).
    for _ in range(5):
        await asyncio.sleep(0)
    leftover = [t.get_name() for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftover == []


class Client:
    """A bare MemoryConnection on the bus: publishes anything, hears its hub replies."""

    def __init__(self, conn: MemoryConnection) -> None:
        self.conn = conn
        self.client_id = conn.client_id

    async def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        await self.conn.publish(topic, payload, retain=retain)

    async def ask(self, request: HubRequest, *expected: type[Message]) -> Message:
        """Send ``request`` to the hub and return the decoded reply with the same messageId."""
        await self.conn.publish(TOPICS.command, encode(request))
        return await self.reply(request.header.message_id, *expected)

    async def next(self) -> bytes:
        """The payload of the next message on this client's reply topic."""
        async with asyncio.timeout(SAFETY), aclosing(self.conn.messages()) as messages:
            async for message in messages:
                assert message.topic == TOPICS.command_reply(self.client_id)
                return message.payload
        raise AssertionError("the connection ended without a reply")

    async def reply(self, message_id: str, *expected: type[Message]) -> Message:
        async with asyncio.timeout(SAFETY), aclosing(self.conn.messages()) as messages:
            async for message in messages:
                assert message.topic == TOPICS.command_reply(self.client_id)
                reply = decode(message.payload, *expected)
                if reply.header.message_id == message_id:
                    return reply
        raise AssertionError("the connection ended without a reply")


@pytest.fixture
async def client(home: DemoHome) -> AsyncIterator[Client]:
    async with home.broker.connect("tester") as conn:
        await conn.subscribe(TOPICS.command_reply("tester"))
        yield Client(conn)
