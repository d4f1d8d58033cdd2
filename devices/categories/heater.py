"""Heater: a thermostat setpoint, and a room that warms toward it (it cannot cool)."""

from __future__ import annotations

from typing import Any, ClassVar

from devices.base import float_spec, int_spec, power_spec
from devices.categories.drift import PeriodicDevice, approach
from hub.protocol import Names, PropertySpec, PropertyValue

HEATING_RATE = 0.5
"""°C per minute while heating: a 2 kW convector in a bedroom."""
DRIFT_RATE = 0.1
"""°C per minute back toward ambient while it does not heat."""


class Heater(PeriodicDevice):
    """A space heater with a thermostat: ``currentTemperature`` rises to ``temperature`` while on.

    Above the setpoint (or off) the room drifts back toward its ambient temperature, the one it started
    at, but while on it never lets the room fall below the setpoint. Reported every 30 s.
    """

    category = "heater"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        int_spec("temperature", 5, 35, "°C"),
        float_spec("currentTemperature", -20, 60, "°C"),
    )
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "temperature": 22,
        "currentTemperature": 18.0,
    }
    default_names = Names(zh=["取暖器", "暖气"], en=["heater"], fr=["radiateur", "chauffage"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ambient = float(self.initial_state["currentTemperature"])

    def tick(self) -> None:
        """Heat the room toward the setpoint (on), or let it drift back to the ambient temperature."""
        current = float(self.state["currentTemperature"])
        setpoint = float(self.state["temperature"])
        if self.state["powerstate"] == "on" and current < setpoint:
            goal, rate = setpoint, HEATING_RATE
        elif self.state["powerstate"] == "on":
            goal, rate = max(self.ambient, setpoint), DRIFT_RATE
        else:
            goal, rate = self.ambient, DRIFT_RATE
        self.apply({"currentTemperature": round(approach(current, goal, rate * self.interval / 60), 2)},
                   cause="sensor")
