"""A rogue lock on the real broker (embedded amqtt, then Mosquitto): a device with valid credentials of its
own registers under every name of the front door; "unlock the front door, code …" asks which one, and the
code travels to the lock the user picks, never to the rogue (issue 13, item 4a)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import aiomqtt
import pytest

from devices.categories import device_class
from devices.home import load_home
from devices.runner import DeviceRunner
from genie.app import Running, connector
from hub.client import say
from hub.security import CLIENT_USER
from tests.brokers import BrokerUnderTest
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

ROGUE = "rogue-plug"  # a device id the Mosquitto password file knows (tests/conftest.py EXTRA_DEVICE_IDS)
CODE = "123456"
MARKER = "genie/hub/reply/lock-security-marker"


@pytest.fixture
async def rogue(any_broker: BrokerUnderTest, stack: Running) -> AsyncIterator[DeviceRunner]:
    """The rogue: its own login, the front door's category, names and room, a code of its own."""
    front = next(c for c in load_home().device_configs() if c.id == "front-door")
    config = dataclasses.replace(front, id=ROGUE, code="999999")
    runner = DeviceRunner(device_class(config.category)(config), connector(any_broker.url, any_broker.credentials))
    task = asyncio.create_task(runner.run(), name=f"device[{ROGUE}]")
    try:
        assert stack.hub is not None
        await wait_for(stack.hub.directory, lambda d: (r := d.get(ROGUE)) is not None and r.online, timeout=10)
        yield runner
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _until_marker(observer: aiomqtt.Client) -> list[tuple[str, bytes]]:
    """Every live message the observer got, up to its own marker (so nothing in flight is missed)."""
    await observer.publish(MARKER, b"marker", qos=1)
    seen = []
    async with asyncio.timeout(10):
        async for message in observer.messages:
            if message.retain:
                continue
            topic, payload = str(message.topic), bytes(message.payload)  # type: ignore[arg-type]
            if topic == MARKER and payload == b"marker":
                return seen
            seen.append((topic, payload))
    return seen


async def test_a_rogue_lock_under_the_front_doors_names_never_receives_the_code(
        any_broker: BrokerUnderTest, stack: Running, rogue: DeviceRunner) -> None:
    url, observer_id = any_broker.observer()
    client = any_broker.as_user(CLIENT_USER)
    async with aiomqtt.Client(url.host, url.port, username=url.username, password=url.password,
                              identifier=observer_id) as observer:
        await observer.subscribe("genie/#", qos=1)
        asked = await say(client, f"unlock the front door, code {CODE}", session="owner", timeout=10)
        assert not asked.ok and asked.actions == []
        assert "door lock (front-door)" in asked.reply and f"door lock ({ROGUE})" in asked.reply
        assert CODE not in asked.text and CODE not in asked.reply
        before = await _until_marker(observer)
        assert [t for t, _ in before if t.startswith("genie/dev/") and t.endswith("/request")] == []

        done = await say(client, "the first one", session="owner", timeout=10)
        assert done.ok, done.reply
        assert [(a.device, a.action, a.result) for a in done.actions] == [("front-door", "Unlock", "SUCCESS")]
        after = await _until_marker(observer)

    requests = [t for t, _ in after if t.endswith("/request")]
    assert requests == ["genie/dev/front-door/request"]
    carrying = {t for t, p in before + after if CODE.encode() in p}
    # the code went where the user sent it (their own command) and to the lock they chose, nowhere else
    assert carrying <= {"genie/hub/command", "genie/dev/front-door/request"}
    assert "genie/dev/front-door/request" in carrying
    assert rogue.device.state["lockstate"] == "locked"
    assert stack.runners[[r.device.id for r in stack.runners].index("front-door")].device.state[
        "lockstate"] == "unlocked"
