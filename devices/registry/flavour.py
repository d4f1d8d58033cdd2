"""Brand flavour: reply times, firmware strings and quirks, drawn deterministically from realistic ranges.

Nothing here is measured from a real brand: it gives every brand its own, stable character so a
mixed fleet behaves like a mixed ecosystem. A draw depends only on the brand id and a seed
(``stable_rng``), never on Python's per-process ``hash`` or on the order brands are processed in.
"""

from __future__ import annotations

import hashlib
import random

from devices.base import QUIRKS

REGISTRY_SEED = 1100
"""Seed of the flavour stored in the committed registry (the build script uses it)."""

LATENCY_RANGES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    # connectivity: (range of the fastest reply, range of the slowest), in ms
    "zigbee": ((5, 12), (25, 60)),  # one or two radio hops to a local coordinator, no internet
    "local": ((15, 40), (80, 160)),  # Wi-Fi on the LAN: the access point, then the device's own stack
    "cloud": ((50, 120), (200, 400)),  # speaker cloud -> vendor cloud -> the device's MQTT link and back
}
QUIRK_ODDS: dict[str, float] = {"cold-start": 0.3, "spiky": 0.2}
"""Share of brands with each quirk (devices.base.QUIRKS says what each does)."""


def stable_rng(*parts: object) -> random.Random:
    """A generator seeded by ``parts`` alone: the same parts give the same draws on every machine."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def draw_latency(brand_id: str, connectivity: str, seed: int = REGISTRY_SEED) -> tuple[int, int]:
    """The brand's reply-time range (ms) for products that connect this way."""
    (lo_min, lo_max), (hi_min, hi_max) = LATENCY_RANGES[connectivity]
    rng = stable_rng("latency", seed, brand_id, connectivity)
    return rng.randint(lo_min, lo_max), rng.randint(hi_min, hi_max)


def draw_firmware(brand_id: str, seed: int = REGISTRY_SEED) -> str:
    """A current firmware version string in one of the styles makers use."""
    rng = stable_rng("firmware", seed, brand_id)
    major, minor, patch = rng.randint(1, 4), rng.randint(0, 12), rng.randint(0, 60)
    style = rng.randrange(3)
    if style == 0:
        return f"{major}.{minor}.{patch}"
    if style == 1:
        return f"{major}.{minor}.{patch}_{rng.randint(1, 200):04d}"  # version plus build number (Mi Home style)
    return f"V{major}.{minor}.{patch}"


def draw_quirks(brand_id: str, seed: int = REGISTRY_SEED) -> tuple[str, ...]:
    """The quirks of brand ``brand_id``: each drawn at its odds (``QUIRK_ODDS``), the same for the same seed."""
    rng = stable_rng("quirks", seed, brand_id)
    return tuple(q for q in QUIRKS if rng.random() < QUIRK_ODDS[q])


def device_firmware(brand_firmware: str, rng: random.Random) -> str:
    """A device's firmware: mostly the brand's current one, one in five a release behind (not yet updated)."""
    if rng.random() >= 0.2:
        return brand_firmware
    head, sep, build = brand_firmware.partition("_")
    numbers = head.lstrip("V").split(".")
    patch = int(numbers[-1])
    if patch == 0:
        return brand_firmware
    numbers[-1] = str(patch - rng.randint(1, min(3, patch)))
    return ("V" if head.startswith("V") else "") + ".".join(numbers) + sep + build
