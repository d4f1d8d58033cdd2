"""The sentence generator: for a model's specs, every (property, action kind) in each language, as
sentences people say, each with the state to start from and what must follow. Deterministic by seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from genie.coverage.asks import ASK
from genie.coverage.templates import BY, DOWN, POWER, SET, SPECIAL, UP
from genie.coverage.values import (
    STEPS,
    choices,
    heard_forms,
    is_speed,
    opposite_forms,
    pick_two,
    room_to_step,
    say_step,
    say_value,
)
from genie.coverage.words import DEVICES, PROPERTIES, WATER, Noun
from hub.protocol import PropertySpec, PropertyValue

LANGS = ("zh", "en", "fr")
READINGS: dict[str, tuple[int, int]] = {"pm2.5": (8, 150), "battery": (20, 95)}
"""Readings asked about, in the range a home sees."""
KINDS = ("on", "off", "set", "up", "down", "ask", "lock", "unlock", "pause")
"""Action kinds: on/off (power, a curtain's opening, a vacuum's run, a TV's mute, a fan's swing), set a value,
step up or down, ask, and the actions of their own (lock, unlock, pause)."""


@dataclass(frozen=True)
class Expect:
    """What must follow a sentence: on the device, and in the reply."""

    equal: dict[str, PropertyValue] = field(default_factory=dict)
    among: dict[str, tuple[PropertyValue, ...]] = field(default_factory=dict)
    direction: tuple[str, str] | None = None
    """(property, "up" | "down"): the value moved that way from where it started."""
    still: bool = False
    """A question: nothing on the device may change."""
    heard: tuple[str, ...] = ()
    """The reply carries one of these (the value as people say it)."""
    not_heard: tuple[str, ...] = ()
    """... and, once those are taken out, none of these (the other state)."""
    settle: float = 0.0
    """Device-clock seconds to let a motion finish before looking (a curtain opening)."""


@dataclass(frozen=True)
class Probe:
    """One sentence said to one device, the state it starts from, and what must follow."""

    prop: str
    kind: str
    lang: str
    text: str
    setup: dict[str, PropertyValue]
    expect: Expect
    start: str | None = None
    """An action the device is already doing when the sentence is said: ``move`` (a curtain opening), ``clean``."""

    @property
    def capability(self) -> str:
        """``property:kind``, the matrix's column."""
        return f"{self.prop}:{self.kind}"


def family(category: str) -> str:
    """How a category says on/off: ``curtain`` (open/closed), ``vacuum`` (cleaning/docked) or ``power``."""
    return {"curtain": "curtain", "roboticvacuum": "vacuum"}.get(category, "power")


def capabilities(category: str, specs: tuple[PropertySpec, ...],
                 actions: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The (property, kind) pairs a model with ``specs`` is to be commanded and asked about by voice."""
    found: list[tuple[str, str]] = []
    for spec in specs:
        name = spec.name
        if name == "powerstate":
            found += [(name, "on"), (name, "off"), (name, "ask")]
            if category in ("curtain", "roboticvacuum") and "Pause" in actions:
                found.append((name, "pause"))
        elif name == "lockstate":
            found += [(name, "lock"), (name, "unlock"), (name, "ask")]
        elif spec.writable and (spec.data_type == "bool" or name == "swing"):
            found += [(name, "on"), (name, "off"), (name, "ask")]
        elif spec.writable and spec.data_type in ("int", "float"):
            found += [(name, "set"), (name, "up"), (name, "down"), (name, "ask")]
        elif spec.writable:
            found += [(name, "set"), (name, "ask")]
        else:
            found.append((name, "ask"))
    return found


def generate(category: str, specs: tuple[PropertySpec, ...], actions: tuple[str, ...], lang: str, seed: int | str,
             phrasings: int = 2, code: str = "135790") -> list[Probe]:
    """``phrasings`` sentences per capability of the model in ``lang``, chosen by ``seed`` (a run seeds each
    product with its own name too, so the products of one specification hear different sentences)."""
    by_name = {s.name: s for s in specs}
    probes = []
    for prop, kind in capabilities(category, specs, actions):
        cell = random.Random(f"{seed}:{category}:{prop}:{kind}:{lang}").randrange(1 << 16)
        for n in range(phrasings):
            # one start per cell, then the n-th phrasing after it: the phrasings of a cell differ
            rng = random.Random(f"{seed}:{category}:{prop}:{kind}:{lang}:{n}")
            probes.append(_probe(category, by_name, prop, kind, lang, rng, code, cell + n))
    return probes


def _probe(category: str, specs: dict[str, PropertySpec], prop: str, kind: str, lang: str, rng: random.Random,
           code: str, n: int) -> Probe:
    spec = specs[prop]
    dev = _choose(DEVICES[category][lang], rng, n)
    powered: dict[str, PropertyValue] = {}
    if "powerstate" in specs and category not in ("curtain", "roboticvacuum"):
        powered["powerstate"] = "on"  # set a value on a device that is on: the order is about the value
    if kind == "ask":
        return _ask(category, spec, dev, lang, rng, n, powered)
    if prop == "powerstate":
        return _power(category, kind, dev, lang, rng, n)
    if kind in ("lock", "unlock"):
        setup: dict[str, PropertyValue] = {"lockstate": "unlocked" if kind == "lock" else "locked"}
        text = _fill(SPECIAL[kind][lang], rng, n, dev, lang, code=_say_code(code, lang, rng))
        done = "locked" if kind == "lock" else "unlocked"
        return Probe(prop, kind, lang, text, setup, Expect(equal={"lockstate": done}))
    if kind in ("on", "off"):
        on = kind == "on"
        key = ("mute" if on else "unmute") if prop == "mute" else ("swing_on" if on else "swing_off")
        value: PropertyValue = on if spec.data_type == "bool" else ("on" if on else "off")
        off_value: PropertyValue = (not on) if spec.data_type == "bool" else ("off" if on else "on")
        text = _fill(SPECIAL[key][lang], rng, n, dev, lang)
        return Probe(prop, kind, lang, text, {**powered, prop: off_value}, Expect(equal={prop: value}))
    if category == "curtain":  # the motor takes its time: look once it has stopped
        probe = _probe_value(spec, prop, kind, lang, rng, n, dev, powered, category)
        return Probe(probe.prop, probe.kind, probe.lang, probe.text, probe.setup,
                     Expect(equal=probe.expect.equal, direction=probe.expect.direction, heard=probe.expect.heard,
                            settle=15.0))
    return _probe_value(spec, prop, kind, lang, rng, n, dev, powered, category)


def _probe_value(spec: PropertySpec, prop: str, kind: str, lang: str, rng: random.Random, n: int, dev: Noun,
                 powered: dict[str, PropertyValue], category: str) -> Probe:
    if kind == "set":
        start, target = pick_two(spec, rng)
        val = say_value(spec, target, lang, rng, category)
        templates = SET.get(prop, SET["*"])[lang]
        if prop == "windspeed" and isinstance(target, str):
            # "put the AC on automatic" is its mode: a speed said as a word needs the word speed with it
            templates = [t for t in templates if any(w in t for w in ("speed", "风速", "vitesse"))]
        text = _fill(templates, rng, n, dev, lang, prop=_prop_noun(prop, lang, rng), val=val)
        heard = heard_forms(spec, target, lang)
        return Probe(prop, kind, lang, text, {**powered, prop: start}, Expect(equal={prop: target}, heard=tuple(heard)))
    up = kind == "up"
    amount = STEPS.get(prop) if n % 2 == 1 and not is_speed(spec) else None
    start_value = room_to_step(spec, up, amount, rng)
    if amount is not None:
        step = say_step(prop, amount, lang, rng)
        text = _fill(BY[kind][lang], rng, n, dev, lang, prop=_prop_noun(prop, lang, rng), step=step)
        low, high = spec.min if spec.min is not None else -1e9, spec.max if spec.max is not None else 1e9
        target = min(high, start_value + amount) if up else max(low, start_value - amount)
        expect = Expect(equal={prop: int(target) if spec.data_type == "int" else target})
    else:
        table = UP if up else DOWN
        text = _fill(table.get(prop, table["*"])[lang], rng, n, dev, lang, prop=_prop_noun(prop, lang, rng))
        expect = Expect(direction=(prop, kind))
    return Probe(prop, kind, lang, text, {**powered, prop: start_value}, expect)


def _power(category: str, kind: str, dev: Noun, lang: str, rng: random.Random, n: int) -> Probe:
    fam = family(category)
    if kind == "pause":
        text = _fill(SPECIAL["pause"][lang], rng, n, dev, lang)
        if fam == "curtain":
            return Probe("powerstate", kind, lang, text, {}, Expect(equal={"motion": "stopped"}), start="move")
        return Probe("powerstate", kind, lang, text, {}, Expect(equal={"status": "paused"}), start="clean")
    on = kind == "on"
    text = _fill(POWER[fam][kind][lang], rng, n, dev, lang)
    if fam == "curtain":
        return Probe("powerstate", kind, lang, text, {"position": 0 if on else 100},
                     Expect(equal={"position": 100 if on else 0, "powerstate": kind}, settle=15.0))
    if fam == "vacuum":
        if on:
            return Probe("powerstate", kind, lang, text, {}, Expect(equal={"status": "cleaning"}))
        return Probe("powerstate", kind, lang, text, {}, Expect(among={"status": ("returning", "docked")}),
                     start="clean")
    return Probe("powerstate", kind, lang, text, {"powerstate": "off" if on else "on"},
                 Expect(equal={"powerstate": kind}))


def _ask(category: str, spec: PropertySpec, dev: Noun, lang: str, rng: random.Random, n: int,
         powered: dict[str, PropertyValue]) -> Probe:
    prop = spec.name
    fam = family(category) if prop == "powerstate" else ""
    setup: dict[str, PropertyValue] = dict(powered)
    start = None
    value: PropertyValue
    if prop == "powerstate":
        value = rng.choice(["on", "off"])
        if fam == "curtain":
            setup = {"position": 100 if value == "on" else 0}
        elif fam == "vacuum":
            start = "clean" if value == "on" else None
        else:
            setup = {"powerstate": value}
    elif prop == "lockstate":
        value = rng.choice(["locked", "unlocked"])
        setup = {"lockstate": value}
    elif prop == "motion":
        value = "stopped"
    elif prop == "status":
        value = rng.choice(["docked", "cleaning"])
        start = "clean" if value == "cleaning" else None
    elif spec.data_type == "float" and not spec.writable:
        low, high = spec.min if spec.min is not None else 0, spec.max if spec.max is not None else 100
        value = round(rng.uniform(max(low, 15.0), min(high, 35.0 if prop != "power" else 900.0)), 1)
        setup[prop] = value
    elif prop in READINGS:
        value = rng.randint(*READINGS[prop])
        setup[prop] = value
    else:
        value = rng.choice([v for v in choices(spec) if prop != "mute" or v is True])
        setup[prop] = value
    key = _ask_key(category, prop, fam)
    text = _fill(ASK.get(key, ASK["*"])[lang], rng, n, dev, lang, prop=_prop_noun(prop, lang, rng, category))
    heard = heard_forms(spec, value, lang, fam)
    return Probe(prop, "ask", lang, text, setup,
                 Expect(still=True, heard=tuple(heard), not_heard=tuple(opposite_forms(spec, value, lang, fam))),
                 start=start)


def _ask_key(category: str, prop: str, fam: str) -> str:
    if prop == "powerstate" and fam != "power":
        return fam
    if category == "sensor" and prop in ("temperature", "humidity"):
        return f"sensor_{prop}"
    if category == "waterheater" and prop == "currentTemperature":
        return "water"
    return prop


def _prop_noun(prop: str, lang: str, rng: random.Random, category: str = "") -> Noun:
    table = WATER if (category == "waterheater" and prop == "currentTemperature") else PROPERTIES.get(prop)
    if table is None:
        return Noun(prop)
    return rng.choice(table[lang])


def _say_code(code: str, lang: str, rng: random.Random) -> str:
    if lang == "zh" and rng.random() < 0.5:
        return "".join("零一二三四五六七八九"[int(c)] for c in code)
    return code


def _choose(options: list[Noun], rng: random.Random, n: int) -> Noun:
    return options[(n // 3) % len(options)]


def _fill(templates: list[str], rng: random.Random, n: int, dev: Noun, lang: str, prop: Noun | None = None,
          **values: str) -> str:
    """One of ``templates`` (the n-th after a seeded start, so phrasings of a cell differ) filled in."""
    # "switch the switch on": no one says the device's own noun as the verb; take the next phrasing
    usable = [t for t in templates if lang == "zh" or dev.text.lower() not in t.lower().split()] or templates
    template = usable[n % len(usable)]
    prop = prop or Noun("")
    fields = {
        "dev": dev.the(lang), "of": dev.of(lang), "d": dev.text, "prop": prop.the(lang), "p": prop.text,
        "quel": "quelle" if prop.gender == "f" else "quel",
        "on": dev.agree("allumé"), "open": dev.agree("ouvert"), "set": dev.agree("réglé"),
        "locked": dev.agree("verrouillé"), **values,
    }
    return template.format(**fields)
