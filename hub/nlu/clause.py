"""One clause -> intents: what to do (action, question), with what value, to which target(s)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from hub.nlu.catalog import Catalog
from hub.nlu.lexicon import Compound, Lexicon
from hub.nlu.models import Intent, Target
from hub.nlu.numbers import NumberHit, digits_of, find_numbers, find_word_numbers
from hub.nlu.scan import Hit, mask
from hub.nlu.text import BOUNDARY

ACTION_ORDER = ("unmute", "mute", "unlock", "lock", "pause", "continue", "next", "previous", "up", "down", "set",
                "on", "off", "put", "query")
"""When a clause has several action words, the most specific one wins ("调高" over "调")."""

STATE_ORDERS = {"on": "on", "off": "off", "open": "on", "closed": "off", "locked": "lock", "unlocked": "unlock"}
"""A state said without a question is an order ("kitchen lights off", "灯关了吧")."""

SWITCHED = ("swing",)
"""Properties turned on and off, not set to a value ("mets l'oscillation": on)."""

DONE_STATES = {"on": "on", "off": "off", "lock": "locked", "unlock": "unlocked"}
"""The state an order leaves: what "was it done?" asks about ("开了没": is it on?)."""

STATE_ATTRIBUTES = {"on": "powerstate", "off": "powerstate", "open": "powerstate", "closed": "powerstate",
                    "locked": "lockstate", "unlocked": "lockstate"}

_VALUE_KINDS = ("special", "level", "color", "mode")
_CODE = re.compile(r"\s*(\d{3,12}|[零〇一二两三四五六七八九]{3,12})")
_CODE_ONLY = re.compile(r"^\s*(\d{4,12})\s*$")


@dataclass
class _Group:
    """The target words of one part of a clause ("电视" | "客厅的灯")."""

    devices: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    floors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@dataclass
class Clause:
    """A clause of a sentence: its text, where it starts in the sentence, and its settled hits."""

    text: str
    offset: int
    hits: list[Hit]
    numbers: list[NumberHit] | None = None
    """Its numbers once found (``numbers_of``): what the reading and the slip reader both need."""

    def kinds(self) -> dict[str, list[Any]]:
        """The values of the clause's hits, by kind ("device", "action", "value"…)."""
        found: dict[str, list[Any]] = {}
        for hit in self.hits:
            found.setdefault(hit.kind, []).append(hit.value)
        return found


def numbers_of(clause: Clause, lex: Lexicon) -> list[NumberHit]:
    """The numbers of a clause, outside its known phrases, in order (found once per clause)."""
    if clause.numbers is None:
        clause.numbers = _numbers_of(clause, lex)
    return clause.numbers


def _numbers_of(clause: Clause, lex: Lexicon) -> list[NumberHit]:
    masked = mask(clause.text, clause.hits, clause.offset)
    prefixes = [w for w in lex.units.get("percent", []) if w != "%"]
    markers = "".join(m for m in lex.set_markers if len(m) == 1)
    found = find_numbers(masked, lex.units, prefixes, original=clause.text, set_markers=markers)
    found += find_word_numbers(masked, lex.numbers, lex.units, lex.set_markers)
    named_at = {h.start - clause.offset for h in clause.hits if h.kind in ("category", "device")}
    counts = {n.start for n in found if n.end in named_at}  # "两台空调", "both 2 lamps": how many, not a value
    return sorted((n for n in found if n.start not in counts), key=lambda n: n.start)


def _marker_before(text: str, start: int, lex: Lexicon) -> str | None:
    """ "set" if a set-to word comes right before ``start``, "step" if a by-how-much word does."""
    before = text[:start].rstrip()
    if not before:
        return None
    word = before.split()[-1] if before[-1].isascii() else before[-1]
    if word in lex.set_markers:
        return "set"
    if word in lex.step_markers:
        return "step"
    return None


def _code(clause: Clause, numbers: list[NumberHit]) -> tuple[str | None, list[NumberHit]]:
    """A spoken code after a code word ("密码是123456", "code 012345"), and the numbers left."""
    for hit in clause.hits:
        if hit.kind != "code":
            continue
        end = hit.end - clause.offset
        match = _CODE.match(clause.text[end:])
        if match:
            return digits_of(match.group(1)), [n for n in numbers if n.start < end]
        after = [n for n in numbers if n.start >= end]
        if after:
            return str(int(after[0].value)), [n for n in numbers if n is not after[0]]
    return None, numbers


def _gather(clause: Clause) -> tuple[list[_Group], _Group, tuple[bool, bool, bool]]:
    """The clause's hits sorted into groups (split at "and"), the group after "except", and whether it said
    "all", "here" and "the whole home"."""
    parts = [_Group()]
    excluded = _Group()
    everything = here = home = False
    except_at: int | None = None
    for hit in clause.hits:
        group = parts[-1]
        if except_at is not None and BOUNDARY not in clause.text[except_at - clause.offset:hit.start - clause.offset]:
            group = excluded  # "turn off all the lights except the desk lamp", "除了台灯，把灯都关了"
        if hit.kind == "except":
            except_at = hit.end
        elif hit.kind == "conjunction" and group is not excluded:
            parts.append(_Group())
        elif hit.kind == "device":
            group.devices.append(hit.value)
        elif hit.kind == "room":
            group.rooms.append(hit.value)
        elif hit.kind == "floor":
            group.floors.append(hit.value)
        elif hit.kind == "category":
            group.categories.append(hit.value)
        elif hit.kind == "room_word":
            group.unknown.append(hit.value)
        elif hit.kind == "all":
            everything = True
        elif hit.kind == "home":
            everything = home = True
        elif hit.kind == "here":
            here = True
    return parts, excluded, (everything, here, home)


def _groups(clause: Clause, catalog: Catalog, compounds: list[Compound]) -> list[Target]:
    """The targets of a clause: the devices it names, and the kinds of device in rooms it names.

    "关掉电视和客厅的灯" has both: two targets, so two intents with the same action.
    """
    parts, excluded, (everything, here, home) = _gather(clause)
    named: list[str] = []
    named_rooms: list[str] = []
    named_floors: list[str] = []
    rest = _Group()
    for group in parts:
        if group.devices:
            ids = [i for name in group.devices for i in _named(name, group, catalog)]
            named += ids
            named_rooms += group.rooms
            named_floors += group.floors
            own = {catalog.devices[i].category for i in ids if i in catalog.devices}
            extra = [c for c in group.categories if c not in own]
            if extra:
                rest.categories += extra
                rest.rooms += group.rooms
                rest.floors += group.floors
        else:
            rest.categories += group.categories
            rest.rooms += group.rooms
            rest.floors += group.floors
        rest.unknown += group.unknown
    if not named:
        rest.categories += [c for compound in compounds for c in compound.categories]
    targets = []
    if named:
        targets.append(Target(devices=_unique(named), rooms=_unique(named_rooms), floors=_unique(named_floors),
                              here=here and not named_rooms))
    if rest.categories or rest.rooms or rest.floors or rest.unknown or not named:
        targets.append(Target(rooms=_unique(rest.rooms), floors=_unique(rest.floors),
                              categories=_unique(rest.categories), unknown=_unique(rest.unknown),
                              everything=everything, here=here, home=home))
    exclude = [i for name in excluded.devices for i in catalog.named.get(name, [])] + excluded.categories
    exclude += [] if excluded.devices or excluded.categories else excluded.rooms  # "sauf celle de la chambre"
    if exclude:
        targets = [replace(t, exclude=_unique(exclude)) for t in targets]
    return targets


_ORDERS = frozenset({"on", "off", "set", "up", "down", "pause", "continue", "mute", "unmute", "next", "previous"})
_WORD = re.compile(r"[^\W\d_]{3,}|[\u3400-\u9fff]{2,}")


def _unnamed(target: Target) -> bool:
    """Whether a target names no device or kind of device: at most a room or floor ("all" may), where a word
    left unknown is what was meant ("拉开卧室窗廉": not the bedroom's lights) and must not be guessed."""
    return not (target.devices or target.categories or target.here or target.home or target.unknown)


def _missing(clause: Clause, lex: Lexicon, numbers: list[NumberHit]) -> str | None:
    """What is left of an order once every known word, number and filler is gone: the name of something
    the home does not have ("start the jacuzzi" -> "jacuzzi", "打开浴缸" -> "浴缸"), or None."""
    masked = mask(clause.text, clause.hits, clause.offset)
    spans = [(s, e) for s, e, _w in lex.fillers.find(masked)] + [(n.start, n.end) for n in numbers]
    chars = list(masked)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    words = _WORD.findall("".join(chars))
    return " ".join(words) if words else None


def _named(name: str, group: _Group, catalog: Catalog) -> list[str]:
    """The devices called ``name``; a room said with it tells apart devices of the same name."""
    ids = catalog.named.get(name, [])
    if len(ids) > 1 and (group.rooms or group.floors):
        rooms = set(group.rooms) | catalog.rooms_of(tuple(group.floors))
        ids = [i for i in ids if i in catalog.devices and catalog.devices[i].room in rooms] or ids
    return ids


@dataclass
class _Act:
    action: str | None = None
    attribute: str | None = None
    value: Any = None
    unit: str | None = None
    state: str | None = None
    quantifier: str | None = None
    implicit: bool = False


def _asks_if_done(clause: Clause, kinds: dict[str, list[Any]]) -> bool:
    """Whether the clause asks if something was done ("开了没", "did I lock…", "a-t-on éteint…"): a "done"
    question word at its start or end, or anywhere in a clause a question word opens ("est-ce que le radiateur
    a été coupé"). One elsewhere is a plain question word ("la télé a bien été éteinte ?")."""
    questions = kinds.get("question", [])
    hits = [h for h in clause.hits if h.kind != "polite"]  # "能不能帮我看看…": the question starts after it
    pairs = pairwise(hits)
    if any(a.kind == "question" and a.value == "any" and b.kind == "action" for a, b in pairs):
        return True  # "加湿器有没有开", "did any…": whether it was done, not whether there is any
    if "done" not in questions:
        return False
    ends = (hits[0], hits[-1]) if hits else ()
    if (hits and hits[0].kind == "question") or any(h.kind == "question" and h.value == "done" for h in ends):
        return True
    kinds["question"] = ["plain" if q == "done" else q for q in questions]
    return False


def _act(kinds: dict[str, list[Any]], has_value: bool, done: bool = False, wish: bool = False) -> _Act:
    """What the clause asks to do, from its action, compound, question and state words (``done``: it asks
    whether something was done, so an order's verb names the state asked about; ``wish``: no question word
    opens it, so a plain one inside is a copula and a wish stays a wish)."""
    act = _Act()
    compounds: list[Compound] = kinds.get("compound", [])
    explicit = [c for c in compounds if not c.implicit]
    said = set(kinds.get("action", []))
    order = next((a for a in ACTION_ORDER if a in said), None)
    questions = kinds.get("question", [])
    if wish and compounds and not explicit and not said and set(questions) <= {"plain", "value"}:
        questions = []  # "the tv is too quiet", "la télé est trop basse": a wish, its "is" no question
    asking = questions or any(c.action == "query" for c in explicit)
    if order == "set" and asking and not has_value:
        order = "query"  # "空调设置的是多少度", "what is the AC set to"
    if order is not None and "value" in questions and "property" in kinds and not has_value:
        order = "query"  # "空调开的什么模式": the verb says how it runs, the question word asks for the mode
    states = kinds.get("state", [])
    if states:
        act.state = states[0]
    asked = next((q.removeprefix("done_") for q in questions if q.startswith("done_")), None)
    if asked or (done and (states or order in DONE_STATES)):  # a question never acts: "did I lock the door"
        act.action, act.quantifier = "query", "plain"
        act.state = asked or (states[0] if states else DONE_STATES[str(order)])
        act.attribute = STATE_ATTRIBUTES[act.state]
        return act
    if done:
        order = None if order != "set" else "query"  # "did you set the AC to 26": what it is set to
    if explicit and not (order and explicit[0].action == "query"):
        compound = explicit[0]
        act.action, act.attribute, act.value = compound.action, compound.property, compound.value
    elif order is not None and order != "query":
        act.action = order
    elif questions or order == "query" or (explicit and explicit[0].action == "query"):
        act.action = "query"
        if explicit:
            act.attribute = explicit[0].property
        kinds_of = [q for q in questions if q in ("which", "count", "any")]
        if kinds_of and kinds_of[0] in ("which", "count") and "property" in kinds:
            kinds_of = []  # "which mode is the AC on", "combien de batterie": the value, not which or how many
        act.quantifier = kinds_of[0] if kinds_of else ("all" if "all" in kinds else "plain")
    elif states:
        act.action = STATE_ORDERS[states[0]]
    elif compounds:
        compound = compounds[0]
        act.action, act.attribute, act.value = compound.action, compound.property, compound.value
        act.implicit = True
    elif "again" in kinds:
        act.action = "again"
    if act.action in ("on", "off") and "media" in kinds:
        act.action = "continue" if act.action == "on" else "pause"
    elif act.action is None and "media" in kinds and "question" not in kinds:
        act.action = "continue"
    if act.attribute is None:
        props = kinds.get("property", [])
        if props:
            act.attribute = props[0]
        elif act.action == "query" and act.state:
            act.attribute = STATE_ATTRIBUTES[act.state]
    return act


def _value(act: _Act, kinds: dict[str, list[Any]], numbers: list[NumberHit], clause: Clause,
           lex: Lexicon) -> None:
    """Fill the value (and unit, and attribute where the value implies it) of ``act``."""
    if act.value is not None:
        return
    if numbers:
        first = numbers[0]
        act.value, act.unit = _number(first.value), first.unit
        marker = _marker_before(clause.text, first.start, lex)
        absolute = marker == "set" or (act.action in ("on", "off") and (first.unit is not None or (
            act.attribute is not None and act.attribute != "powerstate")))  # "put on channel 7"
        if act.action in ("up", "down", "on", "off") and absolute:
            act.action = "set"  # "调高到28度", "allume la lampe à 50 %"
        elif act.action in ("on", "off"):
            act.value = act.unit = None
        return
    if "special" in kinds:
        special = kinds["special"][0]
        act.value, act.unit = (50, "percent") if special == "half" else (special, None)
    elif "level" in kinds:
        act.value, act.attribute = kinds["level"][0], act.attribute or "windspeed"
    elif "color" in kinds:
        act.value, act.attribute = kinds["color"][0], act.attribute or "color"
    elif "mode" in kinds:
        act.value, act.attribute = kinds["mode"][0], act.attribute or "mode"
    if act.value is not None and act.action in ("on", "off", "up", "down"):
        act.action = "set"


def interpret(clause: Clause, lex: Lexicon, catalog: Catalog) -> tuple[list[Intent], Intent | None]:
    """The intents of one clause, or (none and) the fragment it is: a target, a value or a code."""
    kinds = clause.kinds()
    numbers = numbers_of(clause, lex)
    said_numbers = numbers
    code, numbers = _code(clause, numbers)
    has_value = bool(numbers) or any(k in kinds for k in _VALUE_KINDS) or any(
        c.value is not None for c in kinds.get("compound", []))
    first = next((h for h in clause.hits if h.kind != "polite"), None)
    before = clause.text[:first.start - clause.offset] if first is not None else ""
    opened = first is not None and first.kind == "question" and not any(  # "est-ce que…", not "l'eau … n'est pas…"
        c.isalpha() for c in mask(before, [h for h in clause.hits if h.kind == "polite"], clause.offset))
    act = _act(kinds, has_value, _asks_if_done(clause, kinds), wish=not opened)
    if "negation" in kinds and act.action is not None:  # "不要开灯", "don't": an order not given
        return [], Intent(action="declined", target=Target())
    only_code = _CODE_ONLY.match(clause.text) if act.action is None and code is None else None
    if only_code:  # a bare number of four digits or more answers "what is the code?"
        code, numbers = only_code.group(1), []
    _value(act, kinds, numbers, clause, lex)
    if act.action == "put":  # "mets la clim à 24": set; "mets la télé", "mets l'oscillation": on
        act.action = "set" if act.value is not None or act.attribute not in (None, *SWITCHED) else "on"
    if act.action is None and act.value is not None:
        act.action = "set"
    if act.action is None and act.attribute is not None:
        act.action, act.quantifier = "query", "plain"
    if code is not None and act.action in ("on", "set", None):
        act.action = "unlock" if act.action else None
    targets = _groups(clause, catalog, kinds.get("compound", []))
    if act.action in _ORDERS and act.attribute is None and all(_unnamed(t) for t in targets):
        missing = _missing(clause, lex, said_numbers)
        if missing:  # not "it", not "the one you know", not "all of it": something named this home lacks
            targets = [Target(missing=(missing,))]  # never widened to the whole home ("all the garlands")
    if act.action == "query" and act.attribute is None and act.state is None and "compound" not in kinds and all(
            t.empty for t in targets):
        act.action = None  # "the kids are asleep": a question word, but nothing asked about
    if act.action is None:
        target = targets[0] if targets else Target()
        if target.empty and code is None:
            return [], None
        return [], Intent(action="answer", target=target, code=code)
    if act.action == "query" and act.quantifier is None:
        act.quantifier = "plain"
    intents = [Intent(action=act.action, target=target, attribute=act.attribute, value=act.value, unit=act.unit,
                      code=code, state=act.state if act.action == "query" else None,
                      quantifier=act.quantifier if act.action == "query" else None, implicit=act.implicit)
               for target in targets]
    if act.action == "set" and "mode" in kinds and act.attribute != "mode" and numbers:
        # "卧室空调开到制热，温度二十五", "mets la clim en chauffage à 24": the mode, then the number
        intents = [Intent(action="set", target=t, attribute="mode", value=kinds["mode"][0]) for t in targets] + intents
    return intents, None
