"""The brand registry's records: brands, their products and the latency profiles they answer with."""

from __future__ import annotations

import unicodedata
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from devices.base import QUIRKS
from hub.errors import GenieError
from hub.protocol import PropertySpec
from hub.protocol.vocabulary import DEVICE_TYPES

Connectivity = Literal["zigbee", "local", "cloud"]
"""How a product reaches the speaker: a Zigbee radio (cloud-free), Wi-Fi on the LAN, or a vendor cloud."""

CONNECTIVITIES: tuple[Connectivity, ...] = ("zigbee", "local", "cloud")


class RegistryError(GenieError, ValueError):
    """The registry files are wrong; the message names the file, the entry and what is wrong."""


class UnknownBrand(GenieError, LookupError):
    """No brand by that name; ``suggestions`` holds close matches."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else " (see `genie brands list`)"
        super().__init__(f"unknown brand {name!r}{hint}")
        self.name = name
        self.suggestions = suggestions


class UnknownProduct(GenieError, LookupError):
    """The brand is known, the model is not (or is not of the category asked for)."""


def normalize(text: str) -> str:
    """Lookup key: accents dropped, lower case, letters and digits only (Chinese characters kept)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if c.isalnum())


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LatencyProfile(_Record):
    """How long a device takes to answer a directive: uniformly between ``min_ms`` and ``max_ms``."""

    min_ms: float = Field(ge=0, le=5000)
    max_ms: float = Field(ge=0, le=5000)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min_ms > self.max_ms:
            raise ValueError(f"latency {self.min_ms:g}-{self.max_ms:g} ms: min above max")
        return self


class BrandNames(_Record):
    """The brand as written in English (the display name) and in Chinese where it has a Chinese name."""

    en: str = Field(min_length=1)
    zh: str | None = None


class Brand(_Record):
    """A maker of devices: names, where we know it from, and how its devices behave on the network."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    names: BrandNames
    aliases: tuple[str, ...] = ()
    source: tuple[str, ...] = Field(min_length=1)
    """Where the brand comes from: "<dataset or package> <version>", or "hand-added: <reason>"."""
    latency: dict[Connectivity, LatencyProfile] = Field(min_length=1)
    """Reply-time profile per way its products connect."""
    firmware: str = Field(min_length=1)
    quirks: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The display name (English)."""
        return self.names.en

    @field_validator("source")
    @classmethod
    def _sources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not s.strip() for s in value):
            raise ValueError("an empty source")
        return value

    @field_validator("quirks")
    @classmethod
    def _quirks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [q for q in value if q not in QUIRKS]
        if unknown:
            raise ValueError(f"unknown quirk {unknown[0]!r}; known: {', '.join(QUIRKS)}")
        return value


class Product(_Record):
    """A model and what it can do: one line of products.jsonl, plus the parts derived at load.

    ``specs`` (its category's specs narrowed to the model), ``actions`` and ``latency`` (its brand's
    profile for its connectivity) are attached by the loader once the line is valid.
    """

    brand: str = Field(min_length=1)
    model: str = Field(min_length=1)
    category: str
    description: str = ""
    connectivity: Connectivity
    properties: tuple[str, ...] | None = None
    """The category's properties this model has; None: all of them (the source says nothing narrower)."""
    ranges: dict[str, tuple[float, float]] = Field(default_factory=dict)
    """Numeric ranges the source gives for this model (e.g. colorTemperature 1700-6500 K)."""
    generic: bool = False
    """True when the brand is known to make this category but no real model id is known."""
    source: str = Field(min_length=1)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in DEVICE_TYPES:
            raise ValueError(f"unknown category {value!r}; known: {', '.join(DEVICE_TYPES)}")
        return value


    # One private slot for the three derived parts: pydantic initialises each private attribute per
    # instance, and thousands of products make that count at load.
    _derived: tuple[tuple[PropertySpec, ...], tuple[str, ...], LatencyProfile] | None = PrivateAttr(default=None)

    def attach(self, specs: tuple[PropertySpec, ...], actions: tuple[str, ...], latency: LatencyProfile) -> None:
        """Give the product its derived parts (the loader does, after checking them)."""
        self._derived = (specs, actions, latency)

    def _parts(self) -> tuple[tuple[PropertySpec, ...], tuple[str, ...], LatencyProfile]:
        assert self._derived is not None, f"{self.brand} {self.model}: not loaded through the registry"
        return self._derived

    @property
    def specs(self) -> tuple[PropertySpec, ...]:
        """Property specs of this model, accepted by its category's behaviour class."""
        return self._parts()[0]

    @property
    def actions(self) -> tuple[str, ...]:
        """The AliGenie actions a device of this model lists."""
        return self._parts()[1]

    @property
    def latency(self) -> LatencyProfile:
        """How long it takes to answer: its brand's profile for its connectivity."""
        return self._parts()[2]
