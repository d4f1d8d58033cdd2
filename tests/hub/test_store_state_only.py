"""A device whose state changed is written without its registration serialised again; what is stored is the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from unittest import mock

from hub.directory import DeviceRecord
from hub.protocol import DeviceInfo
from hub.store import Store


def _record(device_id: str, name: str = "灯") -> DeviceRecord:
    info = DeviceInfo(device_id=device_id, device_name=name, device_type="light", brand="Yeelight", model="m")
    return DeviceRecord(info=info, online=True, state={"powerstate": "on"})


def _rows(path: Path) -> dict[str, tuple[str, int, str]]:
    with sqlite3.connect(path) as db:
        return {i: (info, online, state) for i, info, online, state in db.execute(
            "SELECT id, info, online, state FROM devices")}


def test_a_state_change_is_stored_without_serialising_the_registration(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    store = Store(path)
    lamp, desk = _record("lamp"), _record("desk")
    store.save(lamp)
    store.save(desk)
    store.flush()
    registered = _rows(path)["lamp"][0]
    lamp.state["powerstate"], lamp.online = "off", False
    with mock.patch.object(DeviceInfo, "model_dump_json", autospec=True,
                           side_effect=DeviceInfo.model_dump_json) as dumped:
        store.save(lamp)
        store.flush()
    assert dumped.call_count == 0
    assert _rows(path)["lamp"] == (registered, 0, '{"powerstate": "off"}')
    lamp.info = _record("lamp", "台灯").info  # re-registered under another name: the row says so
    store.save(lamp)
    store.flush()
    assert '"台灯"' in _rows(path)["lamp"][0]
    store.close()
    again = Store(path)
    assert {r.id: (r.info, r.state, r.online) for r in again.load()} == {
        "lamp": (lamp.info, {"powerstate": "off"}, False), "desk": (desk.info, {"powerstate": "on"}, True)}
    again.close()


def test_a_row_gone_from_under_the_store_is_written_whole(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    store = Store(path)
    lamp = _record("lamp")
    store.save(lamp)
    store.flush()
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM devices")
    lamp.state["powerstate"] = "off"
    store.save(lamp)
    store.flush()
    assert _rows(path)["lamp"][1:] == (1, '{"powerstate": "off"}')
    store.delete("lamp")
    store.flush()
    store.save(lamp)
    store.flush()
    assert set(_rows(path)) == {"lamp"}
    store.close()
