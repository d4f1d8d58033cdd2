"""The home file: rooms and devices of a home, in YAML (docs/home.md).

This is the devices' half of the file (rooms, devices, initial state, faults). The hub's half — scenes,
routines, the language and time zone — is carried here as written and validated by the hub's own models
(``genie.homes.automations_of``): a device process never loads the hub's understanding of words.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from devices.base import QUIRKS, DeviceConfig, Faults
from hub.errors import GenieError
from hub.language import Lang
from hub.protocol import Names, PropertySpec, PropertyValue, validate_device_id, validate_home_id

DEMO_HOME = Path(__file__).with_name("homes") / "demo.yaml"


class HomeFileError(GenieError, ValueError):
    """A home file that cannot be used; the message names the file, the entry and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoomEntry(_Strict):
    id: str
    names: Names

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return validate_device_id(value)

    @model_validator(mode="after")
    def _named(self) -> RoomEntry:
        if not self.names.all():
            raise ValueError("names: give the room at least one name (zh, en or fr)")
        return self


class FaultsEntry(_Strict):
    """Injected misbehaviour of one device (docs/home.md, docs/reliability.md)."""

    slow_ms: float = Field(default=0.0, ge=0, le=60_000)
    flaky: float = Field(default=0.0, ge=0, le=1)
    jammed: bool = False
    offline_after: float | None = Field(default=None, ge=0)

    def faults(self) -> Faults:
        """These faults as the device takes them."""
        return Faults(slow_ms=self.slow_ms, flaky=self.flaky, jammed=self.jammed, offline_after=self.offline_after)


class DeviceEntry(_Strict):
    id: str
    category: str
    brand: str = "Genie"
    model: str = ""
    room: str
    names: Names = Field(default_factory=Names)
    initial: dict[str, PropertyValue] = Field(default_factory=dict)
    code: str | None = Field(default=None, min_length=4, max_length=12, pattern=r"^[0-9]+$")
    latency_ms: tuple[float, float] | None = None
    """Reply time range in milliseconds (each reply takes a random time in it); default: instant."""
    firmware: str | None = None
    quirks: list[str] = Field(default_factory=list)
    faults: FaultsEntry = Field(default_factory=FaultsEntry)
    _specs: tuple[PropertySpec, ...] | None = PrivateAttr(default=None)
    """The registry product's specs when brand and model name one (docs/brands.md)."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return validate_device_id(value)

    @field_validator("latency_ms")
    @classmethod
    def _latency(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not 0 <= value[0] <= value[1] <= 60_000:
            raise ValueError("give [shortest, longest] in ms, 0 <= shortest <= longest <= 60000")
        return value

    @field_validator("quirks")
    @classmethod
    def _quirks(cls, value: list[str]) -> list[str]:
        unknown = [q for q in value if q not in QUIRKS]
        if unknown:
            raise ValueError(f"unknown quirk {unknown[0]!r}; known: {', '.join(QUIRKS)}")
        return value


class Home(_Strict):
    """A whole home: its names, rooms and devices; the hub's half of the file as written (docs/scenes.md)."""

    id: str | None = None
    """The home's id on a broker shared by several homes: its topics, logins and passwords are its own
    (docs/home.md, Several homes). None: the broker's default tree, as a single home has always used."""
    name: Names = Field(default_factory=Names)
    rooms: list[RoomEntry]
    devices: list[DeviceEntry]
    scenes: list[dict[str, Any]] = Field(default_factory=list)
    """The hub's: scenes as written (validated by ``hub.automation.models.Automations``)."""
    routines: list[dict[str, Any]] = Field(default_factory=list)
    """The hub's: routines as written."""
    language: Lang = "zh"
    """The hub's: what routines announce in."""
    timezone: str | None = None
    """The hub's: the IANA time zone of "at seven"."""
    speakers: list[dict[str, Any]] = Field(default_factory=list)
    """The hub's: the speakers in the home's rooms, as written (``hub.automation.models.Speaking``)."""

    @field_validator("id")
    @classmethod
    def _home_id(cls, value: str | None) -> str | None:
        return None if value is None else validate_home_id(value)

    @model_validator(mode="after")
    def _consistent(self) -> Home:
        from devices.categories import CATEGORIES

        room_ids = [room.id for room in self.rooms]
        seen: set[str] = set()
        for index, room in enumerate(self.rooms):
            if room.id in seen:
                raise ValueError(f"rooms[{index}] (id {room.id!r}).id: duplicate room id")
            seen.add(room.id)
        seen = set()
        for index, dev in enumerate(self.devices):
            where = f"devices[{index}] (id {dev.id!r})"
            if dev.id in seen:
                raise ValueError(f"{where}.id: duplicate device id")
            seen.add(dev.id)
            if dev.room not in room_ids:
                raise ValueError(f"{where}.room: unknown room {dev.room!r}; rooms are {', '.join(room_ids)}")
            if dev.category not in CATEGORIES:
                raise ValueError(f"{where}.category: unknown category {dev.category!r}; "
                                 f"known: {', '.join(sorted(CATEGORIES))}")
            if dev.category == "fingerprintlock" and dev.code is None:
                raise ValueError(f"{where}.code: a door lock needs an unlock code (4-12 digits)")
            if dev.model:
                dev._specs = _registry_specs(dev, where)
        return self

    def hub_part(self) -> dict[str, Any]:
        """The hub's half of the file as written: scenes, routines, language, time zone and speakers."""
        return {"scenes": self.scenes, "routines": self.routines, "language": self.language,
                "timezone": self.timezone, "speakers": self.speakers}

    def room(self, room_id: str) -> RoomEntry:
        """The room with id ``room_id``; KeyError if there is none."""
        for room in self.rooms:
            if room.id == room_id:
                return room
        raise KeyError(room_id)

    def device_configs(self) -> list[DeviceConfig]:
        """One DeviceConfig per device, with its room's names."""
        return [
            DeviceConfig(
                id=dev.id,
                category=dev.category,
                brand=dev.brand,
                model=dev.model,
                room=dev.room,
                room_names=self.room(dev.room).names,
                names=dev.names,
                initial=dict(dev.initial),
                code=dev.code,
                latency=dev.latency_ms[0] / 1000 if dev.latency_ms else 0.0,
                latency_spread=(dev.latency_ms[1] - dev.latency_ms[0]) / 1000 if dev.latency_ms else 0.0,
                firmware=dev.firmware or "1.0.0",
                quirks=tuple(dev.quirks),
                specs=dev._specs,
                faults=dev.faults.faults(),
            )
            for dev in self.devices
        ]


def _registry_specs(dev: DeviceEntry, where: str) -> tuple[PropertySpec, ...] | None:
    """The specs of the registry product ``dev.brand`` + ``dev.model``; None for a brand the registry lacks.

    A model the registry does not know for a brand it knows is an error (a typo would otherwise
    silently give the category's full specs); the registry is loaded only when a model is named.
    """
    from devices.registry import UnknownProduct, load_registry

    registry = load_registry()
    if registry.find_brand(dev.brand) is None:
        return None
    try:
        product = registry.product(dev.brand, dev.model)
    except UnknownProduct as exc:
        raise ValueError(f"{where}.model: {exc}") from None
    if product.category != dev.category:
        raise ValueError(f"{where}.category: {registry.brands[product.brand].name} {product.model} is of "
                         f"category {product.category}, not {dev.category}")
    return product.specs


def where(error: Mapping[str, Any]) -> str:
    """A pydantic error's location as the home file's docs write it: ``scenes[0].actions[1].action``."""
    parts: list[str] = []
    for item in error["loc"]:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        else:
            parts.append(str(item))
    return ".".join(parts)


def invalid(source: str, error: Mapping[str, Any], data: Mapping[str, Any] | None = None) -> HomeFileError:
    """The one-line error of the first thing pydantic refused in a home file: where (with a device's id, from
    ``data``, when it is a device entry) and why; a model's own check names its entry itself."""
    loc = where(error)
    message = error["msg"].removeprefix("Value error, ")
    if not loc or error["type"] == "value_error":
        return HomeFileError(f"{source}: {message}")
    listed = data.get("devices") if data is not None else None
    devices: list[Any] = listed if isinstance(listed, list) else []
    first = error["loc"]
    if len(first) > 1 and first[0] == "devices" and isinstance(first[1], int) and first[1] < len(devices):
        entry = devices[first[1]]
        if isinstance(entry, dict) and "id" in entry:
            loc = loc.replace(f"devices[{first[1]}]", f"devices[{first[1]}] (id {entry['id']!r})", 1)
    return HomeFileError(f"{source}: {loc}: {message}")


def parse_home(data: Any, source: str = "home file") -> Home:
    """Validate a parsed home document; HomeFileError names the entry and field that is wrong."""
    if not isinstance(data, dict):
        raise HomeFileError(f"{source}: expected a mapping with 'rooms' and 'devices'")
    try:
        home = Home.model_validate(data)
    except ValidationError as exc:
        raise invalid(source, exc.errors()[0], data) from None
    # Every device's initial state must fit its category: build each once to check.
    from devices.categories import device_class

    for index, config in enumerate(home.device_configs()):
        try:
            device_class(config.category)(config)
        except ValueError as exc:
            raise HomeFileError(f"{source}: devices[{index}] (id {config.id!r}).initial: {exc}") from None
    return home


def load_home(path: Path | str | None = None) -> Home:
    """Read and validate the home file at ``path`` (the built-in demo home if None)."""
    file = Path(path) if path is not None else DEMO_HOME
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise HomeFileError(f"home file {file}: cannot read it ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise HomeFileError(f"home file {file}{line}: not valid YAML") from None
    return parse_home(data, f"home file {file}")
