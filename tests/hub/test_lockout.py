"""A lock's guards against an attacker who keeps at it (issue 13, second red-team run, findings 6 and 7).

6. Wrong codes are forgotten after a quiet hour: an attack long past leaves no count behind, so the owner's
   typo days later starts at 1 again (on the hub's manual clock, in-memory bus, then the real brokers).
7. The which-lock question lists the locks oldest first and says which of them is new, so "the first one" is the
   lock the home has had, not a rogue that registered under its names (in-memory bus, zh/en/fr).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import datetime
from typing import Any

import pytest

from devices.categories import device_class
from devices.runner import DeviceRunner
from genie.app import Running
from hub.client import say
from hub.clock import ManualClock
from hub.interop.aligenie import AliGenieGateway
from hub.lockout import FIRST_WAIT, FORGET_AFTER, FREE_TRIES, MAX_WAIT, Lockout
from hub.protocol import DeviceTopic
from hub.security import CLIENT_USER
from hub.store import Store
from tests.brokers import BrokerUnderTest
from tests.conftest import aligenie_unlock
from tests.hub.conftest import SAFETY, TOPICS, DemoHome, until

CODE = "123456"
WRONG = "开锁，密码是000000"
ROGUE = "entry-lock"  # sorts before "front-door": the store gives it back first
DAY = 86_400.0


# ---------------------------------------------------------------------------- 6: the lockout's memory


async def test_the_count_is_forgotten_an_hour_after_the_last_lockout_ended_not_before() -> None:
    clock = ManualClock()
    lockout = Lockout(clock.now)
    waits = [lockout.failed("door") for _ in range(FREE_TRIES)]
    assert waits == [0.0] * (FREE_TRIES - 1) + [FIRST_WAIT]
    assert lockout.wrong("door") == FREE_TRIES
    await clock.advance(FIRST_WAIT + FORGET_AFTER - 1)  # the lockout ended 59:59 ago: still remembered
    assert lockout.wrong("door") == FREE_TRIES
    assert lockout.failed("door") == 2 * FIRST_WAIT
    await clock.advance(2 * FIRST_WAIT + FORGET_AFTER)  # a full quiet hour after that lockout ended
    assert lockout.wrong("door") == 0
    assert lockout.failed("door") == 0.0 and lockout.wrong("door") == 1


async def test_wrong_codes_below_the_free_tries_are_forgotten_an_hour_after_the_last_one() -> None:
    clock = ManualClock()
    lockout = Lockout(clock.now)
    for _ in range(FREE_TRIES - 1):
        lockout.failed("door")
        await clock.advance(FORGET_AFTER - 1)  # never a quiet hour between two of them
    assert lockout.wrong("door") == FREE_TRIES - 1
    await clock.advance(1)
    assert lockout.wrong("door") == 0
    assert lockout.failed("door") == 0.0


async def _attack(home: DemoHome, wrong_in_a_row: int) -> float:
    """An attacker giving a wrong code each time the lock takes one again; returns the wait it leaves."""
    wait = 0.0
    for _ in range(wrong_in_a_row):
        await home.clock.advance(home.hub.lockout.wait("front-door"))
        answer = await home.hub.handle_text(WRONG, session="attacker")
        assert not answer.ok
        wait = home.hub.lockout.wait("front-door")
    return wait


async def test_an_owners_typo_long_after_an_attack_starts_the_count_at_one(home: DemoHome) -> None:
    assert await _attack(home, 12) == MAX_WAIT
    reached = home.requests_to("front-door")
    refused = await home.hub.handle_text(f"开锁，密码是{CODE}", session="owner")  # the right code, still refused
    assert refused.reply == "密码错误次数太多，门锁暂时不能开锁，请15分钟后再试。"
    assert home.requests_to("front-door") == reached

    await home.clock.advance(MAX_WAIT + FORGET_AFTER)  # the last lockout is over, then a quiet hour
    typo = await home.hub.handle_text("开锁，密码是123465", session="owner")
    assert typo.reply == "密码不对，门锁没有打开。"  # the lock heard it: a wrong code, no refusal
    assert home.requests_to("front-door") == reached + 1
    assert home.hub.lockout.wait("front-door") == 0
    assert (await home.hub.handle_text(f"开锁，密码是{CODE}", session="owner")).ok  # at once, no 15 minutes
    assert home.state("front-door")["lockstate"] == "unlocked"


async def test_after_a_quiet_hour_the_owner_again_has_all_the_free_tries(home: DemoHome) -> None:
    await _attack(home, 11)
    await home.clock.advance(home.hub.lockout.wait("front-door") + FORGET_AFTER)
    typos = [await home.hub.handle_text(WRONG, session="owner") for _ in range(FREE_TRIES - 1)]
    assert [t.reply for t in typos] == ["密码不对，门锁没有打开。"] * (FREE_TRIES - 1)
    assert home.hub.lockout.wait("front-door") == 0
    await home.hub.handle_text(WRONG, session="owner")
    assert home.hub.lockout.wait("front-door") == FIRST_WAIT  # the fifth in a row: 30 s, as at first


async def test_an_attacker_who_keeps_at_it_within_the_hour_is_not_forgiven(home: DemoHome) -> None:
    await _attack(home, FREE_TRIES + 5)
    await home.clock.advance(home.hub.lockout.wait("front-door") + FORGET_AFTER - 1)
    await home.hub.handle_text(WRONG, session="attacker")
    assert home.hub.lockout.wait("front-door") == MAX_WAIT  # still counted: 15 minutes at once


async def test_on_the_real_broker_wrong_codes_from_the_gateway_are_forgotten_after_a_quiet_hour(
        any_broker: BrokerUnderTest, timed_stack: tuple[Running, ManualClock]) -> None:
    running, clock = timed_stack
    hub = running.hub
    assert hub is not None
    gateway = AliGenieGateway(hub, "token")
    client = any_broker.as_user(CLIENT_USER)
    for _ in range(FREE_TRIES + 3):  # the attacker: each wrong code as soon as the lock takes one
        await clock.advance(hub.lockout.wait("front-door"))
        assert (await gateway.handle(aligenie_unlock("000000")))["payload"]["errorCode"] == "INVALIDATE_PARAMS"
    assert hub.lockout.wait("front-door") == FIRST_WAIT * 8
    refused = await say(client, f"unlock the front door, code {CODE}", timeout=10)
    assert refused.reply == "Too many wrong codes: the door lock will not unlock for now; try again in 4 minutes."

    await clock.advance(FIRST_WAIT * 8 + FORGET_AFTER)
    typo = await say(client, "unlock the front door, code 123465", timeout=10)
    assert typo.reply == "That code is wrong, the door lock stays locked."
    done = await say(client, f"unlock the front door, code {CODE}", timeout=10)
    assert done.ok, done.reply


# ---------------------------------------------------------------------------- 7: which lock, oldest first


async def _rogue(home: DemoHome) -> asyncio.Task[Any]:
    """A second lock with a valid session of its own, under every name of the front door, registering now."""
    config = dataclasses.replace(home.configs["front-door"], id=ROGUE, code="999999")
    runner = DeviceRunner(device_class("fingerprintlock")(config, clock=home.clock), home.broker.connect)
    task = home.start(runner.run(), f"runner[{ROGUE}]")
    await until(home.hub.directory, lambda: (r := home.hub.directory.get(ROGUE)) is not None and r.online)
    return task


async def _restart(home: DemoHome) -> None:
    """Stop the hub and start a new one on the same database (what ``genie up`` does after a reboot)."""
    await home.stop_hub()
    store = Store(home.db)
    home.stores.append(store)
    home.hub = home.new_hub(store)
    home.hub_task = home.start(home.hub.run(), "hub-again")
    async with asyncio.timeout(SAFETY):
        await home.hub.ready.wait()
    await home.all_online(home.hub)
    await until(home.hub.directory, lambda: (r := home.hub.directory.get(ROGUE)) is not None and r.online)


def _clock_time(home: DemoHome, device_id: str) -> datetime:
    record = home.hub.directory.get(device_id)
    assert record is not None and record.registered is not None
    return datetime.fromtimestamp(record.registered)  # the replies say it in the machine's zone


@pytest.mark.parametrize(
    ("order", "asked", "answer"),
    [
        ("打开门锁，密码是123456", "有几个设备都叫这个名字：门锁（front-door）和门锁（entry-lock，新设备，"
                                 "今天{h}:{m:02d}首次注册）。要开哪一个？你选定之前，密码不会发给任何一个。", "第一个"),
        ("unlock the front door, code 123456", "Several devices answer to that name: door lock (front-door) and "
         "door lock (entry-lock, new, first registered today at {h:02d}:{m:02d}). Which one should I unlock? The "
         "code goes to none of them until you choose.", "the first one"),
        ("déverrouille la porte d'entrée, code 123456", "Plusieurs appareils répondent à ce nom : serrure "
         "(front-door) et serrure (entry-lock, nouvel appareil, inscrit aujourd'hui à {h} h {m:02d}). Lequel "
         "dois-je déverrouiller ? Le code n'est envoyé à aucun tant que vous n'avez pas choisi.", "la première"),
    ],
)
async def test_the_first_one_is_the_lock_the_home_had_and_the_rogue_is_said_to_be_new(
        home: DemoHome, order: str, asked: str, answer: str) -> None:
    front = home.hub.directory.get("front-door")
    assert front is not None and front.registered is not None
    front.registered -= 30 * DAY  # the home has had its front door for a month
    assert (await home.hub.handle_text(f"开锁，密码是{CODE}")).ok
    await _rogue(home)
    assert (await home.hub.handle_text("lock the doors")).ok  # the front door's record is saved after the rogue's
    await _restart(home)  # the directory lists the rogue first now: the store gives the rows back by id

    at = _clock_time(home, ROGUE)
    result = await home.hub.handle_text(order)
    assert (result.reply, result.ok, result.actions) == (asked.format(h=at.hour, m=at.minute), False, [])
    chosen = await home.hub.handle_text(answer)
    assert [(a.device, a.action, a.result) for a in chosen.actions] == [("front-door", "Unlock", "SUCCESS")]
    to_rogue = [p for _s, t, p in home.broker.log if t == TOPICS.device(ROGUE, DeviceTopic.REQUEST)]
    assert to_rogue and not [p for p in to_rogue if b'"Unlock"' in p or CODE.encode() in p]  # "lock the doors" only
    assert home.state("front-door")["lockstate"] == "unlocked"


async def test_a_lock_registered_days_ago_says_when_and_one_older_than_a_week_is_not_new(home: DemoHome) -> None:
    front = home.hub.directory.get("front-door")
    assert front is not None and front.registered is not None
    front.registered = time.time() - 8 * DAY  # a week and a day: no longer new
    await _rogue(home)
    rogue = home.hub.directory.get(ROGUE)
    assert rogue is not None
    rogue.registered = time.time() - DAY - 60
    yesterday = _clock_time(home, ROGUE)
    asked = (await home.hub.handle_text("unlock the front door, code 123456")).reply
    assert asked.startswith("Several devices answer to that name: door lock (front-door) and door lock (entry-lock, "
                            f"new, first registered yesterday at {yesterday.hour:02d}:{yesterday.minute:02d}). ")
    rogue.registered = time.time() - 3 * DAY
    then = _clock_time(home, ROGUE)
    asked = (await home.hub.handle_text("打开门锁，密码是123456", session="other")).reply
    assert f"门锁（entry-lock，新设备，{then.month}月{then.day}日{then.hour}:{then.minute:02d}首次注册）" in asked
    assert asked.startswith("有几个设备都叫这个名字：门锁（front-door）和")


async def test_a_lock_of_unknown_age_comes_last(home: DemoHome) -> None:
    await _rogue(home)
    front = home.hub.directory.get("front-door")
    assert front is not None
    front.registered = None  # stored by a hub that did not record when
    asked = (await home.hub.handle_text("unlock the front door, code 123456")).reply
    assert asked.startswith("Several devices answer to that name: door lock (entry-lock, new, first registered "
                            "today at ")
    assert "and door lock (front-door). " in asked
    assert (await home.hub.handle_text("the last one")).actions[0].device == "front-door"


async def test_changing_speakers_does_not_reset_the_count_of_wrong_codes(home: DemoHome) -> None:
    """An attacker who says each wrong code to another speaker (each has its own conversation) or to a speaker the
    home lacks is counted on the lock all the same; locked out, even the right code is refused."""
    for attempt in range(FREE_TRIES):
        speaker = ("living-speaker", "bedroom-speaker", None)[attempt % 3]
        assert not (await home.hub.handle_text(WRONG, speaker=speaker)).ok
    refused = await home.hub.handle_text(WRONG, speaker="no-such-speaker")  # refused before anything is tried
    assert not refused.ok and refused.actions == []
    assert home.hub.lockout.wait("front-door") == FIRST_WAIT
    right = await home.hub.handle_text(f"开锁，密码是{CODE}", speaker="bedroom-speaker")
    assert not right.ok and home.state("front-door")["lockstate"] == "locked"
