"""Distinct capability specifications of the registry: products grouped by category, property specs and
actions, each group with the products it covers, and the sample of them a run tries."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from devices.registry import Product, Registry
from hub.protocol import PropertySpec


@dataclass
class SpecGroup:
    """One capability specification and the registry's products that have it."""

    category: str
    specs: tuple[PropertySpec, ...]
    actions: tuple[str, ...]
    products: list[Product] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Readable: ``light: powerstate, brightness 1-100, colorTemperature 2700-6500``."""
        parts = []
        for spec in self.specs:
            text = spec.name if spec.writable else f"{spec.name} (read)"
            if spec.data_type in ("int", "float") and spec.min is not None and spec.max is not None:
                text += f" {spec.min:g}-{spec.max:g}"
            if spec.enum_values and spec.name not in ("powerstate",):
                text += f" [{'/'.join(spec.enum_values)}]"
            parts.append(text)
        return f"{self.category}: {', '.join(parts)}"

    @property
    def id(self) -> str:
        """Stable short id: the category and a digest of the specs and actions."""
        digest = hashlib.blake2b(repr(_key_parts(self.specs, self.actions)).encode(), digest_size=3).hexdigest()
        return f"{self.category}-{digest}"


def _key_parts(specs: tuple[PropertySpec, ...], actions: tuple[str, ...]) -> tuple[object, ...]:
    return (tuple((s.name, s.data_type, s.min, s.max, s.step, tuple(s.enum_values), s.access_mode) for s in specs),
            tuple(actions))


def group_products(products: list[Product]) -> list[SpecGroup]:
    """The distinct capability specifications of ``products``, in category then size order, each with its
    products in registry order."""
    groups: dict[tuple[object, ...], SpecGroup] = {}
    for product in products:
        key = (product.category, *_key_parts(product.specs, product.actions))
        group = groups.get(key)
        if group is None:
            group = groups[key] = SpecGroup(product.category, product.specs, product.actions)
        group.products.append(product)
    return sorted(groups.values(), key=lambda g: (g.category, -len(g.products), g.label))


def choose(groups: list[SpecGroup], sample: int | None, seed: int) -> list[tuple[SpecGroup, Product]]:
    """The products to try: ``sample`` per group (real models before generic ones, drawn by ``seed``), or
    every product when ``sample`` is None."""
    chosen: list[tuple[SpecGroup, Product]] = []
    for group in groups:
        if sample is None:
            chosen += [(group, p) for p in group.products]
            continue
        rng = random.Random(f"{seed}:{group.id}")
        real = [p for p in group.products if not p.generic]
        generic = [p for p in group.products if p.generic]
        rng.shuffle(real)
        rng.shuffle(generic)
        chosen += [(group, p) for p in (real + generic)[:sample]]
    return chosen


def registry_groups(registry: Registry, categories: list[str] | None = None) -> list[SpecGroup]:
    """The registry's capability specifications (only those of ``categories``, if given)."""
    products = [p for p in registry.products if categories is None or p.category in categories]
    return group_products(products)
