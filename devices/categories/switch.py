"""Switch and outlet: plain power, and a plug that meters the load behind it."""

from __future__ import annotations

import random
from typing import Any, ClassVar

from devices.base import SimulatedDevice, float_spec, power_spec
from hub.protocol import Names, PropertySpec, PropertyValue

APPLIANCES: tuple[tuple[float, float], ...] = (
    (4.0, 12.0),  # LED lamp, phone charger
    (40.0, 120.0),  # television, desk fan
    (80.0, 180.0),  # fridge (averaged over its compressor cycle)
    (800.0, 1200.0),  # rice cooker, microwave
    (1800.0, 2200.0),  # kettle, space heater
)
"""Watt ranges of what typically sits behind a smart plug; each outlet draws one, seeded by its id."""


class Switch(SimulatedDevice):
    """A wall switch or relay: on or off, nothing else."""

    category = "switch"
    specs: ClassVar[tuple[PropertySpec, ...]] = (power_spec(),)
    defaults: ClassVar[dict[str, PropertyValue]] = {"powerstate": "off"}
    default_names = Names(zh=["开关"], en=["switch"], fr=["interrupteur"])


class Outlet(SimulatedDevice):
    """A metering plug: ``power`` is the appliance's draw in W while on, 0 while off.

    The appliance is chosen per device id (so a home always has the same kettle on the same plug),
    unless the home file gives an initial ``power`` for an outlet that is on.
    """

    category = "outlet"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        float_spec("power", 0, 3500, "W"),
    )
    optional = frozenset({"power"})  # many plugs do not meter
    defaults: ClassVar[dict[str, PropertyValue]] = {"powerstate": "off", "power": 0.0}
    default_names = Names(zh=["插座"], en=["outlet", "plug", "socket"], fr=["prise"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = float(self.state.get("power", 0.0))
        if self.state["powerstate"] == "on" and given > 0:
            self.load = given
        else:
            rng = random.Random(f"outlet:{self.id}")
            self.load = round(rng.uniform(*rng.choice(APPLIANCES)), 1)
        self.state.update(self._draw(str(self.state["powerstate"])))  # power always follows powerstate
        self.initial_state = dict(self.state)

    def _draw(self, powerstate: str) -> dict[str, PropertyValue]:
        if "power" not in self._specs:  # a plug without a meter reports only its power state
            return {"powerstate": powerstate}
        return {"powerstate": powerstate, "power": self.load if powerstate == "on" else 0.0}

    async def on_TurnOn(self, value: Any) -> list[str]:
        """Power on; a metered plug then draws its load."""
        self.apply(self._draw("on"))
        return ["powerstate", "power"]

    async def on_TurnOff(self, value: Any) -> list[str]:
        """Power off; a metered plug then draws nothing."""
        self.apply(self._draw("off"))
        return ["powerstate", "power"]
