"""The brand registry as the dashboard shows it: categories with counts, brands by page, a brand's models.

The hub does not import the device makers' package (``devices``); whoever starts the dashboard hands
it a function that returns the registry (``devices.registry.load_registry``), and this module reads
it through the small ``BrandRegistry`` protocol below. The registry is read on first use, in a
thread (it takes a moment to validate), and a registry that cannot be read is reported as such.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from hub.errors import GenieError
from hub.web.models import BrandCatalogue, BrandCategory, BrandDetail, BrandPage, BrandSummary, ProductView


class BrandNamesLike(Protocol):
    """A brand's names (``devices.registry.models.BrandNames`` has them)."""

    @property
    def en(self) -> str:
        """The English name."""

    @property
    def zh(self) -> str | None:
        """The Chinese name, if the brand has one."""


class BrandLike(Protocol):
    """A brand of the registry, as the dashboard reads it."""

    @property
    def id(self) -> str:
        """Its id in the registry."""

    @property
    def names(self) -> BrandNamesLike:
        """Its names."""

    @property
    def aliases(self) -> Sequence[str]:
        """Other names it is known by."""

    @property
    def source(self) -> Sequence[str]:
        """Where what the registry says of it comes from."""


class ProductLike(Protocol):
    """A model of the registry, as the dashboard reads it."""

    @property
    def brand(self) -> str:
        """The id of its brand."""

    @property
    def model(self) -> str:
        """Its model name."""

    @property
    def category(self) -> str:
        """Its AliGenie device type."""

    @property
    def description(self) -> str:
        """What it is, in a few words."""

    @property
    def connectivity(self) -> str:
        """How it connects: zigbee, local or cloud."""

    @property
    def generic(self) -> bool:
        """True for a generic model made up for a brand without a known one."""


class BrandRegistry(Protocol):
    """What the dashboard reads of the brand registry (``devices.registry.Registry`` has it)."""

    @property
    def brands(self) -> Mapping[str, BrandLike]:
        """Every brand by id."""

    @property
    def products(self) -> Sequence[ProductLike]:
        """Every model of every brand."""


class RegistryUnavailable(GenieError, RuntimeError):
    """The brand registry cannot be shown; the message says why."""


def normalize(text: str) -> str:
    """Search key: accents dropped, lower case, letters and digits only (Chinese kept)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text).lower() if c.isalnum())


@dataclass
class _Indexed:
    registry: BrandRegistry
    summaries: list[BrandSummary]
    keys: dict[str, str]
    """Brand id -> every name of it, normalised and joined (what a search looks in)."""
    catalogue: BrandCatalogue


def _index(registry: BrandRegistry) -> _Indexed:
    categories: dict[str, dict[str, int]] = {}
    per_brand: dict[str, dict[str, int]] = {}
    for product in registry.products:
        mine = per_brand.setdefault(product.brand, {})
        mine[product.category] = mine.get(product.category, 0) + 1
        counts = categories.setdefault(product.category, {})
        counts[product.brand] = counts.get(product.brand, 0) + 1
    summaries = []
    keys = {}
    for brand in registry.brands.values():
        mine = per_brand.get(brand.id, {})
        summaries.append(BrandSummary(id=brand.id, name=brand.names.en, zh=brand.names.zh, categories=list(mine),
                                      products=sum(mine.values())))
        keys[brand.id] = " ".join(normalize(n) for n in (brand.id, brand.names.en, brand.names.zh or "",
                                                         *brand.aliases) if n)
    summaries.sort(key=lambda s: s.name.lower())
    catalogue = BrandCatalogue(
        brands=len(summaries), products=len(registry.products),
        categories=sorted((BrandCategory(id=c, brands=len(b), products=sum(b.values())) for c, b in categories.items()),
                          key=lambda c: (-c.brands, c.id)))
    return _Indexed(registry, summaries, keys, catalogue)


class BrandCatalog:
    """The registry, loaded on first use; every method raises RegistryUnavailable when it cannot be."""

    def __init__(self, load: Callable[[], BrandRegistry] | None) -> None:
        self._load = load
        self._indexed: _Indexed | None = None
        self._error: str | None = None
        self._lock = asyncio.Lock()

    async def _get(self) -> _Indexed:
        if self._indexed is not None:
            return self._indexed
        if self._load is None:
            raise RegistryUnavailable("this hub was started without the brand registry")
        async with self._lock:
            if self._indexed is None and self._error is None:
                try:
                    self._indexed = await asyncio.to_thread(lambda: _index(self._load()))  # type: ignore[misc]
                except Exception as exc:  # whatever went wrong, the page says it rather than failing
                    self._error = f"the brand registry could not be read: {exc}"
        if self._indexed is None:
            raise RegistryUnavailable(self._error or "the brand registry is not available")
        return self._indexed

    async def catalogue(self) -> BrandCatalogue:
        """Brands and models per category."""
        return (await self._get()).catalogue

    async def page(self, *, category: str | None = None, query: str = "", offset: int = 0, limit: int = 50,
                   home_brands: frozenset[str] = frozenset()) -> BrandPage:
        """Brands making ``category`` whose names contain ``query``, by name; ``home_brands`` (normalised
        names) are flagged ``inHome``."""
        indexed = await self._get()
        key = normalize(query)
        chosen = [s for s in indexed.summaries
                  if (category is None or category in s.categories) and (not key or key in indexed.keys[s.id])]
        items = [self._flag(s, indexed, home_brands) for s in chosen[offset:offset + limit]]
        return BrandPage(total=len(chosen), offset=offset, items=items)

    async def detail(self, brand_id: str, home_brands: frozenset[str] = frozenset()) -> BrandDetail | None:
        """Brand ``brand_id`` with every model of it (None if the registry has no such brand)."""
        indexed = await self._get()
        brand = indexed.registry.brands.get(brand_id)
        if brand is None:
            return None
        summary = next(s for s in indexed.summaries if s.id == brand_id)
        products = [ProductView(model=p.model, category=p.category, description=p.description,
                                connectivity=p.connectivity, generic=p.generic)
                    for p in indexed.registry.products if p.brand == brand_id]
        return BrandDetail(brand=self._flag(summary, indexed, home_brands), aliases=list(brand.aliases),
                           source=list(brand.source), products=products)

    @staticmethod
    def _flag(summary: BrandSummary, indexed: _Indexed, home_brands: frozenset[str]) -> BrandSummary:
        names = indexed.keys[summary.id].split(" ")
        if any(n in home_brands for n in names):
            return summary.model_copy(update={"in_home": True})
        return summary
