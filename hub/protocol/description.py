"""What a device says about itself: property values and typed specs, spoken names, ``DeviceInfo``.

A registration (``hub.protocol.device_messages.Registration``) carries one ``DeviceInfo``; its texts are
read by people, so none may hold a control character (``hub.protocol.text.CONTROLS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from hub.language import LANGUAGES
from hub.protocol.envelope import WireModel, plain
from hub.protocol.text import CONTROLS, control_in
from hub.protocol.topics import DEVICE_ID_RE

PropertyValue = bool | int | float | str

COLORS: dict[str, str] = {
    "Red": "#FF0000",
    "Orange": "#FFA500",
    "Yellow": "#FFFF00",
    "Green": "#008000",
    "Lime": "#00FF00",
    "Cyan": "#00FFFF",
    "Blue": "#0000FF",
    "Purple": "#800080",
    "Pink": "#FFC0CB",
    "White": "#FFFFFF",
    "Magenta": "#FF00FF",
    "Brown": "#A52A2A",
    "Gold": "#FFD700",
    "Navy": "#000080",
    "Teal": "#008080",
    "Turquoise": "#40E0D0",
    "Indigo": "#4B0082",
    "Warm": "#FFB46B",
}
"""AliGenie SetColor names and the RGB each is shown as in state: CSS's colour of that name (CSS green is
#008000, its lime #00FF00), and the warm white of a bulb."""

_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class Property(WireModel):
    """One ``{name, value}`` pair, AliGenie's property shape."""

    name: str = Field(min_length=1)
    value: PropertyValue

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        return plain(value)


class PropertySpec(WireModel):
    """Typed description of one property (after Alibaba IoT's TSL)."""

    name: str = Field(min_length=1)
    data_type: Literal["int", "float", "bool", "enum", "text", "color"]
    min: float | None = None
    max: float | None = None
    step: float | None = None
    unit: str | None = None
    access_mode: Literal["r", "rw"] = "rw"
    enum_values: list[str] = Field(default_factory=list)
    """An enum's values; for a number, the words it also takes beside its range (a fan speed's ``auto``)."""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.data_type == "enum" and not self.enum_values:
            raise ValueError(f"enum property {self.name!r} needs enumValues")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"property {self.name!r}: min {self.min} > max {self.max}")
        return self

    @property
    def writable(self) -> bool:
        """True if a directive may set this property."""
        return self.access_mode == "rw"

    def coerce(self, value: Any) -> PropertyValue:
        """Return ``value`` converted to this property's type, or raise ValueError saying why.

        ``"max"`` and ``"min"`` stand for the ends of a numeric range, as in AliGenie's Set* directives.
        """
        name = self.name
        if self.data_type in ("int", "float"):
            named = _named(self.enum_values, value)
            if named is not None:  # a level that is a word: a fan speed of "auto"
                return named
            if isinstance(value, str) and value.strip().lower() in ("max", "min"):
                end = self.max if value.strip().lower() == "max" else self.min
                if end is None:
                    raise ValueError(f"{name} has no {value.strip().lower()}imum")
                value = end
            if isinstance(value, bool):
                raise ValueError(f"{name} must be {_number_or(self.enum_values)}, got {value!r}")
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be {_number_or(self.enum_values)}, got {value!r}") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
            if self.min is not None and number < self.min:
                raise ValueError(f"{name} must be at least {_fmt(self.min)}{self.unit or ''}, got {_fmt(number)}")
            if self.max is not None and number > self.max:
                raise ValueError(f"{name} must be at most {_fmt(self.max)}{self.unit or ''}, got {_fmt(number)}")
            if self.data_type == "int":
                if number != int(number):
                    raise ValueError(f"{name} must be a whole number, got {value!r}")
                return int(number)
            return round(number, 2)
        if self.data_type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "on", "1", "yes"):
                return True
            if text in ("false", "off", "0", "no"):
                return False
            raise ValueError(f"{name} must be true or false, got {value!r}")
        if self.data_type == "enum":
            text = str(value)
            for allowed in self.enum_values:
                if text.lower() == allowed.lower():
                    return allowed
            raise ValueError(f"{name} must be one of {', '.join(self.enum_values)}, got {value!r}")
        if self.data_type == "color":
            text = str(value).strip()
            for color_name, rgb in COLORS.items():
                if text.lower() == color_name.lower():
                    return rgb
            if _HEX_COLOR.match(text):
                return text.upper()
            raise ValueError(f"{name} must be a colour name ({', '.join(COLORS)}) or #RRGGBB, got {value!r}")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError(f"{name} must be text, got {value!r}")
        return str(value)


def _named(names: list[str], value: Any) -> str | None:
    """The one of ``names`` that ``value`` spells (in any case), or None."""
    if not names or not isinstance(value, str):
        return None
    text = value.strip().lower()
    return next((known for known in names if known.lower() == text), None)


def _number_or(names: list[str]) -> str:
    """"a number", or "a number or auto" for a number that also takes words."""
    return " or ".join(["a number", *names])


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


class Names(WireModel):
    """Spoken names per language; the first of each list is the display name."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    fr: list[str] = Field(default_factory=list)

    def for_lang(self, lang: str) -> list[str]:
        """Names in ``lang`` (empty if none)."""
        if lang not in LANGUAGES:
            return []
        return list(getattr(self, lang) or [])

    def display(self, lang: str) -> str:
        """The display name in ``lang``, falling back to zh, en, fr in turn."""
        for candidate in (lang, *LANGUAGES):
            names = self.for_lang(candidate)
            if names:
                return names[0]
        return ""

    def all(self) -> list[tuple[str, str]]:
        """Every (lang, name) pair."""
        return [(lang, name) for lang in LANGUAGES for name in self.for_lang(lang)]


class DeviceInfo(WireModel):
    """A device's self-description: one AliGenie discovery device object plus our extensions."""

    device_id: str
    device_name: str = Field(min_length=1)
    device_type: str = Field(min_length=1)
    zone: str = ""
    brand: str = Field(min_length=1)
    model: str = Field(min_length=1)
    icon: str | None = None
    properties: list[Property] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    extensions: dict[str, str] = Field(default_factory=dict)
    names: Names = Field(default_factory=Names)
    zone_id: str = ""
    zone_names: Names = Field(default_factory=Names)
    property_specs: list[PropertySpec] = Field(default_factory=list)
    firmware: str = "1.0.0"
    protocol: str = "aligenie-v1"

    @field_validator("device_id")
    @classmethod
    def _device_id(cls, value: str) -> str:
        if not DEVICE_ID_RE.fullmatch(value):
            raise ValueError(f"invalid device id {value!r}")
        return value

    @model_validator(mode="after")
    def _plain_text(self) -> Self:
        """Every text of a registration is read by someone (a name said back, a row of `genie devices list`,
        the dashboard): none may carry a control character, an escape sequence or a bidi override. Refused,
        not stripped: a name cleaned by the hub could become another device's name."""
        texts = [self.device_name, self.device_type, self.zone, self.brand, self.model, self.icon or "",
                 self.zone_id, self.firmware, self.protocol, *self.actions, *self.extensions,
                 *self.extensions.values(), *(name for _lang, name in self.names.all()),
                 *(name for _lang, name in self.zone_names.all()), *(p.name for p in self.properties)]
        for spec in self.property_specs:
            texts += (spec.name, spec.unit or "", *spec.enum_values)
        if CONTROLS.search(" ".join(texts)) is None:  # the usual case, in a few µs: nothing to report
            return self
        for where, text in _texts(self, ""):  # every text, found generically: which one is it?
            what = control_in(text)
            if what is not None:
                raise PydanticCustomError(CONTROL_CHARACTER, "{where}: {what} in {text}",
                                          {"where": where, "what": what, "text": repr(text[:80])})
        return self

    def spec(self, name: str) -> PropertySpec | None:
        """The spec of property ``name``, if the device has it."""
        for spec in self.property_specs:
            if spec.name == name:
                return spec
        return None


CONTROL_CHARACTER = "control_character"
"""Error type of a text holding a character of ``hub.protocol.text.CONTROLS`` (its ``where`` is the path)."""


def _texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every (path, text) of a model: its strings, those of its lists and dicts (keys too). A property's
    value is state, reported again in every change: `genie` prints it through ``printable``."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Property):
        yield f"{where}.name", value.name
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from _texts(getattr(value, name), f"{where}.{field.alias or name}".lstrip("."))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key, f"{where}.{key}")
            yield from _texts(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}.{index}")
