"""Humidifier: a target humidity, and a room that moistens toward it."""

from __future__ import annotations

from typing import Any, ClassVar

from devices.base import enum_spec, float_spec, int_spec, power_spec
from devices.categories.drift import PeriodicDevice, approach
from hub.protocol import Names, PropertySpec, PropertyValue

MIST_RATE: dict[str, float] = {"auto": 1.0, "manual": 1.0, "sleep": 0.5}
"""%RH per minute while misting; ``sleep`` runs the atomiser at half output to stay quiet."""
DRIFT_RATE = 0.2
"""%RH per minute back toward ambient while it does not mist (ventilation dries the room)."""


class Humidifier(PeriodicDevice):
    """An ultrasonic humidifier: ``currentHumidity`` rises to the ``humidity`` target while on.

    It cannot dry the air: above the target, or when off, the room drifts back toward its ambient
    humidity (the one it started at), but while on never below the target. Reported every 30 s.
    """

    category = "humidifier"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        int_spec("humidity", 30, 80, "%"),
        enum_spec("mode", ["auto", "sleep", "manual"]),
        float_spec("currentHumidity", 0, 100, "%"),
    )
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "humidity": 50,
        "mode": "auto",
        "currentHumidity": 40.0,
    }
    default_names = Names(zh=["加湿器"], en=["humidifier"], fr=["humidificateur"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ambient = float(self.initial_state["currentHumidity"])

    def tick(self) -> None:
        """Mist the air toward the target humidity (on), or let it drift back to the ambient humidity."""
        current = float(self.state["currentHumidity"])
        target = float(self.state["humidity"])
        if self.state["powerstate"] == "on" and current < target:
            goal, rate = target, MIST_RATE[str(self.state["mode"])]
        elif self.state["powerstate"] == "on":
            goal, rate = max(self.ambient, target), DRIFT_RATE
        else:
            goal, rate = self.ambient, DRIFT_RATE
        self.apply({"currentHumidity": round(approach(current, goal, rate * self.interval / 60), 2)},
                   cause="sensor")
