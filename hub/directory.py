"""The hub's directory: every device it has heard of, its room, names, availability and state."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from hub.protocol import DeviceInfo, DeviceView, Names, Property, PropertyValue

_LOGGER = logging.getLogger(__name__)


def _fits(info: DeviceInfo, prop: Property) -> bool:
    """Whether ``prop`` keeps within what the device registered for it (a property it did not declare is
    taken as it comes); one that does not is logged and dropped, the previous value kept."""
    spec = info.spec(prop.name)
    if spec is None:
        return True
    try:
        if spec.data_type in ("int", "float") and isinstance(prop.value, str) and prop.value not in spec.enum_values:
            raise ValueError(f"{prop.name} must be a number, got {prop.value!r}")
        spec.coerce(prop.value)
    except ValueError as exc:
        _LOGGER.warning("%s: dropped %s=%.40r outside its registration: %s", info.device_id, prop.name,
                        prop.value, exc)
        return False
    return True


def _answers_to(info: DeviceInfo) -> set[tuple[str, str]]:
    """Every (language, name) a device and its room are called by: what an order can name it by."""
    return {*info.names.all(), *info.zone_names.all(), ("", info.device_name), ("", info.zone_id or info.zone)}


def _another_device(old: DeviceInfo, new: DeviceInfo) -> bool:
    """Whether a re-registration makes the device another one to its users: another category, or other names."""
    return old.device_type != new.device_type or _answers_to(old) != _answers_to(new)


@dataclass
class DeviceRecord:
    """What the hub knows of one device."""

    info: DeviceInfo
    online: bool = False
    state: dict[str, PropertyValue] = field(default_factory=dict)
    updated: float = field(default_factory=time.time)
    registered: float | None = None
    """When the hub first heard this device register (seconds since the epoch), kept across its
    re-registrations and restarts; set anew after the device was removed or re-registered as another category
    or under other names (an old plug turned lock is a new lock)."""

    @property
    def id(self) -> str:
        """The device's id."""
        return self.info.device_id

    @property
    def category(self) -> str:
        """The device's AliGenie category ("light", "curtain"…)."""
        return self.info.device_type

    @property
    def room(self) -> str:
        """The id of the device's room."""
        return self.info.zone_id or self.info.zone

    def name(self, lang: str) -> str:
        """The device's display name in ``lang`` (its registered device name if it has none)."""
        return self.info.names.display(lang) or self.info.device_name

    def view(self) -> DeviceView:
        """The device as clients list it (``genie devices list``, the dashboard)."""
        return DeviceView(
            id=self.id,
            names=self.info.names,
            room=self.room,
            room_names=self.info.zone_names,
            brand=self.info.brand,
            model=self.info.model,
            category=self.category,
            online=self.online,
            state=dict(self.state),
            first_registered=self.registered,
        )


Listener = Callable[[DeviceRecord], None]


class Directory:
    """In-memory directory; listeners hear of every change (the store persists through one)."""

    def __init__(self) -> None:
        self._devices: dict[str, DeviceRecord] = {}
        self.listeners: list[Listener] = []
        self.names_version = 0
        """Grows whenever a device comes or goes, or its names, room, actions, specs or set of state properties
        change (what understanding's catalog is built from)."""
        self._rooms: dict[str, list[DeviceRecord]] = {}
        self._order: dict[str, int] = {}
        self._rooms_version = -1

    def __contains__(self, device_id: object) -> bool:
        return device_id in self._devices

    def __len__(self) -> int:
        return len(self._devices)

    def get(self, device_id: str) -> DeviceRecord | None:
        """The record of ``device_id``, or None."""
        return self._devices.get(device_id)

    def all(self) -> list[DeviceRecord]:
        """Every record, in the order the hub first knew them."""
        return list(self._devices.values())

    def in_rooms(self, rooms: Collection[str]) -> list[DeviceRecord]:
        """The records of the devices in any of ``rooms``, in the order ``all`` gives them: looked up in an index of
        the rooms made again only when a device comes, goes or moves (``names_version``), not searched for."""
        if self._rooms_version != self.names_version:
            self._rooms, self._order = {}, {}
            for position, record in enumerate(self._devices.values()):
                self._rooms.setdefault(record.room, []).append(record)
                self._order[record.id] = position
            self._rooms_version = self.names_version
        if len(rooms) == 1:
            return list(self._rooms.get(next(iter(rooms)), ()))
        found = [r for room in set(rooms) for r in self._rooms.get(room, ())]
        return sorted(found, key=lambda r: self._order[r.id])

    def rooms(self) -> dict[str, Names]:
        """Room id -> names, from the devices' registrations."""
        rooms: dict[str, Names] = {}
        for record in self._devices.values():
            if record.room and record.room not in rooms:
                rooms[record.room] = record.info.zone_names
        return rooms

    def _changed(self, record: DeviceRecord) -> None:
        record.updated = time.time()
        for listener in list(self.listeners):
            listener(record)

    def load(self, records: Iterable[DeviceRecord]) -> None:
        """Fill from the store at start-up (no listeners fire)."""
        for record in records:
            self._devices[record.id] = record
        self.names_version += 1

    def register(self, info: DeviceInfo) -> DeviceRecord:
        """Add or update a device from its registration; its reported properties seed the state."""
        record = self._devices.get(info.device_id)
        if record is None:
            record = DeviceRecord(info=info)
            self._devices[info.device_id] = record
            self.names_version += 1
        else:
            old = record.info
            if (old.names != info.names or old.zone_id != info.zone_id or old.zone != info.zone
                    or old.zone_names != info.zone_names
                    or old.device_type != info.device_type or old.actions != info.actions
                    or old.property_specs != info.property_specs):
                self.names_version += 1
            if _another_device(old, info):
                _LOGGER.warning("%s re-registered as %s under other names: counted as new", info.device_id,
                                info.device_type)
                record.registered = None  # its age starts again: an old plug is no old lock
                declared = {p.name for p in info.properties} | {s.name for s in info.property_specs}
                record.state = {k: v for k, v in record.state.items() if k in declared}
            record.info = info
        if record.registered is None:  # new, or stored by a hub that did not record it
            record.registered = time.time()
        for prop in info.properties:
            if _fits(info, prop):
                record.state[prop.name] = prop.value
        self._changed(record)
        return record

    def set_online(self, device_id: str, online: bool) -> DeviceRecord | None:
        """Mark a device online or offline and tell the listeners; the record, or None if unknown."""
        record = self._devices.get(device_id)
        if record is None or record.online == online:
            return record
        record.online = online
        self._changed(record)
        return record

    def update_state(self, device_id: str, properties: list[Property], *, replace: bool = False) -> bool:
        """Merge reported properties (or replace the whole state); False if the device is unknown."""
        record = self._devices.get(device_id)
        if record is None:
            return False
        new = {p.name: p.value for p in properties if _fits(record.info, p)}
        if replace:
            kept = {p.name: record.state[p.name] for p in properties if p.name not in new and p.name in record.state}
            new = {**new, **kept}  # a dropped value: the last good one stays
            if new == record.state:
                return True
            if new.keys() != record.state.keys():
                self.names_version += 1  # what a device can be asked about is in its state too
            record.state = new
        else:
            if all(record.state.get(k) == v for k, v in new.items()):
                return True
            if any(k not in record.state for k in new):
                self.names_version += 1
            record.state.update(new)
        self._changed(record)
        return True

    def remove(self, device_id: str) -> None:
        """Forget a device (nothing happens for an unknown one)."""
        record = self._devices.pop(device_id, None)
        if record is not None:
            self.names_version += 1
            record.online = False
            for listener in list(self.listeners):
                listener(record)
