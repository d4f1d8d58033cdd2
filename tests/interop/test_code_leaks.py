"""Unlock codes the hub never understood are starred too (issue 13, red-team run 2, finding 2): on the product's
own secured embedded broker, with the Home Assistant bridge and Hermes NLU on the hub, a code said after a code
word ("密码", "code", "mot de passe"…) — in digits with any separators or in number words — is starred in what
the hub stores (table ``commands``), shows (its replies, the command listeners of the live stream and the
conversation), taps (``/api/messages``) and logs, whichever way it came: a scene's orders, a Home Assistant
command, a Hermes query, a reminder, or a text command the parser misread."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hub.interop.hermes import PARSED_TOPIC, QUERY_TOPIC
from hub.interop.roles import HERMES_USER, HOMEASSISTANT_USER
from hub.protocol import CommandResult, HubRequest, Topics, encode
from hub.security import CLIENT_USER
from tests.interop.conftest import SAFETY, InteropHome, body, next_message, subscribed

CODE = "123456"
"""The front door's real code in the demo home."""
TOPICS = Topics()


class Seen:
    """Everything observers of the hub get: tapped payloads (the message feed, a recording) and the command
    results (the live stream, the conversation)."""

    def __init__(self, home: InteropHome) -> None:
        self.tapped: list[tuple[str, str]] = []
        self.commands: list[CommandResult] = []
        self._changed = asyncio.Event()
        home.hub.taps.append(self._tap)
        home.hub.command_listeners.append(self.commands.append)

    def _tap(self, topic: str, payload: bytes, _direction: str) -> None:
        self.tapped.append((topic, payload.decode("utf-8", "replace")))
        self._changed.set()

    async def until(self, predicate: Callable[[], bool]) -> None:
        """Return once ``predicate()`` holds, re-checked on every tapped message."""
        async with asyncio.timeout(SAFETY):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    def texts(self) -> Iterator[str]:
        yield from (payload for _topic, payload in self.tapped)
        for result in self.commands:
            yield result.model_dump_json()


@pytest.fixture
def seen(interop_home: InteropHome) -> Seen:
    return Seen(interop_home)


async def ask(home: InteropHome, name: str, client_id: str, **fields: Any) -> dict[str, Any]:
    """Send a hub request as a text client (``genie say``, ``genie scenes add``) over MQTT; the reply's payload."""
    request = HubRequest.create(name, client_id, **fields)
    async with subscribed(home.client(CLIENT_USER, client_id), TOPICS.command_reply(client_id)) as client:
        await client.publish(TOPICS.command, encode(request), qos=1)
        reply = await next_message(client, lambda m: body(m)["header"]["messageId"] == request.header.message_id)
    payload: dict[str, Any] = body(reply)["payload"]
    return payload


def assert_hidden(where: Iterator[str] | list[str], *secrets: str) -> None:
    shown = list(where)
    assert shown, "something was observed"
    for text in shown:
        for secret in secrets:
            assert secret not in text, f"{secret!r} in {text[:300]!r}"


# ---------------------------------------------------------------------------- a scene's orders


async def test_a_scene_whose_orders_say_a_code_is_logged_and_shown_with_stars(interop_home: InteropHome,
                                                                                seen: Seen) -> None:
    orders = f"打开门锁，密码是{CODE}，打开台灯"
    reply = await ask(interop_home, "SaveScene", "genie-client-scene", target="测试", text=orders)
    assert reply["ok"] is False  # a scene never unlocks
    assert "******" in reply["text"]
    stored = interop_home.hub.store.commands()[-1]  # type: ignore[union-attr]
    assert_hidden([json.dumps(reply, ensure_ascii=False), stored.text, stored.reply], CODE)
    assert_hidden(seen.texts(), CODE)
    assert any("******" in t for _topic, t in seen.tapped if _topic == TOPICS.command)


# ---------------------------------------------------------------------------- the Home Assistant bridge


async def test_a_home_assistant_unlock_is_tapped_and_logged_with_its_code_starred(
        interop_home: InteropHome, seen: Seen, caplog: pytest.LogCaptureFixture) -> None:
    mapping = interop_home.bridge.mapping("front-door")
    assert mapping is not None
    (lock_topic,) = mapping.commands
    caplog.set_level(logging.INFO)
    async with subscribed(interop_home.client(HOMEASSISTANT_USER, "ha-codes")) as ha:
        await ha.publish(lock_topic, b'{"action": "UNLOCK", "code": "654321"}', qos=1)  # wrong: refused, logged
        await ha.publish(lock_topic, b'{"action": "UNLOCKED", "code": "765432"}', qos=1)  # not an action: logged
        await ha.publish(lock_topic, json.dumps({"action": "UNLOCK", "code": CODE}).encode(), qos=1)
        await interop_home.until(lambda d: d.get("front-door").state.get("lockstate") == "unlocked")  # type: ignore[union-attr]
    await interop_home.bridge.idle()
    assert len(interop_home.bridge.failures) == 2
    assert "INVALIDATE_PARAMS" in interop_home.bridge.failures[0]
    assert "home assistant command failed" in caplog.text
    secrets = ("654321", "765432", CODE)
    assert_hidden([caplog.text, *interop_home.bridge.failures], *secrets)
    assert_hidden(seen.texts(), *secrets)
    tapped = [json.loads(t) for topic, t in seen.tapped if topic == lock_topic]
    assert [t["code"] for t in tapped] == ["******", "******", "******"]
    assert [t["action"] for t in tapped] == ["UNLOCK", "UNLOCKED", "UNLOCK"]


# ---------------------------------------------------------------------------- Hermes


async def test_a_hermes_query_and_its_intent_are_tapped_with_the_code_starred(interop_home: InteropHome,
                                                                             seen: Seen) -> None:
    query = {"input": f"unlock the front door with code {CODE}", "id": "q1", "sessionId": "s1"}
    async with subscribed(interop_home.client(HERMES_USER, "hermes-codes"), "hermes/intent/#") as hermes:
        await hermes.publish(QUERY_TOPIC, json.dumps(query).encode(), qos=1)
        intent = await next_message(hermes, lambda m: str(m.topic) == "hermes/intent/GenieUnlock")
        await interop_home.hermes.idle()
    # the intent handler, on its own topic, gets what it needs to act: the code
    assert [s["value"]["value"] for s in body(intent)["slots"] if s["slotName"] == "code"] == [CODE]
    hermes_taps = [(topic, t) for topic, t in seen.tapped if topic.startswith("hermes/")]
    assert {topic for topic, _ in hermes_taps} >= {QUERY_TOPIC, PARSED_TOPIC, "hermes/intent/GenieUnlock"}
    assert_hidden([t for _, t in hermes_taps], CODE)
    for topic, text in hermes_taps:
        tapped = json.loads(text)
        assert "******" in tapped["input"], topic
        for slot in tapped.get("slots", []):
            if slot["slotName"] == "code":
                assert (slot["value"]["value"], slot["rawValue"]) == ("******", "******")


async def test_a_hermes_query_with_a_code_in_words_is_tapped_starred(interop_home: InteropHome,
                                                                    seen: Seen) -> None:
    query = {"input": "ouvre la porte, mot de passe un deux trois quatre cinq six", "id": "q2"}
    async with subscribed(interop_home.client(HERMES_USER, "hermes-words")) as hermes:
        await hermes.publish(QUERY_TOPIC, json.dumps(query).encode(), qos=1)
        await seen.until(lambda: any(topic == QUERY_TOPIC for topic, _ in seen.tapped))
    await interop_home.hermes.idle()
    (tapped,) = [json.loads(t) for topic, t in seen.tapped if topic == QUERY_TOPIC]
    assert tapped["input"] == "ouvre la porte, mot de passe * * * * * *"
    assert_hidden([t for topic, t in seen.tapped if topic.startswith("hermes/")], "deux trois", "quatre cinq")


# ---------------------------------------------------------------------------- codes the parser misreads


@pytest.mark.parametrize(("text", "shown", "secrets"), [
    ("打开门锁，密码是十二万三千四百五十六", "打开门锁，密码是**********", ["三千四百五十六", "十二万"]),
    ("unlock the front door, code one two three four five six", "unlock the front door, code * * * * * *",
     ["two three", "five six"]),
    ("déverrouille la porte d'entrée, code un deux trois quatre cinq six",
     "déverrouille la porte d'entrée, code * * * * * *", ["deux trois", "cinq six"]),
    ("打开门锁 密码 1_2_3_4_5_6", "打开门锁 密码 *_*_*_*_*_*", ["2_3", "5_6"]),
    ("unlock the front door, password: 12-34-56, then turn on the desk lamp",
     "unlock the front door, password: **-**-**, then turn on the desk lamp", ["12-34", "34-56"]),
])
async def test_a_code_the_parser_misreads_is_starred_in_everything_kept_and_shown(
        interop_home: InteropHome, seen: Seen, text: str, shown: str, secrets: list[str]) -> None:
    reply = await ask(interop_home, "TextCommand", "genie-client-words", text=text)
    assert reply["text"] == shown
    stored = interop_home.hub.store.commands()[-1]  # type: ignore[union-attr]
    assert stored.text == shown
    assert_hidden([json.dumps(reply, ensure_ascii=False), stored.reply], *secrets)
    assert_hidden(seen.texts(), *secrets)
    (command,) = [t for topic, t in seen.tapped if topic == TOPICS.command]
    assert json.loads(command)["payload"]["text"] == shown


# ---------------------------------------------------------------------------- reminders


async def test_a_reminder_that_says_a_code_is_stored_and_listed_with_stars(interop_home: InteropHome,
                                                                          seen: Seen) -> None:
    reply = await ask(interop_home, "TextCommand", "genie-client-remind",
                      text=f"remind me to use code {CODE} in 5 minutes")
    assert reply["ok"] is True and "code ******" in reply["reply"]
    assert reply["text"] == "remind me to use code ****** in 5 minutes"  # "5" is not the code
    listed = await ask(interop_home, "ListAutomations", "genie-client-timers")
    (timer,) = listed["timers"]
    assert "code ******" in timer["text"]
    store = interop_home.hub.store
    assert store is not None
    (kept,) = store.timers()
    assert kept.remind is not None and "code ******" in kept.remind
    assert_hidden([json.dumps(listed), kept.model_dump_json(), *seen.texts()], CODE)
