"""The answers to questions: "客厅的灯开着吗", "what's the temperature", "which lights are on?"."""



from hub.conversation.model import (
    OPPOSITE,
    READING,
    Outcome,
    Step,
)
from hub.conversation.phrases import format_value, property_name, said_as_word, target_phrase
from hub.directory import Directory
from hub.nlu import Lexicon, speech
from hub.protocol import (
    PropertyValue,
    Response,
)


def _state_of(step: Step) -> dict[str, PropertyValue]:
    state = dict(step.device.state)
    if isinstance(step.response, Response):
        state.update({p.name: p.value for p in step.response.payload.properties})
    return state


def answer(lex: Lexicon, step: Step, directory: Directory) -> str:
    """Say the queried state of one device, with its value and unit."""
    named = target_phrase(lex, [step.device], directory).args(lex)
    said = lex.replies["state"]
    state = _state_of(step)
    attribute = step.attribute
    if attribute == "motion" and attribute not in state:
        attribute = None  # "扫地机停了吗": a device that does not move says how it is
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
        parts = [f"{property_name(lex, k)} {format_value(lex, k, v)}" for k, v in state.items()]
        return f"{named['target']}: " + ", ".join(parts)
    if attribute not in state:
        return lex.replies["cannot"].format(**named, property=property_name(lex, attribute))
    if attribute in ("swing", "mute"):  # "the fan is oscillating", "风扇在摇头", "the TV is muted"
        return said[f"{attribute}_{'on' if state[attribute] in ('on', True) else 'off'}"].format(**named)
    prop = property_name(lex, attribute)
    value = format_value(lex, attribute, state[attribute], step.device.info.spec(attribute))
    key = "value_word" if said_as_word(value) and "value_word" in said else "value"  # "est de 26 %", "est : élevée"
    return said[key].format(**named, property=prop, the_property=speech.the_place(lex, prop), value=value)


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


def group_answer(lex: Lexicon, outcome: Outcome) -> str:
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
