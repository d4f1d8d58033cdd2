"""Light: power, brightness, colour and colour temperature."""

from __future__ import annotations

from typing import ClassVar

from devices.base import SimulatedDevice, int_spec, power_spec
from hub.protocol import Names, PropertySpec, PropertyValue


class Light(SimulatedDevice):
    """A dimmable colour bulb; it remembers its brightness and colour while off."""

    category = "light"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        int_spec("brightness", 1, 100, "%"),
        PropertySpec(name="color", data_type="color"),
        int_spec("colorTemperature", 2700, 6500, "K", step=100),
    )
    optional = frozenset({"brightness", "color", "colorTemperature"})  # on/off bulbs, white-only bulbs exist
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "brightness": 80,
        "color": "#FFFFFF",
        "colorTemperature": 4000,
    }
    default_names = Names(zh=["灯"], en=["light"], fr=["lumière"])
