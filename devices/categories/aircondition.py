"""Air conditioner: a setpoint, and a room temperature that follows it over time."""

from __future__ import annotations

from typing import Any, ClassVar

from devices.base import enum_spec, float_spec, int_spec, power_spec
from devices.categories.drift import PeriodicDevice, approach
from hub.protocol import Names, PropertySpec, PropertyValue

CONDITIONING_RATE = 0.5
"""°C per minute while cooling or heating: a split unit sized for its room."""
DRIFT_RATE = 0.1
"""°C per minute back toward ambient when nothing conditions the air (walls and windows leak)."""
MODE_ALIASES = {"cool": "cold", "cooling": "cold", "heating": "heat", "dry": "dehumidification",
                "fan": "airsupply"}
"""Other names of the modes, as remotes and other platforms spell them."""


class AirCondition(PeriodicDevice):
    """A split air conditioner pulling ``currentTemperature`` toward its ``temperature`` setpoint.

    ``cold`` only cools, ``heat`` only heats, ``auto`` does both; ``airsupply`` and
    ``dehumidification`` only move air. When nothing conditions the air (off, or idle because the room
    is already on the right side of the setpoint) the room drifts back toward its ambient temperature,
    the one it started at. The reading is reported every 30 s (cause ``sensor``).
    """

    category = "aircondition"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        int_spec("temperature", 16, 30, "°C"),
        enum_spec("mode", ["cold", "heat", "auto", "airsupply", "dehumidification"]),
        int_spec("windspeed", 1, 3, words=("auto",)),  # a level, or auto: every split unit's fan has both
        float_spec("currentTemperature", -20, 60, "°C"),
    )
    optional = frozenset({"windspeed"})  # some controllers leave the fan to the unit
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "temperature": 26,
        "mode": "cold",
        "windspeed": 2,
        "currentTemperature": 28.0,
    }
    default_names = Names(zh=["空调"], en=["air conditioner", "AC"], fr=["climatiseur", "clim"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ambient = float(self.initial_state["currentTemperature"])

    async def on_SetMode(self, value: Any) -> list[str]:
        """Set the mode, also by one of its other names (``MODE_ALIASES``)."""
        alias = MODE_ALIASES.get(str(value).strip().lower()) if value is not None else None
        return self.set_property("mode", alias or value)

    def tick(self) -> None:
        """Move the room temperature toward the setpoint (on) or the ambient temperature (off)."""
        current = float(self.state["currentTemperature"])
        goal, rate = self._goal(current)
        new = round(approach(current, goal, rate * self.interval / 60), 2)
        self.apply({"currentTemperature": new}, cause="sensor")

    def _goal(self, current: float) -> tuple[float, float]:
        """Where the room temperature is heading, and how fast (°C per minute)."""
        if self.state["powerstate"] != "on":
            return self.ambient, DRIFT_RATE
        setpoint = float(self.state["temperature"])
        mode = self.state["mode"]
        if mode == "auto":
            return setpoint, CONDITIONING_RATE
        if mode == "cold":
            if current > setpoint:
                return setpoint, CONDITIONING_RATE
            # idle below the setpoint: the room may warm up to it, no further
            return min(self.ambient, setpoint), DRIFT_RATE
        if mode == "heat":
            if current < setpoint:
                return setpoint, CONDITIONING_RATE
            return max(self.ambient, setpoint), DRIFT_RATE
        return self.ambient, DRIFT_RATE
