"""Shared fixtures: the real embedded broker on an ephemeral loopback port, and a running stack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from devices.home import load_home
from genie.app import Running, run_stack
from hub.broker import EmbeddedBroker, load_config
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
