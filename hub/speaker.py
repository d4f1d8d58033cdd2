"""Intent -> devices -> directives -> results -> the reply, in the command's language.

``Speaker.handle(text)`` is the whole pipeline for one utterance; the transport (how a directive
reaches a device) is a ``send`` coroutine given by the hub, so this module never sees MQTT.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from hub.directory import DeviceRecord, Directory
from hub.nlu import Catalog, CatalogDevice, Intent, Lexicon, load_lexicon, understand
from hub.protocol import (
    SUCCESS,
    ActionResult,
    CommandResult,
    ErrorCode,
    ErrorResponse,
    PropertyValue,
    Request,
    Response,
)
from hub.protocol.vocabulary import adjust_action_for, set_action_for

_LOGGER = logging.getLogger(__name__)

Send = Callable[[Request], Awaitable[Response | ErrorResponse]]

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
"""What "turn off the living room" turns off (not locks, sensors, water heaters or vacuums)."""

ACTION_CATEGORIES = {
    "lock": ("fingerprintlock",),
    "unlock": ("fingerprintlock",),
    "mute": ("television",),
    "unmute": ("television",),
}
"""Actions that only one kind of device takes, so they need no target when the home has one."""

VALUE_UNITS = {"brightness": "%", "position": "%", "humidity": "%", "volume": "", "temperature": "°C",
               "currentTemperature": "°C", "colorTemperature": "K", "power": "W", "battery": "%",
               "currentHumidity": "%"}


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


class Speaker:
    """Understands a text command, acts on the home and answers."""

    def __init__(self, directory: Directory, send: Send, connected: Callable[[], bool] = lambda: True) -> None:
        self.directory = directory
        self.send = send
        self.connected = connected
        self._catalog: Catalog | None = None
        self._catalog_key: tuple[object, ...] = ()

    def catalog(self) -> Catalog:
        key = tuple((r.id, r.info.names.model_dump_json(), r.room, r.info.zone_names.model_dump_json())
                    for r in self.directory.all())
        if self._catalog is None or key != self._catalog_key:
            self._catalog, self._catalog_key = build_catalog(self.directory), key
        return self._catalog

    async def handle(self, text: str, lang: str | None = None) -> CommandResult:
        """Understand ``text``, carry it out, and say what happened."""
        understanding = understand(text, self.catalog(), lang)
        lex = load_lexicon(understanding.lang)
        replies = lex.replies
        if understanding.problem is not None:
            key = understanding.problem
            reply = replies[key].format(text=text.strip())
            return CommandResult(text=text, lang=understanding.lang, reply=reply, ok=key == "wake")
        if not self.connected():
            return CommandResult(text=text, lang=understanding.lang, reply=replies["not_connected"], ok=False)
        outcomes = []
        for intent in understanding.intents:
            outcome = self.plan(intent)
            await self.execute(outcome)
            outcomes.append(outcome)
        reply, ok = compose_reply(lex, outcomes, self.directory)
        actions = [
            ActionResult(
                device=step.device.id,
                action=step.action,
                params={} if step.attribute is None or step.value is None else {step.attribute: step.value},
                result=SUCCESS if step.ok else str(step.error),
                message=None if step.ok else step.detail or None,
            )
            for outcome in outcomes
            for step in outcome.steps
        ]
        return CommandResult(text=text, lang=understanding.lang, reply=reply, ok=ok, actions=actions)

    # ------------------------------------------------------------------ resolve
    def resolve(self, intent: Intent, outcome: Outcome) -> list[DeviceRecord]:
        """The devices an intent is about; sets ``outcome.problem`` when there are none or too many."""
        target = intent.target
        records = self.directory.all()
        if target.devices:
            chosen = [r for r in records if r.id in target.devices]
            if target.rooms and len(chosen) > 1:
                chosen = [r for r in chosen if r.room in target.rooms] or chosen
            return chosen
        pool = records
        if target.rooms:
            pool = [r for r in pool if r.room in target.rooms]
        if target.categories:
            pool = [r for r in pool if r.category in target.categories]
            if not pool:
                outcome.problem = "no_device_in_room" if target.rooms else "no_device"
                outcome.problem_args = {"category": target.categories[0],
                                        "room": target.rooms[0] if target.rooms else ""}
                return []
            if not target.rooms and not target.everything and len(pool) > 1 and intent.action != "off":
                outcome.problem = "ambiguous"
                outcome.problem_args = {"category": target.categories[0]}
                return pool
            return pool
        attribute = intent.attribute
        if target.rooms:
            if attribute:
                with_attr = [r for r in pool if self._has(r, attribute)]
                if intent.action == "query":
                    sensors = [r for r in with_attr if r.category == "sensor"]
                    return sensors or with_attr
                return with_attr
            if intent.action in ("on", "off"):
                return [r for r in pool if r.category in SWITCHABLE_IN_ROOM]
            outcome.problem = "no_target"
            return []
        # "Turn off everything": the whole home's switchable devices.
        if target.everything and intent.action in ("on", "off"):
            return [r for r in records if r.category in SWITCHABLE_IN_ROOM]
        # No device, room or category named: an action only one kind of device takes ("开锁")...
        implied = ACTION_CATEGORIES.get(intent.action)
        if implied:
            having = [r for r in records if r.category in implied]
            if len(having) == 1 or (having and intent.action in ("lock", "off")):
                return having
        # ...or a property only one device has ("声音小点儿").
        if attribute:
            having = [r for r in records if self._has(r, attribute)]
            if len(having) == 1:
                return having
        outcome.problem = "no_target"
        return []

    @staticmethod
    def _has(record: DeviceRecord, attribute: str) -> bool:
        return record.info.spec(attribute) is not None or attribute in record.state

    # ------------------------------------------------------------------ plan
    def plan(self, intent: Intent) -> Outcome:
        outcome = Outcome(intent)
        devices = self.resolve(intent, outcome)
        if outcome.problem is not None:
            return outcome
        outcome.steps = [self._step(intent, record) for record in devices]
        # In a group, leave out devices that simply cannot do it ("turn off the living room" skips sensors).
        if len(outcome.steps) > 1 and intent.target.devices == ():
            able = [s for s in outcome.steps if s.error != ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION]
            if able:
                outcome.steps = able
        return outcome

    def _attribute(self, intent: Intent, record: DeviceRecord) -> str | None:
        if intent.attribute:
            return intent.attribute
        if intent.unit in UNIT_ATTRIBUTE:
            for candidate in UNIT_ATTRIBUTE[intent.unit]:
                if self._has(record, candidate):
                    return candidate
        if intent.action == "set" and record.category == "television" and intent.unit is None:
            return "channel"
        return DEFAULT_ATTRIBUTE.get(record.category)

    def _step(self, intent: Intent, record: DeviceRecord) -> Step:
        kind = intent.action
        category = record.category
        if kind in ("on", "off"):
            if category == "fingerprintlock":
                kind = "unlock" if kind == "on" else "lock"
            elif category == "curtain":
                return self._check(Step(record, "open" if kind == "on" else "close",
                                        "TurnOn" if kind == "on" else "TurnOff", "powerstate",
                                        "on" if kind == "on" else "off"))
            elif category == "roboticvacuum":
                return self._check(Step(record, "clean" if kind == "on" else "dock",
                                        "TurnOn" if kind == "on" else "TurnOff"))
            else:
                return self._check(Step(record, kind, "TurnOn" if kind == "on" else "TurnOff", "powerstate",
                                        "on" if kind == "on" else "off"))
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
        if kind == "query":
            return Step(record, kind, "Query", intent.attribute)
        attribute = self._attribute(intent, record)
        if attribute is None:
            return Step(record, kind, "", None, None, ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION)
        if kind == "set":
            action = set_action_for(attribute) or ""
            value = intent.value
            if intent.unit == "percent" and attribute in ("temperature",):
                return Step(record, kind, action, attribute, value, ErrorCode.INVALIDATE_PARAMS)
            return self._check(Step(record, kind, action, attribute, value), validate=True)
        if kind in ("up", "down"):
            action = adjust_action_for(attribute, kind == "up") or ""
            return self._check(Step(record, kind, action, attribute, intent.value))
        return Step(record, kind, "", attribute, None, ErrorCode.INVALIDATE_CONTROL_ORDER)

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
        async def run(step: Step) -> None:
            record = step.device
            if not record.online:
                step.error = ErrorCode.IOT_DEVICE_OFFLINE
                return
            if step.action == "Query":
                from hub.protocol.vocabulary import QUERY_ACTIONS

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


# ---------------------------------------------------------------------- replies


def _join(lex: Lexicon, items: list[str]) -> str:
    replies = lex.replies
    if len(items) <= 1:
        return "".join(items)
    return replies["list_sep"].join(items[:-1]) + replies["list_last"] + items[-1]


def target_phrase(lex: Lexicon, records: list[DeviceRecord], directory: Directory) -> str:
    """How to name a set of devices: by name, as "客厅的2个灯", or as a count."""
    lang = lex.lang
    if len(records) == 1:
        return records[0].name(lang)
    categories = {r.category for r in records}
    rooms = {r.room for r in records}
    if len(categories) == 1:
        category = lex.display(lex.categories, next(iter(categories)))
        if len(rooms) == 1:
            room_id = next(iter(rooms))
            room = records[0].info.zone_names.display(lang) or room_id
            return lex.replies["group"].format(count=len(records), category=category, room=room)
        if len(records) > 3:
            return lex.replies["group_home"].format(count=len(records), category=category)
    if len(records) > 4:
        return lex.replies["devices_count"].format(count=len(records))
    return _join(lex, [r.name(lang) for r in records])


def format_value(lex: Lexicon, attribute: str | None, value: PropertyValue | None) -> str:
    """A property value as spoken: 26 -> "26度" / "26 degrees", cold -> "制冷", #FF0000 -> "红色"."""
    if value is None:
        return ""
    units = lex.replies["units"]
    if attribute == "mode":
        return lex.display(lex.modes, str(value))
    if attribute == "color":
        from hub.protocol import COLORS

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


def _done(lex: Lexicon, steps: list[Step], directory: Directory) -> str:
    first = steps[0]
    template = lex.replies["done"][first.kind]
    value = first.value
    if first.response is not None and isinstance(first.response, Response) and first.attribute:
        for prop in first.response.payload.properties:
            if prop.name == first.attribute:
                value = prop.value
    return template.format(
        target=target_phrase(lex, [s.device for s in steps], directory),
        property=_property_name(lex, first.attribute),
        value=format_value(lex, first.attribute, value),
    )


def _answer(lex: Lexicon, step: Step) -> str:
    """Say the queried state of one device."""
    name = step.device.name(lex.lang)
    state = dict(step.device.state)
    if isinstance(step.response, Response):
        state.update({p.name: p.value for p in step.response.payload.properties})
    attribute = step.attribute
    if attribute in (None, "powerstate") and "lockstate" in state:
        attribute = "lockstate"
    if attribute == "temperature" and "currentTemperature" in state:
        attribute = "currentTemperature"  # "how warm is it" asks for the reading, not the set-point
    if attribute in (None, "powerstate") and "powerstate" in state:
        return lex.replies["state"]["on" if state["powerstate"] == "on" else "off"].format(target=name)
    if attribute == "lockstate" and "lockstate" in state:
        return lex.replies["state"][str(state["lockstate"])].format(target=name)
    if attribute is None:
        parts = [f"{_property_name(lex, k)} {format_value(lex, k, v)}" for k, v in state.items()]
        return f"{name}: " + ", ".join(parts)
    if attribute not in state:
        return lex.replies["errors"]["DEVICE_NOT_SUPPORT_FUNCTION"].format(target=name, detail="")
    return lex.replies["state"]["value"].format(target=name, property=_property_name(lex, attribute),
                                                value=format_value(lex, attribute, state[attribute]))


def _error(lex: Lexicon, code: ErrorCode, steps: list[Step], directory: Directory) -> str:
    detail = ""
    step = steps[0]
    if step.detail == "need_code":
        return lex.replies["need_code"]
    if code == ErrorCode.INVALIDATE_PARAMS and step.attribute:
        spec = step.device.info.spec(step.attribute)
        if spec is not None and spec.min is not None and spec.max is not None:
            unit = lex.replies["units"].get(VALUE_UNITS.get(step.attribute, ""), "")
            detail = lex.replies["range"].format(min=int(spec.min), max=int(spec.max), unit=unit)
    template = lex.replies["errors"].get(str(code), lex.replies["errors"]["SERVICE_ERROR"])
    return template.format(target=target_phrase(lex, [s.device for s in steps], directory), detail=detail)


def compose_reply(lex: Lexicon, outcomes: list[Outcome], directory: Directory) -> tuple[str, bool]:
    """The spoken reply for all outcomes, and whether everything asked for was done."""
    replies = lex.replies
    sentences: list[str] = []
    any_ok, all_ok, partial = False, True, False
    for outcome in outcomes:
        if outcome.problem is not None:
            all_ok = False
            args = outcome.problem_args
            what = lex.display(lex.categories, args.get("category", "")) if args.get("category") else ""
            if outcome.problem == "ambiguous":
                options = _join(lex, [s.name(lex.lang) for s in self_devices(outcome, directory)])
                sentences.append(replies["ambiguous"].format(what=what, options=options))
            elif outcome.problem == "no_device_in_room":
                room_names = next((r.info.zone_names for r in directory.all() if r.room == args["room"]), None)
                room = room_names.display(lex.lang) if room_names else args["room"]
                sentences.append(replies["no_device_in_room"].format(what=what, room=room))
            else:
                sentences.append(replies[outcome.problem].format(what=what))
            continue
        if not outcome.steps:
            all_ok = False
            sentences.append(replies["no_target"])
            continue
        if outcome.intent.action == "query":
            answers = [_answer(lex, s) if s.ok else _error(lex, s.error, [s], directory)  # type: ignore[arg-type]
                       for s in outcome.steps]
            any_ok = any_ok or any(s.ok for s in outcome.steps)
            all_ok = all_ok and all(s.ok for s in outcome.steps)
            sentences.append(replies["partial_join"].join(answers))
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
            parts.append(_error(lex, code, steps, directory))
        sentence = replies["partial_join"].join(parts)
        if good and bad and len(outcome.steps) > 1:
            partial = True
            sentence = replies["partial"].format(done=len(good), total=len(outcome.steps)) + sentence
        sentences.append(sentence)
    text = replies["partial_join"].join(s for s in sentences if s)
    if any_ok and not partial and outcomes and all(o.intent.action != "query" for o in outcomes):
        text = replies["ok"] + text
    end = "。" if lex.lang == "zh" else "."
    if text and text[-1] not in "。.?？!！":
        text += end
    return text, all_ok and bool(outcomes)


def self_devices(outcome: Outcome, directory: Directory) -> list[DeviceRecord]:
    """The candidate devices of an ambiguous outcome."""
    target = outcome.intent.target
    return [r for r in directory.all() if r.category in target.categories]
