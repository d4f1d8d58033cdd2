"""Air purifier: a fan pushing room air through a filter, and the PM2.5 reading that follows."""

from __future__ import annotations

from typing import Any, ClassVar

from devices.base import enum_spec, int_spec, power_spec
from devices.categories.drift import PeriodicDevice, approach
from hub.protocol import Names, PropertySpec, PropertyValue

CLEAN = 10
"""µg/m³ a HEPA filter holds a closed room at."""
FILTERED_SHARE: dict[int, float] = {1: 0.1, 2: 0.2, 3: 0.35}
"""Share of the excess over ``CLEAN`` removed per 30 s at each wind speed: more air, faster cleaning."""
LEAK_SHARE = 0.05
"""Share of the gap to ambient that outdoor air brings back per 30 s while off."""


def auto_speed(pm25: int) -> int:
    """The wind speed ``auto`` picks: China's PM2.5 grades (≤35 good, ≤75 moderate, above polluted)."""
    if pm25 > 75:
        return 3
    return 2 if pm25 > 35 else 1


class AirPurifier(PeriodicDevice):
    """``pm2.5`` falls toward 10 µg/m³ while on and creeps back to ambient (its initial value) while off.

    ``auto`` chooses the wind speed from the reading, ``sleep`` runs at speed 1, and choosing a speed
    by hand switches to ``manual``, as on the real panel. Reported every 30 s (cause ``sensor``).
    """

    category = "airpurifier"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        enum_spec("mode", ["auto", "sleep", "manual"]),
        int_spec("windspeed", 1, 3),
        int_spec("pm2.5", 0, 999, "µg/m³", writable=False),
    )
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "mode": "auto",
        "windspeed": 2,
        "pm2.5": 75,
    }
    default_names = Names(zh=["空气净化器", "净化器"], en=["air purifier", "purifier"],
                          fr=["purificateur d'air"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ambient = int(self.initial_state["pm2.5"])

    async def on_SetMode(self, value: Any) -> list[str]:
        """Set the mode; auto picks the wind speed from the PM2.5 reading, sleep runs at speed 1."""
        mode = self.checked("mode", value)
        self.before_set("mode", mode)
        changes: dict[str, PropertyValue] = {"mode": mode}
        if mode == "auto":
            changes["windspeed"] = auto_speed(int(self.state["pm2.5"]))
        elif mode == "sleep":
            changes["windspeed"] = 1
        self.apply(changes)
        return ["mode", "windspeed"]

    def before_set(self, attr: str, value: PropertyValue) -> list[str] | None:
        """Setting the wind speed by hand leaves auto or sleep mode for manual."""
        changed = super().before_set(attr, value) or []
        if attr == "windspeed" and self.state["mode"] != "manual":
            self.apply({"mode": "manual"})
            changed.append("mode")
        return changed

    def tick(self) -> None:
        """Filter the air toward clean (on) or let it drift back to the outdoor level (off)."""
        pm = int(self.state["pm2.5"])
        on = self.state["powerstate"] == "on"
        if on:
            goal, share = CLEAN, FILTERED_SHARE[int(self.state["windspeed"])]
        else:
            goal, share = self.ambient, LEAK_SHARE
        new = int(approach(pm, goal, max(1, round(abs(pm - goal) * share))))
        changes: dict[str, PropertyValue] = {"pm2.5": new}
        if on and self.state["mode"] == "auto":
            changes["windspeed"] = auto_speed(new)
        self.apply(changes, cause="sensor")
