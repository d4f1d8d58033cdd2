"""Generate the brand registry (devices/registry/data) from the public sources. Run from the repository:

    python scripts/build_registry.py [DATASET_DIR]

DATASET_DIR is the device catalogue of the shared folder (default ../shared/datasets/device-catalog,
relative to the repository): brands.json, zigbee_devices.jsonl and ha_brands.jsonl, built from
zigbee-herdsman-converters (MIT) and Home Assistant (Apache-2.0). Two more inputs are committed
next to this script: registry_sources/pypi_models.json (models read from device libraries on
PyPI by extract_pypi_models.py) and registry_sources/hand_added.yaml (well-known brands added by
hand, each with its reason). The output is deterministic: the same inputs give the same files.
docs/brands.md explains the category mapping and the spec derivation; keep both in step.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from devices.registry.flavour import draw_firmware, draw_latency, draw_quirks
from devices.registry.loader import read_registry
from devices.registry.models import normalize
from devices.registry.specs import derive

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = REPO.parent / "shared" / "datasets" / "device-catalog"
SOURCES_DIR = Path(__file__).resolve().parent / "registry_sources"
OUT = REPO / "devices" / "registry" / "data"
DATASET_FILES = ("brands.json", "zigbee_devices.jsonl", "ha_brands.jsonl")

CATEGORY_MAP = {
    # device-catalog category -> our AliGenie category (docs/brands.md, "Category mapping")
    "light": "light", "switch": "switch", "outlet": "outlet", "curtain": "curtain",
    "air_conditioner": "aircondition",
    "thermostat": "heater",  # Zigbee thermostats are radiator valves and floor-heating controllers
    "fan": "fan", "tv": "television", "robot_vacuum": "roboticvacuum", "air_purifier": "airpurifier",
    "humidifier": "humidifier", "water_heater": "waterheater", "door_lock": "fingerprintlock", "sensor": "sensor",
}
UNMAPPED = ("speaker", "camera", "washing_machine", "fridge", "other")
"""Catalogue categories with no behaving AliGenie type here; a valve ("other", kind valve) becomes a switch."""


@dataclass
class BrandDraft:
    """A brand while it is assembled from the sources."""

    id: str
    name: str
    zh: str | None = None
    aliases: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    products: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    generic_wanted: dict[str, tuple[str, str]] = field(default_factory=dict)
    """category -> (connectivity, source) for categories known but without a model id."""

    def add_source(self, source: str) -> None:
        if source not in self.source:
            self.source.append(source)

    def add_product(self, product: dict[str, Any]) -> None:
        self.products.setdefault((product["category"], product["model"]), product)


class Drafts:
    """Every brand by id, found again by any of its names."""

    def __init__(self) -> None:
        self.by_id: dict[str, BrandDraft] = {}
        self.names: dict[str, str] = {}

    def find(self, *names: str) -> BrandDraft | None:
        for name in names:
            brand_id = self.names.get(normalize(name))
            if brand_id:
                return self.by_id[brand_id]
        return None

    def get_or_add(self, name: str, *aliases: str, brand_id: str | None = None) -> BrandDraft:
        found = self.find(name, *aliases)
        if found is None:
            found = BrandDraft(id=brand_id or slug(name), name=name)
            if found.id in self.by_id:
                raise SystemExit(f"build_registry: two brands would get the id {found.id!r} ({name})")
            self.by_id[found.id] = found
        for alias in (name, *aliases):
            self.names.setdefault(normalize(alias), found.id)
            if alias != found.name and alias not in found.aliases:
                found.aliases.append(alias)
        return found


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", normalize_ascii(name)).strip("-")
    return text or "brand"


def normalize_ascii(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


# ---------------------------------------------------------------------- the device catalogue


def features(exposes: list[str]) -> set[str]:
    """``light(state,brightness)`` -> {"light", "state", "brightness"}; plain names as they are."""
    found: set[str] = set()
    for item in exposes:
        composite = re.match(r"(\w+)\((.*)\)", item)
        if composite:
            found.add(composite.group(1))
            found.update(f for f in composite.group(2).split(",") if f)
        else:
            found.add(item)
    return found


def zigbee_properties(category: str, feats: set[str]) -> list[str] | bool | None:
    """What a Zigbee model exposes, as our properties; None: the whole category; False: nothing usable."""
    if category == "light":
        props = ["powerstate"]
        props += ["brightness"] if "brightness" in feats else []
        props += ["color"] if feats & {"color_xy", "color_hs"} else []
        props += ["colorTemperature"] if "color_temp" in feats else []
        return props
    if category == "switch":
        return ["powerstate"]
    if category == "outlet":
        return ["powerstate", "power"] if "power" in feats else ["powerstate"]
    if category == "aircondition":
        props = ["powerstate", "temperature", "mode", "currentTemperature"]
        return props + (["windspeed"] if feats & {"fan_mode", "fan"} else [])
    if category == "fan":
        return ["powerstate"] + (["windspeed"] if feats & {"fan", "fan_mode", "fan_speed", "speed"} else [])
    if category == "fingerprintlock":
        return ["lockstate"] + (["battery"] if "battery" in feats else [])
    if category == "sensor":
        props = [p for p, f in (("temperature", "temperature"), ("humidity", "humidity"), ("pm2.5", "pm25"))
                 if f in feats]
        return props or False  # contact, motion, smoke... sensors have no reading we model
    return None


def read_catalogue(dataset: Path, drafts: Drafts, pypi_models: set[str]) -> dict[str, Any]:
    brands_doc = json.loads((dataset / "brands.json").read_text(encoding="utf-8"))
    meta = brands_doc["sources"]
    zb = f"zigbee-herdsman-converters {meta['zigbee']['package_version']}"
    ha = f"home-assistant-core {meta['home_assistant']['version']}"
    label = {"zigbee-herdsman-converters": zb, "home-assistant-core": ha,
             "home-assistant-core:xiaomi_miio": f"{ha} (xiaomi_miio model ids)"}
    by_display: dict[str, BrandDraft] = {}
    catalogue: dict[str, dict[str, Any]] = {}
    for raw in brands_doc["brands"]:
        draft = drafts.get_or_add(raw["brand"], *raw["aliases"], brand_id=raw["key"])
        by_display[raw["brand"]] = draft
        catalogue[draft.id] = raw
    for line in (dataset / "zigbee_devices.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        category = CATEGORY_MAP.get(record["category"])
        if record["category"] == "other" and record["kind"] == "valve":
            category = "switch"  # a motorised water or gas valve: an on/off actuator
        if category is None:
            continue
        props = zigbee_properties(category, features(record["exposes"]))
        if props is False:
            continue
        draft = by_display[record["brand"]]
        draft.add_source(zb)
        draft.add_product({"brand": draft.id, "model": record["model"], "category": category,
                           "description": record["description"], "connectivity": "zigbee",
                           "properties": props, "source": "zigbee-herdsman-converters"})
    for line in (dataset / "ha_brands.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("record") != "device_model":
            continue
        category = CATEGORY_MAP.get(record["category"])
        if category is None or record["model"] in pypi_models:
            continue  # python-miio has it too: its model-id prefix names the maker (dmaker -> Dmaker)
        draft = drafts.get_or_add(record["vendor"])
        draft.add_source(label["home-assistant-core:xiaomi_miio"])
        props = ["pm2.5"] if category == "sensor" else None  # the miio air-quality monitors measure PM2.5
        draft.add_product({"brand": draft.id, "model": record["model"], "category": category,
                           "description": record["description"], "connectivity": "local",
                           "properties": props, "source": "home-assistant-core"})
    for brand_id, raw in catalogue.items():
        draft = drafts.by_id[brand_id]
        for source in raw["sources"]:
            if source != "zigbee-herdsman-converters":  # Zigbee is credited only where a model was kept
                draft.add_source(label[source])
        _wish_generics(draft, raw, ha)
    return meta


def _wish_generics(draft: BrandDraft, raw: dict[str, Any], ha: str) -> None:
    """Categories Home Assistant knows for the brand, to fill where no model id is known."""
    integrations = raw["ha_integrations"]
    controllable = {CATEGORY_MAP[c] for i in integrations for c in i["categories"]
                    if c in CATEGORY_MAP and c != "sensor"}
    for integration in integrations:
        connectivity = "local" if (integration["iot_class"] or "").startswith("local") else "cloud"
        for source_category in integration["categories"]:
            category = CATEGORY_MAP.get(source_category)
            if category is None:
                continue
            # A switch platform is often a settings toggle on another appliance (README, known gaps):
            # only a brand with nothing else controllable gets a generic switch from it.
            if category == "switch" and controllable - {"switch"}:
                continue
            if category == "sensor" and controllable:
                continue  # sensors count only where the brand makes nothing else
            draft.generic_wanted.setdefault(category, (connectivity, ha))


# ---------------------------------------------------------------------- PyPI packages and hand-added brands


def read_pypi(drafts: Drafts) -> list[dict[str, Any]]:
    document = json.loads((SOURCES_DIR / "pypi_models.json").read_text(encoding="utf-8"))
    versions = {p["name"]: p["version"] for p in document["packages"]}
    for record in document["models"]:
        draft = drafts.get_or_add(record["brand"])
        draft.add_source(f"{record['package']} {versions[record['package']]}")
        draft.add_product({"brand": draft.id, "model": record["model"], "category": record["category"],
                           "description": record["description"], "connectivity": record["connectivity"],
                           "properties": record["properties"], "ranges": record["ranges"],
                           "source": record["package"]})
    return document["packages"]


def read_hand_added(drafts: Drafts) -> int:
    entries = yaml.safe_load((SOURCES_DIR / "hand_added.yaml").read_text(encoding="utf-8"))
    for index, entry in enumerate(entries):
        where = f"hand_added.yaml entry {index} ({entry.get('brand')!r})"
        unknown = set(entry) - {"brand", "zh", "aliases", "categories", "why", "connectivity"}
        if unknown or "brand" not in entry:
            raise SystemExit(f"build_registry: {where}: unknown keys {sorted(unknown)} or no brand")
        if not entry.get("categories") and drafts.find(entry["brand"], *entry.get("aliases", [])) is None:
            raise SystemExit(f"build_registry: {where}: names no brand of the sources and gives no categories")
        draft = drafts.get_or_add(entry["brand"], *entry.get("aliases", []))
        if entry.get("zh"):
            draft.zh = entry["zh"]
            drafts.names.setdefault(normalize(entry["zh"]), draft.id)
        categories = entry.get("categories", [])
        if categories and not entry.get("why"):
            raise SystemExit(f"build_registry: {where}: categories need a why (the public knowledge)")
        for category in categories:
            if category not in CATEGORY_MAP.values():
                raise SystemExit(f"build_registry: {where}: unknown category {category!r}")
            wanted = (entry.get("connectivity", "cloud"), f"hand-added: {entry['why']}")
            draft.generic_wanted.setdefault(category, wanted)
        if categories:
            draft.add_source(f"hand-added: {entry['why']}")
    return len(entries)


def add_generics(drafts: Drafts) -> None:
    """A generic product for every known category without a real model id (never an invented model id)."""
    for draft in drafts.by_id.values():
        real = {category for category, _ in draft.products}
        for category, (connectivity, source) in draft.generic_wanted.items():
            if category in real:
                continue
            draft.add_product({"brand": draft.id, "model": f"generic-{category}", "category": category,
                               "description": f"{draft.name} {category} (no model id in the sources)",
                               "connectivity": connectivity, "properties": None, "generic": True,
                               "source": source.split(" ")[0] if not source.startswith("hand") else "hand-added"})


# ---------------------------------------------------------------------- output


def keep(draft: BrandDraft) -> bool:
    """A brand stays if it has a product: a controllable one, or sensors when it makes nothing else."""
    return bool(draft.products)


def check_products(draft: BrandDraft) -> None:
    for product in draft.products.values():
        ranges = tuple(sorted((n, lo, hi) for n, (lo, hi) in product.get("ranges", {}).items()))
        props = tuple(product["properties"]) if product["properties"] is not None else None
        try:
            derive(product["category"], props, ranges)
        except ValueError as exc:
            raise SystemExit(f"build_registry: {draft.name} {product['model']}: {exc}") from None


def write(drafts: Drafts, sources: dict[str, Any], out: Path) -> tuple[list[BrandDraft], list[dict[str, Any]]]:
    brands = sorted((d for d in drafts.by_id.values() if keep(d)), key=lambda d: d.id)
    products: list[dict[str, Any]] = []
    brand_docs = []
    for draft in brands:
        check_products(draft)
        mine = sorted(draft.products.values(), key=lambda p: (p["category"], p.get("generic", False), p["model"]))
        products += mine
        connectivities = sorted({p["connectivity"] for p in mine})
        brand_docs.append({
            "id": draft.id,
            "names": {"en": draft.name, "zh": draft.zh},
            "aliases": sorted(set(draft.aliases) - {draft.name}),
            "source": draft.source,
            "latency": {c: dict(zip(("min_ms", "max_ms"), draw_latency(draft.id, c), strict=True))
                        for c in connectivities},
            "firmware": draw_firmware(draft.id),
            "quirks": list(draw_quirks(draft.id)),
        })
    out.mkdir(parents=True, exist_ok=True)
    document = {"format": 1, "sources": sources, "brands": brand_docs}
    (out / "brands.json").write_text(json.dumps(document, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    lines = []
    for product in products:
        row = {k: v for k, v in product.items() if v not in (None, {}, False) or k == "properties"}
        if row.get("properties") is None:
            row.pop("properties")
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    (out / "products.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return brands, products


def report(brands: list[BrandDraft], products: list[dict[str, Any]]) -> None:
    per_category = Counter(p["category"] for p in products)
    brands_per_category = Counter(c for b in brands for c in {p["category"] for p in b.products.values()})
    per_source = Counter(p["source"] for p in products)
    brand_sources: Counter[str] = Counter()
    for b in brands:
        for s in {s.split(":")[0] if s.startswith("hand") else s.split(" ")[0] for s in b.source}:
            brand_sources[s] += 1
    print(f"{len(brands)} brands, {len(products)} products ({sum(1 for p in products if p.get('generic'))} generic)")
    print("brands per source:", dict(brand_sources.most_common()))
    print("products per source:", dict(per_source.most_common()))
    print("per category (products / brands):")
    for category in CATEGORY_MAP.values():
        if category in per_category:
            print(f"  {category:16} {per_category[category]:5} / {brands_per_category[category]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate devices/registry/data from the public sources.")
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET,
                        help=f"the device-catalog folder (default: {DEFAULT_DATASET})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT})")
    args = parser.parse_args(argv)
    missing = [name for name in DATASET_FILES if not (args.dataset / name).is_file()]
    if missing:
        print(f"build_registry: {args.dataset} lacks {', '.join(missing)}. This script needs the device "
              "catalogue of the shared folder (datasets/device-catalog: brands.json, zigbee_devices.jsonl, "
              "ha_brands.jsonl); give its path as the first argument. The committed registry in "
              f"{OUT.relative_to(REPO)} stays as it is.", file=sys.stderr)
        return 2
    drafts = Drafts()
    pypi = json.loads((SOURCES_DIR / "pypi_models.json").read_text(encoding="utf-8"))
    meta = read_catalogue(args.dataset, drafts, {m["model"] for m in pypi["models"]})
    packages = read_pypi(drafts)
    read_hand_added(drafts)
    add_generics(drafts)
    sources = {
        "zigbee-herdsman-converters": {**meta["zigbee"], "via": "shared/datasets/device-catalog"},
        "home-assistant-core": {**meta["home_assistant"], "via": "shared/datasets/device-catalog"},
        **{p["name"]: {k: v for k, v in p.items() if k != "name"} for p in packages},
        "hand-added": {"license": "facts of public knowledge",
                       "file": "scripts/registry_sources/hand_added.yaml"},
    }
    brands, products = write(drafts, sources, args.out)
    report(brands, products)
    read_registry(args.out)  # the package's own validation: fail here, not at a user's first spawn
    return 0


if __name__ == "__main__":
    sys.exit(main())
