"""Device behaviours, one module per AliGenie category."""

from __future__ import annotations

from devices.base import SimulatedDevice
from devices.categories.curtain import Curtain
from devices.categories.light import Light

CATEGORIES: dict[str, type[SimulatedDevice]] = {
    cls.category: cls
    for cls in (
        Light,
        Curtain,
    )
}
"""Category id -> behaviour class."""


def device_class(category: str) -> type[SimulatedDevice]:
    """The behaviour class of ``category``; ValueError naming the known ones if there is none."""
    try:
        return CATEGORIES[category]
    except KeyError:
        raise ValueError(f"unknown device category {category!r}; known: {', '.join(sorted(CATEGORIES))}") from None
