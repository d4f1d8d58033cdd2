"""Devices the certify tests run against certify's broker, in the test's own event loop, and their clean-up."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from devices.categories import CATEGORIES
from devices.config import DeviceConfig
from devices.runner import Connector, DeviceRunner
from genie.certify.model import Connect
from hub.protocol.mqtt import BrokerURL, Connection, MqttConnection, Will


def login(url: BrokerURL | str, username: str, password: str) -> Connector:
    """Connections to ``url`` as ``username`` (the device's login)."""
    where = BrokerURL.parse(url) if isinstance(url, str) else url
    at = BrokerURL(where.host, where.port, username, password)

    def session(client_id: str, will: Will | None) -> Connection:
        return MqttConnection(at, client_id, will=will)  # type: ignore[return-value]
    return session


def builtin(device_id: str, category: str = "light") -> Callable[[Connector], DeviceRunner]:
    """A built-in device of ``category``, to be connected by a connector."""
    return lambda connect: DeviceRunner(CATEGORIES[category](DeviceConfig(id=device_id, category=category)), connect)


class Devices:
    """Runners started by the tests; ``stop`` stops and awaits them all."""

    def __init__(self) -> None:
        self.running: list[tuple[DeviceRunner, asyncio.Task[None]]] = []

    def start(self, runner: DeviceRunner) -> DeviceRunner:
        """Run ``runner`` until ``stop``."""
        self.running.append((runner, asyncio.create_task(runner.run())))
        return runner

    def ready(self, make: Callable[[Connector], DeviceRunner]) -> Callable[[Connect | None], Awaitable[int | None]]:
        """A ``ready`` callback for ``certify``: starts the device with the login certify gives."""
        async def ready(connect: Connect | None) -> int | None:
            assert connect is not None
            self.start(make(login(connect.url, connect.username, connect.password)))
            return None
        return ready

    async def stop(self) -> None:
        """Stop every runner and wait for it."""
        for runner, task in self.running:
            runner.stop()
            task.cancel()
        for _runner, task in self.running:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                async with asyncio.timeout(10):
                    await task


@contextlib.asynccontextmanager
async def devices() -> AsyncIterator[Devices]:
    """Runners cleaned up at the end, whatever happened."""
    started = Devices()
    try:
        yield started
    finally:
        await started.stop()
