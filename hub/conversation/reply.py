"""What the speaker says: the reply to a command's outcomes, in its language, with measure words, French
agreement and units; and the per-device results clients see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hub.conversation.model import (
    OPPOSITE,
    READING,
    VALUE_UNITS,
    Outcome,
    Step,
    has,
)
from hub.directory import DeviceRecord, Directory
from hub.lockout import refused_for
from hub.nlu import Lexicon, speech
from hub.nlu.when import When, describe
from hub.protocol import (
    COLORS,
    SUCCESS,
    ActionResult,
    ErrorCode,
    PropertyValue,
    Response,
)
from hub.protocol.vocabulary import DEFAULT_STEPS


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


def room_name(directory: Directory, room: str, lang: str) -> str:
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
        return Named(text, text, speech.agreement(lex, [lex.noun("device", True)]))
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
    all_agr = speech.all_agreement(lex, [whats])
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
    return speech.be(lex, len(items))


def error_sentence(lex: Lexicon, code: ErrorCode, steps: list[Step], directory: Directory) -> str:
    step = steps[0]
    named = target_phrase(lex, [s.device for s in steps], directory).args(lex)
    if step.detail == "need_code":
        return lex.replies["need_code"]
    if code == ErrorCode.INVALIDATE_PARAMS and step.kind == "unlock":
        wait = refused_for(step.detail)
        if wait is not None:  # too many wrong codes: the hub did not even try
            return lex.replies["locked_out"].format(**named, wait=_in(lex, wait))
        if step.device.state.get("lockstate") == "unlocked":  # it was open already: do not say it stays locked
            return lex.replies["wrong_code_unlocked"].format(**named)
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


def _in(lex: Lexicon, seconds: int) -> str:
    """"30秒后", "in 2 minutes", "dans 30 secondes": a wait said as the time words say a delay."""
    now = datetime.now(UTC)
    return describe(When(at=now + timedelta(seconds=seconds), repeat=None, relative=True, start=0, end=0),
                    lex.lang, now)


NEW_DEVICE = 7 * 86_400.0
"""Seconds after its first registration during which the which-lock question calls a device new."""


def _labels(lex: Lexicon, records: list[DeviceRecord], now: datetime) -> list[str]:
    """Each device named so that the user can tell them apart, even under the same name: "门锁（front-door）";
    one that first registered within ``NEW_DEVICE`` is said to be new, and since when, so that an impostor
    stands out: "门锁（rogue-1，新设备，今天12:05首次注册）"."""
    labels = []
    for record in records:
        name, registered = record.name(lex.lang), record.registered
        if registered is None or now.timestamp() - registered >= NEW_DEVICE:
            labels.append(lex.replies["which_label"].format(name=name, id=record.id))
        else:
            labels.append(lex.replies["which_label_new"].format(name=name, id=record.id,
                                                                when=_registered(lex, registered, now)))
    return labels


def _registered(lex: Lexicon, registered: float, now: datetime) -> str:
    """"今天12:05", "yesterday at 09:30", "le 28/11 à 8 h 00": when a device first registered, seen from ``now``."""
    words = lex.replies["first_registered"]
    at = datetime.fromtimestamp(registered, now.tzinfo)
    day = words["days"].get((now.date() - at.date()).days)
    if day is None:
        day = words["date"].format(year=at.year, month=at.month, day=at.day)
    return str(words["at"].format(day=day, hour=at.hour, minute=at.minute))


def problem_sentence(lex: Lexicon, outcome: Outcome, directory: Directory, *, now: datetime | None = None) -> str:
    """Why nothing was done, or the question asked instead; ``now`` (default: this moment, in the machine's time
    zone) is what "new, first registered today" is seen from."""
    replies = lex.replies
    args = outcome.problem_args
    if outcome.problem == "which_lock":
        now = now or datetime.now().astimezone()
        return replies["which_lock"].format(options=speech.join(lex, _labels(lex, outcome.candidates, now)))
    category = args.get("category", "")
    what = lex.noun(category) if category else ""
    if outcome.problem == "ambiguous":
        options = speech.join(lex, [r.name(lex.lang) for r in outcome.candidates])
        kinds = {r.category for r in outcome.candidates}
        category = "device" if len(kinds) > 1 else next(iter(kinds), category)  # "太冷了": ACs and a heater
        return replies["ambiguous"].format(what=lex.noun(category), whats=lex.noun(category, True), options=options)
    if outcome.problem == "no_device_in_room":
        room = room_name(directory, args["room"], lex.lang)
        if not category:
            device = directory.get(args.get("name", ""))
            what = device.name(lex.lang) if device else ""
        return replies["no_device_in_room"].format(what=what, room=room, the_room=speech.the_place(lex, room))
    if outcome.problem == "no_room":
        return replies["no_room"].format(room=args["room"])
    if outcome.problem == "no_such":
        return replies["no_such"].format(name=args["name"])
    return replies[outcome.problem or "no_target"].format(what=what)


def compose_reply(lex: Lexicon, outcomes: list[Outcome], directory: Directory, *,
                  now: datetime | None = None, acknowledged: bool = True) -> tuple[str, bool]:
    """The spoken reply for all outcomes, and whether everything asked for was done (``now``: see
    ``problem_sentence``; ``acknowledged`` False: no "OK, " before what was done, as in an announcement)."""
    replies = lex.replies
    sentences: list[str] = []
    any_ok, all_ok, partial = False, True, False
    for outcome in outcomes:
        if outcome.problem is not None:
            all_ok = False
            sentences.append(problem_sentence(lex, outcome, directory, now=now))
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
    if acknowledged and any_ok and not partial and outcomes and all(o.intent.action != "query" for o in outcomes):
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
