"""What the HTTP API answers with (the OpenAPI schema is generated from these models).

Field names are camelCase on the wire, like the protocol's own models (``DeviceView``, ``CommandResult``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from hub.language import Lang
from hub.protocol import CommandResult, DeviceView, Names, PropertyValue


class ApiModel(BaseModel):
    """Base of the API's own models: camelCase on the wire, read-only once built."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class HubView(ApiModel):
    """How the hub is doing."""

    hub_id: str
    version: str
    connected: bool
    """True while the hub has a session with the broker."""
    devices: int
    online: int
    commands: int
    """Text commands carried out since the hub started."""


class HomeLink(ApiModel):
    """A home served by the same process, and its dashboard (the home switcher, ``GET /api/homes``)."""

    id: str | None
    """The home's id; None for the home of the broker's default tree."""
    url: str
    """Its dashboard's address, without a token."""
    current: bool
    """True for the home this dashboard shows."""


class RoomView(ApiModel):
    """A room, from the devices' registrations."""

    id: str
    names: Names
    devices: int
    online: int


class HistoryEntry(ApiModel):
    """One change of a device, as the hub saw it (kept in memory, newest last)."""

    at: float
    """Seconds since the epoch."""
    online: bool
    changes: dict[str, PropertyValue] = Field(default_factory=dict)
    """The properties that changed (every property in a device's first entry)."""


class MessageEntry(ApiModel):
    """One MQTT message the hub received or sent."""

    seq: int
    """Grows by one per message: the inspector's order and de-duplication key."""
    at: float
    direction: Literal["in", "out"]
    topic: str
    device: str | None
    """The device whose topic it is, if any."""
    kind: str
    """The topic's kind: register, status, state, report, request, reply, command, discover…"""
    size: int
    """Payload size in bytes."""
    payload: str
    """The payload as text (UTF-8, invalid bytes replaced), cut at ``PAYLOAD_LIMIT`` bytes."""
    truncated: bool = False


class CommandRequest(ApiModel):
    """A text command for the hub, as typed or spoken."""

    text: str = Field(min_length=1, max_length=1000)
    lang: Lang | None = None
    """Force the language; by default the hub detects it."""
    request_id: str | None = Field(default=None, max_length=64)
    """Echoed in the live ``command`` event, so the page that sent it can tell its own commands apart."""
    speaker: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    """The speaker the page speaks as (``GET /api/automations`` lists them): its room is where "关灯" acts.
    None: the hub as one speaker with no room."""


class Suggestions(ApiModel):
    """Commands to try, per language, made from the devices of this home and checked to be understood."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    fr: list[str] = Field(default_factory=list)


class CommandEvent(ApiModel):
    """A command the hub carried out (from this API, the CLI or any MQTT client)."""

    request_id: str | None = None
    result: CommandResult


class DeviceBatch(ApiModel):
    """Devices that changed since the last batch (the latest view of each), and devices removed."""

    devices: list[DeviceView] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)


class MessageBatch(ApiModel):
    """MQTT messages since the last batch; ``skipped`` counts those left out to keep batches small."""

    messages: list[MessageEntry]
    skipped: int = 0


class Snapshot(ApiModel):
    """The first event of every live stream: everything the page shows."""

    hub: HubView
    devices: list[DeviceView]
    rooms: list[RoomView]
    messages: list[MessageEntry]
    commands: list[CommandResult]
    suggestions: Suggestions
    auth: bool
    """True when this server checks an access token."""


# --------------------------------------------------------------------------- brand registry


class BrandCategory(ApiModel):
    """One AliGenie category of the registry: how many brands make it, and how many models."""

    id: str
    brands: int
    products: int


class BrandCatalogue(ApiModel):
    """The registry at a glance."""

    brands: int
    products: int
    categories: list[BrandCategory]


class BrandSummary(ApiModel):
    """One brand of the registry."""

    id: str
    name: str
    zh: str | None = None
    categories: list[str]
    products: int
    in_home: bool = False
    """True when a device of this brand is in the home."""


class BrandPage(ApiModel):
    """A page of brands matching a query."""

    total: int
    offset: int
    items: list[BrandSummary]


class ProductView(ApiModel):
    """One device model of a brand."""

    model: str
    category: str
    description: str
    connectivity: str
    generic: bool


class BrandDetail(ApiModel):
    """A brand and every one of its models."""

    brand: BrandSummary
    aliases: list[str]
    source: list[str]
    products: list[ProductView]
