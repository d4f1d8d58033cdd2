"""Fleets from the registry, and home files that name a brand and model."""

from __future__ import annotations

import pytest
import yaml

from devices.home import HomeFileError, parse_home
from devices.registry import UnknownBrand, load_registry
from devices.registry.fleet import PLACES, FleetError, brand_fleet, random_fleet

REGISTRY = load_registry()


def dump(home) -> str:
    return yaml.safe_dump(home.model_dump(mode="json"), allow_unicode=True)


def test_the_same_seed_gives_the_same_fleet_and_another_seed_another() -> None:
    first = random_fleet(REGISTRY, 120, seed=7)
    assert dump(first) == dump(random_fleet(REGISTRY, 120, seed=7))
    assert dump(first) != dump(random_fleet(REGISTRY, 120, seed=8))


def test_a_random_fleet_is_a_valid_realistic_home() -> None:
    home = random_fleet(REGISTRY, 300, seed=3)
    ids = [d.id for d in home.devices]
    assert len(ids) == len(set(ids)) == 300
    categories = {d.category for d in home.devices}
    assert len(categories) >= 12
    assert sum(d.category == "light" for d in home.devices) > sum(d.category == "fingerprintlock" for d in home.devices)
    for device in home.devices:
        assert device.room.partition("-")[0] in PLACES[device.category], (device.id, device.room)
        product = REGISTRY.product(device.brand, device.model, device.category)
        assert device.latency_ms == (product.latency.min_ms, product.latency.max_ms)
        assert device.firmware and set(device.quirks) == set(REGISTRY.brand(device.brand).quirks)
        if device.category == "fingerprintlock":
            assert device.code is not None
    names = [(d.room, d.names.zh[0]) for d in home.devices]
    assert len(names) == len(set(names))
    assert len({d.brand for d in home.devices}) > 50
    configs = home.device_configs()
    assert all(c.specs is not None for c in configs)


def test_a_printed_fleet_loads_back_as_the_same_home() -> None:
    home = random_fleet(REGISTRY, 40, seed=11)
    document = yaml.safe_load(yaml.safe_dump(home.model_dump(mode="json", exclude_defaults=True), allow_unicode=True))
    again = parse_home(document)
    assert again.model_dump() == home.model_dump()
    assert [c.specs for c in again.device_configs()] == [c.specs for c in home.device_configs()]


def test_a_brand_fleet_has_only_that_brand_and_category() -> None:
    home = brand_fleet(REGISTRY, "小米", category="fan", count=12, seed=2)
    assert len(home.devices) == 12
    assert {d.brand for d in home.devices} == {"Xiaomi"} and {d.category for d in home.devices} == {"fan"}
    assert all(d.id.startswith("xiaomi-") for d in home.devices)
    assert brand_fleet(REGISTRY, "Xiaomi", category="fan", count=12, seed=2) == home
    with pytest.raises(UnknownBrand, match="did you mean Xiaomi"):
        brand_fleet(REGISTRY, "Xiaomy")
    with pytest.raises(FleetError, match="Bull makes no television; it makes outlet, switch"):
        brand_fleet(REGISTRY, "Bull", category="television")
    with pytest.raises(FleetError, match="count must be between 1 and 10000"):
        random_fleet(REGISTRY, 0)


ROOMS = [{"id": "living", "names": {"zh": ["客厅"]}}]


def home_with(device: dict) -> dict:
    return {"rooms": ROOMS, "devices": [{"id": "lamp", "room": "living", **device}]}


def test_a_home_file_device_naming_brand_and_model_gets_that_products_specs() -> None:
    home = parse_home(home_with({"category": "light", "brand": "Yeelight", "model": "yeelink.light.bslamp1",
                                 "initial": {"colorTemperature": 1800}}))
    config = home.device_configs()[0]
    assert config.specs == REGISTRY.product("Yeelight", "yeelink.light.bslamp1").specs
    white = parse_home(home_with({"category": "light", "brand": "Philips", "model": "philips.light.hbulb"}))
    assert [s.name for s in white.device_configs()[0].specs] == ["powerstate", "brightness"]


def test_a_home_file_model_error_names_the_entry() -> None:
    with pytest.raises(HomeFileError, match=r"devices\[0\] \(id 'lamp'\)\.model: Yeelight has no model "
                                            r"'yeelink.light.bslamp9'; did you mean"):
        parse_home(home_with({"category": "light", "brand": "Yeelight", "model": "yeelink.light.bslamp9"}))
    with pytest.raises(HomeFileError, match=r"\.category: Chuangmi chuangmi.plug.m1 is of category outlet, not light"):
        parse_home(home_with({"category": "light", "brand": "Chuangmi", "model": "chuangmi.plug.m1"}))
    with pytest.raises(HomeFileError, match=r"initial: .*a light has no property 'colorTemperature'|"
                                            r"initial state names unknown property 'colorTemperature'"):
        parse_home(home_with({"category": "light", "brand": "Philips", "model": "philips.light.hbulb",
                              "initial": {"colorTemperature": 3000}}))


def test_a_brand_outside_the_registry_keeps_the_categorys_specs() -> None:
    home = parse_home(home_with({"category": "light", "brand": "My Own Lamps", "model": "ML-1"}))
    assert home.device_configs()[0].specs is None
