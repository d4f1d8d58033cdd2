"""The registry commands of the CLI, run as a user would: ``python -m genie ...`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml


def genie(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "genie", *args], capture_output=True, text=True, timeout=60)


def test_brands_list_json_holds_1100_brands_with_sources() -> None:
    result = genie("brands", "list", "--json")
    assert result.returncode == 0, result.stderr
    brands = json.loads(result.stdout)
    assert len(brands) >= 1100
    for brand in brands:
        assert brand["name"] and brand["categories"] and brand["products"] >= 1 and brand["source"]


def test_brands_list_by_category_and_as_text() -> None:
    result = genie("brands", "list", "--category", "roboticvacuum", "--json")
    names = {b["name"] for b in json.loads(result.stdout)}
    assert {"Roborock", "Ecovacs", "Dreame", "iRobot"} <= names
    assert all("roboticvacuum" in b["categories"] for b in json.loads(result.stdout))
    text = genie("brands", "list", "--category", "television")
    assert text.returncode == 0 and "Skyworth" in text.stdout and "创维" in text.stdout
    bad = genie("brands", "list", "--category", "toaster")
    assert bad.returncode == 2 and "unknown category 'toaster'; known: light" in bad.stderr


def test_brands_show_and_its_json() -> None:
    text = genie("brands", "show", "石头")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Roborock (石头)") and "roborock.vacuum.a15" in text.stdout
    detail = json.loads(genie("brands", "show", "Yeelight", "--json").stdout)
    lamp = next(p for p in detail["products"] if p["model"] == "yeelink.light.bslamp1")
    temperature = next(s for s in lamp["properties"] if s["name"] == "colorTemperature")
    assert temperature["min"] == 1700 and "SetColorTemperature" in lamp["actions"]
    assert detail["latency_ms"] and detail["firmware"]


def test_unknown_brand_is_one_line_with_close_matches() -> None:
    result = genie("brands", "show", "Roborok")
    assert result.returncode == 2
    assert result.stderr.startswith("genie: error: unknown brand 'Roborok'; did you mean Roborock")
    assert result.stderr.count("\n") == 1
    spawn = genie("devices", "spawn", "--brand", "Gre", "--print")
    assert spawn.returncode == 2 and "did you mean" in spawn.stderr and "Gree" in spawn.stderr


def test_brands_search() -> None:
    found = json.loads(genie("brands", "search", "空调", "--json").stdout)
    assert "Gree" in {b["name"] for b in found["brands"]}
    nothing = genie("brands", "search", "zzzzqqq")
    assert nothing.returncode == 1 and "0 brands" in nothing.stdout


def test_spawn_print_is_a_deterministic_home_file() -> None:
    first = genie("devices", "spawn", "--random", "25", "--seed", "7", "--print")
    assert first.returncode == 0, first.stderr
    assert first.stdout == genie("devices", "spawn", "--random", "25", "--seed", "7", "--print").stdout
    home = yaml.safe_load(first.stdout)
    assert len(home["devices"]) == 25 and all(d["model"] for d in home["devices"])
    xiaomi = yaml.safe_load(genie("devices", "spawn", "--brand", "Xiaomi", "--category", "aircondition",
                                  "--count", "3", "--print").stdout)
    assert [d["brand"] for d in xiaomi["devices"]] == ["Xiaomi"] * 3
    both = genie("devices", "spawn", "--brand", "Xiaomi", "--random", "3")
    assert both.returncode == 2 and "either --brand or --random" in both.stderr


def test_help_is_everywhere_and_does_not_load_the_registry() -> None:
    for args in (["brands", "--help"], ["brands", "list", "--help"], ["brands", "show", "--help"],
                 ["brands", "search", "--help"], ["devices", "spawn", "--help"]):
        result = genie(*args)
        assert result.returncode == 0 and "usage:" in result.stdout, args
    code = "import sys, genie.cli as c; c.build_parser(); print('devices.registry' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert loaded.stdout.strip() == "False"
