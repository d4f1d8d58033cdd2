"""Television: volume, mute and channel."""

from __future__ import annotations

from typing import Any, ClassVar

from devices.base import SimulatedDevice, int_spec, power_spec
from hub.protocol import Names, PropertySpec, PropertyValue


class Television(SimulatedDevice):
    """A TV. SetMute/CancelMute toggle ``mute``; changing the volume unmutes, as a remote does.

    Setting volume or channel on a TV that is off turns it on first.
    """

    category = "television"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        int_spec("volume", 0, 100, "%"),
        PropertySpec(name="mute", data_type="bool"),
        int_spec("channel", 1, 999),
    )
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "volume": 30,
        "mute": False,
        "channel": 1,
    }
    extra_actions = ("SetMute", "CancelMute")
    default_names = Names(zh=["电视", "电视机"], en=["television", "TV"], fr=["télévision", "télé"])

    async def on_SetMute(self, value: Any) -> list[str]:
        """Mute."""
        return self.set_property("mute", True)

    async def on_CancelMute(self, value: Any) -> list[str]:
        """Unmute."""
        return self.set_property("mute", False)

    def before_set(self, attr: str, value: PropertyValue) -> list[str] | None:
        """Changing the volume also unmutes."""
        changed = super().before_set(attr, value) or []
        if attr == "volume" and self.state["mute"]:
            self.apply({"mute": False})
            changed.append("mute")
        return changed
