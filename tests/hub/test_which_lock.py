"""The which-lock question can only be answered for the lock the owner means, on the in-memory bus through the
hub's own code: an ordinal answer is read as an ordinal even when a rogue's id is one of its words, a device that
re-registers as another kind of device or under other names is new again, and a conversation is answered only
from its own channel (issue 13, third red-team run, findings 1 and 2)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator

import pytest

from devices.categories import device_class
from devices.runner import DeviceRunner
from hub.protocol import DeviceTopic, HubRequest, TextCommandResponse
from tests.hub.conftest import TOPICS, Client, DemoHome, until

DAY = 86_400.0


def payloads_to(home: DemoHome, device_id: str) -> list[bytes]:
    topic = TOPICS.device(device_id, DeviceTopic.REQUEST)
    return [payload for _sender, t, payload in home.broker.log if t == topic]


async def _start(home: DemoHome, runner: DeviceRunner, category: str) -> asyncio.Task[None]:
    device_id = runner.device.config.id
    task = home.start(runner.run(), f"runner[{device_id}]")
    await until(home.hub.directory, lambda: (r := home.hub.directory.get(device_id)) is not None and r.online
                and r.category == category)
    return task


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def _age(home: DemoHome, device_id: str, days: float) -> None:
    record = home.hub.directory.get(device_id)
    assert record is not None and record.registered is not None
    record.registered -= days * DAY


@pytest.fixture(params=["first", "premier", "one", "the", "1", "le"])
async def rogue_named(request: pytest.FixtureRequest, home: DemoHome) -> AsyncIterator[str]:
    """A rogue lock under the front door's names whose device id is a word of "the first one"/"le premier"."""
    rogue_id: str = request.param
    config = dataclasses.replace(home.configs["front-door"], id=rogue_id, code="999999")
    runner = DeviceRunner(device_class("fingerprintlock")(config, clock=home.clock), home.broker.connect)
    task = await _start(home, runner, "fingerprintlock")
    _age(home, "front-door", 40)
    _age(home, rogue_id, 30)  # both long in the home: only the order tells them apart
    yield rogue_id
    await _stop(task)


@pytest.mark.parametrize(
    ("order", "answer"),
    [("unlock the front door, code 123456", "the first one"),
     ("déverrouille la porte d'entrée, code 123456", "le premier"),
     ("打开门锁，密码是123456", "第一个")],
)
async def test_an_ordinal_answer_is_an_ordinal_even_when_a_rogue_is_named_after_its_words(
        home: DemoHome, rogue_named: str, order: str, answer: str) -> None:
    asked = await home.hub.handle_text(order)
    listed = re.search(rf"[(（]front-door[)）].*[(（]{re.escape(rogue_named)}[)）]", asked.reply)
    assert not asked.ok and listed is not None, asked.reply
    chosen = await home.hub.handle_text(answer)
    assert [(a.device, a.action) for a in chosen.actions] == [("front-door", "Unlock")], chosen.reply
    assert payloads_to(home, rogue_named) == []


async def test_an_id_alone_picks_that_device_unless_it_is_an_ordinal(home: DemoHome, rogue_named: str) -> None:
    await home.hub.handle_text("unlock the front door, code 999999")
    chosen = await home.hub.handle_text(rogue_named)
    picked = "front-door" if rogue_named in ("first", "1") else rogue_named  # "first", "1" alone: ordinals
    assert [(a.device, a.action) for a in chosen.actions] == [(picked, "Unlock")], chosen.reply


async def test_an_old_plug_that_re_registers_as_the_front_door_is_new_and_listed_after_it(home: DemoHome) -> None:
    plug = dataclasses.replace(home.configs["desk-lamp"], id="old-plug")
    light = DeviceRunner(device_class(plug.category)(plug, clock=home.clock), home.broker.connect)
    task = await _start(home, light, plug.category)
    record = home.hub.directory.get("old-plug")
    assert record is not None and "brightness" in record.state
    _age(home, "old-plug", 90)  # in the home long before the lock
    _age(home, "front-door", 40)
    await _stop(task)

    config = dataclasses.replace(home.configs["front-door"], id="old-plug", code="999999")
    lock = DeviceRunner(device_class("fingerprintlock")(config, clock=home.clock), home.broker.connect)
    task = await _start(home, lock, "fingerprintlock")
    record = home.hub.directory.get("old-plug")
    assert record is not None and "lockstate" in record.state
    assert "brightness" not in record.state  # the light's state went with the light
    home.store.flush()
    (stored,) = [r for r in home.store.load() if r.id == "old-plug"]  # what a restarted hub would list
    assert stored.registered == record.registered and "brightness" not in stored.state
    asked = await home.hub.handle_text("unlock the front door, code 123456")
    assert asked.reply.index("front-door") < asked.reply.index("old-plug")
    assert "door lock (old-plug, new, first registered today" in asked.reply, asked.reply
    chosen = await home.hub.handle_text("the first one")
    assert [(a.device, a.action) for a in chosen.actions] == [("front-door", "Unlock")]
    assert payloads_to(home, "old-plug") == []
    await _stop(task)


async def test_a_re_registration_that_changes_nothing_keeps_the_age(home: DemoHome) -> None:
    _age(home, "front-door", 40)
    record = home.hub.directory.get("front-door")
    assert record is not None and record.registered is not None
    before = record.registered
    home.hub.directory.register(record.info)
    assert record.registered == before


# ---------------------------------------------------------------------------- 2: conversations stay on their channel


async def _rogue_lock(home: DemoHome) -> asyncio.Task[None]:
    config = dataclasses.replace(home.configs["front-door"], id="rogue-lock", code="999999")
    runner = DeviceRunner(device_class("fingerprintlock")(config, clock=home.clock), home.broker.connect)
    task = await _start(home, runner, "fingerprintlock")
    _age(home, "front-door", 40)
    _age(home, "rogue-lock", 30)
    return task


async def test_an_mqtt_client_cannot_answer_the_dashboards_question(home: DemoHome, client: Client) -> None:
    task = await _rogue_lock(home)
    asked = await home.hub.handle_text("打开门锁，密码是999999")  # the dashboard's session
    assert not asked.ok and "哪一个" in asked.reply
    for session in ("local", "cli-owner", None):
        request = HubRequest.create("TextCommand", "tester", text="第二个", lang="zh", session=session)
        reply = await client.ask(request, TextCommandResponse)
        assert isinstance(reply, TextCommandResponse)
        assert reply.payload.actions == [], reply.payload.reply
    assert payloads_to(home, "rogue-lock") == [] and payloads_to(home, "front-door") == []
    # the dashboard's own follow-up still answers its question
    chosen = await home.hub.handle_text("第二个")
    assert [(a.device, a.action) for a in chosen.actions] == [("rogue-lock", "Unlock")]
    await _stop(task)


async def test_a_follow_up_over_mqtt_in_the_same_session_still_works(home: DemoHome, client: Client) -> None:
    task = await _rogue_lock(home)
    first = HubRequest.create("TextCommand", "tester", text="打开门锁，密码是123456", lang="zh", session="cli-owner")
    asked = await client.ask(first, TextCommandResponse)
    assert isinstance(asked, TextCommandResponse) and "哪一个" in asked.payload.reply
    assert (await home.hub.handle_text("第一个", session="cli-owner")).actions == []  # in-process is another channel
    answer = HubRequest.create("TextCommand", "tester", text="第一个", lang="zh", session="cli-owner")
    chosen = await client.ask(answer, TextCommandResponse)
    assert isinstance(chosen, TextCommandResponse)
    assert [(a.device, a.action) for a in chosen.payload.actions] == [("front-door", "Unlock")]
    await _stop(task)
