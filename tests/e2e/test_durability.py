"""`kill -9` of the hub loses no acknowledged command and no registration; a restart restores all."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from devices.home import load_home
from genie.app import run_stack
from hub.client import list_devices, say
from hub.protocol.mqtt import BrokerURL
from hub.security import CLIENT_USER, Credentials
from hub.store import Store
from tests.brokers import amqtt_broker

pytestmark = pytest.mark.e2e

COMMANDS = ["打开台灯", "turn on the floor lamp", "allume la lumière du salon", "把卧室空调调到二十四度",
            "set the desk lamp to 30%", "éteins la télé", "打开电视", "set the tv volume to 35",
            "关掉厨房开关", "turn on the kitchen plug", "打开卧室灯", "set the bedroom light to 40%"]


async def start_hub(url: BrokerURL, db: Path) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "genie", "hub", "--broker", f"mqtt://{url.host}:{url.port}", "--db", str(db),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=dict(os.environ),
    )
    async with asyncio.timeout(20):
        line = await proc.stdout.readline()  # type: ignore[union-attr]
    assert b"hub connected" in line, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
    return proc


async def kill9(proc: asyncio.subprocess.Process) -> None:
    proc.send_signal(signal.SIGKILL)
    assert await proc.wait() == -signal.SIGKILL


async def directory_complete(client: BrokerURL, count: int) -> None:
    """Ask the hub for its directory until every device is there and online (bounded)."""
    for _ in range(100):
        devices = await list_devices(client, timeout=5)
        if len(devices) == count and all(d.online for d in devices):
            return
    pytest.fail("the hub's directory never became complete")


@pytest.fixture
async def home(_private_data_dir: Path, tmp_path: Path) -> AsyncIterator[tuple[BrokerURL, int]]:
    credentials = Credentials.generate()
    credentials.save(_private_data_dir / "credentials.json")
    async with amqtt_broker(credentials) as broker, run_stack(
        home=load_home(), broker_url=str(broker.url), credentials=credentials, run_hub=False, db=tmp_path / "x"
    ) as running:
        client = BrokerURL(broker.url.host, broker.url.port, CLIENT_USER, credentials.client_password)
        yield client, len(running.runners)


@pytest.mark.parametrize("kill_after", [1, 5, len(COMMANDS)])
async def test_kill_9_loses_no_acknowledged_command_and_no_registration(
    home: tuple[BrokerURL, int], tmp_path: Path, kill_after: int
) -> None:
    client, count = home
    db = tmp_path / "hub.db"
    hub = await start_hub(client, db)
    try:
        await directory_complete(client, count)
        acknowledged = []
        for text in COMMANDS[:kill_after]:
            result = await say(client, text, timeout=5)
            assert result.ok, result.reply
            acknowledged.append(result)
        if kill_after < len(COMMANDS):
            pending = asyncio.create_task(say(client, COMMANDS[kill_after], timeout=5))
            await asyncio.sleep(0)  # the next command is on its way when the hub dies
        await kill9(hub)
        if kill_after < len(COMMANDS):
            pending.cancel()
            await asyncio.gather(pending, return_exceptions=True)
    finally:
        if hub.returncode is None:
            await kill9(hub)

    store = Store(db)
    try:
        logged = store.commands(limit=1000)
        assert logged[: len(acknowledged)] == acknowledged  # every reply the user saw, in order
        records = {r.id: r for r in store.load()}
    finally:
        store.close()
    assert len(records) == count  # every registration
    assert records["desk-lamp"].state["powerstate"] == "on"

    hub = await start_hub(client, db)  # a restart restores everything and the devices come back
    try:
        await directory_complete(client, count)
        devices = {d.id: d for d in await list_devices(client, timeout=5)}
        assert devices["desk-lamp"].state["powerstate"] == "on"
        result = await say(client, "关闭台灯", timeout=5)
        assert result.ok
    finally:
        hub.send_signal(signal.SIGTERM)
        async with asyncio.timeout(10):
            assert await hub.wait() == 0
