"""What the speaker says: the reply to a command's outcomes, in its language, with measure words, French
agreement and units; and the per-device results clients see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.conversation.answer import answer, group_answer
from hub.conversation.model import (
    VALUE_UNITS,
    Outcome,
    Step,
    has,
)
from hub.conversation.phrases import (
    format_value,
    property_name,
    result_value,
    room_name,
    said_as_word,
    target_phrase,
)
from hub.directory import DeviceRecord, Directory
from hub.lockout import refused_for
from hub.nlu import Lexicon, speech
from hub.nlu.when import When, describe
from hub.protocol import (
    SUCCESS,
    ActionResult,
    ErrorCode,
    PropertyValue,
)


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




def _done(lex: Lexicon, steps: list[Step], directory: Directory) -> str:
    first = steps[0]
    values = {str(result_value(s)) for s in steps}
    done = lex.replies["done"]
    key = f"{first.kind}_some" if len(values) > 1 and f"{first.kind}_some" in done else first.kind
    prop = property_name(lex, first.attribute)
    value = format_value(lex, first.attribute, result_value(first), first.device.info.spec(first.attribute or ""))
    if said_as_word(value) and f"{key}_word" in done:  # "réglée sur élevée", not "à"
        key = f"{key}_word"
    return done[key].format(**target_phrase(lex, [s.device for s in steps], directory).args(lex),
                            property=prop, pagr=speech.agreement(lex, [prop]), value=value)




def error_sentence(lex: Lexicon, code: ErrorCode, steps: list[Step], directory: Directory) -> str:
    """The sentence saying why ``steps`` (all with the error ``code``) failed."""
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
        return lex.replies["cannot"].format(**named, property=property_name(lex, step.attribute))
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
        noun = lex.noun(category)
        return replies["ambiguous"].format(what=noun, whats=lex.noun(category, True), options=options,
                                           which=speech.which(lex, noun))
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
            sentences.append(query_reply(lex, outcome, directory))
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


def query_reply(lex: Lexicon, outcome: Outcome, directory: Directory) -> str:
    """The answer to a question: one device's reading, or a group's ("which lights are on?")."""
    if outcome.intent.quantifier not in (None, "plain") or (outcome.intent.state and len(outcome.steps) > 1):
        offline = [s for s in outcome.steps if not s.ok]
        text = group_answer(lex, outcome)
        if offline:
            text = text.rstrip("。.") + lex.replies["partial_join"] + error_sentence(
                lex, ErrorCode.IOT_DEVICE_OFFLINE, offline, directory)
        return text
    answers = [answer(lex, s, directory) if s.ok else error_sentence(lex, s.error, [s], directory)  # type: ignore[arg-type]
               for s in outcome.steps]
    return lex.replies["partial_join"].join(answers)
