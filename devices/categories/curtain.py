"""Curtain: a motor that moves the opening (position 0-100 %) over time, and can be paused."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from devices.base import DeviceError, SimulatedDevice, enum_spec, int_spec
from hub.protocol import ErrorCode, Names, PropertySpec, PropertyValue

SPEED = 10.0
"""Percent of travel per second: a typical motorised track opens fully in about 10 s."""
TICK = 0.5
"""Seconds between position reports while moving."""


class Curtain(SimulatedDevice):
    """``position`` is how far open (100 = fully open). TurnOn opens, TurnOff closes, Pause stops."""

    category = "curtain"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        enum_spec("powerstate", ["on", "off"]),
        int_spec("position", 0, 100, "%"),
        enum_spec("motion", ["opening", "closing", "stopped"], writable=False),
    )
    defaults: ClassVar[dict[str, PropertyValue]] = {"powerstate": "off", "position": 0, "motion": "stopped"}
    extra_actions = ("Pause",)
    default_names = Names(zh=["窗帘"], en=["curtain"], fr=["rideau"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target: int = int(self.state["position"])  # type: ignore[arg-type]
        self._motor: asyncio.Task[None] | None = None

    async def on_TurnOn(self, value: Any) -> list[str]:
        """Open fully."""
        return self._move_to(100)

    async def on_TurnOff(self, value: Any) -> list[str]:
        """Close fully."""
        return self._move_to(0)

    async def on_SetPosition(self, value: Any) -> list[str]:
        """Move to an opening of 0-100 %."""
        return self._move_to(int(self.checked("position", value)))  # type: ignore[arg-type]

    async def on_AdjustUpPosition(self, value: Any) -> list[str]:
        """Open further by the step given (25 % if none)."""
        return self._move_to(min(100, self.target + self._step(value)))

    async def on_AdjustDownPosition(self, value: Any) -> list[str]:
        """Close further by the step given (25 % if none)."""
        return self._move_to(max(0, self.target - self._step(value)))

    async def on_Pause(self, value: Any) -> list[str]:
        """Stop where it is."""
        self._stop_motor()
        self.target = int(self.state["position"])  # type: ignore[arg-type]
        self.apply({"motion": "stopped"})
        return ["position", "motion"]

    def _step(self, value: Any) -> int:
        if value in (None, ""):
            return 25
        try:
            step = int(float(value))
        except (TypeError, ValueError, OverflowError):
            raise DeviceError(ErrorCode.INVALIDATE_PARAMS, f"position: step must be a number, got {value!r}") from None
        if step <= 0:
            raise DeviceError(ErrorCode.INVALIDATE_PARAMS, f"position: step must be positive, got {value!r}")
        return step

    def _move_to(self, target: int) -> list[str]:
        if self.fault == "jammed":
            raise DeviceError(ErrorCode.SERVICE_ERROR, f"{self.id}: the curtain motor is jammed")
        self.target = target
        self._stop_motor()
        position = int(self.state["position"])  # type: ignore[arg-type]
        if position == target:
            self.apply({"motion": "stopped", "powerstate": "on" if target > 0 else "off"})
        else:
            self.apply({"motion": "opening" if target > position else "closing",
                        "powerstate": "on" if target > 0 else "off"})
            self._motor = self.spawn(self._run_motor())
        return ["position", "motion", "powerstate"]

    def _stop_motor(self) -> None:
        if self._motor is not None and not self._motor.done():
            self._motor.cancel()
        self._motor = None

    async def _run_motor(self) -> None:
        while True:
            position = float(self.state["position"])  # type: ignore[arg-type]
            if position == self.target:
                self.apply({"motion": "stopped"}, cause="motion")
                return
            await self.clock.sleep(TICK)
            if self.fault == "jammed":
                self.apply({"motion": "stopped"}, cause="motion")
                return
            delta = SPEED * TICK
            new = min(self.target, position + delta) if self.target > position else max(self.target, position - delta)
            self.apply({"position": round(new)}, cause="motion")

    async def on_Reset(self, value: Any) -> list[str]:
        """Stop the motor, then back to the initial state."""
        self._stop_motor()
        result = await super().on_Reset(value)
        self.target = int(self.state["position"])  # type: ignore[arg-type]
        return result
