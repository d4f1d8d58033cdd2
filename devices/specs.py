"""The property specs a device category is made of: builders for each kind, and a model's subset checked.

Categories (``devices.categories``) declare their properties with ``power_spec``, ``int_spec``,
``float_spec`` and ``enum_spec``; a brand's model may have fewer or narrower ones (``check_model_specs``),
and a category default is moved into a model's range (``fit_default``).
"""

from __future__ import annotations

from collections.abc import Collection

from hub.protocol import PropertySpec, PropertyValue


def power_spec() -> PropertySpec:
    """``powerstate`` on/off, AliGenie's power property."""
    return PropertySpec(name="powerstate", data_type="enum", enum_values=["on", "off"])


def int_spec(name: str, lo: float, hi: float, unit: str | None = None, *, step: float = 1,
             writable: bool = True, words: tuple[str, ...] = ()) -> PropertySpec:
    """A whole-number property from ``lo`` to ``hi``; ``words``: values it also takes (a fan speed's ``auto``)."""
    return PropertySpec(name=name, data_type="int", min=lo, max=hi, step=step, unit=unit,
                        access_mode="rw" if writable else "r", enum_values=list(words))


def float_spec(name: str, lo: float, hi: float, unit: str | None = None, *, writable: bool = False) -> PropertySpec:
    """A decimal property from ``lo`` to ``hi`` (read-only unless ``writable``), to a tenth."""
    return PropertySpec(name=name, data_type="float", min=lo, max=hi, step=0.1, unit=unit,
                        access_mode="rw" if writable else "r")


def enum_spec(name: str, values: list[str], *, writable: bool = True) -> PropertySpec:
    """A property taking one of ``values``."""
    return PropertySpec(name=name, data_type="enum", enum_values=values, access_mode="rw" if writable else "r")


def check_model_specs(category: str, own_specs: tuple[PropertySpec, ...], optional: Collection[str],
                      specs: tuple[PropertySpec, ...], device_id: str = "") -> tuple[PropertySpec, ...]:
    """``specs`` checked against a category's own: ValueError unless they are a subset it can behave with.

    Each must name one of the category's properties with the same type; only ``optional`` ones may be
    left out; a numeric range may differ (a model's real range) but must still hold the default.
    """
    where = f"device {device_id}: " if device_id else ""
    own = {spec.name: spec for spec in own_specs}
    seen: set[str] = set()
    for spec in specs:
        base = own.get(spec.name)
        if base is None:
            raise ValueError(f"{where}a {category} has no property {spec.name!r} "
                             f"(it has {', '.join(own)})")
        if spec.name in seen:
            raise ValueError(f"{where}property {spec.name!r} given twice")
        seen.add(spec.name)
        if spec.data_type != base.data_type or spec.access_mode != base.access_mode:
            raise ValueError(f"{where}{spec.name}: a {category} has it as {base.data_type} "
                             f"({base.access_mode}), not {spec.data_type} ({spec.access_mode})")
        if not set(spec.enum_values) <= set(base.enum_values):
            raise ValueError(f"{where}{spec.name}: values must be among {', '.join(base.enum_values) or 'numbers'}")
    missing = [name for name in own if name not in seen and name not in optional]
    if missing:
        raise ValueError(f"{where}a {category} needs the property {missing[0]!r}")
    return tuple(spec for spec in specs)


def fit_default(spec: PropertySpec, value: PropertyValue) -> PropertyValue:
    """A category default moved inside a model's narrower range (a bulb that starts at 1700 K)."""
    if spec.data_type not in ("int", "float") or isinstance(value, bool | str):
        return value
    if spec.min is not None and value < spec.min:
        return int(spec.min) if spec.data_type == "int" else spec.min
    if spec.max is not None and value > spec.max:
        return int(spec.max) if spec.data_type == "int" else spec.max
    return value
