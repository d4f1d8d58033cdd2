"""The Node.js light of examples/node-light, written from docs/protocol.md alone, against the real hub.

It runs as a subprocess with its own device login on a secured broker (the embedded amqtt and Mosquitto);
text commands in zh, en and fr go through the hub, and direct requests test its answers. Skipped when
node or the example's node_modules is missing, unless GENIE_REQUIRE_NODE=1 (then a failure)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from genie.app import Running, run_stack
from hub.client import say
from hub.protocol.mqtt import MqttConnection
from hub.security import CLIENT_USER, Credentials
from tests.brokers import BrokerUnderTest, amqtt_broker, mosquitto_broker
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "node-light"
NODE = shutil.which("node")
LIGHT = "node-light"


def require_node() -> str:
    """The node binary, once the example's dependencies are installed; else skip (or fail in CI)."""
    missing = None
    if NODE is None:
        missing = "node is not installed (Node.js >= 18.3)"
    elif not (EXAMPLE / "node_modules" / "mqtt" / "package.json").exists():
        missing = f"the example's dependencies are not installed: npm ci --prefix {EXAMPLE}"
    if missing is not None:
        if os.environ.get("GENIE_REQUIRE_NODE") == "1":
            pytest.fail(f"GENIE_REQUIRE_NODE=1 but {missing}")
        pytest.skip(missing)
    assert NODE is not None
    return NODE


@pytest.fixture(params=["amqtt", "mosquitto"])
async def secured(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BrokerUnderTest]:
    """A secured broker that knows the node light's login (Mosquitto needs it in its password file)."""
    require_node()
    credentials = Credentials.generate()
    if request.param == "amqtt":
        async with amqtt_broker(credentials) as running:
            yield running
    else:
        async with mosquitto_broker(tmp_path / "mosquitto", credentials, [LIGHT]) as running:
            yield running


@pytest.fixture
async def hub(secured: BrokerUnderTest, tmp_path: Path) -> AsyncIterator[Running]:
    """The hub alone (no simulated devices) on that broker."""
    async with run_stack(home=None, broker_url=str(secured.url), credentials=secured.credentials,
                         db=tmp_path / "hub.db", ready_timeout=20) as running:
        yield running


class NodeLight:
    """The node light as a running process, its stderr kept for the failure messages."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.online = asyncio.Event()

    async def drain(self) -> None:
        assert self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            self.lines.append(text)
            if ": online as " in text:
                self.online.set()

    def log(self) -> str:
        return "\n".join(self.lines[-30:])


@contextlib.asynccontextmanager
async def node_light(broker: BrokerUnderTest, *args: str, password: str | None = None) -> AsyncIterator[NodeLight]:
    """``node light.js`` logged in as the device ``node-light``; killed and awaited on the way out."""
    node = require_node()
    assert broker.credentials is not None
    env = {**os.environ, "GENIE_BROKER": f"mqtt://{broker.url.host}:{broker.url.port}", "GENIE_DEVICE_ID": LIGHT,
           "GENIE_PASSWORD": password if password is not None else broker.credentials.password_for(LIGHT)}
    proc = await asyncio.create_subprocess_exec(node, str(EXAMPLE / "light.js"), *args, env=env,
                                                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.PIPE)
    light = NodeLight(proc)
    drain = asyncio.create_task(light.drain())
    try:
        yield light
    finally:
        if proc.returncode is None:
            proc.kill()
        async with asyncio.timeout(10):
            await proc.wait()
            await drain


async def online_in(running: Running, light: NodeLight, timeout: float = 15) -> None:
    """Await the hub's directory holding the node light online."""
    assert running.hub is not None
    try:
        await wait_for(running.hub.directory, lambda d: (r := d.get(LIGHT)) is not None and r.online, timeout=timeout)
    except TimeoutError:
        pytest.fail(f"the node light never came online in the hub; its log:\n{light.log()}")


def hub_state(running: Running) -> dict[str, Any]:
    assert running.hub is not None
    record = running.hub.directory.get(LIGHT)
    assert record is not None
    return dict(record.state)


async def test_the_hub_drives_the_node_light_in_zh_en_and_fr(secured: BrokerUnderTest, hub: Running) -> None:
    client = secured.as_user(CLIENT_USER)
    async with node_light(secured) as light:
        await online_in(hub, light)
        record = hub.hub.directory.get(LIGHT)  # type: ignore[union-attr]
        assert record is not None and record.category == "light"

        on = await say(client, "打开节点灯", timeout=5)
        assert on.ok, on.reply
        assert [(a.device, a.action, a.result) for a in on.actions] == [(LIGHT, "TurnOn", "SUCCESS")]
        assert "好的" in on.reply
        assert hub_state(hub)["powerstate"] == "on"

        dim = await say(client, "set the node light to 30%", timeout=5)
        assert dim.ok, dim.reply
        assert dim.lang == "en" and "30%" in dim.reply
        assert hub_state(hub)["brightness"] == 30

        fr = await say(client, "mets la lampe node à 55 %", timeout=5)
        assert fr.ok, fr.reply
        assert fr.lang == "fr" and "55" in fr.reply
        assert hub_state(hub)["brightness"] == 55

        asked = await say(client, "is the node light on?", timeout=5)
        assert asked.ok and "on" in asked.reply.lower(), asked.reply
        off = await say(client, "关掉节点灯", timeout=5)
        assert off.ok, off.reply
        assert hub_state(hub)["powerstate"] == "off"
        assert light.proc.returncode is None, light.log()


async def test_a_killed_node_light_is_offline_in_the_hub(secured: BrokerUnderTest, hub: Running) -> None:
    client = secured.as_user(CLIENT_USER)
    async with node_light(secured) as light:
        await online_in(hub, light)
        light.proc.kill()
        await wait_for(hub.hub.directory, lambda d: not d.get(LIGHT).online, timeout=10)  # type: ignore[union-attr]
    result = await say(client, "turn on the node light", timeout=5)
    assert not result.ok
    assert [a.result for a in result.actions] == ["IOT_DEVICE_OFFLINE"]
