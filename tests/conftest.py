"""Shared fixtures: the real embedded broker on an ephemeral loopback port, and a running stack."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from devices.categories import device_class
from devices.home import load_home
from devices.runner import DeviceRunner
from genie.app import Running, connector, run_stack
from hub.broker import EmbeddedBroker, load_config
from hub.clock import ManualClock
from hub.directory import DeviceRecord, Directory
from hub.security import Credentials
from tests.brokers import BrokerUnderTest, amqtt_broker, mosquitto_broker


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every `genie` process it starts) gets its own data directory."""
    path = tmp_path / "genie-data"
    monkeypatch.setenv("GENIE_DATA_DIR", str(path))
    monkeypatch.delenv("GENIE_BROKER", raising=False)
    return path


@pytest.fixture
async def broker() -> AsyncIterator[EmbeddedBroker]:
    """amqtt, embedded, on 127.0.0.1 with a port chosen by the OS."""
    embedded = EmbeddedBroker(load_config(None, host="127.0.0.1", port=0))
    await embedded.start()
    try:
        yield embedded
    finally:
        await embedded.stop()


EXTRA_DEVICE_IDS = ["newcomer", "rogue-plug", "hung-device"]
"""Device ids tests connect as by hand (Mosquitto needs them in its password file)."""


@pytest.fixture(params=["amqtt", "mosquitto"])
async def any_broker(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BrokerUnderTest]:
    """Each test using it runs twice: on the embedded amqtt broker and on Mosquitto, both secured."""
    credentials = Credentials.generate()
    if request.param == "amqtt":
        async with amqtt_broker(credentials) as running:
            yield running
    else:
        ids = [d.id for d in load_home().devices] + EXTRA_DEVICE_IDS
        async with mosquitto_broker(tmp_path / "mosquitto", credentials, ids) as running:
            yield running


@pytest.fixture
async def timed_stack(any_broker: BrokerUnderTest, tmp_path: Path) -> AsyncIterator[tuple[Running, ManualClock]]:
    """The demo home on a real, secured broker (amqtt, then Mosquitto), on a clock the test moves (a lockout's
    end without waiting)."""
    clock = ManualClock()
    async with run_stack(home=load_home(), broker_url=str(any_broker.url), credentials=any_broker.credentials,
                         db=tmp_path / "hub.db", clock=clock, ready_timeout=20) as running:
        yield running, clock


def aligenie_unlock(code: str, device_id: str = "front-door", token: str = "token") -> dict[str, Any]:
    """An AliGenie skill's Unlock request, as the gateway receives it."""
    return {"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "Unlock", "messageId": uuid.uuid4().hex,
                       "payLoadVersion": 1},
            "payload": {"accessToken": token, "deviceId": device_id, "value": code}}


@contextlib.asynccontextmanager
async def rogue_lock(broker: BrokerUnderTest, stack: Running, device_id: str, code: str) -> AsyncIterator[DeviceRunner]:
    """A lock with its own login under the front door's category, names and room, online in the hub."""
    front = next(c for c in load_home().device_configs() if c.id == "front-door")
    config = dataclasses.replace(front, id=device_id, code=code)
    runner = DeviceRunner(device_class(config.category)(config), connector(broker.url, broker.credentials))
    task = asyncio.create_task(runner.run(), name=f"device[{device_id}]")
    try:
        assert stack.hub is not None
        await wait_for(stack.hub.directory, lambda d: (r := d.get(device_id)) is not None and r.online, timeout=10)
        yield runner
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@pytest.fixture
async def stack(any_broker: BrokerUnderTest, tmp_path: Path) -> AsyncIterator[Running]:
    """Hub and the demo home's devices on a real, secured broker (amqtt, then Mosquitto), all online."""
    async with run_stack(home=load_home(), broker_url=str(any_broker.url), credentials=any_broker.credentials,
                         db=tmp_path / "hub.db", ready_timeout=20) as running:
        yield running


async def wait_for(directory: Directory, predicate: Callable[[Directory], bool], timeout: float = 5.0) -> None:
    """Await the moment ``predicate(directory)`` holds (woken by directory changes, never polled)."""
    done = asyncio.Event()

    def check(_record: DeviceRecord | None = None) -> None:
        if predicate(directory):
            done.set()

    directory.listeners.append(check)
    try:
        check()
        async with asyncio.timeout(timeout):
            await done.wait()
    finally:
        directory.listeners.remove(check)
