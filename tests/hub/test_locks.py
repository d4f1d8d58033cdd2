"""The door lock's security on the in-memory bus, through the hub's own code: an unlock order never goes to
several devices without asking, wrong codes lock a lock out on every channel, the spoken code is never
stored, published or tapped, and the hub's view of a lock stays true (issue 13, items 4a, 6, 7a, 10a)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from devices.categories import device_class
from devices.runner import DeviceRunner
from hub.conversation.redact import redact
from hub.interop.aligenie import AliGenieGateway
from hub.lockout import FIRST_WAIT, FREE_TRIES, MAX_WAIT
from hub.protocol import (
    CommandResult,
    DeviceTopic,
    ErrorCode,
    ErrorResponse,
    HubRequest,
    Property,
    PropertyChanged,
    Registration,
    Request,
    StateSnapshot,
    TextCommandResponse,
    encode,
)
from tests.hub.conftest import SAFETY, TOPICS, Client, DemoHome, until

CODE = "123456"
ROGUE = "rogue-lock"
ROGUE_CODE = "999999"
TOKEN = "token-of-the-test-account"


@pytest.fixture
async def rogue(home: DemoHome) -> AsyncIterator[DeviceRunner]:
    """A second lock with its own valid session, registered under every name of the front door."""
    config = dataclasses.replace(home.configs["front-door"], id=ROGUE, code=ROGUE_CODE)
    runner = DeviceRunner(device_class("fingerprintlock")(config, clock=home.clock), home.broker.connect)
    task = home.start(runner.run(), f"runner[{ROGUE}]")
    await until(home.hub.directory, lambda: (r := home.hub.directory.get(ROGUE)) is not None and r.online)
    yield runner
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def payloads_to(home: DemoHome, device_id: str) -> list[bytes]:
    topic = TOPICS.device(device_id, DeviceTopic.REQUEST)
    return [payload for _sender, t, payload in home.broker.log if t == topic]


# ---------------------------------------------------------------------------- 4a: one lock, chosen by the user


@pytest.mark.parametrize(
    ("order", "asked", "answer"),
    [
        ("打开门锁，密码是123456", "有几个设备都叫这个名字：门锁（front-door）和门锁（rogue-lock）。要开哪一个？"
                                 "你选定之前，密码不会发给任何一个。", "第一个"),
        ("unlock the front door, code 123456", "Several devices answer to that name: door lock (front-door) and "
         "door lock (rogue-lock). Which one should I unlock? The code goes to none of them until you choose.",
         "the first one"),
        ("déverrouille la porte d'entrée, code 123456", "Plusieurs appareils répondent à ce nom : serrure "
         "(front-door) et serrure (rogue-lock). Lequel dois-je déverrouiller ? Le code n'est envoyé à aucun tant "
         "que vous n'avez pas choisi.", "la première"),
    ],
)
async def test_an_unlock_order_for_two_locks_asks_which_and_sends_the_code_to_none(
        home: DemoHome, rogue: DeviceRunner, order: str, asked: str, answer: str) -> None:
    for device_id, days in (("front-door", 40), (ROGUE, 30)):  # both locks long in the home: neither is new
        record = home.hub.directory.get(device_id)
        assert record is not None and record.registered is not None
        record.registered -= days * 86_400
    result = await home.hub.handle_text(order)
    assert (result.reply, result.ok, result.actions) == (asked, False, [])
    assert payloads_to(home, ROGUE) == [] and payloads_to(home, "front-door") == []

    chosen = await home.hub.handle_text(answer)
    assert chosen.ok, chosen.reply
    assert [(a.device, a.action) for a in chosen.actions] == [("front-door", "Unlock")]
    assert home.state("front-door")["lockstate"] == "unlocked"
    assert payloads_to(home, ROGUE) == []  # the rogue never heard a thing, let alone the code
    assert rogue.device.state["lockstate"] == "locked"


async def test_the_lock_can_be_chosen_by_its_id_and_the_other_one_by_its_place_in_the_list(
        home: DemoHome, rogue: DeviceRunner) -> None:
    assert not (await home.hub.handle_text("unlock the front door, code 999999")).ok
    chosen = await home.hub.handle_text("rogue-lock")
    assert [(a.device, a.action, a.result) for a in chosen.actions] == [(ROGUE, "Unlock", "SUCCESS")]
    assert payloads_to(home, "front-door") == []
    assert not (await home.hub.handle_text("开门锁，密码是123456", session="other")).ok
    assert (await home.hub.handle_text("第二个", session="other")).actions[0].device == ROGUE


async def test_an_unlock_order_without_a_code_asks_which_first_then_the_code(home: DemoHome,
                                                                              rogue: DeviceRunner) -> None:
    assert "which one" in (await home.hub.handle_text("unlock the front door")).reply.lower()
    assert (await home.hub.handle_text("the first one")).reply == "Unlocking needs the code. What is it?"
    result = await home.hub.handle_text(CODE)
    assert [(a.device, a.result) for a in result.actions] == [("front-door", "SUCCESS")]
    assert payloads_to(home, ROGUE) == []


# ---------------------------------------------------------------------------- 6: lockout after wrong codes


async def _wrong(home: DemoHome, times: int, session: str = "attacker") -> list[CommandResult]:
    return [await home.hub.handle_text("开锁，密码是000000", session=session) for _ in range(times)]


async def test_five_wrong_codes_lock_the_lock_out_and_the_reply_says_how_long(home: DemoHome) -> None:
    await _wrong(home, FREE_TRIES)
    assert home.requests_to("front-door") == FREE_TRIES
    refused = await home.hub.handle_text("开锁，密码是123456")
    assert refused.reply == "密码错误次数太多，门锁暂时不能开锁，请30秒后再试。"
    assert not refused.ok and [a.result for a in refused.actions] == [str(ErrorCode.INVALIDATE_PARAMS)]
    assert home.requests_to("front-door") == FREE_TRIES  # nothing more reached the lock
    assert home.state("front-door")["lockstate"] == "locked"
    english = await home.hub.handle_text("unlock the front door, code 123456")
    assert english.reply == "Too many wrong codes: the door lock will not unlock for now; try again in 30 seconds."
    await home.clock.advance(10)
    french = await home.hub.handle_text("déverrouille la porte, code 123456")
    assert french.reply == ("Trop de codes faux : la serrure ne se déverrouille plus pour l'instant ; "
                            "réessayez dans 20 secondes.")

    await home.clock.advance(FIRST_WAIT)
    assert (await home.hub.handle_text("开锁，密码是123456")).ok  # the lockout is over: the right code works
    assert home.state("front-door")["lockstate"] == "unlocked"


async def test_each_further_wrong_code_doubles_the_wait_up_to_the_cap_and_a_success_resets(home: DemoHome) -> None:
    await _wrong(home, FREE_TRIES)
    waits = []
    for _ in range(8):
        wait = home.hub.lockout.wait("front-door")
        waits.append(wait)
        await home.clock.advance(wait)
        await _wrong(home, 1)
    assert waits == [min(MAX_WAIT, FIRST_WAIT * 2 ** n) for n in range(8)]
    await home.clock.advance(home.hub.lockout.wait("front-door"))
    assert (await home.hub.handle_text("开锁，密码是123456")).ok
    await _wrong(home, FREE_TRIES - 1)
    assert home.hub.lockout.wait("front-door") == 0  # counted afresh after the success


async def test_the_lockout_holds_on_the_aligenie_gateway_and_on_hub_send(home: DemoHome) -> None:
    gateway = AliGenieGateway(home.hub, TOKEN)

    def unlock(code: str) -> dict[str, Any]:
        return {"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "Unlock",
                           "messageId": uuid.uuid4().hex, "payLoadVersion": 1},
                "payload": {"accessToken": TOKEN, "deviceId": "front-door", "value": code}}

    # 20 wrong codes at once: one attempt at a time reaches the lock, so no more than 5 get through
    answers = await asyncio.gather(*(gateway.handle(unlock(f"{n:06d}")) for n in range(20)))
    assert all(a["payload"]["errorCode"] == "INVALIDATE_PARAMS" for a in answers)
    assert home.requests_to("front-door") == FREE_TRIES
    refused = await gateway.handle(unlock(CODE))
    assert refused["payload"]["errorCode"] == "INVALIDATE_PARAMS"
    assert "try again in 30 s" in refused["payload"]["message"]
    direct = await home.hub.send(Request.control("front-door", "Unlock", "code", CODE, "fingerprintlock"))
    assert isinstance(direct, ErrorResponse) and "try again in 30 s" in (direct.payload.message or "")
    assert home.requests_to("front-door") == FREE_TRIES
    assert home.state("front-door")["lockstate"] == "locked"

    await home.clock.advance(FIRST_WAIT)
    ok = await gateway.handle(unlock(CODE))
    assert ok["header"]["name"] == "UnlockResponse", ok
    assert home.state("front-door")["lockstate"] == "unlocked"


async def test_a_lockout_of_one_lock_leaves_other_orders_alone(home: DemoHome) -> None:
    await _wrong(home, FREE_TRIES)
    assert (await home.hub.handle_text("lock the door")).ok
    assert (await home.hub.handle_text("打开台灯")).ok


# ---------------------------------------------------------------------------- 7a: the code is never kept


@pytest.mark.parametrize("text", ["打开门锁，密码是123456", "开锁，密码是一二三四五六",
                                  "déverrouille la porte d'entrée, code 123456"])
async def test_the_code_is_never_stored_published_or_tapped(home: DemoHome, client: Client, text: str) -> None:
    tapped: list[bytes] = []
    home.hub.taps.append(lambda _topic, payload, _direction: tapped.append(payload))
    request = HubRequest.create("TextCommand", client.client_id, text=text)
    reply = await client.ask(request, TextCommandResponse)
    assert isinstance(reply, TextCommandResponse)
    assert reply.payload.ok, reply.payload.reply  # it was carried out, with the real code
    assert home.state("front-door")["lockstate"] == "unlocked"
    assert any(b"Unlock" in p for p in payloads_to(home, "front-door"))

    published = reply.payload
    stored = home.store.commands()[-1]
    for said in (published.text, stored.text):
        assert "*" in said
        for secret in (CODE, "一二三四五六"):
            assert secret not in said
    assert tapped, "the taps saw the traffic"
    for payload in tapped:
        assert CODE.encode() not in payload and "一二三四五六".encode() not in payload
    unlock = next(json.loads(p) for p in tapped if b'"Unlock"' in p)
    assert unlock["payload"]["value"] == "******"


async def test_the_code_given_as_an_answer_is_starred_too(home: DemoHome) -> None:
    assert not (await home.hub.handle_text("unlock the front door")).ok
    answered = await home.hub.handle_text(CODE)
    assert answered.ok and answered.text == "******"
    assert [c.text for c in home.store.commands()] == ["unlock the front door", "******"]


# ---------------------------------------------------------------------------- 10a: the hub's view stays true


async def test_a_wrong_code_on_an_unlocked_door_does_not_say_it_stays_locked(home: DemoHome) -> None:
    assert (await home.hub.handle_text("开锁，密码是123456")).ok
    zh = await home.hub.handle_text("开锁，密码是000000")
    assert zh.reply == "密码不对（门锁现在是开着的）。"
    en = await home.hub.handle_text("unlock the door, code 000000")
    assert en.reply == "That code is wrong (the door lock is unlocked at the moment)."
    fr = await home.hub.handle_text("déverrouille la porte, code 000000")
    assert fr.reply == "Ce code est faux (la serrure est déverrouillée en ce moment)."
    await home.hub.handle_text("lock the door")
    assert (await home.hub.handle_text("unlock the door, code 000000")).reply == \
        "That code is wrong, the door lock stays locked."


async def test_a_state_outside_the_registered_ranges_is_not_kept(home: DemoHome,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    spare = {}
    for device_id, model in (("spare-lamp", "desk-lamp"), ("spare-ac", "living-ac")):
        config = dataclasses.replace(home.configs[model], id=device_id)
        spare[device_id] = device_class(config.category)(config, clock=home.clock)  # only its registration
    directory = home.hub.directory
    seen: list[dict[str, Any]] = []
    directory.listeners.append(lambda record: seen.append(dict(record.state)) if record.id in spare else None)
    async with home.broker.connect("impostor") as conn:
        async def send(device_id: str, kind: DeviceTopic, payload: bytes) -> None:
            await conn.publish(TOPICS.device(device_id, kind), payload)

        for device_id, device in spare.items():
            await send(device_id, DeviceTopic.REGISTER, encode(Registration.create(device.info())))
        await until(directory, lambda: all(d in directory for d in spare))
        lamp, ac = directory.get("spare-lamp"), directory.get("spare-ac")
        assert lamp is not None and ac is not None
        lamp_before, ac_before = dict(lamp.state), dict(ac.state)
        report = PropertyChanged.create("spare-lamp", [Property(name="brightness", value=500),
                                                       Property(name="powerstate", value="on")], "command")
        await send("spare-lamp", DeviceTopic.REPORT, encode(report))
        await until(directory, lambda: lamp.state.get("powerstate") == "on")
        snapshot = StateSnapshot.create("spare-ac", [Property(name=k, value=v) for k, v in ac_before.items()
                                                     if k not in ("mode", "windspeed")]
                                        + [Property(name="mode", value="disco"), Property(name="windspeed", value=3)])
        await send("spare-ac", DeviceTopic.STATE, encode(snapshot))
        await until(directory, lambda: ac.state.get("windspeed") == 3)
    assert lamp.state == {**lamp_before, "powerstate": "on"}  # 500 is beyond the lamp's 1-100: not kept
    assert ac.state == {**ac_before, "windspeed": 3}  # "disco" is none of the AC's modes
    assert all(s.get("brightness") != 500 and s.get("mode") != "disco" for s in seen)
    assert "brightness" in caplog.text and "500" in caplog.text and "disco" in caplog.text
    home.store.flush()
    stored = {r.id: r for r in home.store.load()}
    assert stored["spare-lamp"].state == lamp.state and stored["spare-ac"].state == ac.state


async def test_a_command_to_a_device_whose_last_will_arrives_answers_offline_at_once(home: DemoHome) -> None:
    home.hub.request_timeout = 60.0  # the answer must come from the will, long before any timeout
    home.device("tv").fault = "offline"  # connected, hears the directive, never answers
    published = asyncio.Event()
    request = Request.control("tv", "TurnOn", "powerstate", "on", "television")
    home.hub.taps.append(lambda _t, payload, _d: published.set() if request.header.message_id.encode() in payload
                         else None)
    sent = asyncio.create_task(home.hub.send(request))
    try:
        async with asyncio.timeout(SAFETY):
            await published.wait()
        await home.runners["tv"].crash()  # the broker fires its last will while the directive is in flight
        async with asyncio.timeout(SAFETY):
            response = await sent
    finally:
        sent.cancel()
        await asyncio.gather(sent, return_exceptions=True)
    assert isinstance(response, ErrorResponse)
    assert response.payload.error_code == ErrorCode.IOT_DEVICE_OFFLINE
    assert home.hub.directives.pending == {}


@pytest.mark.parametrize(("text", "code", "shown"), [
    ("开锁，密码是幺二三四五六", "23456", "开锁，密码是******"),
    ("unlock, code 1 2 3 4 5 6", "1", "unlock, code * * * * * *"),
    ("code １２３４５６ then set the light to 50", "123456", "code ****** then set the light to 50"),
    ("open 123-456", "123456", "open ***-***"),
])
def test_every_spelling_of_a_code_is_starred(text: str, code: str, shown: str) -> None:
    assert redact(text, [code]) == shown
