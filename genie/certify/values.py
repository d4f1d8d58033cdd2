"""Values certify sends and judges: whether a value fits its property spec, and the valid, boundary and
out-of-range values of each declared action (docs/protocol.md §5, §6)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hub.protocol import PropertySpec, PropertyValue
from hub.protocol.vocabulary import ACTIONS, QUERY_ACTIONS

_HEX = frozenset("0123456789ABCDEF")


def misfit(spec: PropertySpec, value: Any) -> str | None:
    """Why ``value`` (as a device states it) does not fit ``spec`` — its JSON type, range, enum or form — or None.

    A device states values in their normal form (docs/protocol.md §5: ``PropertySpec.coerce``'s result):
    an int as a JSON integer, a colour as ``#RRGGBB``, an enum as spelled in ``enumValues``."""
    name, kind = spec.name, spec.data_type
    if kind in ("int", "float"):
        if isinstance(value, str) and value in spec.enum_values:
            return None  # a level that is a word (a fan speed of "auto")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{name} is {json_type(value)} {value!r}; its spec says {kind}"
        if not math.isfinite(value):
            return f"{name} is {value!r}, not a finite number"
        if kind == "int" and not isinstance(value, int):
            return f"{name} is the float {value!r}; its spec says int"
        if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
            return f"{name} is {value!r}, outside its range {spec.min:g}..{spec.max:g}" if spec.min is not None \
                and spec.max is not None else f"{name} is {value!r}, outside its range"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else f"{name} is {json_type(value)} {value!r}; its spec says bool"
    if kind == "enum":
        if value not in spec.enum_values:
            return f"{name} is {value!r}, not one of its enumValues {', '.join(spec.enum_values)}"
        return None
    if kind == "color":
        ok = isinstance(value, str) and len(value) == 7 and value[0] == "#" and set(value[1:]) <= _HEX
        return None if ok else f"{name} is {value!r}; a colour is stated as #RRGGBB"
    return None if isinstance(value, str) else f"{name} is {json_type(value)} {value!r}; its spec says text"


def json_type(value: Any) -> str:
    """The JSON type of ``value``, as a reason says it."""
    if isinstance(value, bool):
        return "the boolean"
    if isinstance(value, int | float):
        return "the number"
    if isinstance(value, str):
        return "the string"
    return "null" if value is None else f"a {type(value).__name__}"


@dataclass(frozen=True)
class Trial:
    """One value to send with an action, and what must come back."""

    action: str
    value: PropertyValue | None
    expect: str
    """``ok`` (a Response), or the ErrorResponse code that must come back."""
    why: str = ""


def attribute_of(action: str) -> str | None:
    """The property an action acts on (a query's too), if any."""
    kind = ACTIONS.get(action)
    return kind.attribute if kind is not None else QUERY_ACTIONS.get(action)


def _middle(spec: PropertySpec) -> PropertyValue:
    low = spec.min if spec.min is not None else 0.0
    high = spec.max if spec.max is not None else low + 10
    step = spec.step or 1
    value = low + step * math.floor((high - low) / 2 / step)
    return int(value) if spec.data_type == "int" else round(value, 2)


def valid(action: str, spec: PropertySpec | None, current: PropertyValue | None) -> Trial:
    """A value the device must accept for ``action`` (None for one that takes none)."""
    kind = ACTIONS.get(action)
    if action == "Unlock":
        return Trial(action, None, "ok|INVALIDATE_PARAMS", "Unlock needs the lock's code, which certify does not know")
    if kind is None or kind.kind != "set" or spec is None:
        return Trial(action, None, "ok")
    if spec.data_type in ("int", "float"):
        return Trial(action, _middle(spec), "ok")
    if spec.data_type == "enum":
        others = [v for v in spec.enum_values if v != current]
        return Trial(action, (others or spec.enum_values)[0], "ok")
    if spec.data_type == "color":
        return Trial(action, "#FF8800" if current != "#FF8800" else "#0088FF", "ok")
    if spec.data_type == "bool":
        return Trial(action, not bool(current), "ok")
    return Trial(action, "certify", "ok")


def boundary(action: str, spec: PropertySpec | None) -> list[Trial]:
    """Values at the ends of the range the device must accept (and clamp to, for an Adjust)."""
    kind = ACTIONS.get(action)
    if kind is None or spec is None or not spec.writable:
        return []
    if kind.kind == "set" and spec.data_type in ("int", "float"):
        ends = [v for v in (spec.min, spec.max) if v is not None]
        return [Trial(action, int(v) if spec.data_type == "int" else v, "ok", "the end of its range") for v in ends]
    if kind.kind == "set" and spec.data_type == "enum":
        return [Trial(action, v, "ok", "a declared enum value") for v in dict.fromkeys(spec.enum_values)]
    if kind.kind == "set" and spec.data_type == "color":
        return [Trial(action, "White", "ok", "a colour name"), Trial(action, "#000000", "ok", "black as #RRGGBB")]
    if kind.kind in ("up", "down") and spec.min is not None and spec.max is not None:
        span = spec.max - spec.min
        huge = int(span * 10 + 10) if spec.data_type == "int" else round(span * 10 + 10, 2)
        return [Trial(action, huge, "ok", "a step past the end of the range: clamped to it")]
    return []


def out_of_range(action: str, spec: PropertySpec | None) -> list[Trial]:
    """Values the device must refuse with INVALIDATE_PARAMS, its state unchanged."""
    kind = ACTIONS.get(action)
    if kind is None or spec is None or not spec.writable:
        return []
    bad = "INVALIDATE_PARAMS"
    if kind.kind in ("up", "down"):
        return [Trial(action, -5, bad, "an Adjust step must be positive")]
    if kind.kind != "set":
        return []
    probes = [Trial(action, None, bad, "a Set needs a value")]
    if spec.data_type in ("int", "float"):
        step = spec.step or 1
        if spec.max is not None:
            over = spec.max + step
            probes.append(Trial(action, int(over) if spec.data_type == "int" else over, bad, "above the maximum"))
        if spec.min is not None:
            under = spec.min - step
            probes.append(Trial(action, int(under) if spec.data_type == "int" else under, bad, "below the minimum"))
        probes.append(Trial(action, True, bad, "a JSON boolean is never a number"))
        probes.append(Trial(action, "certify-not-a-number", bad, "not a number"))
    elif spec.data_type == "enum":
        probes.append(Trial(action, "certify-not-a-value", bad, "not one of its enumValues"))
    elif spec.data_type == "color":
        probes.append(Trial(action, "certify-teal", bad, "neither a colour name nor #RRGGBB"))
    elif spec.data_type == "bool":
        probes.append(Trial(action, "maybe", bad, "not a boolean"))
    return probes


def order(actions: list[str]) -> list[str]:
    """The declared actions in the order certify tries them: queries, sets, adjusts, the rest, Reset last."""
    def rank(action: str) -> int:
        kind = ACTIONS.get(action)
        if action in QUERY_ACTIONS:
            return 0
        if action == "Reset":
            return 4
        if kind is not None and kind.kind == "set":
            return 1
        if kind is not None and kind.kind in ("up", "down"):
            return 2
        return 3
    return sorted(dict.fromkeys(actions), key=rank)
