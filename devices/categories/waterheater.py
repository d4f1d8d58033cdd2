"""Water heater: a tank that heats to its setpoint and slowly loses heat."""

from __future__ import annotations

from typing import ClassVar

from devices.base import float_spec, int_spec, power_spec
from devices.categories.drift import PeriodicDevice, approach
from hub.protocol import Names, PropertySpec, PropertyValue

HEATING_RATE = 1.0
"""°C per minute while heating: a 3 kW element in a 50 l tank."""
COOLING_RATE = 0.06
"""°C per minute of standing loss through the insulation (about 3.6 °C an hour)."""
AMBIENT = 20.0
"""°C the water ends at when left alone: the room and the cold inlet."""


class WaterHeater(PeriodicDevice):
    """An electric storage water heater: ``currentTemperature`` heats to ``temperature`` while on.

    Above the setpoint, or when off, the tank cools slowly toward the room's temperature (20 °C); while
    on it keeps the water at the setpoint. Reported every 30 s.
    """

    category = "waterheater"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        int_spec("temperature", 35, 75, "°C"),
        float_spec("currentTemperature", 0, 100, "°C"),
    )
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "temperature": 50,
        "currentTemperature": 20.0,
    }
    default_names = Names(zh=["热水器"], en=["water heater", "boiler"], fr=["chauffe-eau", "ballon"])

    def tick(self) -> None:
        """Heat the water toward the setpoint (on), or let it cool toward the room's temperature."""
        current = float(self.state["currentTemperature"])
        setpoint = float(self.state["temperature"])
        if self.state["powerstate"] == "on" and current < setpoint:
            goal, rate = setpoint, HEATING_RATE
        elif self.state["powerstate"] == "on":
            goal, rate = max(AMBIENT, setpoint), COOLING_RATE
        else:
            goal, rate = AMBIENT, COOLING_RATE
        self.apply({"currentTemperature": round(approach(current, goal, rate * self.interval / 60), 2)},
                   cause="sensor")
