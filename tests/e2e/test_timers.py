"""A timer set over MQTT fires at the right simulated time and is announced over MQTT, on amqtt and Mosquitto."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from devices.home import load_home
from genie.app import Running, run_stack
from hub.client import announcements, list_automations, say
from hub.clock import ManualClock
from hub.protocol import AnnouncePayload
from hub.protocol.mqtt import BrokerURL
from hub.security import CLIENT_USER, LISTENER_USER
from tests.brokers import BrokerUnderTest

pytestmark = pytest.mark.e2e


@pytest.fixture
async def timed(any_broker: BrokerUnderTest, tmp_path: Path) -> AsyncIterator[tuple[Running, ManualClock]]:
    clock = ManualClock()
    async with run_stack(home=load_home(), broker_url=str(any_broker.url), credentials=any_broker.credentials,
                         db=tmp_path / "hub.db", ready_timeout=20, clock=clock) as running:
        yield running, clock


async def test_a_timer_fires_once_and_is_heard_by_a_listener(timed: tuple[Running, ManualClock],
                                                             any_broker: BrokerUnderTest) -> None:
    running, clock = timed
    url: BrokerURL = any_broker.as_user(CLIENT_USER)
    listening = asyncio.Event()
    heard: asyncio.Queue[AnnouncePayload] = asyncio.Queue()

    async def listen() -> None:
        # `genie listen` in one terminal, `genie say` in another: each has its own login
        async for said in announcements(any_broker.as_user(LISTENER_USER), listening=listening.set):
            heard.put_nowait(said)

    listener = asyncio.create_task(listen())
    try:
        async with asyncio.timeout(10):
            await listening.wait()
        result = await say(url, "打开台灯，然后十分钟后关闭台灯")
        # what comes before "then" is done now, what follows is timed
        assert result.ok and result.reply == "好的，台灯已打开。10分钟后关闭台灯。", result.reply
        lamp = next(r.device for r in running.runners if r.device.id == "desk-lamp")
        assert lamp.state["powerstate"] == "on"
        pending = await list_automations(url)
        assert [(t.text, t.repeat) for t in pending.timers] == [("关闭台灯", None)]
        await clock.advance(599)
        assert heard.empty()
        await clock.advance(1)
        async with asyncio.timeout(10):
            said = await heard.get()
        assert (said.source, said.text, said.ok) == ("timer", "定时任务：台灯已关闭。", True)
        assert lamp.state["powerstate"] == "off"
        assert (await list_automations(url)).timers == []
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
