"""Values for the coverage run: which ones to try for a property, how a sentence says them, and every form
in which a reply may carry them as a person would say them."""

from __future__ import annotations

import math
import random

from genie.coverage.numbers import number_forms, spoken_number
from genie.coverage.words import COLOURS, MODES, SPEEDS, STATES
from hub.protocol import PropertySpec, PropertyValue

PERCENT = frozenset({"brightness", "humidity", "position", "currentHumidity"})
"""Properties people say in percent."""
DEGREES = frozenset({"temperature", "currentTemperature"})
STEPS: dict[str, int] = {"brightness": 10, "humidity": 10, "temperature": 2, "volume": 5, "colorTemperature": 500,
                         "position": 20}
"""The amount a "by N" sentence says, per property (others are only stepped without one)."""


def is_speed(spec: PropertySpec) -> bool:
    """A fan speed: a few numbered levels (and words such as ``auto``), said as low / medium / high."""
    return spec.name == "windspeed" and spec.min is not None and spec.max is not None and spec.max - spec.min <= 4


def choices(spec: PropertySpec) -> list[PropertyValue]:
    """Values worth saying for ``spec``: its enum values; a speed's levels and words; round numbers in range."""
    if spec.data_type == "enum":
        return list(spec.enum_values)
    if spec.data_type == "color":
        return [hex_ for hex_, _ in COLOURS.values()]
    if spec.data_type == "bool":
        return [True, False]
    low = math.ceil(spec.min if spec.min is not None else 0)
    high = math.floor(spec.max if spec.max is not None else 100)
    if is_speed(spec):
        return [*range(low, high + 1), *spec.enum_values]
    if spec.name == "channel":
        high = min(high, 199)
    span = high - low
    every = 100 if span >= 1000 else 5 if span >= 40 else 1
    found: list[PropertyValue] = [v for v in range(low, high + 1) if v % every == 0]
    return found or [low, high]


def pick_two(spec: PropertySpec, rng: random.Random) -> tuple[PropertyValue, PropertyValue]:
    """A starting value and a different target, both valid for ``spec``."""
    values = choices(spec)
    start, target = rng.sample(values, 2) if len(values) > 1 else (values[0], values[0])
    return start, target


def room_to_step(spec: PropertySpec, up: bool, amount: int | None, rng: random.Random) -> int:
    """A whole starting value from which a step up (or down) of ``amount`` (or one level) stays in range."""
    numbers = [v for v in choices(spec) if isinstance(v, int) and not isinstance(v, bool)]
    need = amount or 1
    low, high = min(numbers), max(numbers)
    fit = [v for v in numbers if (v + need <= high if up else v - need >= low)]
    middle = [v for v in fit if low + need <= v <= high - need] or fit or numbers
    return rng.choice(middle)


def say_value(spec: PropertySpec, value: PropertyValue, lang: str, rng: random.Random,
              category: str = "") -> str:
    """``value`` of ``spec`` as a person says it in a sentence: 百分之五十, 26 degrees, élevée, rouge."""
    name = spec.name
    if spec.data_type == "color":
        return _pick(rng, _colour_words(str(value), lang)[:2])
    if name == "windspeed" and (is_speed(spec) or isinstance(value, str)):
        return _pick(rng, SPEEDS[value][lang][:3])
    if isinstance(value, str):
        return _pick(rng, MODES[value][lang][:2])
    number = int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0
    words = spoken_number(number, lang)
    forms = {
        "zh": {"%": [f"百分之{words}", f"{number}%"], "deg": [f"{words}度", f"{number}度"],
               "K": [f"{number}K", f"{number}开尔文"], "ch": [f"{words}台", f"{number}台", f"{number}频道"]},
        "en": {"%": [f"{number}%", f"{number} percent", f"{words} percent"],
               "deg": [f"{number} degrees", f"{words} degrees"], "K": [f"{number} kelvin", f"{number}K"],
               "ch": [f"channel {number}", f"channel {words}"]},
        "fr": {"%": [f"{number} %", f"{number} pour cent", f"{words} pour cent"],
               "deg": [f"{number} degrés", f"{words} degrés"], "K": [f"{number} kelvins", f"{number} K"],
               "ch": [f"la chaîne {number}", f"la {number}"]},
    }[lang]
    kind = "%" if name in PERCENT else "deg" if name in DEGREES else "K" if name == "colorTemperature" else \
        "ch" if name == "channel" else ""
    return _pick(rng, forms[kind]) if kind else _pick(rng, [str(number), words])


def say_step(name: str, amount: int, lang: str, rng: random.Random) -> str:
    """A step as said: 两度 · 10 percent · de 500 kelvins (without the preposition)."""
    words = "两" if lang == "zh" and amount == 2 else spoken_number(amount, lang)
    unit = {"zh": {"%": ["百分之" + words, f"{amount}%"], "deg": [f"{words}度", f"{amount}度"],
                   "K": [f"{amount}K"], "": [words, str(amount)]},
            "en": {"%": [f"{amount}%", f"{amount} percent"], "deg": [f"{amount} degrees", f"{words} degrees"],
                   "K": [f"{amount} kelvin"], "": [str(amount), words]},
            "fr": {"%": [f"{amount} %", f"{words} pour cent"], "deg": [f"{amount} degrés", f"{words} degrés"],
                   "K": [f"{amount} kelvins"], "": [str(amount), words]}}[lang]
    kind = "%" if name in PERCENT else "deg" if name in DEGREES else "K" if name == "colorTemperature" else ""
    return _pick(rng, unit[kind])


def heard_forms(spec: PropertySpec, value: PropertyValue, lang: str, family: str = "") -> list[str]:
    """Every form in which a reply may carry ``value`` of ``spec`` as people say it (no bare speed digits,
    no ``#RRGGBB``, no internal enum ids)."""
    name = spec.name
    if spec.data_type == "color":
        return _colour_words(str(value), lang)
    if name == "windspeed" and (is_speed(spec) or isinstance(value, str)):
        return SPEEDS[value][lang]
    state_words = STATES.get(family or name)
    if state_words is not None and value in state_words:
        return state_words[value][lang]
    if isinstance(value, str):
        return MODES.get(value, {}).get(lang, [value])
    if isinstance(value, bool):
        return STATES["mute"][value][lang]
    forms = number_forms(float(value), lang)
    if name == "position" and value in (0, 100):  # fully closed or open: saying so is saying the value
        forms += STATES["curtain"]["on" if value == 100 else "off"][lang]
    return forms


def opposite_forms(spec: PropertySpec, value: PropertyValue, lang: str, family: str = "") -> list[str]:
    """The words of the other state of a two-state property (a reply saying "off" for "on" is wrong)."""
    table = STATES.get(family or spec.name)
    if table is None or len(table) != 2 or value not in table:
        return []
    other = next(v for v in table if v != value)
    return table[other][lang]


def _colour_words(hex_value: str, lang: str) -> list[str]:
    for hex_, words in COLOURS.values():
        if hex_ == hex_value.upper():
            return words[lang]
    return [hex_value]


def _pick(rng: random.Random, options: list[str]) -> str:
    return options[rng.randrange(len(options))]
