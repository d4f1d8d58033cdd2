"""Running the Node.js light of examples/node-light in tests: the process, its login, a test client that
talks to it directly, and the skip (or, with GENIE_REQUIRE_NODE=1, the failure) when node or its
dependencies are missing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from genie.app import Running
from hub.protocol.mqtt import MqttConnection
from tests.brokers import BrokerUnderTest
from tests.conftest import wait_for

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
    secret = password if password is not None else broker.credentials.password_for(LIGHT)
    assert secret is not None
    env = {**os.environ, "GENIE_BROKER": f"mqtt://{broker.url.host}:{broker.url.port}", "GENIE_DEVICE_ID": LIGHT,
           "GENIE_PASSWORD": secret}
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


KINDS = ("register", "status", "state", "report", "reply")


class Observer:
    """A test client with every right (the hub's login under an id of its own): sends requests to the light
    and sees what it publishes."""

    def __init__(self, connection: MqttConnection) -> None:
        self.connection = connection
        self.inbox: dict[str, asyncio.Queue[tuple[dict[str, Any], bool]]] = {
            kind: asyncio.Queue() for kind in KINDS}

    async def read(self) -> None:
        async for message in self.connection.messages():
            if message.payload:
                kind = message.topic.rsplit("/", 1)[-1]
                self.inbox[kind].put_nowait((json.loads(message.payload), message.retain))

    async def next(self, kind: str, timeout: float = 5) -> tuple[dict[str, Any], bool]:
        """The next message (and its retain flag) the light published on its ``kind`` topic."""
        async with asyncio.timeout(timeout):
            return await self.inbox[kind].get()

    def forget(self) -> None:
        """Drop every message received so far."""
        for queue in self.inbox.values():
            while not queue.empty():
                queue.get_nowait()

    async def send(self, payload: bytes | dict[str, Any]) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        await self.connection.publish(f"genie/dev/{LIGHT}/request", data)

    async def ask(self, name: str, value: object = None, *, query: bool = False,
                  device_id: str = LIGHT) -> dict[str, Any]:
        """Send one request; return the reply that copies its messageId."""
        message_id = uuid.uuid4().hex
        namespace = "AliGenie.Iot.Device.Query" if query else "AliGenie.Iot.Device.Control"
        payload: dict[str, Any] = {"deviceId": device_id, "deviceType": "light", "extensions": {}}
        if value is not None:
            payload["value"] = value
        await self.send({"header": {"namespace": namespace, "name": name, "messageId": message_id,
                                    "payLoadVersion": 1}, "payload": payload})
        reply, retained = await self.next("reply")
        assert not retained
        assert reply["header"]["messageId"] == message_id, reply
        assert reply["header"]["namespace"] == namespace, reply
        return reply


@contextlib.asynccontextmanager
async def observer(broker: BrokerUnderTest) -> AsyncIterator[Observer]:
    url, client_id = broker.observer()
    async with MqttConnection(url, client_id) as connection:
        watcher = Observer(connection)
        await connection.subscribe(*(f"genie/dev/{LIGHT}/{kind}" for kind in KINDS))
        reader = asyncio.create_task(watcher.read())
        try:
            yield watcher
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)


def values(reply: dict[str, Any]) -> dict[str, Any]:
    assert reply["header"]["name"] != "ErrorResponse", reply
    return {p["name"]: p["value"] for p in reply["payload"]["properties"]}


def error(reply: dict[str, Any]) -> tuple[str, str]:
    assert reply["header"]["name"] == "ErrorResponse", reply
    assert reply["payload"]["deviceId"] == LIGHT
    return reply["payload"]["errorCode"], reply["payload"]["message"]
