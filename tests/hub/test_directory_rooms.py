"""``Directory.in_rooms``: the devices of some rooms, from an index kept up to date as devices come, go and move,
in the directory's order: what searching every record gives."""

from __future__ import annotations

from hub.directory import DeviceRecord, Directory
from hub.protocol import DeviceInfo


def _info(device_id: str, zone_id: str = "", zone: str = "") -> DeviceInfo:
    return DeviceInfo(device_id=device_id, device_name=device_id, device_type="light", brand="b", model="m",
                      zone_id=zone_id, zone=zone)


def _searched(directory: Directory, rooms: set[str]) -> list[str]:
    return [r.id for r in directory.all() if r.room in rooms]


def _check(directory: Directory) -> None:
    every = {r.room for r in directory.all()} | {"nowhere"}
    for rooms in [*({room} for room in every), every, {"living", "study"}, {"study", "nowhere"}]:
        assert [r.id for r in directory.in_rooms(rooms)] == _searched(directory, rooms), rooms


def test_the_rooms_index_follows_devices_coming_going_and_moving() -> None:
    directory = Directory()
    for n in range(12):
        directory.register(_info(f"d{n}", zone_id=("living", "study", "bedroom")[n % 3]))
    _check(directory)
    directory.register(_info("d4", zone_id="study"))  # moved
    _check(directory)
    assert [r.id for r in directory.in_rooms(["study"])] == ["d1", "d4", "d7", "d10"]
    directory.remove("d1")
    directory.register(_info("d1", zone_id="living"))  # back, last in the directory's order
    _check(directory)
    directory.register(_info("z", zone="kitchen"))  # a room given only by its zone
    directory.register(_info("z", zone="hallway"))
    _check(directory)
    assert [r.id for r in directory.in_rooms({"hallway"})] == ["z"]
    directory.set_online("d2", True)
    directory.update_state("d2", [])
    _check(directory)
    loaded = Directory()
    loaded.load([DeviceRecord(info=r.info) for r in directory.all()])
    _check(loaded)


def test_a_device_moved_by_its_zone_alone_changes_what_understanding_is_built_from() -> None:
    directory = Directory()
    directory.register(_info("lamp", zone="kitchen"))
    before = directory.names_version
    directory.register(_info("lamp", zone="hallway"))
    assert directory.names_version > before
