"""Fan: speed, wind pattern and oscillation."""

from __future__ import annotations

from typing import Any, ClassVar

from devices.base import SimulatedDevice, enum_spec, int_spec, power_spec
from hub.protocol import Names, PropertySpec, PropertyValue


class Fan(SimulatedDevice):
    """A pedestal fan. ``swing`` (oscillation) changes through OpenSwing/CloseSwing.

    ``sleepWind`` drops the speed to 1, as real fans do so as not to wake anyone.
    """

    category = "fan"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        int_spec("windspeed", 1, 3),
        enum_spec("mode", ["normalWind", "natureWind", "sleepWind"]),
        enum_spec("swing", ["on", "off"]),
    )
    optional = frozenset({"windspeed", "mode", "swing"})  # a plain on/off fan switch is still a fan
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "windspeed": 2,
        "mode": "normalWind",
        "swing": "off",
    }
    extra_actions = ("OpenSwing", "CloseSwing")
    default_names = Names(zh=["风扇", "电风扇"], en=["fan"], fr=["ventilateur"])

    async def on_OpenSwing(self, value: Any) -> list[str]:
        """Start swinging."""
        return self.set_property("swing", "on")

    async def on_CloseSwing(self, value: Any) -> list[str]:
        """Stop swinging."""
        return self.set_property("swing", "off")

    async def on_SetMode(self, value: Any) -> list[str]:
        """Set the mode; sleep wind also slows the fan to speed 1."""
        mode = self.checked("mode", value)
        self.before_set("mode", mode)
        slow = mode == "sleepWind" and "windspeed" in self._specs
        self.apply({"mode": mode, **({"windspeed": 1} if slow else {})})
        return ["mode", "windspeed"]
