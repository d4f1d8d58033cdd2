"""The committed registry: coverage, sources, specs every behaviour accepts, flavour, clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from devices.base import DeviceConfig
from devices.categories import device_class
from devices.registry import Product, RegistryError, UnknownBrand, load_registry, read_registry
from devices.registry.flavour import LATENCY_RANGES, draw_firmware, draw_latency, draw_quirks
from devices.registry.loader import DATA
from hub.protocol.vocabulary import DEVICE_TYPES

REGISTRY = load_registry()
SOURCE_PREFIXES = ("zigbee-herdsman-converters ", "home-assistant-core ", "python-miio ", "pyvesync ", "broadlink ",
                   "meross-iot ", "pyswitchbot ", "python-roborock ", "deebot-client ", "python-kasa ", "hand-added: ")

CHINESE_BRANDS = {
    "Xiaomi": "小米", "Mijia": "米家", "Aqara": "绿米", "Midea": "美的", "Gree": "格力", "Haier": "海尔",
    "Casarte": "卡萨帝", "Leader": "统帅", "Hisense": "海信", "TCL": "TCL", "AUX": "奥克斯", "Chigo": "志高",
    "Changhong": "长虹", "Konka": "康佳", "Skyworth": "创维", "Huawei": "华为", "Opple": "欧普",
    "Yeelight": "易来", "Roborock": "石头", "Ecovacs": "科沃斯", "Dreame": "追觅", "Viomi": "云米",
    "Roidmi": "睿米", "Deerma": "德尔玛", "Smartmi": "智米", "Chuangmi": "创米", "Bull": "公牛", "CHINT": "正泰",
    "Joyoung": "九阳", "Supor": "苏泊尔", "Royalstar": "荣事达", "Fotile": "方太", "Vatti": "华帝",
    "Galanz": "格兰仕", "EZVIZ": "萤石", "Lexy": "莱克", "Panasonic": "松下", "Philips": "飞利浦",
}


def test_at_least_1100_brands_each_with_a_product_and_a_source() -> None:
    assert len(REGISTRY.brands) >= 1100
    for brand in REGISTRY.brands.values():
        assert REGISTRY.products_of(brand.id), brand.id
        assert brand.source, brand.id
        for source in brand.source:
            assert source.startswith(SOURCE_PREFIXES), (brand.id, source)


def test_every_brand_has_a_controllable_product_unless_it_makes_only_sensors() -> None:
    for brand in REGISTRY.brands.values():
        categories = set(REGISTRY.categories(brand.id))
        assert categories - {"sensor"} or categories == {"sensor"}, brand.id


@pytest.mark.parametrize("category", DEVICE_TYPES)
def test_every_category_is_made_by_several_brands(category: str) -> None:
    assert len(REGISTRY.brands_in(category)) >= 5


@pytest.mark.parametrize(("name", "zh"), sorted(CHINESE_BRANDS.items()))
def test_the_chinese_ecosystem_brands_are_there_with_their_chinese_names(name: str, zh: str) -> None:
    brand = REGISTRY.brand(name)
    assert brand.names.zh == zh
    assert REGISTRY.brand(zh) == brand
    assert set(REGISTRY.categories(brand.id)) - {"sensor"}


def test_every_product_is_a_device_its_behaviour_class_accepts() -> None:
    checked: set[int] = set()
    for product in REGISTRY.products:
        assert product.category in DEVICE_TYPES
        assert product.model and product.source
        assert product.generic == product.model.startswith("generic-"), product.model
        if id(product.specs) in checked:  # products of one shape share their specs
            continue
        checked.add(id(product.specs))
        _check_behaves(product)


def _check_behaves(product: Product) -> None:
    cls = device_class(product.category)
    device = cls(DeviceConfig(id="probe", category=product.category, specs=product.specs))
    names = [spec.name for spec in product.specs]
    assert names and set(names) <= {spec.name for spec in cls.specs}
    assert set(device.state) == set(names)
    for spec in product.specs:
        assert spec.coerce(device.state[spec.name]) == device.state[spec.name]
    info = device.info()
    assert [s.name for s in info.property_specs] == names
    assert tuple(device.actions()) == product.actions == tuple(info.actions)


def test_specs_follow_what_the_source_says_the_model_has() -> None:
    bslamp = REGISTRY.product("Yeelight", "yeelink.light.bslamp1")  # python-miio specs.yaml: 1700-6500 K, colour
    temperature = next(s for s in bslamp.specs if s.name == "colorTemperature")
    assert (temperature.min, temperature.max) == (1700, 6500)
    assert "color" in [s.name for s in bslamp.specs]
    white = REGISTRY.product("Philips", "philips.light.hbulb")  # a white bulb: brightness only
    assert [s.name for s in white.specs] == ["powerstate", "brightness"]
    assert "SetColorTemperature" not in white.actions
    plug = REGISTRY.product("Chuangmi", "chuangmi.plug.m1")  # chuangmi_plug.py reports no load power
    assert [s.name for s in plug.specs] == ["powerstate"]
    lights = [p for p in REGISTRY.products if p.category == "light" and p.source == "zigbee-herdsman-converters"]
    assert any("colorTemperature" not in [s.name for s in p.specs] for p in lights)
    assert any("color" in [s.name for s in p.specs] for p in lights)


def test_generic_products_have_the_whole_category_and_a_brand_reason() -> None:
    haier = REGISTRY.brand("Haier")
    ac = REGISTRY.product("Haier", "generic-aircondition")
    assert ac.generic and [s.name for s in ac.specs] == [s.name for s in device_class("aircondition").specs]
    assert any(s.startswith("hand-added: ") for s in haier.source)


def test_brand_flavour_is_drawn_deterministically_from_realistic_ranges() -> None:
    for brand in REGISTRY.brands.values():
        assert brand.firmware == draw_firmware(brand.id)
        assert brand.quirks == draw_quirks(brand.id)
        for connectivity, profile in brand.latency.items():
            (lo_min, lo_max), (hi_min, hi_max) = LATENCY_RANGES[connectivity]
            assert lo_min <= profile.min_ms <= lo_max and hi_min <= profile.max_ms <= hi_max
            assert (profile.min_ms, profile.max_ms) == draw_latency(brand.id, connectivity)
    zigbee = [p for p in REGISTRY.products if p.connectivity == "zigbee"]
    cloud = [p for p in REGISTRY.products if p.connectivity == "cloud"]
    assert max(p.latency.max_ms for p in zigbee) < min(p.latency.max_ms for p in cloud)


def test_lookups_by_name_alias_and_suggestions() -> None:
    assert REGISTRY.brand("xiaomi") == REGISTRY.brand("小米") == REGISTRY.brand("Xiaomi Home")
    assert REGISTRY.brand("Gongniu").names.zh == "公牛"
    with pytest.raises(UnknownBrand, match="did you mean Xiaomi") as caught:
        REGISTRY.brand("Xiaomy")
    assert "Xiaomi" in caught.value.suggestions
    with pytest.raises(LookupError, match=r"did you mean .*yeelink\.light\.bslamp1"):
        REGISTRY.product("Yeelight", "yeelink.light.bslamp")
    brands, products = REGISTRY.search("空调")
    assert REGISTRY.brand("Gree") in brands and not products
    _, vacuums = REGISTRY.search("roborock.vacuum")
    assert len(vacuums) > 20


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_a_bad_product_fails_the_load_naming_it(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    lines = (data / "products.jsonl").read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[10])
    bad["properties"] = ["powerstate", "warpFactor"]
    lines[10] = json.dumps(bad)
    (data / "products.jsonl").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RegistryError, match=rf"products.jsonl:11 \({bad['brand']} .*warpFactor"):
        read_registry(data)


def test_a_bad_brand_fails_the_load_naming_it(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    document = json.loads((data / "brands.json").read_text(encoding="utf-8"))
    document["brands"][3]["source"] = []
    (data / "brands.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(RegistryError, match=rf"brands\[3\] \('{document['brands'][3]['id']}'\): source"):
        read_registry(data)


def test_a_product_of_an_unknown_brand_fails(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    with (data / "products.jsonl").open("a", encoding="utf-8") as file:
        file.write('{"brand":"nobody","model":"X1","category":"light","connectivity":"cloud","source":"hand-added"}\n')
    with pytest.raises(RegistryError, match=r"nobody X1.*no brand with id .nobody."):
        read_registry(data)


def test_committed_files_stay_small() -> None:
    assert sum(f.stat().st_size for f in DATA.iterdir()) < 3_000_000
