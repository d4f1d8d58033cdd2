"""Composition root: wires broker, hub and devices together (``genie up`` and the tests)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from devices.categories import device_class
from devices.clock import Clock, RealClock
from devices.home import Home
from devices.runner import DeviceRunner
from hub.broker import EmbeddedBroker, default_config_path, load_config
from hub.protocol import Topics
from hub.protocol.mqtt import BrokerURL, MqttConnection, Will
from hub.service import Hub
from hub.store import Store


def default_db_path() -> Path:
    """The hub's database in the user's data directory."""
    return Path(platformdirs.user_data_dir("genie-sim")) / "hub.db"


def connector(url: BrokerURL, keepalive: int = 30):
    """A factory of real MQTT connections to ``url``."""

    def connect(client_id: str, will: Will | None) -> MqttConnection:
        return MqttConnection(url, client_id, will=will, keepalive=keepalive)

    return connect


@dataclass
class Running:
    """What ``run_stack`` started, for whoever needs to talk about it."""

    broker_url: BrokerURL
    embedded: EmbeddedBroker | None
    hub: Hub | None
    runners: list[DeviceRunner] = field(default_factory=list)
    ready_seconds: float = 0.0


async def _wait_directory(hub: Hub, ids: set[str], timeout: float) -> None:
    """Wait until the hub's directory holds every device in ``ids`` as online."""
    complete = asyncio.Event()

    def check(_record: object = None) -> None:
        if all((r := hub.directory.get(i)) is not None and r.online for i in ids):
            complete.set()

    hub.directory.listeners.append(check)
    try:
        check()
        async with asyncio.timeout(timeout):
            await complete.wait()
    finally:
        hub.directory.listeners.remove(check)


@contextlib.asynccontextmanager
async def run_stack(
    *,
    home: Home | None,
    broker_url: str | None = None,
    broker_config: Path | None = None,
    host: str | None = None,
    port: int | None = None,
    db: Path | str | None = None,
    run_hub: bool = True,
    clock: Clock | None = None,
    topics: Topics | None = None,
    ready_timeout: float = 30.0,
) -> AsyncIterator[Running]:
    """Start (embedded broker unless ``broker_url``), hub and the home's devices; stop all on exit."""
    started = time.perf_counter()
    topics = topics or Topics()
    embedded: EmbeddedBroker | None = None
    async with contextlib.AsyncExitStack() as stack:
        if broker_url is None:
            config = load_config(broker_config or default_config_path(), host=host, port=port)
            embedded = EmbeddedBroker(config)
            await embedded.start()
            stack.push_async_callback(embedded.stop)
            url = BrokerURL.parse(embedded.url)
        else:
            url = BrokerURL.from_env(broker_url)
        connect = connector(url)
        store: Store | None = None
        if run_hub:
            store = Store(db if db is not None else default_db_path())
            stack.callback(store.close)  # runs after the tasks below have stopped
        tasks: list[asyncio.Task[None]] = []

        async def stop_tasks() -> None:
            for task in reversed(tasks):  # devices first, then the hub
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

        stack.push_async_callback(stop_tasks)
        hub: Hub | None = None
        if store is not None:
            hub = Hub(connect, store=store, topics=topics)
            tasks.append(asyncio.create_task(hub.run(), name="hub"))
            waiter = asyncio.create_task(hub.ready.wait())
            done, _ = await asyncio.wait({waiter, tasks[0]}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED)
            if tasks[0] in done:
                waiter.cancel()
                tasks[0].result()  # raises the hub's connection error
            if waiter not in done:
                waiter.cancel()
                raise TimeoutError(f"the hub did not connect to {url} within {ready_timeout:g}s")
        runners: list[DeviceRunner] = []
        if home is not None:
            clock = clock or RealClock()
            for config in home.device_configs():
                runner = DeviceRunner(device_class(config.category)(config, clock=clock), connect, topics)
                runners.append(runner)
                tasks.append(asyncio.create_task(runner.run(), name=f"device[{config.id}]"))
            async with asyncio.timeout(ready_timeout):
                await asyncio.gather(*(r.online.wait() for r in runners))
            if hub is not None:
                await _wait_directory(hub, {r.device.id for r in runners}, ready_timeout)
        yield Running(url, embedded, hub, runners, time.perf_counter() - started)
