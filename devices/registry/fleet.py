"""Fleets from the registry: a brand's devices, or a realistic random mix, as a ``Home``.

The result is an ordinary home (devices.home.Home): ``genie devices spawn`` runs it through the same
``run_stack`` as a home file, and ``--print`` writes it as a home file. Every choice comes from one
``random.Random`` seeded by the caller's seed, so the same seed gives the same fleet.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass

from devices.categories import device_class
from devices.home import Home
from devices.registry.flavour import device_firmware, stable_rng
from devices.registry.loader import Registry
from devices.registry.models import Brand, Product
from hub.errors import GenieError
from hub.protocol.vocabulary import DEVICE_TYPES


@dataclass(frozen=True)
class RoomKind:
    """A kind of room, named in the three languages (``fr_of``: "of the room", for device names)."""

    id: str
    zh: str
    en: str
    fr: str
    fr_of: str


ROOMS = (
    RoomKind("living", "客厅", "living room", "salon", "du salon"),
    RoomKind("bedroom", "卧室", "bedroom", "chambre", "de la chambre"),
    RoomKind("study", "书房", "study", "bureau", "du bureau"),
    RoomKind("kitchen", "厨房", "kitchen", "cuisine", "de la cuisine"),
    RoomKind("bathroom", "卫生间", "bathroom", "salle de bain", "de la salle de bain"),
    RoomKind("hallway", "玄关", "hallway", "entrée", "de l'entrée"),
    RoomKind("dining", "餐厅", "dining room", "salle à manger", "de la salle à manger"),
    RoomKind("kids", "儿童房", "kids room", "chambre d'enfant", "de la chambre d'enfant"),
    RoomKind("balcony", "阳台", "balcony", "balcon", "du balcon"),
)
PLACES: dict[str, tuple[str, ...]] = {
    # where each category is found in a home (first rooms first)
    "light": ("living", "bedroom", "study", "kitchen", "bathroom", "hallway", "dining", "kids", "balcony"),
    "switch": ("living", "bedroom", "kitchen", "hallway", "bathroom", "dining", "study", "balcony"),
    "outlet": ("living", "kitchen", "study", "bedroom", "dining", "balcony"),
    "curtain": ("living", "bedroom", "study", "kids", "dining"),
    "aircondition": ("living", "bedroom", "study", "kids", "dining"),
    "fan": ("living", "bedroom", "study", "kids"),
    "airpurifier": ("living", "bedroom", "kids", "study"),
    "humidifier": ("bedroom", "kids", "living"),
    "heater": ("bathroom", "bedroom", "living", "kids", "study"),
    "waterheater": ("bathroom", "kitchen"),
    "television": ("living", "bedroom"),
    "roboticvacuum": ("living", "hallway"),
    "fingerprintlock": ("hallway",),
    "sensor": ("living", "bedroom", "kids", "study", "kitchen", "bathroom", "balcony"),
}
MIX: dict[str, float] = {
    # share of each category in a connected home: lighting and power first, one lock per door
    "light": 30, "switch": 12, "outlet": 12, "sensor": 9, "curtain": 8, "aircondition": 6, "heater": 3,
    "television": 3, "fan": 3, "airpurifier": 3, "humidifier": 2, "roboticvacuum": 1.5, "waterheater": 1.5,
    "fingerprintlock": 1,
}
FLAT_SIZE = 30
"""Devices per flat: a bigger fleet is spread over several flats (rooms ``living``, ``living-2``...)."""
HOME_MARKET = 10.0
"""Weight of a brand with a Chinese name against one without: the speaker is sold in China."""


class FleetError(GenieError, ValueError):
    """A fleet that cannot be made (a brand without the category, a count out of range)."""


def brand_fleet(registry: Registry, brand: str, *, category: str | None = None, count: int = 10,
                seed: int = 0, prefix: str | None = None) -> Home:
    """``count`` devices of ``brand`` (of ``category`` if given), models and rooms drawn by ``seed``."""
    found = registry.brand(brand)
    products = registry.products_of(found.id, category)
    if not products:
        raise FleetError(f"{found.name} makes no {category}; it makes {', '.join(registry.categories(found.id))}")
    _check_count(count)
    rng = random.Random(seed)
    chosen = [(found, _pick_product(products, rng)) for _ in range(count)]
    return _layout(chosen, rng, prefix if prefix is not None else f"{found.id}-", seed)


def random_fleet(registry: Registry, count: int, *, seed: int = 0, prefix: str | None = None) -> Home:
    """A realistic mix of ``count`` devices of many brands, as a family's flats would hold them."""
    _check_count(count)
    rng = random.Random(seed)
    brands_by_category = _mix_of(registry)
    categories = [c for c in DEVICE_TYPES if brands_by_category[c][0]]
    weights = [MIX[c] for c in categories]
    chosen = []
    for _ in range(count):
        category = rng.choices(categories, weights)[0]
        brands, brand_weights = brands_by_category[category]
        brand = rng.choices(brands, brand_weights)[0]
        chosen.append((brand, _pick_product(registry.products_of(brand.id, category), rng)))
    return _layout(chosen, rng, prefix if prefix is not None else f"s{seed}-", seed)


MAX_HOMES = 100_000
"""The most homes ``many_homes`` makes (ids h00001 to h100000)."""
MAX_PER_HOME = 1_000


def home_id(index: int) -> str:
    """The id of the ``index``-th generated home (from 1): ``h00001``."""
    return f"h{index:05d}"


def many_homes(registry: Registry, homes: int, per_home: int, *, seed: int = 0,
               indices: Iterable[int] | None = None) -> list[Home]:
    """``homes`` homes of ``per_home`` devices each, a realistic mix per home (``random_fleet``), with ids
    h00001...; only those at ``indices`` (from 1) when given, so that each process of a fleet makes its own
    share. Home ``k`` is the same whatever else is made: its devices come from its own seed."""
    if not 1 <= homes <= MAX_HOMES:
        raise FleetError(f"--homes must be between 1 and {MAX_HOMES}, got {homes}")
    if not 1 <= per_home <= MAX_PER_HOME:
        raise FleetError(f"--per-home must be between 1 and {MAX_PER_HOME}, got {per_home}")
    made = []
    for k in indices if indices is not None else range(1, homes + 1):
        home = random_fleet(registry, per_home, seed=seed * (MAX_HOMES + 1) + k, prefix="")
        made.append(home.model_copy(update={"id": home_id(k)}))
    return made


_MIXES: dict[int, tuple[Registry, dict[str, tuple[list[Brand], list[float]]]]] = {}
"""Per registry: the brands of each category and their weights (worked out once: 10,000 homes draw from it)."""


def _mix_of(registry: Registry) -> dict[str, tuple[list[Brand], list[float]]]:
    cached = _MIXES.get(id(registry))
    if cached is None or cached[0] is not registry:
        cached = registry, {c: _weighted_brands(registry, c) for c in DEVICE_TYPES}
        _MIXES[id(registry)] = cached
    return cached[1]


def _check_count(count: int) -> None:
    if not 1 <= count <= 10_000:
        raise FleetError(f"count must be between 1 and 10000, got {count}")


def _weighted_brands(registry: Registry, category: str) -> tuple[list[Brand], list[float]]:
    """Brands making ``category`` and how likely each is: more real models, and the home market, weigh more."""
    brands = registry.brands_in(category)
    weights = []
    for brand in brands:
        real = sum(1 for p in registry.products_of(brand.id, category) if not p.generic)
        weights.append((1 + math.log2(1 + real)) * (HOME_MARKET if brand.names.zh else 1.0))
    return brands, weights


def _pick_product(products: list[Product], rng: random.Random) -> Product:
    real = [p for p in products if not p.generic]
    return rng.choice(real or products)


def _layout(chosen: list[tuple[Brand, Product]], rng: random.Random, prefix: str, seed: int) -> Home:
    """Rooms for the devices, then names and ids: the Home the fleet runs as."""
    flats = max(1, math.ceil(len(chosen) / FLAT_SIZE))
    placed: list[tuple[Brand, Product, str]] = []
    for brand, product in chosen:
        kinds = PLACES[product.category]
        # Rooms listed first are likelier (a TV is in the living room more often than in a bedroom).
        room = rng.choices(kinds, [len(kinds) - i for i in range(len(kinds))])[0]
        flat = rng.randrange(flats) + 1
        placed.append((brand, product, room if flat == 1 else f"{room}-{flat}"))
    room_ids = list(dict.fromkeys(room for *_, room in placed))
    rooms = [_room(room_id) for room_id in sorted(room_ids, key=_room_order)]
    totals: dict[tuple[str, str], int] = {}
    for _, product, room in placed:
        totals[(room, product.category)] = totals.get((room, product.category), 0) + 1
    seen: dict[tuple[str, str], int] = {}
    devices = []
    for brand, product, room in placed:
        key = (room, product.category)
        seen[key] = seen.get(key, 0) + 1
        devices.append(_device(brand, product, room, seen[key], totals[key] > 1, prefix, seed))
    return Home.model_validate({"name": {"zh": ["模拟之家"], "en": ["simulated home"], "fr": ["maison simulée"]},
                                "rooms": rooms, "devices": devices})


def _room_order(room_id: str) -> tuple[int, int]:
    kind, _, flat = room_id.partition("-")
    return int(flat or 1), [r.id for r in ROOMS].index(kind)


def _room(room_id: str) -> dict[str, object]:
    kind_id, _, flat = room_id.partition("-")
    kind = next(r for r in ROOMS if r.id == kind_id)
    number = flat or ""
    return {"id": room_id, "names": {"zh": [f"{kind.zh}{number}"], "en": [f"{kind.en} {number}".strip()],
                                     "fr": [f"{kind.fr} {number}".strip()]}}


def _device(brand: Brand, product: Product, room_id: str, index: int, numbered: bool, prefix: str,
            seed: int) -> dict[str, object]:
    kind_id, _, flat = room_id.partition("-")
    kind = next(r for r in ROOMS if r.id == kind_id)
    names = device_class(product.category).default_names
    n = f"{index}" if numbered else ""
    room_zh, room_en, room_fr = f"{kind.zh}{flat}", f"{kind.en} {flat}".strip(), f"{kind.fr_of} {flat}".strip()
    device_id = f"{prefix}{room_id}-{product.category}" + (f"-{index}" if numbered else "")
    # Per-device draws come from the device's own generator: the same seed gives the same device
    # whatever else the fleet holds.
    own = stable_rng("device", seed, device_id)
    entry: dict[str, object] = {
        "id": device_id[:64].rstrip("-_"),
        "category": product.category,
        "brand": brand.name,
        "model": product.model,
        "room": room_id,
        "names": {"zh": [f"{room_zh}{names.zh[0]}{n}"], "en": [f"{room_en} {names.en[0]} {n}".strip()],
                  "fr": [f"{names.fr[0]} {room_fr} {n}".strip()]},
        "latency_ms": (product.latency.min_ms, product.latency.max_ms),
        "firmware": device_firmware(brand.firmware, own),
        "quirks": list(brand.quirks),
    }
    if product.category == "fingerprintlock":
        entry["code"] = f"{own.randrange(10**6):06d}"
    return entry
