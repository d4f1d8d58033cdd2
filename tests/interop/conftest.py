"""Fixtures of the interop tests: the demo home's registrations, and the demo home running on the product's
own secured embedded broker (``hub.broker.GenieBroker`` with ``hub.security``'s credentials and ACL, which
know the interop users Home Assistant and Hermes) with the Home Assistant bridge and Hermes NLU on the hub.

Synchronisation is by events only (runner ``online``, ``hub.ready``, directory listeners, awaited MQTT
messages); every task is cancelled and awaited at teardown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from devices.categories import device_class
from devices.home import load_home
from devices.runner import DeviceRunner
from genie.app import connector
from hub.clock import RealClock
from hub.directory import Directory
from hub.interop.hermes import HermesNlu
from hub.interop.homeassistant import HomeAssistantBridge
from hub.protocol import DeviceInfo
from hub.security import Credentials
from hub.service import Hub
from hub.store import Store
from tests.brokers import BrokerUnderTest, amqtt_broker
from tests.conftest import wait_for

SAFETY = 20.0
"""Upper bound on any wait for an event; a correct run never gets near it."""

@pytest.fixture
def demo_infos() -> dict[str, DeviceInfo]:
    """Every demo device's registration, by id (built offline, as each device would publish it)."""
    return {c.id: device_class(c.category)(c).info() for c in load_home().device_configs()}


@pytest.fixture
def demo_states() -> dict[str, dict[str, Any]]:
    """Every demo device's initial state, by id."""
    return {c.id: dict(device_class(c.category)(c).state) for c in load_home().device_configs()}


@dataclass
class InteropHome:
    """The running home and its interop extensions."""

    broker: BrokerUnderTest
    hub: Hub
    bridge: HomeAssistantBridge
    hermes: HermesNlu
    runners: dict[str, DeviceRunner]
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def client(self, user: str, client_id: str) -> aiomqtt.Client:
        """An MQTT client logged in as ``user`` (a neighbour, or the hub user for an observer)."""
        assert self.broker.credentials is not None
        url = self.broker.url
        return aiomqtt.Client(url.host, url.port, username=user, identifier=client_id,
                              password=self.broker.credentials.password_for(user))

    def state(self, device_id: str) -> dict[str, Any]:
        return dict(self.runners[device_id].device.state)

    async def until(self, predicate: Callable[[Directory], bool]) -> None:
        await wait_for(self.hub.directory, predicate, timeout=SAFETY)

    async def stop_device(self, device_id: str) -> None:
        """Stop one device cleanly (it says Offline) and wait until the hub knows."""
        task = self.tasks.pop(device_id)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await self.until(lambda d: not d.get(device_id).online)  # type: ignore[union-attr]


@pytest.fixture
async def interop_home(tmp_path: Path) -> AsyncIterator[InteropHome]:
    credentials = Credentials.generate()
    async with amqtt_broker(credentials) as broker:
        connect = connector(broker.url, credentials)
        store = Store(tmp_path / "hub.db")
        the_hub = Hub(connect, store=store)
        bridge, hermes = HomeAssistantBridge(the_hub), HermesNlu(the_hub)
        the_hub.extensions += [bridge, hermes]
        runners = {c.id: DeviceRunner(device_class(c.category)(c, clock=RealClock()), connect)
                   for c in load_home().device_configs()}
        home = InteropHome(broker, the_hub, bridge, hermes, runners)
        hub_task = asyncio.create_task(the_hub.run(), name="hub")
        try:
            async with asyncio.timeout(SAFETY):
                await the_hub.ready.wait()
            home.tasks = {i: asyncio.create_task(r.run(), name=f"device[{i}]") for i, r in runners.items()}
            async with asyncio.timeout(SAFETY):
                await asyncio.gather(*(r.online.wait() for r in runners.values()))
            await home.until(lambda d: all((r := d.get(i)) is not None and r.online for i in runners))
            await bridge.idle()
            yield home
        finally:
            for task in home.tasks.values():  # devices first, then the hub
                task.cancel()
            await asyncio.gather(*home.tasks.values(), return_exceptions=True)
            hub_task.cancel()
            await asyncio.gather(hub_task, return_exceptions=True)
            await bridge.aclose()
            await hermes.aclose()
            store.close()


async def next_message(client: aiomqtt.Client, predicate: Callable[[aiomqtt.Message], bool],
                       timeout: float = SAFETY) -> aiomqtt.Message:
    """The next message ``client`` receives that satisfies ``predicate``."""
    async with asyncio.timeout(timeout):
        async for message in client.messages:
            if predicate(message):
                return message
    raise AssertionError("the connection ended first")


async def collect(client: aiomqtt.Client, predicate: Callable[[aiomqtt.Message], bool], count: int,
                  timeout: float = SAFETY) -> dict[str, bytes]:
    """Topic -> payload of messages satisfying ``predicate`` until ``count`` distinct topics were seen."""
    seen: dict[str, bytes] = {}
    async with asyncio.timeout(timeout):
        async for message in client.messages:
            if predicate(message):
                seen[str(message.topic)] = bytes(message.payload)  # type: ignore[arg-type]
                if len(seen) >= count:
                    return seen
    raise AssertionError(f"the connection ended after {len(seen)} of {count}")


def body(message: aiomqtt.Message) -> Any:
    return json.loads(bytes(message.payload))  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def subscribed(client: aiomqtt.Client, *filters: str) -> AsyncIterator[aiomqtt.Client]:
    async with client:
        for topic_filter in filters:
            await client.subscribe(topic_filter, qos=1)
        yield client
