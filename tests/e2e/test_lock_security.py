"""A rogue lock on the real broker (embedded amqtt, then Mosquitto): a device with valid credentials of its
own registers under every name of the front door; "unlock the front door, code …" asks which one, and the
code travels to the lock the user picks, never to the rogue (issue 13, item 4a)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiomqtt
import pytest

from devices.runner import DeviceRunner
from genie.app import Running
from hub.client import say
from hub.clock import ManualClock
from hub.interop.aligenie import AliGenieGateway
from hub.lockout import FIRST_WAIT, FREE_TRIES
from hub.protocol import ErrorCode, ErrorResponse, Request
from hub.security import CLIENT_USER
from tests.brokers import BrokerUnderTest
from tests.conftest import aligenie_unlock, rogue_lock

pytestmark = pytest.mark.e2e

ROGUE = "rogue-plug"  # a device id the Mosquitto password file knows (tests/conftest.py EXTRA_DEVICE_IDS)
CODE = "123456"
MARKER = "genie/hub/reply/lock-security-marker"


@pytest.fixture
async def rogue(any_broker: BrokerUnderTest, stack: Running) -> AsyncIterator[DeviceRunner]:
    """The rogue: its own login, the front door's category, names and room, a code of its own."""
    async with rogue_lock(any_broker, stack, ROGUE, "999999") as runner:
        yield runner


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
        assert "door lock (front-door" in asked.reply and f"door lock ({ROGUE}, new" in asked.reply
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


async def test_wrong_codes_lock_the_door_out_on_every_channel_until_the_wait_is_over(
        any_broker: BrokerUnderTest, timed_stack: tuple[Running, ManualClock]) -> None:
    running, clock = timed_stack
    hub = running.hub
    assert hub is not None
    directives: list[bytes] = []
    hub.taps.append(lambda t, p, d: directives.append(p) if t == "genie/dev/front-door/request" else None)
    gateway = AliGenieGateway(hub, "token")
    client = any_broker.as_user(CLIENT_USER)
    wrong = await asyncio.gather(*(gateway.handle(aligenie_unlock(f"{n:06d}")) for n in range(10)))
    assert [w["payload"]["errorCode"] for w in wrong] == ["INVALIDATE_PARAMS"] * 10
    assert len(directives) == FREE_TRIES  # the other five never left the hub

    spoken = await say(client, f"unlock the front door, code {CODE}", timeout=10)
    assert spoken.reply == "Too many wrong codes: the door lock will not unlock for now; try again in 30 seconds."
    assert "try again in 30 s" in (await gateway.handle(aligenie_unlock(CODE)))["payload"]["message"]
    assert len(directives) == FREE_TRIES

    await clock.advance(FIRST_WAIT)
    assert (await say(client, f"unlock the front door, code {CODE}", timeout=10)).ok
    assert len(directives) == FREE_TRIES + 1


async def test_the_code_said_over_the_broker_is_starred_in_the_log_the_reply_and_the_taps(
        any_broker: BrokerUnderTest, stack: Running) -> None:
    hub = stack.hub
    assert hub is not None and hub.store is not None
    tapped: list[bytes] = []
    hub.taps.append(lambda _t, payload, _d: tapped.append(payload))
    result = await say(any_broker.as_user(CLIENT_USER), f"打开门锁，密码是{CODE}", timeout=10)
    assert result.ok, result.reply
    assert result.text == "打开门锁，密码是******"
    assert hub.store.commands()[-1].text == "打开门锁，密码是******"
    assert any(b'"Unlock"' in p for p in tapped) and any(b"TextCommand" in p for p in tapped)
    assert not [p for p in tapped if CODE.encode() in p]


async def test_a_directive_in_flight_to_a_device_that_drops_off_answers_offline_at_once(stack: Running) -> None:
    hub = stack.hub
    assert hub is not None
    hub.request_timeout = 60.0  # the answer must come from the last will, not from a timeout
    tv = next(r for r in stack.runners if r.device.id == "tv")
    tv.device.fault = "offline"  # hears the directive, never answers
    request = Request.control("tv", "TurnOn", "powerstate", "on", "television")
    published = asyncio.Event()
    hub.taps.append(lambda _t, p, _d: published.set() if request.header.message_id.encode() in p else None)
    sent = asyncio.create_task(hub.send(request))
    try:
        async with asyncio.timeout(10):
            await published.wait()
        await tv.crash()  # the socket drops without DISCONNECT: the broker publishes the tv's last will
        async with asyncio.timeout(10):
            response = await sent
    finally:
        sent.cancel()
        await asyncio.gather(sent, return_exceptions=True)
    assert isinstance(response, ErrorResponse)
    assert response.payload.error_code == ErrorCode.IOT_DEVICE_OFFLINE
