"""Device behaviours, one module per AliGenie category."""

from __future__ import annotations

from devices.base import SimulatedDevice
from devices.categories.aircondition import AirCondition
from devices.categories.airpurifier import AirPurifier
from devices.categories.curtain import Curtain
from devices.categories.fan import Fan
from devices.categories.fingerprintlock import FingerprintLock
from devices.categories.heater import Heater
from devices.categories.humidifier import Humidifier
from devices.categories.light import Light
from devices.categories.roboticvacuum import RoboticVacuum
from devices.categories.sensor import Sensor
from devices.categories.switch import Outlet, Switch
from devices.categories.television import Television
from devices.categories.waterheater import WaterHeater

CATEGORIES: dict[str, type[SimulatedDevice]] = {
    cls.category: cls
    for cls in (
        Light,
        Switch,
        Outlet,
        Curtain,
        AirCondition,
        Fan,
        AirPurifier,
        Humidifier,
        Heater,
        WaterHeater,
        Television,
        RoboticVacuum,
        FingerprintLock,
        Sensor,
    )
}
"""Category id -> behaviour class."""


def device_class(category: str) -> type[SimulatedDevice]:
    """The behaviour class of ``category``; ValueError naming the known ones if there is none."""
    try:
        return CATEGORIES[category]
    except KeyError:
        known = ", ".join(sorted(CATEGORIES))
        raise ValueError(f"unknown device category {category!r}; known: {known}") from None
