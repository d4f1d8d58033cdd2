"""Intent -> devices -> directives -> results -> the reply, in the command's language.

``Speaker.handle(text, lang, session)`` is the whole pipeline for one utterance; the transport (how a
directive reaches a device) is a ``send`` coroutine given by the hub, so this module never sees MQTT.
Each conversation (``session``: the requesting client) has a small ``Session``: the devices it spoke of
last (for "再亮一点", "turn it off"), its last change (for "a bit more", "encore") and the question the
speaker is waiting to have answered ("which light?", "the code?").
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Literal, cast

from hub.directory import DeviceRecord, Directory
from hub.nlu import Catalog, CatalogDevice, Intent, Lexicon, Target, Understanding, load_lexicon, speech, understand
from hub.protocol import (
    COLORS,
    SUCCESS,
    ActionResult,
    CommandResult,
    ErrorCode,
    ErrorResponse,
    PropertyValue,
    Request,
    Response,
)
from hub.protocol.vocabulary import DEFAULT_STEPS, QUERY_ACTIONS, adjust_action_for, set_action_for

_LOGGER = logging.getLogger(__name__)

Send = Callable[[Request], Awaitable[Response | ErrorResponse]]
Lang = Literal["zh", "en", "fr"]

DEFAULT_SESSION = "local"
"""The conversation of a caller that names none (``Hub.handle_text`` without a session)."""
MAX_SESSIONS = 1024
"""Conversations remembered at once; the least recently used is forgotten first."""
PENDING_TTL = 120.0
"""Seconds a question ("which light?", "the code?") waits for its answer."""

DEFAULT_ATTRIBUTE = {
    "light": "brightness",
    "curtain": "position",
    "aircondition": "temperature",
    "heater": "temperature",
    "waterheater": "temperature",
    "television": "volume",
    "fan": "windspeed",
    "airpurifier": "windspeed",
    "humidifier": "humidity",
}
"""The property a bare "set to N" / "higher" means, per category."""

UNIT_ATTRIBUTE = {
    "degree": ["temperature"],
    "level": ["windspeed"],
    "channel": ["channel"],
    "percent": ["brightness", "position", "humidity", "volume"],
}

SWITCHABLE_IN_ROOM = ("light", "switch", "outlet", "curtain", "aircondition", "fan", "airpurifier",
                      "humidifier", "heater", "television")
"""What "turn off everything in the living room" turns off (not locks, sensors, water heaters or vacuums)."""

ACTION_CATEGORIES = {
    "lock": ("fingerprintlock",),
    "unlock": ("fingerprintlock",),
    "mute": ("television",),
    "unmute": ("television",),
    "next": ("television",),
    "previous": ("television",),
}
"""Actions that only one kind of device takes, so they need no target when the home has one."""

ASKING = frozenset({"on", "set", "up", "down", "unlock", "pause", "continue", "mute", "unmute", "next", "previous"})
"""Actions that ask "which one?" when a bare category matches several devices ("打开灯"); turning off,
locking and questions apply to them all."""

SENSED = ("temperature", "humidity", "pm2.5")
"""Readings a room's sensor gives; asked of a room, they come from its sensor, not from an AC."""
READING = {"temperature": "currentTemperature", "humidity": "currentHumidity"}
"""A device's own measurement of what its setpoint controls."""

MODE_FALLBACK = {"sleep": "sleepWind", "normalWind": "standard", "auto": "natureWind", "strong": "normalWind",
                 "quiet": "sleep"}
"""A mode the device lacks -> its nearest one ("睡眠模式" on a fan is its sleep wind)."""

OPPOSITE = {"on": "off", "off": "on", "open": "closed", "closed": "open", "locked": "unlocked", "unlocked": "locked"}

VALUE_UNITS = {"brightness": "%", "position": "%", "humidity": "%", "volume": "", "temperature": "°C",
               "currentTemperature": "°C", "colorTemperature": "K", "power": "W", "battery": "%",
               "currentHumidity": "%", "pm2.5": "µg/m³"}


@dataclass
class Step:
    """One directive to one device, or the reason none is sent."""

    device: DeviceRecord
    kind: str
    action: str
    attribute: str | None = None
    value: PropertyValue | None = None
    error: ErrorCode | None = None
    detail: str = ""
    response: Response | ErrorResponse | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Outcome:
    """What became of one intent."""

    intent: Intent
    steps: list[Step] = field(default_factory=list)
    problem: str | None = None
    problem_args: dict[str, str] = field(default_factory=dict)
    candidates: list[DeviceRecord] = field(default_factory=list)
    """When the speaker asks "which one?": the devices it could have meant."""

    @property
    def need(self) -> str | None:
        """What answer the speaker now waits for: "which", "code", "value", or nothing."""
        if self.problem == "ambiguous":
            return "which"
        if self.problem == "no_value":
            return "value"
        if any(s.detail == "need_code" for s in self.steps):
            return "code"
        return None


@dataclass
class Pending:
    """A question the speaker asked, and the intent its answer completes."""

    intent: Intent
    need: str
    asked: float


@dataclass
class Session:
    """One conversation's memory."""

    devices: tuple[str, ...] = ()
    """The devices spoken of last ("turn it off", "再亮一点")."""
    change: Intent | None = None
    """The last change made, resolved (for "again", "encore")."""
    pending: Pending | None = None
    lang: str | None = None
    """The language of the conversation: a reply with no words ("123456") is in it."""


def build_catalog(directory: Directory) -> Catalog:
    """The NLU's slot lists from the directory."""
    catalog = Catalog()
    for record in directory.all():
        info = record.info
        catalog.add_device(
            CatalogDevice(
                id=record.id,
                category=record.category,
                room=record.room,
                attributes=frozenset(s.name for s in info.property_specs) | frozenset(record.state),
                actions=frozenset(info.actions),
            ),
            {lang: info.names.for_lang(lang) for lang in ("zh", "en", "fr")},
        )
        if record.room:
            catalog.add_room(record.room, {lang: info.zone_names.for_lang(lang) for lang in ("zh", "en", "fr")})
    return catalog


def has(record: DeviceRecord, attribute: str) -> bool:
    """Whether a device has ``attribute`` (in its registration or its state)."""
    return record.info.spec(attribute) is not None or attribute in record.state


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
        self._catalog_infos: list[object] = []

    def catalog(self) -> Catalog:
        """The NLU's view of the home, rebuilt when a device registers anew (a new ``DeviceInfo``) or goes."""
        infos = [r.info for r in self.directory.all()]
        stale = len(infos) != len(self._catalog_infos) or any(
            a is not b for a, b in zip(infos, self._catalog_infos, strict=True))
        if self._catalog is None or stale:
            self._catalog, self._catalog_infos = build_catalog(self.directory), list(infos)
        return self._catalog

    def session(self, key: str) -> Session:
        """The memory of conversation ``key`` (created on first use; old ones are forgotten)."""
        found = self.sessions.pop(key, None) or Session()
        self.sessions[key] = found
        while len(self.sessions) > MAX_SESSIONS:
            self.sessions.popitem(last=False)
        return found

    async def handle(self, text: str, lang: str | None = None, session: str = DEFAULT_SESSION) -> CommandResult:
        """Understand ``text``, carry it out, and say what happened; ``session`` keys the conversation."""
        memory = self.session(session)
        if lang is None and memory.lang is not None and not any(c.isalpha() for c in text):
            lang = memory.lang  # "123456", "26": no words to tell the language by
        understanding = understand(text, self.catalog(), lang)
        lex = load_lexicon(understanding.lang)
        memory.lang = understanding.lang
        pending = memory.pending
        if pending is not None and self.clock() - pending.asked > PENDING_TTL:
            memory.pending = pending = None
        intents = self._answered(pending, understanding) if pending else None
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
    @staticmethod
    def _answered(pending: Pending, understanding: Understanding) -> list[Intent] | None:
        """The intents that an answer to the pending question completes, or None if it is no answer."""
        fragment = understanding.fragment
        intent = pending.intent
        if pending.need == "code":
            code = fragment.code if fragment is not None else None
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
                _room_name(self.directory, room, lex.lang) for room in target.rooms]
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
                memory.pending = Pending(outcome.intent, need, self.clock())
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
        records = self.directory.all()
        if target.missing and not (target.devices or target.categories or target.rooms):
            outcome.problem, outcome.problem_args = "no_such", {"name": target.missing[0]}
            return []
        if target.unknown and not target.devices:
            outcome.problem, outcome.problem_args = "no_room", {"room": target.unknown[0]}
            return []
        rooms = set(target.rooms)
        if target.devices:
            chosen = [r for r in records if r.id in target.devices]
            if rooms and chosen and not any(r.room in rooms for r in chosen):
                outcome.problem = "no_device_in_room"
                outcome.problem_args = {"name": chosen[0].id, "room": target.rooms[0]}
                return []
            return chosen
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


def action_results(outcomes: list[Outcome]) -> list[ActionResult]:
    """Every directive of ``outcomes`` and how it went, as clients see it."""
    return [
        ActionResult(
            device=step.device.id,
            action=step.action,
            params=_params(step),
            result=SUCCESS if step.ok else str(step.error),
            message=None if step.ok else step.detail or None,
        )
        for outcome in outcomes
        for step in outcome.steps
    ]


def _params(step: Step) -> dict[str, PropertyValue]:
    """What an action result shows of a directive's value; an unlock code only as stars (it is logged)."""
    if step.attribute is None or step.value is None:
        return {}
    return {step.attribute: "*" * len(str(step.value)) if step.attribute == "code" else step.value}


# ---------------------------------------------------------------------- replies


@dataclass(frozen=True)
class Named:
    """How a reply names a set of devices: bare ("台灯", "desk lamp"), with its article ("the desk lamp",
    "la lampe de bureau"), and the ending a French participle takes after it."""

    text: str
    the: str
    agr: str

    def args(self, lex: Lexicon) -> dict[str, str]:
        return {"target": self.text, "the_target": self.the, "agr": self.agr,
                "of_target": speech.of_place(lex, self.text)}


def _place(record: DeviceRecord, lang: str) -> str:
    return record.info.zone_names.display(lang) or record.room


def _room_name(directory: Directory, room: str, lang: str) -> str:
    names = next((r.info.zone_names for r in directory.all() if r.room == room), None)
    return (names.display(lang) if names else "") or room


def target_phrase(lex: Lexicon, records: list[DeviceRecord], directory: Directory) -> Named:
    """How to name a set of devices: "台灯", "客厅的两盏灯", "the two lights in the living room", "4 devices"."""
    lang = lex.lang
    if len(records) == 1:
        name = records[0].name(lang)
        return Named(name, speech.the_place(lex, name), speech.agreement(lex, [name]))
    categories = {r.category for r in records}
    rooms = {r.room for r in records}
    if len(categories) == 1:
        category = next(iter(categories))
        plural = speech.agreement(lex, [lex.noun(category, True)])
        if len(rooms) == 1:
            text = speech.group(lex, category, len(records), _place(records[0], lang))
            return Named(text, text, plural)
        if len(records) > 3:
            text = speech.group(lex, category, len(records), None)
            return Named(text, text, plural)
    if len(records) > 4:
        text = lex.replies["devices_count"].format(count=len(records))
        return Named(text, text, speech.agreement(lex, ["appareils"]))
    names = [r.name(lang) for r in records]
    return Named(speech.join(lex, names), speech.join(lex, [speech.the_place(lex, n) for n in names]),
                 speech.agreement(lex, names))


def format_value(lex: Lexicon, attribute: str | None, value: PropertyValue | None) -> str:
    """A property value as spoken: 26 -> "26度" / "26 degrees", cold -> "制冷", #FF0000 -> "红色"."""
    if value is None:
        return ""
    units = lex.replies["units"]
    if attribute == "mode":
        return lex.display(lex.modes, str(value))
    if attribute == "color":
        for name, rgb in COLORS.items():
            if str(value).upper() == rgb:
                return lex.display(lex.colors, name)
        return str(value)
    if isinstance(value, str):
        return str(lex.replies["property_values"].get(value, value))
    if isinstance(value, bool):
        return str(lex.replies["property_values"].get("on" if value else "off"))
    unit = VALUE_UNITS.get(attribute or "", "")
    number = int(value) if isinstance(value, float) and value == int(value) else value
    return f"{number}{units.get(unit, unit)}"


def _property_name(lex: Lexicon, attribute: str | None) -> str:
    if attribute is None:
        return ""
    base = {"currentTemperature": "temperature", "currentHumidity": "humidity"}.get(attribute, attribute)
    return lex.display(lex.properties, base)


def _result_value(step: Step) -> PropertyValue | None:
    """What a change left the property at: the value asked for, or what the device says it now is
    ("max" -> 100, a step up -> the new level)."""
    if step.kind == "set" and isinstance(step.value, int | float) and not isinstance(step.value, bool):
        return step.value  # a curtain still moving reports where it is, not where it goes
    if isinstance(step.response, Response) and step.attribute:
        said = {p.name: p.value for p in step.response.payload.properties}
        now = said.get(step.attribute)
        moving = said.get("motion") in ("opening", "closing")
        if moving and isinstance(now, int | float) and step.kind in ("up", "down"):
            return _moving_to(step, now)
        if now is not None:
            return now
    return step.value


def _moving_to(step: Step, now: float) -> float:
    """Where a moving device is going after a step up or down (it reports where it still is)."""
    spec = step.device.info.spec(step.attribute or "")
    by = step.value if isinstance(step.value, int | float) else DEFAULT_STEPS.get(step.attribute or "", 1)
    goal = now + by if step.kind == "up" else now - by
    low = spec.min if spec is not None and spec.min is not None else goal
    high = spec.max if spec is not None and spec.max is not None else goal
    return min(high, max(low, goal))


def _done(lex: Lexicon, steps: list[Step], directory: Directory) -> str:
    first = steps[0]
    values = {str(_result_value(s)) for s in steps}
    key = f"{first.kind}_some" if len(values) > 1 and f"{first.kind}_some" in lex.replies["done"] else first.kind
    prop = _property_name(lex, first.attribute)
    return lex.replies["done"][key].format(**target_phrase(lex, [s.device for s in steps], directory).args(lex),
                                           property=prop, pagr=speech.agreement(lex, [prop]),
                                           value=format_value(lex, first.attribute, _result_value(first)))


def _state_of(step: Step) -> dict[str, PropertyValue]:
    state = dict(step.device.state)
    if isinstance(step.response, Response):
        state.update({p.name: p.value for p in step.response.payload.properties})
    return state


def _answer(lex: Lexicon, step: Step, directory: Directory) -> str:
    """Say the queried state of one device, with its value and unit."""
    named = target_phrase(lex, [step.device], directory).args(lex)
    said = lex.replies["state"]
    state = _state_of(step)
    attribute = step.attribute
    category = step.device.category
    if attribute in (None, "powerstate", "lockstate") and "lockstate" in state:
        return said[str(state["lockstate"])].format(**named)
    if attribute in (None, "powerstate", "position") and category == "curtain":
        position = state.get("position", 0)
        key = "open" if isinstance(position, int | float) and position > 0 else "closed"
        return said[key].format(**named, value=format_value(lex, "position", position))
    if attribute in (None, "powerstate", "battery") and "status" in state and "battery" in state:
        return said[str(state["status"])].format(**named, value=format_value(lex, "battery", state["battery"]))
    setpoint = next((a for a in ("temperature", "humidity") if a in state and category != "sensor"), None)
    if attribute in (None, setpoint) and setpoint is not None:
        return _settings(lex, named, setpoint, category, state, with_power=attribute is None)
    if attribute in (None, "powerstate") and "powerstate" in state:
        return said["on" if state["powerstate"] == "on" else "off"].format(**named)
    if attribute is None:
        parts = [f"{_property_name(lex, k)} {format_value(lex, k, v)}" for k, v in state.items()]
        return f"{named['target']}: " + ", ".join(parts)
    if attribute not in state:
        return lex.replies["cannot"].format(**named, property=_property_name(lex, attribute))
    prop = _property_name(lex, attribute)
    return said["value"].format(**named, property=prop, the_property=speech.the_place(lex, prop),
                                value=format_value(lex, attribute, state[attribute]))


def _settings(lex: Lexicon, named: dict[str, str], setpoint: str, category: str, state: dict[str, PropertyValue],
              *, with_power: bool) -> str:
    """"客厅空调设定在26度，制冷模式，室温28度" (or, asked how it is: "客厅空调现在是关着的，设定在26度…")."""
    said = lex.replies["state"]
    value = format_value(lex, setpoint, state[setpoint])
    if with_power and "powerstate" in state:
        text = said["on" if state["powerstate"] == "on" else "off"].format(**named)
        text += said["settings"].format(**named, value=value)
    else:
        text = said["setpoint"].format(**named, value=value)
    if "mode" in state:
        text += said["mode"].format(value=format_value(lex, "mode", state["mode"]))
    reading = READING.get(setpoint)
    if reading in state:  # the room's temperature, or a water heater's water
        label = said["readings"].get(category) or said["readings"][setpoint]
        text += label.format(value=format_value(lex, reading, state[reading]))
    return text


def _matches(step: Step, wanted: str) -> bool:
    """Whether a device is in the state a question asks about (on, off, open, closed, locked, unlocked)."""
    state = _state_of(step)
    if wanted in ("locked", "unlocked"):
        return state.get("lockstate") == wanted
    if step.device.category == "curtain" and "position" in state:
        is_open = isinstance(state["position"], int | float) and state["position"] > 0
        return is_open == (wanted in ("on", "open"))
    if step.device.category == "fingerprintlock":
        return state.get("lockstate") == ("unlocked" if wanted in ("on", "open") else "locked")
    return state.get("powerstate") == ("on" if wanted in ("on", "open") else "off")


def _group_answer(lex: Lexicon, outcome: Outcome) -> str:
    """"哪些灯开着" / "how many doors are locked" / "are all the lights off": from the directory."""
    intent = outcome.intent
    steps = [s for s in outcome.steps if s.ok]
    wanted = intent.state or ("locked" if intent.attribute == "lockstate" else "on")
    replies = lex.replies
    categories = {s.device.category for s in outcome.steps} or set(intent.target.categories)
    category = next(iter(categories)) if len(categories) == 1 else ""
    what = lex.noun(category or "device")
    whats = lex.noun(category or "device", True)
    matching = [s.device.name(lex.lang) for s in steps if _matches(s, wanted)]
    others = [s.device.name(lex.lang) for s in steps if not _matches(s, wanted)]
    args = {"what": what, "whats": whats, "state": replies["states_said"][wanted],
            "opposite": replies["states_said"][OPPOSITE[wanted]], "measure": speech.measure(lex, category)}
    plural_agr = speech.agreement(lex, [whats])
    all_agr = "tes" if plural_agr.startswith("e") else "s"
    if intent.quantifier == "all":
        if not others:
            return replies["all_yes"].format(**args, agr=plural_agr, all_agr=all_agr)
        the_others = [speech.the_place(lex, n) for n in others]
        return replies["all_no"].format(**args, items=speech.join(lex, the_others),
                                        agr=speech.agreement(lex, others), verb=_verb(lex, others))
    if not matching:
        if intent.quantifier == "any":
            return replies["any_no"].format(**args, agr=plural_agr, all_agr=all_agr)
        return replies["which_none"].format(**args, agr=speech.agreement(lex, [what]))
    items = speech.join(lex, [speech.the_place(lex, n) for n in matching])
    agreement = speech.agreement(lex, matching)
    if intent.quantifier == "count":
        return replies["count"].format(**args, count=speech.count(lex, len(matching)), items=items,
                                       verb=_verb(lex, matching), agr=agreement)
    key = "any_yes" if intent.quantifier == "any" else "which_some"
    return replies[key].format(**args, items=items, verb=_verb(lex, matching), agr=agreement)


def _verb(lex: Lexicon, items: list[str]) -> str:
    if lex.lang == "fr":
        return "sont" if len(items) > 1 else "est"
    return "are" if len(items) > 1 else "is"


def error_sentence(lex: Lexicon, code: ErrorCode, steps: list[Step], directory: Directory) -> str:
    step = steps[0]
    named = target_phrase(lex, [s.device for s in steps], directory).args(lex)
    if step.detail == "need_code":
        return lex.replies["need_code"]
    if code == ErrorCode.INVALIDATE_PARAMS and step.kind == "unlock":
        return lex.replies["wrong_code"].format(**named)
    if code == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION and step.attribute and step.attribute != "powerstate" \
            and not has(step.device, step.attribute):
        return lex.replies["cannot"].format(**named, property=_property_name(lex, step.attribute))
    detail = ""
    if code == ErrorCode.INVALIDATE_PARAMS and step.attribute:
        spec = step.device.info.spec(step.attribute)
        if spec is not None and spec.min is not None and spec.max is not None:
            unit = lex.replies["units"].get(VALUE_UNITS.get(step.attribute, ""), "")
            detail = lex.replies["range"].format(min=int(spec.min), max=int(spec.max), unit=unit)
    template = lex.replies["errors"].get(str(code), lex.replies["errors"]["SERVICE_ERROR"])
    return template.format(**named, detail=detail)


def problem_sentence(lex: Lexicon, outcome: Outcome, directory: Directory) -> str:
    replies = lex.replies
    args = outcome.problem_args
    category = args.get("category", "")
    what = lex.noun(category) if category else ""
    if outcome.problem == "ambiguous":
        options = speech.join(lex, [r.name(lex.lang) for r in outcome.candidates])
        kinds = {r.category for r in outcome.candidates}
        category = "device" if len(kinds) > 1 else next(iter(kinds), category)  # "太冷了": ACs and a heater
        return replies["ambiguous"].format(what=lex.noun(category), whats=lex.noun(category, True), options=options)
    if outcome.problem == "no_device_in_room":
        room = _room_name(directory, args["room"], lex.lang)
        if not category:
            device = directory.get(args.get("name", ""))
            what = device.name(lex.lang) if device else ""
        return replies["no_device_in_room"].format(what=what, room=room, the_room=speech.the_place(lex, room))
    if outcome.problem == "no_room":
        return replies["no_room"].format(room=args["room"])
    if outcome.problem == "no_such":
        return replies["no_such"].format(name=args["name"])
    return replies[outcome.problem or "no_target"].format(what=what)


def compose_reply(lex: Lexicon, outcomes: list[Outcome], directory: Directory) -> tuple[str, bool]:
    """The spoken reply for all outcomes, and whether everything asked for was done."""
    replies = lex.replies
    sentences: list[str] = []
    any_ok, all_ok, partial = False, True, False
    for outcome in outcomes:
        if outcome.problem is not None:
            all_ok = False
            sentences.append(problem_sentence(lex, outcome, directory))
            continue
        if not outcome.steps:
            all_ok = False
            sentences.append(replies["no_target"])
            continue
        if outcome.intent.action == "query":
            sentences.append(_query_reply(lex, outcome, directory))
            all_ok = all_ok and all(s.ok for s in outcome.steps)
            continue
        good = [s for s in outcome.steps if s.ok]
        bad: dict[ErrorCode, list[Step]] = {}
        for step in outcome.steps:
            if not step.ok:
                bad.setdefault(step.error, []).append(step)  # type: ignore[arg-type]
        parts = []
        if good:
            any_ok = True
            by_kind: dict[tuple[str, str | None], list[Step]] = {}
            for step in good:
                by_kind.setdefault((step.kind, step.attribute), []).append(step)
            parts += [_done(lex, steps, directory) for steps in by_kind.values()]
        for code, steps in bad.items():
            all_ok = False
            parts.append(error_sentence(lex, code, steps, directory))
        sentence = replies["partial_join"].join(parts)
        if good and bad and len(outcome.steps) > 1:
            partial = True
            sentence = replies["partial"].format(done=len(good), total=len(outcome.steps)) + sentence
        sentences.append(sentence)
    text = replies["partial_join"].join(s for s in sentences if s)
    if any_ok and not partial and outcomes and all(o.intent.action != "query" for o in outcomes):
        text = replies["ok"] + text
    if text and text[-1] not in "。.?？!！":
        text += replies["end"]
    return speech.capitalize(lex, text), all_ok and bool(outcomes)


def _query_reply(lex: Lexicon, outcome: Outcome, directory: Directory) -> str:
    if outcome.intent.quantifier not in (None, "plain") or (outcome.intent.state and len(outcome.steps) > 1):
        offline = [s for s in outcome.steps if not s.ok]
        text = _group_answer(lex, outcome)
        if offline:
            text = text.rstrip("。.") + lex.replies["partial_join"] + error_sentence(
                lex, ErrorCode.IOT_DEVICE_OFFLINE, offline, directory)
        return text
    answers = [_answer(lex, s, directory) if s.ok else error_sentence(lex, s.error, [s], directory)  # type: ignore[arg-type]
               for s in outcome.steps]
    return lex.replies["partial_join"].join(answers)
