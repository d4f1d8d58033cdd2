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


@pytest.fixture
async def stack(broker: EmbeddedBroker, tmp_path: Path) -> AsyncIterator[Running]:
    """Hub and the demo home's devices on the real broker, all online."""
    async with run_stack(home=load_home(), broker_url=broker.url, db=tmp_path / "hub.db",
                         ready_timeout=20) as running:
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
