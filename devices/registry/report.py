"""What ``genie brands list|show|search`` print: the registry as JSON-ready data and as text tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from devices.registry.loader import Registry
from devices.registry.models import Brand, Product

SHOWN_PER_CATEGORY = 15
"""Models listed per category by ``genie brands show`` without ``--all``."""


def brand_summary(registry: Registry, brand: Brand) -> dict[str, Any]:
    """One entry of ``genie brands list --json``."""
    return {
        "id": brand.id,
        "name": brand.name,
        "zh": brand.names.zh,
        "categories": registry.categories(brand.id),
        "products": len(registry.products_of(brand.id)),
        "source": list(brand.source),
    }


def product_detail(product: Product) -> dict[str, Any]:
    """One product with its latency, specs and actions, for ``--json``."""
    return {
        "brand": product.brand,
        "model": product.model,
        "category": product.category,
        "description": product.description,
        "generic": product.generic,
        "connectivity": product.connectivity,
        "source": product.source,
        "latency_ms": [product.latency.min_ms, product.latency.max_ms],
        "properties": [spec.model_dump(by_alias=True, exclude_none=True) for spec in product.specs],
        "actions": list(product.actions),
    }


def brand_detail(registry: Registry, brand: Brand) -> dict[str, Any]:
    """``genie brands show --json``: the brand, its flavour and every product with its specs."""
    return {
        **brand_summary(registry, brand),
        "aliases": list(brand.aliases),
        "firmware": brand.firmware,
        "quirks": list(brand.quirks),
        "latency_ms": {c: [p.min_ms, p.max_ms] for c, p in brand.latency.items()},
        "products": [product_detail(p) for p in registry.products_of(brand.id)],
    }


def list_text(registry: Registry, brands: list[Brand]) -> list[str]:
    """``genie brands list``: one row per brand, then the count."""
    rows = [("BRAND", "中文", "CATEGORIES", "PRODUCTS", "SOURCE")]
    for brand in brands:
        rows.append((brand.name, brand.names.zh or "", ",".join(registry.categories(brand.id)),
                     str(len(registry.products_of(brand.id))), "; ".join(brand.source)))
    return [*table(rows), f"{len(brands)} brands"]


def show_text(registry: Registry, brand: Brand, *, everything: bool = False) -> list[str]:
    """``genie brands show``: the brand, its flavour and its products per category (a few unless ``everything``)."""
    zh = f" ({brand.names.zh})" if brand.names.zh else ""
    latency = ", ".join(f"{c} {p.min_ms:g}-{p.max_ms:g} ms" for c, p in brand.latency.items())
    lines = [f"{brand.name}{zh}  [id {brand.id}]"]
    if brand.aliases:
        lines.append(f"  aliases   {', '.join(brand.aliases)}")
    lines += [f"  source    {'; '.join(brand.source)}",
              f"  replies   {latency}",
              f"  firmware  {brand.firmware}" + (f"   quirks: {', '.join(brand.quirks)}" if brand.quirks else "")]
    for category in registry.categories(brand.id):
        products = registry.products_of(brand.id, category)
        lines.append(f"  {category} ({len(products)})")
        shown = products if everything else products[:SHOWN_PER_CATEGORY]
        rows = [(p.model, ", ".join(s.name for s in p.specs), p.description) for p in shown]
        lines += ["    " + line for line in table(rows)]
        if len(shown) < len(products):
            lines.append(f"    ... and {len(products) - len(shown)} more (--all lists them)")
    return lines


def search_text(registry: Registry, brands: list[Brand], products: list[Product], limit: int = 30) -> list[str]:
    """``genie brands search``: the brands found, then up to ``limit`` of the products found."""
    lines = [f"{len(brands)} brands"]
    lines += ["  " + line for line in table([(b.name, b.names.zh or "", ",".join(registry.categories(b.id)))
                                             for b in brands])]
    lines.append(f"{len(products)} products")
    rows = [(registry.brands[p.brand].name, p.model, p.category, p.description) for p in products[:limit]]
    lines += ["  " + line for line in table(rows)]
    if len(products) > limit:
        lines.append(f"  ... and {len(products) - limit} more (--json lists them all)")
    return lines


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns; Chinese characters count as two columns, as terminals show them."""
    if not rows:
        return []
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell + " " * (w - width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal (Chinese characters take two)."""
    return sum(2 if "\u2e80" <= c <= "\uffef" else 1 for c in text)
