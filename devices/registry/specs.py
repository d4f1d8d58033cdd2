"""A product's property specs: its category's behaviour specs, narrowed to what the model has.

The behaviour class of the category (devices.categories) owns the full specs; a product names the
subset its model exposes and, where its source gives one, a model's own numeric range. The result
is checked by the behaviour class itself (``model_specs``), so every product is one a simulated
device can really be.
"""

from __future__ import annotations

from functools import cache

from devices.base import DeviceConfig
from devices.categories import device_class
from hub.protocol import PropertySpec

Shape = tuple[tuple[PropertySpec, ...], tuple[str, ...]]
"""A model's specs and the actions a device with them lists."""


@cache
def derive(category: str, properties: tuple[str, ...] | None,
           ranges: tuple[tuple[str, float, float], ...] = ()) -> Shape:
    """Specs and actions of a ``category`` model with ``properties`` (None: all) and numeric ``ranges``.

    ValueError says what does not fit the category. Cached: a registry has a few dozen distinct
    shapes for thousands of products, and they share the same (immutable) spec objects.
    """
    specs = _narrow(category, properties, ranges)
    # The actions are the device's own: derive them exactly as a running device does.
    device = device_class(category)(DeviceConfig(id="registry-probe", category=category, specs=specs))
    return specs, tuple(device.actions())


def _narrow(category: str, properties: tuple[str, ...] | None,
            ranges: tuple[tuple[str, float, float], ...]) -> tuple[PropertySpec, ...]:
    cls = device_class(category)
    own = {spec.name: spec for spec in cls.specs}
    wanted = list(own) if properties is None else list(properties)
    unknown = [name for name in wanted if name not in own]
    if unknown:
        raise ValueError(f"a {category} has no property {unknown[0]!r} (it has {', '.join(own)})")
    narrowed = dict(own)
    for name, low, high in ranges:
        spec = own.get(name)
        if spec is None or spec.data_type not in ("int", "float"):
            raise ValueError(f"range for {name!r}: not a numeric property of a {category}")
        if low >= high:
            raise ValueError(f"range for {name!r}: {low:g} is not below {high:g}")
        narrowed[name] = spec.model_copy(update={"min": low, "max": high})
    # Keep the category's order: registrations look the same for every model of a category.
    return cls.model_specs(tuple(narrowed[name] for name in own if name in wanted))

