"""Fixtures of the device behaviour tests: devices on a manual clock, directives, recorded reports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar

import pytest

from devices.base import DeviceConfig, SimulatedDevice
from hub.clock import ManualClock
from hub.protocol import ErrorCode, ErrorResponse, Property, PropertyValue, Request, Response

D = TypeVar("D", bound=SimulatedDevice)


class Recorder:
    """A device listener keeping every report as (changed properties, cause)."""

    def __init__(self) -> None:
        self.reports: list[tuple[dict[str, PropertyValue], str]] = []

    def __call__(self, properties: list[Property], cause: str) -> None:
        self.reports.append(({p.name: p.value for p in properties}, cause))

    def values(self, name: str, cause: str | None = None) -> list[PropertyValue]:
        """Every reported value of ``name`` (optionally only those with ``cause``), in order."""
        return [props[name] for props, c in self.reports if name in props and cause in (None, c)]

    def causes(self, name: str) -> list[str]:
        return [c for props, c in self.reports if name in props]


class Sim:
    """Devices on one ManualClock; sends them requests; closes them all at the end of the test."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.devices: list[SimulatedDevice] = []

    async def make(self, cls: type[D], device_id: str | None = None, *, code: str | None = None,
                   start: bool = True, **initial: PropertyValue) -> D:
        """A started ``cls`` device with ``initial`` state (pass ``**{"pm2.5": 80}`` for dotted names)."""
        config = DeviceConfig(id=device_id or f"{cls.category}-1", category=cls.category, initial=initial,
                              code=code)
        device = cls(config, clock=self.clock)
        self.devices.append(device)
        if start:
            await device.start()
        return device

    @staticmethod
    def record(device: SimulatedDevice) -> Recorder:
        recorder = Recorder()
        device.listeners.append(recorder)
        return recorder

    @staticmethod
    async def control(device: SimulatedDevice, action: str, value: PropertyValue | None = None,
                      attribute: str | None = None) -> Response | ErrorResponse | None:
        return await device.handle(Request.control(device.id, action, attribute, value))

    @staticmethod
    async def query(device: SimulatedDevice, name: str = "Query") -> Response | ErrorResponse | None:
        return await device.handle(Request.query(device.id, name))

    @staticmethod
    def ok(reply: Response | ErrorResponse | None) -> dict[str, PropertyValue]:
        """The properties of a successful reply (fails the test on an error or silence)."""
        assert isinstance(reply, Response), f"expected a Response, got {reply!r}"
        return {p.name: p.value for p in reply.payload.properties}

    @staticmethod
    def error(reply: Response | ErrorResponse | None) -> ErrorCode:
        """The code of an error reply (fails the test on success or silence)."""
        assert isinstance(reply, ErrorResponse), f"expected an ErrorResponse, got {reply!r}"
        return reply.payload.error_code

    async def advance(self, seconds: float) -> None:
        await self.clock.advance(seconds)

    async def close(self) -> None:
        for device in self.devices:
            await device.close()


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    harness = Sim()
    yield harness
    await harness.close()
    # Every behaviour must stop with close(): nothing may be left waiting on the clock.
    assert harness.clock.sleepers == 0
