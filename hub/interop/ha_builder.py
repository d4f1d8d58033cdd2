"""The pieces a Home Assistant component is made of: topic names, Jinja templates and ``Builder``.

``Builder`` collects one device's components and, for each command topic it announces, the function
that turns Home Assistant's payload into our directives (``Command``). ``hub.interop.ha_platforms``
builds each category's main component with it; ``hub.interop.ha_mapping`` assembles the device.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.protocol import DeviceInfo, DeviceTopic, PropertySpec, PropertyValue, Request, Topics
from hub.protocol.vocabulary import set_action_for

Command = Callable[[str, Mapping[str, PropertyValue]], list[Request]]
"""Home Assistant's command payload and the device's current state -> our directives, in order."""

Mirror = Callable[[Mapping[str, PropertyValue]], bytes]
"""The device's state -> the payload of a bridge-owned state topic."""


MIREDS_BELOW = 1000
"""A colour temperature below this is in mireds (1,000,000 / kelvin): no light is warmer than 1000 K."""


class CommandError(ValueError):
    """A Home Assistant command payload this device cannot take; the message says why."""


@dataclass(frozen=True)
class HaTopics:
    """Topic names of the bridge: Home Assistant's discovery prefix and our command prefix."""

    topics: Topics = field(default_factory=Topics)
    discovery_prefix: str = "homeassistant"

    @property
    def bridge(self) -> str:
        """Our prefix for the bridge's own topics (commands, mirrored state)."""
        return f"{self.topics.prefix}/ha"

    @property
    def birth(self) -> str:
        """Home Assistant's own status (birth ``online``, will ``offline``)."""
        return f"{self.discovery_prefix}/status"

    @property
    def command_filters(self) -> tuple[str, str]:
        """The filters the bridge subscribes to for every command topic it announces."""
        return f"{self.bridge}/+/+/set", f"{self.bridge}/+/+/+/set"

    def discovery(self, device_id: str) -> str:
        """The retained discovery topic of ``device_id``."""
        return f"{self.discovery_prefix}/device/{device_id}/config"

    def component_discovery(self, platform: str, device_id: str, key: str) -> str:
        """The retained per-component discovery topic of component ``key`` of ``device_id`` (Home Assistant
        before 2024.11 reads only these)."""
        return f"{self.discovery_prefix}/{platform}/genie_{slug(device_id)}/{key}/config"

    def command(self, device_id: str, key: str, feature: str | None = None) -> str:
        """The command topic of one component (``key``) of ``device_id``, or of one feature of it."""
        middle = f"{key}/{feature}" if feature else key
        return f"{self.bridge}/{device_id}/{middle}/set"

    def mirror(self, device_id: str, key: str) -> str:
        """The bridge-owned state topic of one component of ``device_id``."""
        return f"{self.bridge}/{device_id}/{key}/state"


def prop(name: str) -> str:
    """Jinja expression: the value of property ``name`` in our state snapshot."""
    return f"(value_json.payload.properties | selectattr('name', 'equalto', {name!r}) | map(attribute='value') | first)"


def template(expression: str) -> str:
    """A Jinja template printing ``expression``."""
    return "{{ " + expression + " }}"


def value_template(name: str) -> str:
    """A Jinja template printing property ``name``."""
    return template(prop(name))


def same(values: list[str]) -> dict[str, str]:
    """Each value mapped to itself (Home Assistant's names are ours)."""
    return {v: v for v in values}


def on_off_template(name: str, on: str = "ON", off: str = "OFF") -> str:
    """A Jinja template printing ``on`` if property ``name`` is on (or true), else ``off``."""
    return f"{{{{ {on!r} if {prop(name)} in ['on', true] else {off!r} }}}}"


def slug(text: str) -> str:
    """``text`` as an id Home Assistant accepts: lower case, letters, digits and underscores."""
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_")


def _number(payload: str) -> float:
    try:
        value = float(payload.strip())
    except ValueError:
        raise CommandError(f"expected a number, got {payload!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CommandError(f"expected a finite number, got {payload!r}")
    return value


def _fit(spec: PropertySpec, value: float) -> int | float:
    """``value`` inside the spec's range, whole if the property is."""
    if spec.min is not None:
        value = max(spec.min, value)
    if spec.max is not None:
        value = min(spec.max, value)
    return round(value) if spec.data_type == "int" else round(value, 2)


class Builder:
    """Collects the components and command translations of one device (``legacy``: for Home Assistant before
    2025.2, which names entities by ``object_id`` and speaks colour temperature in mireds only)."""

    def __init__(self, info: DeviceInfo, ha: HaTopics, *, legacy: bool = False) -> None:
        self.info = info
        self.id = info.device_id
        self.ha = ha
        self.legacy = legacy
        self.state_topic = ha.topics.device(self.id, DeviceTopic.STATE)
        self.components: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, Command] = {}
        self.mirrors: dict[str, Mirror] = {}
        self.claimed: set[str] = set()

    def spec(self, name: str) -> PropertySpec | None:
        """The spec of property ``name``, if the device has it."""
        return self.info.spec(name)

    def can(self, *actions: str) -> bool:
        """True if the device supports every one of ``actions``."""
        return all(a in self.info.actions for a in actions)

    def claim(self, *names: str) -> None:
        """Mark properties as mapped, so that no leftover component repeats them."""
        self.claimed.update(names)

    def request(self, action: str, attribute: str | None = None, value: PropertyValue | None = None) -> Request:
        """A Control directive to this device."""
        return Request.control(self.id, action, attribute, value, self.info.device_type)

    def command(self, key: str, feature: str | None, translate: Command) -> str:
        """Announce a command topic of component ``key`` (or of one feature) translated by ``translate``."""
        topic = self.ha.command(self.id, key, feature)
        self.commands[topic] = translate
        return topic

    def add(self, key: str, platform: str, config: dict[str, Any], name: str | None = None) -> None:
        """Add component ``key`` of Home Assistant ``platform`` with its stable unique id and the entity id it
        suggests: ``default_entity_id`` (``object_id`` is deprecated from 2025.10, removed in 2026.4), or
        ``object_id`` for the releases before 2025.10 that ``legacy`` serves (newer ones drop unknown keys)."""
        ids = f"genie_{slug(self.id)}_{key}"
        entity = {"object_id": ids} if self.legacy else {"default_entity_id": f"{platform}.{ids}"}
        self.components[key] = {"platform": platform, "unique_id": ids, **entity, "name": name, **config}

    # ------------------------------------------------------------------ translations
    def on_off(self, on_action: str, off_action: str, attribute: str | None = None) -> Command:
        """ON/OFF -> ``on_action``/``off_action`` (with the value if ``attribute`` is powerstate)."""
        def translate(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            word = payload.strip().upper()
            if word == "ON":
                return [self.request(on_action, attribute, "on" if attribute == "powerstate" else None)]
            if word == "OFF":
                return [self.request(off_action, attribute, "off" if attribute == "powerstate" else None)]
            raise CommandError(f"expected ON or OFF, got {payload!r}")
        return translate

    def setter(self, spec: PropertySpec, *, zero_turns_off: bool = False) -> Command:
        """A number -> Set* of ``spec`` within its range (0 turns the device off if ``zero_turns_off``)."""
        action = set_action_for(spec.name) or ""

        def translate(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            value = _number(payload)
            if zero_turns_off and value <= 0:
                return [self.request("TurnOff", "powerstate", "off")]
            return [self.request(action, spec.name, _fit(spec, value))]
        return translate

    def kelvin(self, spec: PropertySpec) -> Command:
        """A colour temperature in kelvin, or in mireds (below 1000: what releases before 2025.2 send) ->
        SetColorTemperature in kelvin, on the spec's step, within its range."""
        def translate(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            value = _number(payload)
            if value <= 0:
                raise CommandError(f"expected a colour temperature, got {payload!r}")
            if value < MIREDS_BELOW:
                step = spec.step or 1
                value = round(1_000_000 / value / step) * step
            return [self.request("SetColorTemperature", spec.name, _fit(spec, value))]
        return translate

    def choice(self, spec: PropertySpec, choices: Mapping[str, str]) -> Command:
        """Home Assistant's name for a value (a mode, a fan level) -> Set* of our value."""
        action = set_action_for(spec.name) or ""

        def translate(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            ours = choices.get(payload.strip())
            if ours is None:
                raise CommandError(f"{spec.name}: expected one of {', '.join(choices)}, got {payload!r}")
            value: PropertyValue = int(ours) if spec.data_type == "int" else ours
            return [self.request(action, spec.name, value)]
        return translate

