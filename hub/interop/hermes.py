"""Rhasspy Hermes NLU: the hub answers ``hermes/nlu/query`` like a Hermes intent recognizer.

A Hermes front end (Rhasspy's wake word + speech-to-text + dialogue manager, or ``mosquitto_pub``) sends
``{"input": "打开客厅的灯", "siteId": "kitchen", "sessionId": "…", "id": "…"}`` on ``hermes/nlu/query``; the
hub understands it with its own NLU against the live directory and answers, per intent it found,
``hermes/nlu/intentParsed`` and ``hermes/intent/<intentName>`` (as Rhasspy's NLU service does), or
``hermes/nlu/intentNotRecognized``; a query that is not a JSON object with a text ``input`` (or is nested
deeper than the codec's ``MAX_JSON_DEPTH``) gets ``hermes/error/nlu``; a query over the protocol's 256 KiB
is dropped unread, with one log line. ``id``, ``siteId``, ``sessionId`` and ``customData`` are carried through.
The answers carry a spoken code in clear (the intent handler acts on it); what the hub's taps see of any
``hermes/`` message (``/api/messages``, a recording) has it starred: the ``code`` slot's value and raw value,
and the code in ``input`` / ``rawInput`` / an error's ``context``.

Where Rhasspy's own NLU service (rhasspy-nlu-hermes) answers in a particular way, the hub does the same: the
query's ``customEntities`` are copied as slots, an error's ``context`` is what was asked (Rhasspy puts the input
there), ``lang`` is the query's own as given (``fr-FR``), and a slot's ``rawValue`` is the words said
(百分之三十, not 30).

Recognition only, as a Hermes NLU service: acting on the intent is the intent handler's job (Rhasspy's
dialogue manager forwards ``hermes/intent/#`` to one); to have the hub act, send the same text to
``genie/hub/command`` (``genie say``). The intent names are ``INTENT_NAMES``; the slots are
``device``, ``room``, ``category``, ``attribute``, ``value``, ``code`` and ``scope`` (docs/interop.md).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hub.conversation import build_catalog
from hub.conversation.redact import hide, star
from hub.interop.worker import SerialWorker
from hub.nlu import LANGUAGES, Catalog, Intent, load_lexicon, understand
from hub.nlu.numbers import find_numbers, find_word_numbers
from hub.protocol.codec import ProtocolError, check_size, clip, parse_json

if TYPE_CHECKING:
    from hub.service import Hub

_LOGGER = logging.getLogger(__name__)

QUERY_TOPIC = "hermes/nlu/query"
NOT_RECOGNIZED_TOPIC = "hermes/nlu/intentNotRecognized"
PARSED_TOPIC = "hermes/nlu/intentParsed"
ERROR_TOPIC = "hermes/error/nlu"
MAX_INPUT = 1000
"""Characters of input understood (the hub's own text commands have the same limit)."""

INTENT_NAMES = {
    "on": "GenieTurnOn",
    "off": "GenieTurnOff",
    "set": "GenieSet",
    "up": "GenieIncrease",
    "down": "GenieDecrease",
    "query": "GenieQuery",
    "pause": "GeniePause",
    "continue": "GenieResume",
    "lock": "GenieLock",
    "unlock": "GenieUnlock",
    "mute": "GenieMute",
    "unmute": "GenieUnmute",
    "next": "GenieNext",
    "previous": "GeniePrevious",
    "again": "GenieRepeat",
}
"""Our abstract actions -> Hermes intent names (an action added later is named ``Genie<Action>``)."""

Message = tuple[str, dict[str, Any]]


def intent_topic(name: str) -> str:
    """The Hermes topic an intent named ``name`` is published on."""
    return f"hermes/intent/{name}"


def intent_name(action: str) -> str:
    """The Hermes intent name of one of our actions."""
    return INTENT_NAMES.get(action) or "Genie" + action[:1].upper() + action[1:]


def _find(text: str, words: list[str]) -> tuple[str, int, int] | None:
    """The first of ``words`` (longest first, any case) found in ``text``: (as written, start, end)."""
    folded = text.casefold()
    if len(folded) != len(text):  # case folding moved the offsets; no reliable range
        return None
    for word in sorted((w for w in words if w), key=len, reverse=True):
        start = folded.find(word.casefold())
        if start >= 0:
            return text[start:start + len(word)], start, start + len(word)
    return None


def _slot(text: str, slot: str, value: Any, kind: str, words: list[str], *,
          span: tuple[str, int, int] | None = None, **extra: Any) -> dict[str, Any]:
    """One Hermes slot; ``range`` where ``span`` says, or where one of ``words`` is found in the input."""
    found = span or _find(text, words)
    result: dict[str, Any] = {
        "entity": f"genie_{slot}",
        "slotName": slot,
        "rawValue": found[0] if found else str(value),
        "value": {"kind": kind, "value": value, **extra},
        "confidence": 1.0,
    }
    if found:
        result["range"] = {"start": found[1], "end": found[2], "rawStart": found[1], "rawEnd": found[2]}
    return result


def _number_words(value: float) -> list[str]:
    whole = int(value) if value == int(value) else None
    return [str(whole)] if whole is not None else [str(value)]


def _said_number(text: str, value: float, lang: str) -> tuple[str, int, int] | None:
    """Where ``value`` is said in ``text``, as the words said with their unit ("百分之三十", "trente pour cent",
    "30%"): Rhasspy's raw value is the words of the input, not the number they mean."""
    folded = text.casefold()
    if len(folded) != len(text):
        return None
    lex = load_lexicon(lang)
    prefixes = [w for w in lex.units.get("percent", []) if w != "%"]
    markers = "".join(m for m in lex.set_markers if len(m) == 1)
    hits = find_numbers(folded, lex.units, prefixes, set_markers=markers)
    hits += find_word_numbers(folded, lex.numbers, lex.units, lex.set_markers)
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.value == value:
            return text[hit.start:hit.end].strip(), hit.start, hit.start + len(text[hit.start:hit.end].strip())
    return None


def slots_of(intent: Intent, text: str, lang: str, catalog: Catalog) -> list[dict[str, Any]]:
    """The Hermes slots of one of our intents, with ranges in ``text`` where the words are found."""
    lex = load_lexicon(lang)
    target = intent.target
    device_names: dict[str, dict[str, list[str]]] = getattr(catalog, "device_names", {})
    room_names: dict[str, dict[str, list[str]]] = getattr(catalog, "room_names", {})
    floor_names: dict[str, dict[str, list[str]]] = getattr(catalog, "floor_names", {})
    slots = []
    for device in target.devices:
        words = [n for ns in device_names.get(device, {}).values() for n in ns]
        slots.append(_slot(text, "device", device, "Custom", words))
    for room in target.rooms:
        words = [n for ns in room_names.get(room, {}).values() for n in ns]
        slots.append(_slot(text, "room", room, "Custom", words))
    for floor in getattr(target, "floors", ()):
        words = [n for ns in floor_names.get(floor, {}).values() for n in ns]
        slots.append(_slot(text, "floor", floor, "Custom", words))
    for category in target.categories:
        slots.append(_slot(text, "category", category, "Custom", lex.categories.get(category, [])))
    if target.everything:
        slots.append(_slot(text, "scope", "all", "Custom", []))
    if getattr(target, "here", False):
        slots.append(_slot(text, "scope", "here", "Custom", []))
    if intent.attribute:
        slots.append(_slot(text, "attribute", intent.attribute, "Custom", lex.properties.get(intent.attribute, [])))
    value = intent.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        said = _said_number(text, value, lang)
        if intent.unit == "percent":
            slots.append(_slot(text, "value", value, "Percentage", _number_words(value), span=said))
        elif intent.unit == "degree":
            slots.append(_slot(text, "value", value, "Temperature", _number_words(value), span=said, unit="celsius"))
        else:
            slots.append(_slot(text, "value", value, "Number", _number_words(value), span=said))
    elif value is not None:
        words = lex.colors.get(str(value), []) + lex.modes.get(str(value), []) + [str(value)]
        slots.append(_slot(text, "value", value, "Custom", words))
    if intent.code:
        slots.append(_slot(text, "code", intent.code, "Custom", [intent.code]))
    for name in ("state", "quantifier"):  # what a question asks about ("is it on?", "which lights?")
        asked = getattr(intent, name, None)
        if asked and asked != "plain":
            slots.append(_slot(text, name, asked, "Custom", []))
    return slots


def _lang(query: dict[str, Any]) -> str | None:
    lang = query.get("lang")
    if isinstance(lang, str) and lang[:2].lower() in LANGUAGES:
        return lang[:2].lower()
    return None


def _custom_slots(query: dict[str, Any]) -> list[dict[str, Any]]:
    """The query's ``customEntities`` as slots, copied as Rhasspy's NLU service copies them."""
    custom = query.get("customEntities")
    if not isinstance(custom, dict):
        return []
    return [{"entity": str(name), "slotName": str(name), "rawValue": value, "value": {"value": value},
             "confidence": 1.0} for name, value in custom.items()]


def answer(query: Any, catalog: Catalog, raw: str | None = None) -> list[Message]:
    """The Hermes messages answering one ``hermes/nlu/query`` payload (already JSON-decoded; ``raw``: the
    payload as received, the context of an error as Rhasspy gives the input there)."""
    if not isinstance(query, dict) or not isinstance(query.get("input"), str):
        context = query if isinstance(query, dict) else {}
        said = raw if raw is not None else json.dumps(query, ensure_ascii=False, separators=(",", ":"))
        return [(ERROR_TOPIC, {"error": "hermes/nlu/query needs a JSON object with a text 'input'",
                               "context": said[:MAX_INPUT], "siteId": context.get("siteId", "default"),
                               "sessionId": context.get("sessionId")})]
    text: str = query["input"][:MAX_INPUT]
    carried = {"id": query.get("id"), "siteId": query.get("siteId") or "default",
               "sessionId": query.get("sessionId"), "customData": query.get("customData")}
    understanding = understand(text, catalog, _lang(query)) if text.strip() else None
    asked_lang = query.get("lang") if isinstance(query.get("lang"), str) and query.get("lang") else None
    allowed = query.get("intentFilter")
    messages: list[Message] = []
    for intent in understanding.intents if understanding else []:
        name = intent_name(intent.action)
        if isinstance(allowed, list) and allowed and name not in allowed:
            continue
        assert understanding is not None
        classified = {"intentName": name, "confidenceScore": 1.0}
        slots = slots_of(intent, text, understanding.lang, catalog) + _custom_slots(query)
        messages.append((PARSED_TOPIC, {"input": text, "intent": classified, "slots": slots, "id": carried["id"],
                                        "siteId": carried["siteId"], "sessionId": carried["sessionId"]}))
        messages.append((intent_topic(name), {
            "input": text, "intent": classified, "slots": slots, **carried,
            "asrTokens": [], "asrConfidence": query.get("asrConfidence"), "rawInput": text,
            "wakewordId": query.get("wakewordId"), "lang": asked_lang or understanding.lang,
        }))
    if not messages:
        messages.append((NOT_RECOGNIZED_TOPIC, {"input": text, **carried}))
    return messages


class HermesNlu:
    """Hub extension: answers ``hermes/nlu/query`` (add to ``hub.extensions`` before ``hub.run``)."""

    filters: tuple[str, ...] = (QUERY_TOPIC,)

    def __init__(self, hub: Hub, catalog: Callable[[], Catalog] | None = None) -> None:
        self.hub = hub
        # The speaker's catalog is cached until a name changes; build one if a future speaker has none.
        self._catalog = catalog or getattr(hub.speaker, "catalog", None) or (lambda: build_catalog(hub.directory))
        self._out = SerialWorker("hermes.publish")
        self.answered = 0
        hub.redactors.append(self._shown)

    async def on_connect(self, hub: Hub) -> None:
        """After every (re)connection: start publishing answers."""
        self._out.start()

    def on_message(self, topic: str, payload: bytes) -> None:
        """Answer a Hermes NLU query (the intents it reads as, not recognized, or an error), in order."""
        try:
            check_size(payload)
        except ProtocolError as exc:  # never parsed, not answered: nothing in it can be trusted to reply to
            _LOGGER.warning("hermes: dropped a query on %s: %s", clip(topic), exc.reason)
            return
        try:
            query: Any = parse_json(payload)
        except ProtocolError as exc:
            _LOGGER.warning("hermes: malformed query on %s (%s); answering on %s", clip(topic), exc.reason,
                            ERROR_TOPIC)
            query = None
        asked = isinstance(query, dict) and isinstance(query.get("input"), str)
        raw = None if asked else payload.decode("utf-8", "replace")[:MAX_INPUT]
        for reply_topic, body in answer(query, self._catalog(), raw):
            self._out.submit(functools.partial(self.hub.publish, reply_topic,
                                               json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()))
        self.answered += 1

    async def idle(self) -> None:
        """Return once every answer computed so far has been published."""
        await self._out.join()

    async def aclose(self) -> None:
        """Stop publishing and leave the hub's redactors."""
        if self._shown in self.hub.redactors:
            self.hub.redactors.remove(self._shown)
        await self._out.aclose()

    def _shown(self, topic: str, payload: bytes) -> bytes:
        """A Hermes message as the hub's taps may see it (a hub redactor): its code slots and the code its
        text says starred."""
        if not topic.startswith("hermes/"):
            return payload
        try:
            message: Any = parse_json(payload)
        except ProtocolError:
            text = payload.decode("utf-8", "replace")
            shown = hide(text)
            return payload if shown == text else shown.encode()
        if not isinstance(message, dict):
            return payload
        codes = _starred_slots(message.get("slots"))
        said = message.get("input")
        if topic == QUERY_TOPIC and isinstance(said, str) and said.strip():
            understood = understand(said[:MAX_INPUT], self._catalog(), _lang(message))
            codes |= {i.code for i in understood.intents if i.code}
        for key in ("input", "rawInput", "context"):  # an error's context is what was sent
            if isinstance(message.get(key), str):
                message[key] = hide(message[key], codes)
        return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


def _starred_slots(slots: Any) -> set[str]:
    """Star the value and raw value of every ``code`` slot in ``slots`` (in place); the codes they held."""
    codes: set[str] = set()
    for slot in slots if isinstance(slots, list) else []:
        if not isinstance(slot, dict) or slot.get("slotName") != "code":
            continue
        value = slot.get("value")
        if isinstance(value, dict) and value.get("value") not in (None, ""):
            codes.add(str(value["value"]))
            value["value"] = star(value["value"])
        if slot.get("rawValue") not in (None, ""):
            codes.add(str(slot["rawValue"]))
            slot["rawValue"] = star(slot["rawValue"])
    return codes
