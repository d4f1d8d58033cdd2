"""Robotic vacuum: cleaning runs that drain the battery, trips back to the dock, charging."""

from __future__ import annotations

from typing import Any, ClassVar

from devices.base import DeviceError, enum_spec, int_spec, power_spec
from devices.categories.drift import PeriodicDevice
from hub.protocol import ErrorCode, Names, PropertySpec, PropertyValue

TICK = 6.0
"""Seconds between updates: a divisor of every duration below, so none is rounded."""
DRAIN_SECONDS: dict[str, float] = {"quiet": 42.0, "standard": 30.0, "strong": 18.0}
"""Seconds of work per 1 % of battery at each suction: stronger suction empties it sooner."""
CHARGE_SECONDS = 18.0
"""Seconds per 1 % on the dock: a full charge in 30 minutes."""
RETURN_SECONDS = 30.0
"""Travel time back to the dock."""
MIN_BATTERY = 10
"""Below this it refuses to start."""
RETURN_AT = 15
"""Draining to this while cleaning sends it home: enough left to find the dock."""


class RoboticVacuum(PeriodicDevice):
    """``status`` is docked, cleaning, paused or returning; ``powerstate`` is on exactly while cleaning.

    TurnOn (or Continue) starts or resumes cleaning, Pause stops where it is, TurnOff sends it home:
    ``returning`` for 30 s, then ``docked``, where it charges to 100 %. Moving drains the battery;
    at 15 % it heads home by itself (cause ``motion``). Battery readings are cause ``sensor``.
    The fault ``jammed`` (a tangled brush) stops it where it is.
    """

    category = "roboticvacuum"
    interval = TICK
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        power_spec(),
        enum_spec("status", ["docked", "cleaning", "paused", "returning"], writable=False),
        int_spec("battery", 0, 100, "%", writable=False),
        enum_spec("mode", ["quiet", "standard", "strong"]),
    )
    defaults: ClassVar[dict[str, PropertyValue]] = {
        "powerstate": "off",
        "status": "docked",
        "battery": 100,
        "mode": "standard",
    }
    extra_actions = ("Pause", "Continue")
    default_names = Names(zh=["扫地机器人", "扫地机"], en=["robot vacuum", "vacuum"],
                          fr=["aspirateur robot", "aspirateur"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A home file may give either property: "powerstate: on" alone means it is out cleaning.
        if "status" not in self.config.initial and self.state["powerstate"] == "on":
            self.state["status"] = "cleaning"
        self.state["powerstate"] = "on" if self.state["status"] == "cleaning" else "off"
        self.initial_state = dict(self.state)
        self._rewind()

    def _rewind(self) -> None:
        self._work = 0.0  # seconds toward the next 1 % drained (away) or charged (docked)
        self._travel = 0.0  # seconds of the trip home so far

    # ------------------------------------------------------------------ directives
    async def on_TurnOn(self, value: Any) -> list[str]:
        """Start cleaning (SERVICE_ERROR if jammed or the battery is too low)."""
        if self.state["status"] != "cleaning":
            self._check_free()
            battery = int(self.state["battery"])
            if battery < MIN_BATTERY:
                raise DeviceError(ErrorCode.SERVICE_ERROR,
                                  f"{self.id}: battery at {battery} %, it needs {MIN_BATTERY} % to clean; "
                                  "let it charge on the dock")
            self._go("cleaning")
        return ["powerstate", "status", "battery"]

    async def on_Continue(self, value: Any) -> list[str]:
        """Resume cleaning, as TurnOn."""
        return await self.on_TurnOn(value)

    async def on_Pause(self, value: Any) -> list[str]:
        """Pause cleaning, or the trip back to the dock."""
        if self.state["status"] in ("cleaning", "returning"):
            self._go("paused")
        return ["powerstate", "status"]

    async def on_TurnOff(self, value: Any) -> list[str]:
        """Stop cleaning and go back to the dock."""
        if self.state["status"] in ("cleaning", "paused"):
            self._check_free()
            self._go("returning")
        return ["powerstate", "status"]

    def before_set(self, attr: str, value: PropertyValue) -> list[str] | None:
        """Changing the suction does not start a cleaning run (unlike the generic "setting turns on")."""
        return None

    async def on_Reset(self, value: Any) -> list[str]:
        """Back to the initial state, battery counters restarted."""
        result = await super().on_Reset(value)
        self._rewind()
        return result

    def _check_free(self) -> None:
        if self.fault == "jammed":
            raise DeviceError(ErrorCode.SERVICE_ERROR, f"{self.id}: the brush is jammed; clear it first")

    def _go(self, status: str, cause: str = "command") -> None:
        before = self.state["status"]
        if (before == "docked") != (status == "docked"):
            self._work = 0.0  # switching between draining and charging
        if status == "returning":
            self._travel = 0.0
        self.apply({"status": status, "powerstate": "on" if status == "cleaning" else "off"}, cause=cause)

    # ------------------------------------------------------------------ motion and battery
    def tick(self) -> None:
        """Drain the battery while away (going home when low), charge it on the dock, finish the trip home."""
        status = self.state["status"]
        battery = int(self.state["battery"])
        if status == "docked":
            if battery < 100:
                self._work += TICK
                if self._work >= CHARGE_SECONDS:
                    self._work -= CHARGE_SECONDS
                    self.apply({"battery": battery + 1}, cause="sensor")
            return
        if status == "paused":
            return
        if self.fault == "jammed":
            if status == "cleaning":
                self._go("paused", cause="motion")
            return
        self._work += TICK
        drained = self._work >= DRAIN_SECONDS[str(self.state["mode"])]
        if drained:
            self._work -= DRAIN_SECONDS[str(self.state["mode"])]
            battery = max(0, battery - 1)
            self.apply({"battery": battery}, cause="sensor")
        if status == "cleaning" and drained and battery <= RETURN_AT:
            self._go("returning", cause="motion")
        elif status == "returning":
            self._travel += TICK
            if self._travel >= RETURN_SECONDS:
                self._go("docked", cause="motion")
