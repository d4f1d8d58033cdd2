"""Loading, validating and querying the committed registry files (devices/registry/data).

``load_registry()`` reads ``brands.json`` and ``products.jsonl`` once per process, validates every
entry (a bad one raises RegistryError naming the file, the line or brand, and the problem) and
indexes them for lookups by name, alias, Chinese name, model and category.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from devices.registry.models import (
    Brand,
    LatencyProfile,
    Product,
    RegistryError,
    UnknownBrand,
    UnknownProduct,
    normalize,
)
from devices.registry.specs import derive

DATA = Path(__file__).with_name("data")


def _why(exc: ValidationError | ValueError) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        return f"{where}: {error['msg'].removeprefix('Value error, ')}" if where else error["msg"]
    return str(exc)


class Registry:
    """Every brand and product, with the lookups the CLI, the fleet builder and home files need."""

    def __init__(self, brands: list[Brand], products: list[Product], sources: dict[str, Any]) -> None:
        self.brands: dict[str, Brand] = {b.id: b for b in brands}
        self.products = products
        self.sources = sources
        self._by_brand: dict[str, list[Product]] = defaultdict(list)
        for product in products:
            self._by_brand[product.brand].append(product)
        self._names: dict[str, str] = {}
        for brand in brands:
            for name in (brand.id, brand.names.en, brand.names.zh, *brand.aliases):
                if name:
                    self._names.setdefault(normalize(name), brand.id)

    # ------------------------------------------------------------------ brands
    def brand(self, name: str) -> Brand:
        """The brand called ``name`` (id, English or Chinese name, or alias; case and accents ignored)."""
        found = self.find_brand(name)
        if found is None:
            raise UnknownBrand(name, self.suggest(name))
        return found

    def find_brand(self, name: str) -> Brand | None:
        """The brand with this id, name or alias (accents, case and punctuation ignored), or None."""
        brand_id = self._names.get(normalize(name))
        return self.brands[brand_id] if brand_id else None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Display names of the brands whose names look most like ``name``."""
        key = normalize(name)
        close = difflib.get_close_matches(key, self._names, n=limit * 3, cutoff=0.6)
        if key:
            close += [k for k in self._names if k.startswith(key) and k not in close][:limit]
        names = dict.fromkeys(self.brands[self._names[k]].name for k in close)
        return list(names)[:limit]

    def categories(self, brand_id: str) -> list[str]:
        """The categories a brand has products in, in the vocabulary's order of first appearance."""
        return list(dict.fromkeys(p.category for p in self._by_brand[brand_id]))

    def brands_in(self, category: str) -> list[Brand]:
        """The brands with at least one product in ``category``."""
        return [b for b in self.brands.values() if any(p.category == category for p in self._by_brand[b.id])]

    # ------------------------------------------------------------------ products
    def products_of(self, brand_id: str, category: str | None = None) -> list[Product]:
        """The products of a brand (only those of ``category``, if given)."""
        return [p for p in self._by_brand[brand_id] if category is None or p.category == category]

    def product(self, brand: str, model: str, category: str | None = None) -> Product:
        """The product ``model`` of ``brand``; UnknownBrand or UnknownProduct (naming close models) if none."""
        found = self.brand(brand)
        candidates = self.products_of(found.id, category)
        for product in candidates:
            if product.model == model:
                return product
        for product in candidates:
            if product.model.lower() == model.lower():
                return product
        kind = f"{category} " if category else ""
        close = difflib.get_close_matches(model, [p.model for p in candidates], n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        if not candidates:
            hint = f"; {found.name} makes {', '.join(self.categories(found.id))}"
        raise UnknownProduct(f"{found.name} has no {kind}model {model!r}{hint}")

    def search(self, text: str) -> tuple[list[Brand], list[Product]]:
        """Brands whose names contain ``text`` (or that make the category it names, e.g. 空调), and
        products whose model or description contains it."""
        key = normalize(text)
        if not key:
            return [], []
        brand_ids = dict.fromkeys(bid for name, bid in self._names.items() if key in name)
        for category in _categories_named(key):
            brand_ids.update(dict.fromkeys(b.id for b in self.brands_in(category)))
        low = text.lower()
        products = [p for p in self.products if low in p.model.lower() or low in p.description.lower()]
        return [self.brands[b] for b in brand_ids], products


def _categories_named(key: str) -> list[str]:
    """Categories whose id or spoken name (zh, en, fr) is ``key``: 空调 -> aircondition."""
    from devices.categories import CATEGORIES

    return [category for category, cls in CATEGORIES.items()
            if key == normalize(category) or any(key == normalize(name) for _, name in cls.default_names.all())]


def _read_brands(path: Path) -> tuple[list[Brand], dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RegistryError(f"{path}: cannot read it ({exc})") from None
    brands = []
    for index, raw in enumerate(document.get("brands", [])):
        try:
            brands.append(Brand.model_validate(raw))
        except ValidationError as exc:
            name = raw.get("id") if isinstance(raw, dict) else None
            raise RegistryError(f"{path}: brands[{index}] ({name!r}): {_why(exc)}") from None
    return brands, document.get("sources", {})


def _read_products(path: Path, brands: dict[str, Brand]) -> list[Product]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read it ({exc.strerror})") from None
    products = []
    seen: set[tuple[str, str, str]] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = Product.model_validate_json(line)
        except ValidationError as exc:
            raise RegistryError(f"{path}:{number}: {_why(exc)}") from None
        where = f"{path}:{number} ({record.brand} {record.model})"
        brand = brands.get(record.brand)
        if brand is None:
            raise RegistryError(f"{where}: no brand with id {record.brand!r} in brands.json")
        latency: LatencyProfile | None = brand.latency.get(record.connectivity)
        if latency is None:
            raise RegistryError(f"{where}: brand {brand.id} has no latency profile for {record.connectivity}")
        key = (record.brand, record.category, record.model)
        if key in seen:
            raise RegistryError(f"{where}: the same model twice in {record.category}")
        seen.add(key)
        ranges = tuple(sorted((name, lo, hi) for name, (lo, hi) in record.ranges.items()))
        try:
            specs, actions = derive(record.category, record.properties, ranges)
        except ValueError as exc:
            raise RegistryError(f"{where}: {exc}") from None
        record.attach(specs, actions, latency)
        products.append(record)
    return products


def read_registry(directory: Path = DATA) -> Registry:
    """Read and validate the registry files in ``directory``; RegistryError names any bad entry."""
    brands, sources = _read_brands(directory / "brands.json")
    by_id: dict[str, Brand] = {}
    for brand in brands:
        if brand.id in by_id:
            raise RegistryError(f"{directory / 'brands.json'}: brand id {brand.id!r} twice")
        by_id[brand.id] = brand
    products = _read_products(directory / "products.jsonl", by_id)
    owners = {p.brand for p in products}
    empty = [b.id for b in brands if b.id not in owners]
    if empty:
        raise RegistryError(f"{directory / 'brands.json'}: brand {empty[0]!r} has no product")
    return Registry(brands, products, sources)


@cache
def load_registry() -> Registry:
    """The committed registry, read and validated once per process."""
    return read_registry(DATA)
