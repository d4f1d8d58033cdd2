"""The speaker: understand -> resolve the devices -> plan the directives -> send them -> the reply.

``Speaker.handle(text, lang, session)`` is the whole pipeline for one utterance; the transport (how a
directive reaches a device) is a ``send`` coroutine given by the hub, so this package never sees MQTT.
Each conversation (``session``: the requesting client) has a small ``Session``: the devices it spoke of
last (for "再亮一点", "turn it off"), its last change (for "a bit more", "encore") and the question the
speaker is waiting to have answered ("which light?", "the code?").
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import cast

from hub.conversation.choice import chosen, oldest_first
from hub.conversation.model import (
    ACTION_CATEGORIES,
    ASKING,
    DEFAULT_ATTRIBUTE,
    DEFAULT_SESSION,
    MAX_SESSIONS,
    MODE_FALLBACK,
    PENDING_TTL,
    READING,
    SECURE_CATEGORIES,
    SENSED,
    SWITCHABLE_IN_ROOM,
    UNIT_ATTRIBUTE,
    Outcome,
    Pending,
    Send,
    Session,
    Step,
    build_catalog,
    has,
)
from hub.conversation.redact import redact, spoken_digits, star_all, star_runs
from hub.conversation.reply import action_results, compose_reply, room_name
from hub.directory import DeviceRecord, Directory
from hub.language import Lang
from hub.nlu import Catalog, Intent, Lexicon, Target, Understanding, load_lexicon, speech, understand
from hub.protocol import (
    CommandResult,
    ErrorCode,
    ErrorResponse,
    Request,
)
from hub.protocol.vocabulary import QUERY_ACTIONS, adjust_action_for, set_action_for

_LOGGER = logging.getLogger(__name__)


class Speaker:
    """Understands a text command, acts on the home and answers."""

    def __init__(self, directory: Directory, send: Send, connected: Callable[[], bool] = lambda: True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.directory = directory
        self.send = send
        self.connected = connected
        self.clock = clock
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self._catalog: Catalog | None = None
        self._catalog_version = -1

    def catalog(self) -> Catalog:
        """The NLU's view of the home, rebuilt when what it is made of changes (``Directory.names_version``:
        devices coming or going, their names, rooms, actions and properties) — not on every command."""
        version = self.directory.names_version
        if self._catalog is None or version != self._catalog_version:
            self._catalog, self._catalog_version = build_catalog(self.directory), version
        return self._catalog

    def session(self, key: str) -> Session:
        """The memory of conversation ``key`` (created on first use; old ones are forgotten)."""
        found = self.sessions.pop(key, None) or Session()
        self.sessions[key] = found
        while len(self.sessions) > MAX_SESSIONS:
            self.sessions.popitem(last=False)
        return found

    async def handle(self, text: str, lang: str | None = None, session: str = DEFAULT_SESSION) -> CommandResult:
        """Understand ``text`` as a device order, question or answer, and ``answer`` it (the hub reads a text
        once, in ``Conversation.hear``; this is the shortcut for a text known to be an order)."""
        memory = self.sessions.get(session)
        if lang is None and memory is not None and memory.lang is not None and not any(c.isalpha() for c in text):
            lang = memory.lang  # "123456", "26": no words to tell the language by
        return await self.answer(understand(text, self.catalog(), lang), session)

    async def answer(self, understanding: Understanding, session: str = DEFAULT_SESSION) -> CommandResult:
        """Carry out what ``understanding`` orders, asks or answers, and say what happened; ``session`` keys
        the conversation. The result's text has any unlock code it held starred."""
        text = understanding.text
        memory = self.session(session)
        asked_code = memory.pending is not None and memory.pending.need == "code" and \
            self.clock() - memory.pending.asked <= PENDING_TTL
        result = await self._respond(text, understanding, memory)
        codes = codes_of(understanding)
        if asked_code and _code_answer(understanding, text):  # the answer to "what is the code?": all of it is
            said = star_all(text)
        elif any(self._unlocks(intent) for intent in understanding.intents):
            said = star_runs(redact(result.text, codes))  # "打开门锁 482913", "482913 is the code, unlock…"
        else:
            said = redact(result.text, codes)
        if said == result.text and not codes:
            return result
        return result.model_copy(update={"text": said, "reply": redact(result.reply, codes)})

    def _unlocks(self, intent: Intent) -> bool:
        """Whether ``intent`` is an unlock order (its digits may be the code, said with no code word)."""
        if intent.code or intent.action == "unlock":
            return True
        target = intent.target
        devices = [r for d in target.devices if (r := self.directory.get(d)) is not None]
        devices += [r for r in self.directory.all() if r.category in target.categories]
        return _opens_a_lock(intent, devices)

    def codes_in(self, text: str, lang: str | None = None) -> set[str]:
        """The unlock codes ``text`` says (to star them wherever the text is shown)."""
        return codes_of(understand(text, self.catalog(), lang))

    async def _respond(self, text: str, understanding: Understanding, memory: Session) -> CommandResult:
        lex = load_lexicon(understanding.lang)
        memory.lang = understanding.lang
        pending = memory.pending
        if pending is not None and self.clock() - pending.asked > PENDING_TTL:
            memory.pending = pending = None
        intents = self._answered(pending, understanding, text) if pending else None
        if intents is not None or understanding.intents:
            memory.pending = None
        intents = intents if intents is not None else understanding.intents
        if not intents:
            return self._no_intent(understanding, lex, text)
        if not self.connected():
            return CommandResult(text=text, lang=cast(Lang, understanding.lang), reply=lex.replies["not_connected"],
                                 ok=False)
        outcomes = []
        for intent in intents:
            outcome = self.plan(self._recalled(intent, memory), memory)
            await self.execute(outcome)
            outcomes.append(outcome)
        self._remember(memory, outcomes)
        reply, ok = compose_reply(lex, outcomes, self.directory)
        return CommandResult(text=text, lang=cast(Lang, understanding.lang), reply=reply, ok=ok,
                             actions=action_results(outcomes))

    async def carry_out(self, intents: list[Intent]) -> list[Outcome]:
        """Plan every intent and send all their directives at once (a scene, a timer, a routine)."""
        outcomes = [self.plan(intent) for intent in intents]
        await asyncio.gather(*(self.execute(outcome) for outcome in outcomes))
        return outcomes

    # ------------------------------------------------------------------ dialogue
    def _answered(self, pending: Pending, understanding: Understanding, text: str) -> list[Intent] | None:
        """The intents that an answer to the pending question completes, or None if it is no answer."""
        fragment = understanding.fragment
        intent = pending.intent
        if pending.need == "which" and pending.candidates:  # "the first one", "front-door", "玄关的"
            named = [r for d in pending.candidates if (r := self.directory.get(d)) is not None]
            picked = chosen(text, understanding, named)
            if picked is not None:
                return [replace(intent, target=Target(devices=(picked.id,)))]
        if pending.need == "code":  # "123456", "code 123456", "七三九一六四", "one two three four"
            code = _code_answer(understanding, text)
            return [replace(intent, code=code)] if code else None
        if pending.need == "which" and fragment is not None and not fragment.target.empty:
            return [replace(intent, target=intent.target.merged(fragment.target))]
        if pending.need == "which" and len(understanding.intents) == 1:
            answer = understanding.intents[0]  # "都打开", "打开客厅的": the same order, now with a place
            if answer.action == intent.action and not (answer.target.devices or answer.target.categories):
                return [replace(intent, target=intent.target.merged(answer.target))]
        if pending.need == "value" and len(understanding.intents) == 1:
            answer = understanding.intents[0]
            if answer.action == "set" and answer.target.empty and answer.value is not None:
                return [replace(intent, action="set", value=answer.value, unit=answer.unit,
                                attribute=intent.attribute or answer.attribute)]
        return None

    def _no_intent(self, understanding: Understanding, lex: Lexicon, text: str) -> CommandResult:
        replies = lex.replies
        key = understanding.problem or "not_understood"
        fragment = understanding.fragment
        if key == "not_understood" and fragment is not None and (fragment.target.devices or fragment.target.rooms):
            target = fragment.target
            names = [r.name(lex.lang) for r in self.directory.all() if r.id in target.devices] or [
                room_name(self.directory, room, lex.lang) for room in target.rooms]
            reply = speech.capitalize(lex, replies["what_to_do"].format(
                target=speech.join(lex, names), the_target=speech.join(lex, [speech.the_place(lex, n) for n in names])))
        else:
            reply = replies[key].format(text=text.strip())
        return CommandResult(text=text, lang=cast(Lang, understanding.lang), reply=reply,
                             ok=key in ("wake", "declined"))

    @staticmethod
    def _recalled(intent: Intent, memory: Session) -> Intent:
        """``intent`` with what the conversation supplies: "again" becomes the last change."""
        if intent.action != "again":
            return intent
        if memory.change is None:
            return intent
        return replace(memory.change, target=intent.target if not intent.target.empty else memory.change.target)

    def _remember(self, memory: Session, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            need = outcome.need
            if need is not None:
                memory.pending = Pending(outcome.intent, need, self.clock(),
                                         tuple(r.id for r in outcome.candidates) if need == "which" else ())
            devices = tuple(s.device.id for s in outcome.steps) or tuple(r.id for r in outcome.candidates
                                                                          if need == "value")
            if devices:
                memory.devices = devices
            done = [s for s in outcome.steps if s.ok and s.kind in ("set", "up", "down")]
            if done:  # what "again" / "encore" / "再来一点" repeats
                kind = outcome.intent.action if outcome.intent.action in ("up", "down") else done[0].kind
                memory.change = replace(outcome.intent, action=kind,
                                        target=Target(devices=tuple(s.device.id for s in done)))

    # ------------------------------------------------------------------ resolve
    def resolve(self, intent: Intent, outcome: Outcome, memory: Session | None = None) -> list[DeviceRecord]:
        """The devices an intent is about; sets ``outcome.problem`` when there are none or too many."""
        found = self._resolve(intent, outcome, memory)
        left_out = set(intent.target.exclude)
        if left_out:  # "all the lights except the desk lamp"
            found = [r for r in found if r.id not in left_out and r.category not in left_out]
        return found

    def _resolve(self, intent: Intent, outcome: Outcome, memory: Session | None) -> list[DeviceRecord]:
        target = intent.target
        if target.missing and not (target.devices or target.categories or target.rooms):
            outcome.problem, outcome.problem_args = "no_such", {"name": target.missing[0]}
            return []
        if target.unknown and not target.devices:
            outcome.problem, outcome.problem_args = "no_room", {"room": target.unknown[0]}
            return []
        rooms = set(target.rooms)
        if target.devices:  # looked up, not searched for: a named device costs the same among 10 or 10,000
            chosen = [r for d in dict.fromkeys(target.devices) if (r := self.directory.get(d)) is not None]
            if rooms and chosen and not any(r.room in rooms for r in chosen):
                outcome.problem = "no_device_in_room"
                outcome.problem_args = {"name": chosen[0].id, "room": target.rooms[0]}
                return []
            return chosen
        records = self.directory.all()
        pool = [r for r in records if r.room in rooms] if rooms else records
        if target.categories:
            return self._of_categories(intent, outcome, pool, memory)
        if rooms:
            return self._in_rooms(intent, pool)
        if target.everything and intent.action in ("on", "off"):
            return [r for r in records if r.category in SWITCHABLE_IN_ROOM]
        return self._untargeted(intent, outcome, records, memory)

    def _of_categories(self, intent: Intent, outcome: Outcome, pool: list[DeviceRecord],
                       memory: Session | None) -> list[DeviceRecord]:
        target = intent.target
        found = [r for r in pool if r.category in target.categories]
        if not found:
            outcome.problem = "no_device_in_room" if target.rooms else "no_device"
            outcome.problem_args = {"category": target.categories[0],
                                    "room": target.rooms[0] if target.rooms else ""}
            return []
        if len(found) > 1 and not target.rooms and not target.everything and intent.action in ASKING:
            remembered = [r for r in found if memory is not None and r.id in memory.devices]
            if remembered and intent.action not in ("on",):
                return remembered  # "把灯调亮一点" right after speaking of one light: that one
            outcome.problem = "ambiguous"
            outcome.problem_args = {"category": target.categories[0]}
            outcome.candidates = found
            return []
        return found

    def _in_rooms(self, intent: Intent, pool: list[DeviceRecord]) -> list[DeviceRecord]:
        """Devices of the rooms named, without a category: what the action or question is about."""
        attribute = intent.attribute
        if intent.action == "query":
            if attribute in SENSED:
                sensors = [r for r in pool if r.category == "sensor" and has(r, attribute)]  # type: ignore[arg-type]
                if sensors:
                    return sensors
                readings = [r for r in pool if has(r, READING.get(attribute, attribute))]  # type: ignore[arg-type]
                return readings or [r for r in pool if has(r, attribute)]  # type: ignore[arg-type]
            return [r for r in pool if attribute is None or has(r, attribute)]
        if intent.target.everything and intent.action in ("on", "off"):
            return [r for r in pool if r.category in SWITCHABLE_IN_ROOM]
        implied = ACTION_CATEGORIES.get(intent.action)
        if implied:
            return [r for r in pool if r.category in implied]
        lights = [r for r in pool if r.category == "light"]
        if intent.action in ("on", "off"):
            return lights or [r for r in pool if r.category in SWITCHABLE_IN_ROOM]
        if attribute:
            return [r for r in pool if self._able(intent, r)]
        if lights and intent.action in ("set", "up", "down") and intent.unit in (None, "percent"):
            return lights
        return [r for r in pool if self._attribute(intent, r) is not None]

    def _untargeted(self, intent: Intent, outcome: Outcome, records: list[DeviceRecord],
                    memory: Session | None) -> list[DeviceRecord]:
        """No device, room or category said: the question's sensor, the conversation's last devices, the
        only device that can do it."""
        attribute = intent.attribute
        if intent.action == "query" and attribute in SENSED:
            sensors = [r for r in records if r.category == "sensor" and has(r, attribute)]  # type: ignore[arg-type]
            if sensors:
                return sensors
        if memory is not None and memory.devices:
            able = [r for r in records if r.id in memory.devices and self._can(intent, r)]
            if able:
                return able
        implied = ACTION_CATEGORIES.get(intent.action)
        if implied:
            having = [r for r in records if r.category in implied]
            if len(having) == 1 or (having and intent.action in ("lock", "off")):
                return having
        if attribute:  # "声音小点儿": the only device with a volume; "湿度调到60": the only one to set it
            having = [r for r in records if self._able(intent, r)]
            if len(having) == 1:
                return having
            if len(having) > 1:  # "set the fan speed to 1": the AC's, the purifier's or the fan's?
                outcome.problem, outcome.candidates = "ambiguous", having
                return []
        outcome.problem = "no_target"
        return []

    def _able(self, intent: Intent, record: DeviceRecord) -> bool:
        """Whether ``record`` has what a question or change is about."""
        if intent.attribute in ("warmth", "opening"):
            return self._attribute(intent, record) is not None
        return intent.attribute is not None and has(record, intent.attribute) and (
            intent.action == "query" or self._can(intent, record))

    def _can(self, intent: Intent, record: DeviceRecord) -> bool:
        """Whether ``record`` can do what ``intent`` asks (to pick among the conversation's devices)."""
        action = intent.action
        if action in ("query", "on", "off"):
            return action == "query" or "TurnOn" in record.info.actions or record.category == "fingerprintlock"
        if action in ("lock", "unlock"):
            return record.category == "fingerprintlock"
        if action in ("set", "up", "down"):
            attribute = self._attribute(intent, record)
            spec = record.info.spec(attribute) if attribute else None
            return spec is not None and spec.writable
        if action in ("next", "previous"):
            return has(record, "channel")
        names = {"pause": "Pause", "continue": "Continue", "mute": "SetMute", "unmute": "CancelMute"}
        return names.get(action, "") in record.info.actions

    # ------------------------------------------------------------------ plan
    def plan(self, intent: Intent, memory: Session | None = None) -> Outcome:
        outcome = Outcome(intent)
        if intent.action == "again":
            outcome.problem = "nothing_to_repeat"
            return outcome
        devices = self.resolve(intent, outcome, memory)
        if outcome.problem is not None:
            return outcome
        if len(devices) > 1 and _opens_a_lock(intent, devices):  # never the code to several devices at once
            outcome.problem, outcome.candidates = "which_lock", oldest_first(devices)
            return outcome
        if intent.action == "set" and intent.value is None:
            outcome.problem, outcome.candidates = "no_value", devices
            return outcome
        outcome.steps = [self._step(intent, record) for record in devices]
        # In a group, leave out devices that simply cannot do it ("turn off the living room" skips sensors).
        if len(outcome.steps) > 1 and intent.target.devices == ():
            able = [s for s in outcome.steps if s.error != ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION]
            if able:
                outcome.steps = able
        return outcome

    def _attribute(self, intent: Intent, record: DeviceRecord) -> str | None:
        if intent.attribute == "warmth":  # warmer: the temperature of a climate device, the colour of a light
            return next((a for a in ("temperature", "colorTemperature") if has(record, a)), None)
        if intent.attribute == "opening":  # "打开一点": a curtain a little more open, a lamp a little brighter
            return "position" if has(record, "position") else DEFAULT_ATTRIBUTE.get(record.category)
        if intent.attribute:
            return intent.attribute
        if intent.unit in UNIT_ATTRIBUTE:
            for candidate in UNIT_ATTRIBUTE[intent.unit]:
                if has(record, candidate):
                    return candidate
        if intent.action == "set" and record.category == "television" and intent.unit is None and isinstance(
                intent.value, int | float):
            return "channel"  # "电视调到十": a channel; "à fond": the volume
        return DEFAULT_ATTRIBUTE.get(record.category)

    def _step(self, intent: Intent, record: DeviceRecord) -> Step:
        kind = intent.action
        category = record.category
        if kind in ("up", "down") and category == "curtain" and intent.value is None and intent.attribute is None:
            kind = "on" if kind == "up" else "off"  # raising the blinds opens them
        if kind in ("on", "off"):
            if category == "fingerprintlock":
                kind = "unlock" if kind == "on" else "lock"
            else:
                return self._power(kind, record)
        if kind == "lock":
            return self._check(Step(record, kind, "Lock"))
        if kind == "unlock":
            step = Step(record, kind, "Unlock", "code" if intent.code else None, intent.code)
            if category == "fingerprintlock" and not intent.code:
                step.error, step.detail = ErrorCode.INVALIDATE_PARAMS, "need_code"
                return step
            return self._check(step)
        if kind in ("pause", "continue"):
            return self._check(Step(record, kind, "Pause" if kind == "pause" else "Continue"))
        if kind in ("mute", "unmute"):
            return self._check(Step(record, kind, "SetMute" if kind == "mute" else "CancelMute"))
        if kind in ("next", "previous"):
            return self._check(Step(record, "up" if kind == "next" else "down",
                                    adjust_action_for("channel", kind == "next") or "", "channel"))
        if kind == "query":
            attribute = intent.attribute
            target = intent.target
            if not (target.devices or target.categories) and category != "sensor" and has(
                    record, READING.get(attribute or "", "")):
                attribute = READING[attribute]  # type: ignore[index]  # a room's humidity, read by its humidifier
            return Step(record, kind, "Query", attribute)
        attribute = self._attribute(intent, record)
        if attribute is None:
            return Step(record, kind, "", intent.attribute, None, ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION)
        if intent.attribute == "warmth" and attribute == "colorTemperature":  # a warmer light is a lower one
            kind = {"up": "down", "down": "up"}.get(kind, kind)
        if kind == "set":
            return self._set(intent, record, attribute)
        if kind in ("up", "down"):
            action = adjust_action_for(attribute, kind == "up") or ""
            by = intent.value if isinstance(intent.value, int | float) else None  # "调高两度": by 2; else the default
            return self._check(Step(record, kind, action, attribute, by))
        return Step(record, kind, "", attribute, None, ErrorCode.INVALIDATE_CONTROL_ORDER)

    def _power(self, kind: str, record: DeviceRecord) -> Step:
        on = kind == "on"
        action = "TurnOn" if on else "TurnOff"
        if record.category == "curtain":
            return self._check(Step(record, "open" if on else "close", action, "powerstate", "on" if on else "off"))
        if record.category == "roboticvacuum":
            return self._check(Step(record, "clean" if on else "dock", action))
        return self._check(Step(record, kind, action, "powerstate", "on" if on else "off"))

    def _set(self, intent: Intent, record: DeviceRecord, attribute: str) -> Step:
        action = set_action_for(attribute) or ""
        value = intent.value
        if intent.unit == "percent" and attribute in ("temperature", "channel", "windspeed"):
            return Step(record, "set", action, attribute, value, ErrorCode.INVALIDATE_PARAMS)
        spec = record.info.spec(attribute)
        if attribute == "mode" and spec is not None and value not in spec.enum_values:
            value = MODE_FALLBACK.get(str(value), value)
        return self._check(Step(record, "set", action, attribute, value), validate=True)

    @staticmethod
    def _check(step: Step, *, validate: bool = False) -> Step:
        """Refuse, without sending, what the device's registration says it cannot do or take."""
        info = step.device.info
        if not step.action or step.action not in info.actions:
            step.error = ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
            return step
        if validate and step.attribute:
            spec = info.spec(step.attribute)
            if spec is not None and step.value is not None:
                try:
                    spec.coerce(step.value)
                except ValueError as exc:
                    step.error, step.detail = ErrorCode.INVALIDATE_PARAMS, str(exc)
        return step

    # ------------------------------------------------------------------ execute
    async def execute(self, outcome: Outcome) -> None:
        """Send every step's directive concurrently and record each answer."""
        group_question = outcome.intent.action == "query" and outcome.intent.quantifier not in (None, "plain")

        async def run(step: Step) -> None:
            record = step.device
            if not record.online:
                step.error = ErrorCode.IOT_DEVICE_OFFLINE
                return
            if group_question:
                return  # "which lights are on?" is answered from the directory
            if step.action == "Query":
                name = next((q for q, a in QUERY_ACTIONS.items() if a == step.attribute), "Query")
                if name not in record.info.actions:
                    name = "Query"
                request = Request.query(record.id, name, record.category)
            else:
                request = Request.control(record.id, step.action, step.attribute, step.value, record.category)
            response = await self.send(request)
            step.response = response
            if isinstance(response, ErrorResponse):
                step.error, step.detail = response.payload.error_code, response.payload.message

        await asyncio.gather(*(run(s) for s in outcome.steps if s.ok))


def codes_of(understanding: Understanding) -> set[str]:
    """Every unlock code an utterance says (in an order, or alone as an answer)."""
    codes = {i.code for i in understanding.intents if i.code}
    if understanding.fragment is not None and understanding.fragment.code:
        codes.add(understanding.fragment.code)
    return codes


def _code_answer(understanding: Understanding, text: str) -> str | None:
    """The code an answer to "what is the code?" gives: after a code word or alone ("code 123456", "123456"),
    or said digit by digit in words ("七三九一六四", "one two three four"); None if it gives none."""
    fragment = understanding.fragment
    return fragment.code if fragment is not None and fragment.code else spoken_digits(text)


def _opens_a_lock(intent: Intent, devices: list[DeviceRecord]) -> bool:
    """Whether an order would open a lock among ``devices`` (or hand any of them a code)."""
    if intent.code:
        return True
    return intent.action in ("unlock", "on") and any(r.category in SECURE_CATEGORIES for r in devices)
