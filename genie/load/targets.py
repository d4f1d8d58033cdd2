"""The devices a load test drives, as the hub lists them: each home's directory (``hub.client.list_devices``,
as ``genie devices list`` asks it) turned into ``Target``s with their declared ranges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from devices.categories import CATEGORIES
from genie.load.sentences import LANGS, Target
from hub.protocol import DeviceView, PropertySpec
from hub.protocol.mqtt import BrokerURL


def specs_of(view: DeviceView, registry: Any | None = None) -> tuple[PropertySpec, ...]:
    """The properties ``view``'s device declares: its registry model's (brand and model) when the registry
    knows it, else its category's; none for a category the simulator lacks."""
    if registry is not None and registry.find_brand(view.brand) is not None and view.model:
        try:
            product = registry.product(view.brand, view.model, view.category)
        except ValueError:  # UnknownProduct: a home file's own model
            product = None
        if product is not None:
            return tuple(product.specs)
    device = CATEGORIES.get(view.category)
    return tuple(device.specs) if device is not None else ()


def target_of(view: DeviceView, home: str | None, specs: Sequence[PropertySpec]) -> Target:
    """``view`` as a Target: its display names, the whole-number properties it may be set to and those it may
    be asked about (those it has, when its state says), and whether it can be switched on and off."""
    has = set(view.state) or {s.name for s in specs}
    ranges = {s.name: (int(s.min), int(s.max), int(s.step or 1)) for s in specs
              if s.data_type == "int" and s.writable and s.min is not None and s.max is not None
              and s.name in has}
    switchable = any(s.name == "powerstate" and s.writable for s in specs) and "powerstate" in has
    readable = frozenset(s.name for s in specs if s.name in has)
    return Target(home, view.id, view.category, {lang: view.names.display(lang) for lang in LANGS},
                  ranges, switchable, readable)


async def discover(urls: dict[str | None, BrokerURL], timeout: float) -> tuple[list[Target], int]:
    """Every device of every home in ``urls`` (home id -> broker URL to ask it on), and how many were
    listed offline; HubUnavailable when a home's hub does not answer."""
    from devices.registry import load_registry
    from hub.client import HubUnavailable, list_devices

    registry = load_registry()
    targets: list[Target] = []
    offline = 0
    for home, url in urls.items():
        try:
            views = await list_devices(url, timeout=timeout, home=home)
        except HubUnavailable as exc:
            if home is None:
                raise
            raise HubUnavailable(f"home {home!r}: {exc} (is it one of the running homes?)") from None
        for view in views:
            targets.append(target_of(view, home, specs_of(view, registry)))
            offline += not view.online
    return targets, offline
