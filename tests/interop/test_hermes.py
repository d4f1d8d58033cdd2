"""Rhasspy Hermes NLU: the hub answers ``hermes/nlu/query`` with Hermes intents (shapes after rhasspy-hermes:
``rhasspyhermes/nlu.py`` NluQuery/NluIntent/NluIntentNotRecognized, ``rhasspyhermes/intent.py`` Slot)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devices.categories import device_class
from devices.home import load_home
from hub.conversation import build_catalog
from hub.directory import Directory
from hub.interop.hermes import ERROR_TOPIC, INTENT_NAMES, NOT_RECOGNIZED_TOPIC, PARSED_TOPIC, answer, intent_name
from hub.interop.roles import HERMES_USER
from hub.nlu import Catalog
from tests.interop.conftest import InteropHome, body, next_message, subscribed

SLOT_KEYS = {"entity", "slotName", "rawValue", "value", "confidence", "range"}
INTENT_KEYS = {"input", "intent", "slots", "id", "siteId", "sessionId", "customData", "asrTokens", "asrConfidence",
               "rawInput", "wakewordId", "lang"}
"""NluIntent's JSON keys (rhasspyhermes.nlu.NluIntent, camelCase on the wire)."""
QUERY = {"siteId": "kitchen", "sessionId": "session-7", "id": "query-42", "customData": "from-test"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    directory = Directory()
    for config in load_home().device_configs():
        directory.register(device_class(config.category)(config).info())
    return build_catalog(directory)


def ask(catalog: Catalog, text: str, **extra: Any) -> list[tuple[str, dict[str, Any]]]:
    return answer({"input": text, **QUERY, **extra}, catalog)


def intents(messages: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    return [(t, b) for t, b in messages if t.startswith("hermes/intent/")]


def slot(message: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in message["slots"] if s["slotName"] == name]
    return found


def test_a_recognised_command_becomes_a_hermes_intent_with_ids_carried_through(catalog: Catalog) -> None:
    messages = ask(catalog, "打开客厅的灯")
    assert [t for t, _ in messages] == [PARSED_TOPIC, "hermes/intent/GenieTurnOn"]
    (_, intent), = intents(messages)
    assert set(intent) == INTENT_KEYS
    assert {k: intent[k] for k in QUERY} == QUERY
    assert intent["intent"] == {"intentName": "GenieTurnOn", "confidenceScore": 1.0}
    assert intent["input"] == "打开客厅的灯" and intent["lang"] == "zh"
    room = slot(intent, "room")
    assert set(room) == SLOT_KEYS
    assert room["entity"] == "genie_room" and room["value"] == {"kind": "Custom", "value": "living"}
    assert room["rawValue"] == "客厅" and room["range"] == {"start": 2, "end": 4, "rawStart": 2, "rawEnd": 4}
    assert slot(intent, "category")["value"]["value"] == "light"
    parsed = messages[0][1]
    assert parsed["intent"] == intent["intent"] and parsed["sessionId"] == "session-7"


@pytest.mark.parametrize(("text", "name", "slots"), [
    ("set the desk lamp to 30%", "GenieSet",
     {"device": {"kind": "Custom", "value": "desk-lamp"}, "value": {"kind": "Percentage", "value": 30}}),
    ("把卧室空调调到26度", "GenieSet",
     {"device": {"kind": "Custom", "value": "bedroom-ac"},
      "value": {"kind": "Temperature", "value": 26, "unit": "celsius"}}),
    ("éteins la lampe de bureau", "GenieTurnOff", {"device": {"kind": "Custom", "value": "desk-lamp"}}),
    ("开锁，密码123456", "GenieUnlock", {"code": {"kind": "Custom", "value": "123456"}}),
])
def test_slots_in_hermes_shape(catalog: Catalog, text: str, name: str, slots: dict[str, Any]) -> None:
    (topic, intent), = intents(ask(catalog, text))
    assert topic == f"hermes/intent/{name}"
    for slot_name, value in slots.items():
        found = slot(intent, slot_name)
        assert found["value"] == value
        if "range" in found:
            assert text[found["range"]["start"]:found["range"]["end"]] == found["rawValue"]


def test_the_slot_range_points_at_the_words_in_the_input(catalog: Catalog) -> None:
    (_, intent), = intents(ask(catalog, "please set the DESK LAMP to 30%"))
    device = slot(intent, "device")
    assert device["rawValue"] == "DESK LAMP" and device["range"]["start"] == len("please set the ")


def test_two_commands_in_one_sentence_are_two_intents(catalog: Catalog) -> None:
    names = [t for t, _ in intents(ask(catalog, "打开台灯然后调到百分之三十"))]
    assert names == ["hermes/intent/GenieTurnOn", "hermes/intent/GenieSet"]


def test_not_recognised_carries_the_ids_too(catalog: Catalog) -> None:
    assert ask(catalog, "xyzzy plugh") == [
        (NOT_RECOGNIZED_TOPIC, {"input": "xyzzy plugh", **QUERY})]
    assert ask(catalog, "   ")[0][0] == NOT_RECOGNIZED_TOPIC


def test_the_intent_filter_restricts_what_may_be_recognised(catalog: Catalog) -> None:
    assert intents(ask(catalog, "打开客厅的灯", intentFilter=["GenieTurnOn"]))
    assert ask(catalog, "打开客厅的灯", intentFilter=["GenieTurnOff"])[0][0] == NOT_RECOGNIZED_TOPIC


def test_the_query_language_is_honoured(catalog: Catalog) -> None:
    (_, intent), = intents(ask(catalog, "allume la télé", lang="fr-FR"))
    assert intent["lang"] == "fr-FR"  # as given, as Rhasspy returns it (issue 20); understood as French


@pytest.mark.parametrize("query", [None, [], {"siteId": "x"}, {"input": 42}])
def test_a_query_without_text_input_is_an_nlu_error(catalog: Catalog, query: Any) -> None:
    ((topic, error),) = answer(query, catalog)
    assert topic == ERROR_TOPIC and "input" in error["error"]


def test_every_action_has_a_documented_intent_name() -> None:
    from hub.nlu.models import ACTIONS

    assert set(ACTIONS) <= set(INTENT_NAMES)  # a new action needs a line in INTENT_NAMES and docs/interop.md
    assert len(set(INTENT_NAMES.values())) == len(INTENT_NAMES)
    assert intent_name("dance") == "GenieDance"  # until then it still gets a name


@pytest.mark.e2e
async def test_a_hermes_front_end_gets_its_intent_over_mqtt(interop_home: InteropHome) -> None:
    async with subscribed(interop_home.client(HERMES_USER, "rhasspy"), "hermes/intent/#",
                          NOT_RECOGNIZED_TOPIC) as rhasspy:
        query = {"input": "turn on the floor lamp", "siteId": "livingroom", "sessionId": "abc", "id": "1"}
        await rhasspy.publish("hermes/nlu/query", json.dumps(query).encode(), qos=1)
        message = await next_message(rhasspy, lambda m: True)
        assert str(message.topic) == "hermes/intent/GenieTurnOn"
        intent = body(message)
        assert (intent["siteId"], intent["sessionId"], intent["id"]) == ("livingroom", "abc", "1")
        assert slot(intent, "device")["value"]["value"] == "floor-lamp"
        await rhasspy.publish("hermes/nlu/query", b'{"input": "xyzzy plugh", "sessionId": "def"}', qos=1)
        missed = await next_message(rhasspy, lambda m: True)
        assert str(missed.topic) == NOT_RECOGNIZED_TOPIC and body(missed)["sessionId"] == "def"
    assert interop_home.state("floor-lamp")["powerstate"] == "off"  # recognised, not executed
    assert interop_home.hermes.answered == 2
