"""Registry fleets on the real embedded broker: they register with brand, model and specs, and obey."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.home import parse_home
from devices.registry import load_registry
from devices.registry.fleet import random_fleet
from genie.app import run_stack
from hub.broker import EmbeddedBroker
from hub.client import list_devices, say

pytestmark = pytest.mark.e2e


async def test_200_random_registry_devices_appear_with_brand_model_and_category_and_obey(
    broker: EmbeddedBroker, tmp_path: Path
) -> None:
    home = random_fleet(load_registry(), 200, seed=7)
    living_lights = [d.id for d in home.devices if d.room == "living" and d.category == "light"]
    assert living_lights, "seed 7 puts lights in the living room"
    async with run_stack(home=home, broker_url=broker.url, db=tmp_path / "hub.db", ready_timeout=60) as running:
        listed = {d.id: d for d in await list_devices(running.broker_url, timeout=20)}
        assert len(listed) == 200
        for device in home.devices:
            view = listed[device.id]
            assert (view.brand, view.model, view.category) == (device.brand, device.model, device.category)
            assert view.online
        assert running.hub is not None
        record = running.hub.directory.get(home.devices[0].id)
        assert record is not None
        assert record.info.property_specs == list(home.device_configs()[0].specs or ())
        result = await say(running.broker_url, "打开客厅的灯", timeout=10)
        assert result.ok, result.reply
        devices = {r.device.id: r.device for r in running.runners}
        assert all(devices[i].state["powerstate"] == "on" for i in living_lights)
        assert {a.device for a in result.actions} == set(living_lights)


async def test_a_home_file_model_registers_its_own_specs_and_answers(broker: EmbeddedBroker, tmp_path: Path) -> None:
    home = parse_home({
        "rooms": [{"id": "study", "names": {"zh": ["书房"], "en": ["study"]}}],
        "devices": [
            {"id": "desk-lamp", "category": "light", "brand": "Philips", "model": "philips.light.hbulb",
             "room": "study", "names": {"zh": ["台灯"], "en": ["desk lamp"]}, "latency_ms": [20, 60],
             "firmware": "1.2.3"},
            {"id": "bed-lamp", "category": "light", "brand": "Yeelight", "model": "yeelink.light.bslamp1",
             "room": "study", "names": {"zh": ["床头灯"], "en": ["bedside lamp"]}},
        ],
    })
    async with run_stack(home=home, broker_url=broker.url, db=tmp_path / "hub.db", ready_timeout=20) as running:
        assert running.hub is not None
        lamp = running.hub.directory.get("desk-lamp")
        assert lamp is not None and lamp.info.firmware == "1.2.3" and lamp.info.model == "philips.light.hbulb"
        assert [s.name for s in lamp.info.property_specs] == ["powerstate", "brightness"]
        bedside = running.hub.directory.get("bed-lamp")
        assert bedside is not None
        assert next(s for s in bedside.info.property_specs if s.name == "colorTemperature").min == 1700
        result = await say(running.broker_url, "set the desk lamp to 30%", timeout=10)
        assert result.ok, result.reply
        device = next(r.device for r in running.runners if r.device.id == "desk-lamp")
        assert device.state == {"powerstate": "on", "brightness": 30}


async def test_a_directory_too_big_for_one_message_comes_in_parts_over_the_broker(
    broker: EmbeddedBroker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fleet's directory over the broker's packet limit (256 KiB of payload: ~500 devices) is sent as several
    ListDevicesResponse parts with the request's messageId, and the client puts them together. The parts are
    made small here so that 200 devices need several of them."""
    import hub.requests

    monkeypatch.setattr(hub.requests, "PAGE_BYTES", 20_000)
    home = random_fleet(load_registry(), 200, seed=11)
    async with run_stack(home=home, broker_url=broker.url, db=tmp_path / "hub.db", ready_timeout=60) as running:
        assert running.hub is not None
        sent: list[bytes] = []
        running.hub.taps.append(lambda topic, payload, way: sent.append(payload)
                                if way == "out" and b"ListDevicesResponse" in payload else None)
        listed = await list_devices(running.broker_url, timeout=20)
        assert sorted(d.id for d in listed) == sorted(d.id for d in home.devices)
        assert len(sent) >= 3 and all(len(p) <= 20_000 for p in sent)
