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
AUTO = "auto"
"""The wind speed of auto mode: the purifier picks the level from its reading (``auto_speed``)."""


def auto_speed(pm25: int) -> int:
    """The wind speed ``auto`` picks: China's PM2.5 grades (≤35 good, ≤75 moderate, above polluted)."""
    if pm25 > 75:
        return 3
    return 2 if pm25 > 35 else 1


class AirPurifier(PeriodicDevice):
    """``pm2.5`` falls toward 10 µg/m³ while on and creeps back to ambient (its initial value) while off.

    The wind speed is a level or ``auto``, which is auto mode (Xiaomi, Levoit, IKEA panels alike): the level
    then follows the reading. ``sleep`` runs at speed 1, and choosing a level by hand switches to ``manual``, as
    on the real panel. Reported every 30 s (cause ``sensor``).
    """

    category = "airpurifier"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        enum_spec("mode", ["auto", "sleep", "manual"]),
        int_spec("windspeed", 1, 3, words=(AUTO,)),
        int_spec("pm2.5", 0, 999, "µg/m³", writable=False),
    )
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "mode": "auto",
        "windspeed": AUTO,
        "pm2.5": 75,
    }
    default_names = Names(zh=["空气净化器", "净化器"], en=["air purifier", "purifier"],
                          fr=["purificateur d'air"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ambient = int(self.initial_state["pm2.5"])
        if (self.state["windspeed"] == AUTO) != (self.state["mode"] == "auto"):  # a home file said one of them
            if "mode" in self.config.initial:
                mode = self.state["mode"]
                self.state["windspeed"] = AUTO if mode == "auto" else 1 if mode == "sleep" else 2
            else:
                self.state["mode"] = "auto" if self.state["windspeed"] == AUTO else "manual"
            self.initial_state = dict(self.state)

    def level(self, attr: str, spec: PropertySpec) -> float:
        """The level the fan runs at, also in auto (the one the reading picks)."""
        if attr == "windspeed":
            return float(self.running_speed())
        return super().level(attr, spec)

    def running_speed(self) -> int:
        """The fan's level now: the one set, or in auto the one the reading picks."""
        speed = self.state["windspeed"]
        return auto_speed(int(self.state["pm2.5"])) if speed == AUTO else int(speed)

    async def on_SetMode(self, value: Any) -> list[str]:
        """Set the mode; auto lets the reading pick the wind speed, sleep runs at speed 1, manual keeps the
        level the fan runs at."""
        mode = self.checked("mode", value)
        changed = self.before_set("mode", mode) or []
        changes: dict[str, PropertyValue] = {"mode": mode}
        if mode == "auto":
            changes["windspeed"] = AUTO
        elif mode == "sleep":
            changes["windspeed"] = 1
        else:
            changes["windspeed"] = self.running_speed()
        self.apply(changes)
        return ["mode", "windspeed", *changed]

    def before_set(self, attr: str, value: PropertyValue) -> list[str] | None:
        """A level set by hand leaves auto or sleep for manual; ``auto`` is auto mode."""
        changed = super().before_set(attr, value) or []
        if attr == "windspeed":
            mode = "auto" if value == AUTO else "manual"
            if self.state["mode"] != mode:
                self.apply({"mode": mode})
                changed.append("mode")
        return changed

    def tick(self) -> None:
        """Filter the air toward clean (on) or let it drift back to the outdoor level (off)."""
        pm = int(self.state["pm2.5"])
        if self.state["powerstate"] == "on":
            goal, share = CLEAN, FILTERED_SHARE[self.running_speed()]
        else:
            goal, share = self.ambient, LEAK_SHARE
        new = int(approach(pm, goal, max(1, round(abs(pm - goal) * share))))
        self.apply({"pm2.5": new}, cause="sensor")
