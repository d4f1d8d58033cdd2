"""Fingerprint door lock: locks on request, unlocks only with its code, relocks by itself."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any, ClassVar

from devices.base import DeviceError, SimulatedDevice, enum_spec, int_spec
from hub.protocol import ErrorCode, Names, PropertySpec, PropertyValue

RELOCK_AFTER = 30.0
"""Seconds an unlocked door stays unlocked before the bolt shoots again."""


class FingerprintLock(SimulatedDevice):
    """``lockstate`` changes only through Lock and Unlock; Unlock's value must be the lock's code.

    A lock without a configured code never unlocks by voice. A wrong or missing code leaves it locked
    (INVALIDATE_PARAMS). After an unlock it relocks by itself 30 s later (cause ``motion``). The fault
    ``jammed`` (a stuck bolt) refuses both directions.
    """

    category = "fingerprintlock"
    specs: ClassVar[tuple[PropertySpec, ...]] = (
        enum_spec("lockstate", ["locked", "unlocked"], writable=False),
        int_spec("battery", 0, 100, "%", writable=False),
    )
    optional = frozenset({"battery"})  # mains-powered locks report none
    defaults: ClassVar[dict[str, PropertyValue]] = {"lockstate": "locked", "battery": 90}
    extra_actions = ("Lock", "Unlock")
    default_names = Names(zh=["门锁", "指纹锁"], en=["door lock", "lock"], fr=["serrure"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._relock: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start; an unlocked lock arms its relock timer."""
        await super().start()
        if self.state["lockstate"] == "unlocked":  # e.g. after Reset to an unlocked home file
            self._arm_relock()

    async def on_Lock(self, value: Any) -> list[str]:
        """Lock (SERVICE_ERROR if the bolt is jammed)."""
        self._check_bolt()
        self._disarm_relock()
        self.apply({"lockstate": "locked"})
        return ["lockstate"]

    async def on_Unlock(self, value: Any) -> list[str]:
        """Unlock with the right code (INVALIDATE_PARAMS otherwise); it relocks itself later."""
        if not self._code_matches(value):
            raise DeviceError(ErrorCode.INVALIDATE_PARAMS, "wrong or missing unlock code")
        self._check_bolt()
        self.apply({"lockstate": "unlocked"})
        self._arm_relock()
        return ["lockstate"]

    def _code_matches(self, value: Any) -> bool:
        code = self.config.code
        if not code or value is None or isinstance(value, bool):
            return False
        # compare_digest: the time taken must not tell how much of a guess was right
        return hmac.compare_digest(str(value).encode(), code.encode())

    def _check_bolt(self) -> None:
        if self.fault == "jammed":
            raise DeviceError(ErrorCode.SERVICE_ERROR, f"{self.id}: the bolt is jammed")

    def _arm_relock(self) -> None:
        self._disarm_relock()
        self._relock = self.spawn(self._relock_later())

    def _disarm_relock(self) -> None:
        if self._relock is not None and not self._relock.done():
            self._relock.cancel()
        self._relock = None

    async def _relock_later(self) -> None:
        await self.clock.sleep(RELOCK_AFTER)
        if self.fault != "jammed":  # a stuck bolt stays where it is
            self.apply({"lockstate": "locked"}, cause="motion")
