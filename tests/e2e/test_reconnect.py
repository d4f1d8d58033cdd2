"""Broker restarts: hub and devices reconnect, resubscribe, re-announce; nothing hangs meanwhile."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from devices.home import load_home
from genie.app import run_stack
from hub.broker import EmbeddedBroker, load_config
from hub.client import say
from hub.protocol.mqtt import BrokerURL
from hub.security import CLIENT_USER, Credentials
from hub.service import Hub
from tests.brokers import mosquitto_broker
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e


async def wait_connections(hub: Hub, count: int, *, connected: bool, timeout: float = 15) -> None:
    async with asyncio.timeout(timeout), hub.connection_changed:
        await hub.connection_changed.wait_for(lambda: hub.connections >= count and hub.connected == connected)


async def _restart_scenario(stop, start, url: BrokerURL, creds: Credentials, db: Path) -> None:
    async with run_stack(home=load_home(), broker_url=str(url), credentials=creds, db=db, ready_timeout=20) as running:
        hub = running.hub
        assert hub is not None
        client = BrokerURL(url.host, url.port, CLIENT_USER, creds.client_password)
        assert (await say(client, "打开台灯", timeout=5)).ok

        await stop()
        await wait_connections(hub, 1, connected=False)
        # A command while the broker is down: a clear answer at once, no hang.
        result = await asyncio.wait_for(hub.handle_text("turn off the desk lamp"), timeout=2)
        assert not result.ok and "not connected" in result.reply

        await start()
        await wait_connections(hub, 2, connected=True)
        await wait_for(hub.directory, lambda d: all(r.online for r in d.all()), timeout=15)
        assert len(hub.directory) == len(running.runners)
        # The directory may show them online from retained statuses (Mosquitto keeps them over a restart) while
        # a device still waits out its backoff: wait for every device's own session.
        async with asyncio.timeout(15):
            await asyncio.gather(*(r.online.wait() for r in running.runners))
        assert all(r.connections >= 2 for r in running.runners), [(r.device.id, r.connections) for r in running.runners]
        result = await say(client, "turn off the desk lamp", timeout=5)
        assert result.ok, result.reply
        lamp = next(r.device for r in running.runners if r.device.id == "desk-lamp")
        assert lamp.state["powerstate"] == "off"
        # State learnt before the outage survived it, and state after it is fresh.
        assert hub.directory.get("desk-lamp").state["powerstate"] == "off"  # type: ignore[union-attr]


async def test_everything_reconnects_after_the_embedded_broker_restarts(tmp_path: Path) -> None:
    creds = Credentials.generate()
    config = load_config(None, host="127.0.0.1", port=0)
    broker = EmbeddedBroker(config, credentials=creds)
    await broker.start()
    port = broker.port
    holder = {"broker": broker}

    async def stop() -> None:
        await holder["broker"].stop()

    async def start() -> None:
        holder["broker"] = EmbeddedBroker(load_config(None, host="127.0.0.1", port=port), credentials=creds)
        await holder["broker"].start()

    try:
        await _restart_scenario(stop, start, BrokerURL("127.0.0.1", port), creds, tmp_path / "hub.db")
    finally:
        await holder["broker"].stop()


async def test_everything_reconnects_after_mosquitto_restarts(tmp_path: Path) -> None:
    creds = Credentials.generate()
    ids = [d.id for d in load_home().devices]
    outer = mosquitto_broker(tmp_path / "mq", creds, ids)
    first = await outer.__aenter__()
    state = {"cm": outer}

    async def stop() -> None:
        await state["cm"].__aexit__(None, None, None)

    async def start() -> None:
        cm = mosquitto_broker(tmp_path / "mq", creds, ids, port=first.url.port)
        await cm.__aenter__()
        state["cm"] = cm

    try:
        await _restart_scenario(stop, start, first.url, creds, tmp_path / "hub.db")
    finally:
        await state["cm"].__aexit__(None, None, None)
