"""A conversation belongs to its channel, on the real broker (embedded amqtt, then Mosquitto): the genie-client
login cannot answer the dashboard's which-lock question by naming the dashboard's session, while `genie say`
follow-ups in a session of their own still work (issue 13, third red-team run, finding 2)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from devices.runner import DeviceRunner
from genie.app import Running
from hub.client import say
from hub.conversation import DEFAULT_SESSION
from hub.security import CLIENT_USER
from tests.brokers import BrokerUnderTest
from tests.conftest import rogue_lock

pytestmark = pytest.mark.e2e

ROGUE = "rogue-plug"  # a device id the Mosquitto password file knows (tests/conftest.py EXTRA_DEVICE_IDS)
CODE = "123456"


@pytest.fixture
async def rogue(any_broker: BrokerUnderTest, stack: Running) -> AsyncIterator[DeviceRunner]:
    """A lock with its own login under the front door's names, listed second (it registered last)."""
    async with rogue_lock(any_broker, stack, ROGUE, CODE) as runner:
        yield runner


async def test_a_text_client_cannot_answer_the_dashboards_question(
        any_broker: BrokerUnderTest, stack: Running, rogue: DeviceRunner) -> None:
    assert stack.hub is not None
    asked = await stack.hub.handle_text(f"打开门锁，密码是{CODE}")  # what the dashboard does
    assert not asked.ok and "哪一个" in asked.reply
    client = any_broker.as_user(CLIENT_USER)
    stolen = await say(client, "第二个", session=DEFAULT_SESSION, timeout=10)
    assert stolen.actions == [], stolen.reply
    assert rogue.device.state["lockstate"] == "locked"
    chosen = await stack.hub.handle_text("第一个")  # the dashboard's own answer still counts
    assert [(a.device, a.result) for a in chosen.actions] == [("front-door", "SUCCESS")], chosen.reply
    assert rogue.device.state["lockstate"] == "locked"


async def test_a_follow_up_in_a_text_clients_own_session_still_works(
        any_broker: BrokerUnderTest, stack: Running, rogue: DeviceRunner) -> None:
    client = any_broker.as_user(CLIENT_USER)
    asked = await say(client, f"打开门锁，密码是{CODE}", session="cli-owner", timeout=10)
    assert not asked.ok and "哪一个" in asked.reply
    chosen = await say(client, "第一个", session="cli-owner", timeout=10)
    assert [(a.device, a.result) for a in chosen.actions] == [("front-door", "SUCCESS")], chosen.reply
    assert rogue.device.state["lockstate"] == "locked"
