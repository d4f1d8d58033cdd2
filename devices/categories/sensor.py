"""Environment sensor: temperature, humidity and PM2.5 readings that wander a little over time."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import ClassVar

from devices.base import float_spec, int_spec
from devices.categories.drift import PeriodicDevice
from hub.protocol import Names, PropertySpec, PropertyValue


@dataclass(frozen=True)
class Walk:
    """How one reading wanders: at most ``step`` per reading, ``pull`` of the way back home each time,
    never more than ``span`` away from its initial value, rounded to ``digits``."""

    step: float
    pull: float
    span: float
    digits: int


WALKS: dict[str, Walk] = {
    "temperature": Walk(step=0.3, pull=0.1, span=3.0, digits=1),
    "humidity": Walk(step=1.5, pull=0.1, span=10.0, digits=1),
    "pm2.5": Walk(step=4.0, pull=0.1, span=30.0, digits=0),
}
"""Indoor rooms change slowly: a few tenths of a degree, a percent or two, a few µg/m³ a minute."""


class Sensor(PeriodicDevice):
    """A read-only temperature/humidity/PM2.5 sensor reporting every 60 s (cause ``sensor``).

    Readings random-walk around their initial values with a pull back toward them, seeded by the
    device id, so the same home replays the same readings (and Reset replays them from the start).
    """

    category = "sensor"
    interval = 60.0
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        float_spec("temperature", -40, 80, "°C"),
        float_spec("humidity", 0, 100, "%"),
        int_spec("pm2.5", 0, 999, "µg/m³", writable=False),
    )
    optional = frozenset({"temperature", "humidity", "pm2.5"})
    defaults: ClassVar[dict[str, PropertyValue]] = {"temperature": 24.0, "humidity": 45.0, "pm2.5": 35}
    default_names = Names(zh=["传感器", "温湿度计"], en=["sensor", "thermometer"],
                          fr=["capteur", "thermomètre"])

    @classmethod
    def model_specs(cls, specs: tuple[PropertySpec, ...], device_id: str = "") -> tuple[PropertySpec, ...]:
        """Any of the three readings will do, but a sensor that measures nothing is no sensor."""
        if not specs:
            where = f"device {device_id}: " if device_id else ""
            raise ValueError(f"{where}a sensor needs at least one of {', '.join(s.name for s in cls.specs)}")
        return super().model_specs(specs, device_id)

    async def start(self) -> None:
        """Start its readings (a random walk of its own, the same on every run)."""
        self._rng = random.Random(f"sensor:{self.id}")
        await super().start()

    def tick(self) -> None:
        """Take new readings."""
        self.apply({name: self._walk(name, walk) for name, walk in WALKS.items() if name in self._specs},
                   cause="sensor")

    def _walk(self, name: str, walk: Walk) -> PropertyValue:
        spec = self._specs[name]
        home = float(self.initial_state[name])
        current = float(self.state[name])
        new = current + self._rng.uniform(-walk.step, walk.step) + (home - current) * walk.pull
        lo, hi = home - walk.span, home + walk.span
        if spec.min is not None:
            lo = max(lo, spec.min)
        if spec.max is not None:
            hi = min(hi, spec.max)
        new = min(hi, max(lo, new))
        return round(new) if spec.data_type == "int" else round(new, walk.digits)
