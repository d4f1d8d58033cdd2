"""What a simulated device is told about itself: ``DeviceConfig``, the faults it shows, its brand's quirks.

A home file (``devices.home``) or ``genie devices spawn`` makes one ``DeviceConfig`` per device;
``devices.base.SimulatedDevice`` behaves by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.protocol import Names, PropertySpec, PropertyValue

FAULTS = ("offline", "slow", "error", "jammed")
"""Misbehaviours a device can be told to show: ignore requests, answer late, fail, stop moving."""

QUIRKS = ("cold-start", "spiky")
"""Habits of real firmware a brand's devices may have (docs/brands.md):

- ``cold-start``: the first request after ``COLD_AFTER`` seconds without one takes ``COLD_EXTRA`` longer
  (the Wi-Fi radio dozes in power-save mode, or the cloud session has to be re-established);
- ``spiky``: one reply in ``SPIKE_EVERY`` takes ``SPIKE_FACTOR`` times its usual time (retransmissions).
"""
COLD_AFTER = 300.0
COLD_EXTRA = 0.8
SPIKE_EVERY = 20
SPIKE_FACTOR = 4.0


@dataclass(frozen=True)
class Faults:
    """Misbehaviour injected from the home file or ``genie devices spawn`` (for testing integrations)."""

    slow_ms: float = 0.0
    """Every reply comes this many milliseconds late."""
    flaky: float = 0.0
    """Share of requests (0-1) the device silently drops: the hub then reports it offline."""
    jammed: bool = False
    """Motors (curtain, vacuum, lock bolt) do not move; the device answers SERVICE_ERROR and says why."""
    offline_after: float | None = None
    """Seconds after start at which the device drops off the network for good (its last will fires)."""

    def __post_init__(self) -> None:
        if self.slow_ms < 0 or not 0 <= self.flaky <= 1:
            raise ValueError("faults: slow_ms must be >= 0 and flaky between 0 and 1")
        if self.offline_after is not None and self.offline_after < 0:
            raise ValueError("faults: offline_after must be >= 0 seconds")

    @property
    def any(self) -> bool:
        """True if any misbehaviour is asked for."""
        return bool(self.slow_ms or self.flaky or self.jammed or self.offline_after is not None)


@dataclass
class DeviceConfig:
    """Everything a device needs to know about itself (from the home file or a spawn command)."""

    id: str
    category: str
    brand: str = "Genie"
    model: str = ""
    room: str = ""
    room_names: Names = field(default_factory=Names)
    names: Names = field(default_factory=Names)
    initial: dict[str, PropertyValue] = field(default_factory=dict)
    code: str | None = None
    latency: float = 0.0
    """Shortest reply time in seconds; each reply takes between ``latency`` and ``latency + latency_spread``."""
    latency_spread: float = 0.0
    firmware: str = "1.0.0"
    quirks: tuple[str, ...] = ()
    specs: tuple[PropertySpec, ...] | None = None
    """The model's own properties (a subset of its category's, ranges possibly narrowed); None: all of them."""
    faults: Faults = field(default_factory=Faults)

