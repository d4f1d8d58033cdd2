"""The home as understanding sees it: device, room and floor names (any language) -> ids, indexed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hub.nlu.text import PhraseIndex, normalize

Names = dict[str, list[str]]
"""Names per language: {"zh": [...], "en": [...], "fr": [...]}."""


@dataclass(frozen=True)
class CatalogDevice:
    """What the parser and resolver need to know of a device."""

    id: str
    category: str
    room: str
    attributes: frozenset[str]
    actions: frozenset[str]


@dataclass
class Catalog:
    """The slot lists of the home: device names, room names and floor names (all languages) -> ids.

    Every name goes into one ``PhraseIndex``, so finding the names said in a sentence costs the same
    with ten devices or ten thousand.
    """

    devices: dict[str, CatalogDevice] = field(default_factory=dict)
    device_names: dict[str, Names] = field(default_factory=dict)
    room_names: dict[str, Names] = field(default_factory=dict)
    floor_names: dict[str, Names] = field(default_factory=dict)
    floor_rooms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    named: dict[str, list[str]] = field(default_factory=dict)
    """Normalised device name -> the ids of every device called so (names may repeat across rooms)."""
    index: PhraseIndex[tuple[str, str]] = field(default_factory=PhraseIndex)
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    """What readers derive from the names and keep (``hub.nlu.slips``' vocabulary); emptied by every change."""

    def add_device(self, device: CatalogDevice, names: Names) -> None:
        """Add a device and make each of its names findable."""
        self.derived.clear()
        self.devices[device.id] = device
        self.device_names[device.id] = names
        for lang_names in names.values():
            for name in lang_names:
                key = normalize(name)
                if not key:
                    continue
                ids = self.named.setdefault(key, [])
                if not ids:
                    self.index.add(key, ("device", key))
                if device.id not in ids:
                    ids.append(device.id)

    def add_room(self, room_id: str, names: Names) -> None:
        """Add a room (once) and make each of its names findable."""
        if room_id in self.room_names:
            return
        self.derived.clear()
        self.room_names[room_id] = names
        self._add_names("room", room_id, names)

    def add_floor(self, floor_id: str, names: Names, rooms: tuple[str, ...]) -> None:
        """Add a floor: a group of rooms with names of its own ("first floor", "rez-de-chaussée")."""
        if floor_id in self.floor_names:
            return
        self.derived.clear()
        self.floor_names[floor_id] = names
        self.floor_rooms[floor_id] = rooms
        self._add_names("floor", floor_id, names)

    def _add_names(self, kind: str, key: str, names: Names) -> None:
        for lang_names in names.values():
            for name in lang_names:
                if normalize(name):
                    self.index.add(normalize(name), (kind, key))

    def rooms_of(self, floors: tuple[str, ...]) -> set[str]:
        """Every room on any of ``floors``."""
        return {room for floor in floors for room in self.floor_rooms.get(floor, ())}
