"""What one of our devices looks like to Home Assistant: a device-based MQTT discovery payload (pure).

``map_device(info, ha_topics)`` returns the retained ``homeassistant/device/<id>/config`` payload (or, with
``legacy``, one ``homeassistant/<platform>/genie_<id>/<key>/config`` per component), and for every command
topic it announces the function that turns Home Assistant's payload into our directives. Home Assistant reads
our own topics: availability from ``genie/dev/<id>/status`` (and the hub's status), state from the retained
``genie/dev/<id>/state`` snapshot, both through value templates. The exceptions are the vacuum, whose MQTT
state must be Home Assistant's own JSON (the bridge mirrors it on ``genie/ha/<id>/vacuum/state``), and a
colour light's colour mode (``genie/ha/<id>/light/color_mode/state``). docs/interop.md has the table of every
mapping.

Each category's main component is built in ``hub.interop.ha_platforms``, with the pieces of
``hub.interop.ha_builder``; every property left over is mapped here, by its type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hub.interop.ha_builder import (
    Builder,
    Command,
    CommandError,
    HaTopics,
    Mirror,
    on_off_template,
    slug,
    value_template,
)
from hub.interop.ha_platforms import PRIMARY
from hub.protocol import DeviceInfo, DeviceTopic, PropertySpec
from hub.protocol.vocabulary import set_action_for

__all__ = ["Command", "CommandError", "DeviceMapping", "HaTopics", "Mirror", "map_device"]

SENSOR_CLASSES: dict[str, tuple[str, str]] = {
    "temperature": ("temperature", "°C"),
    "currentTemperature": ("temperature", "°C"),
    "humidity": ("humidity", "%"),
    "currentHumidity": ("humidity", "%"),
    "pm2.5": ("pm25", "\u00b5g/m\u00b3"),  # the micro sign: releases up to 2025.x refuse the Greek mu U+03BC
    "battery": ("battery", "%"),
    "power": ("power", "W"),
}
"""Our read-only readings -> Home Assistant sensor device class and unit."""

ON_OFF_ACTIONS = {"powerstate": ("TurnOn", "TurnOff"), "mute": ("SetMute", "CancelMute"),
                  "swing": ("OpenSwing", "CloseSwing")}
"""Two-valued properties and the actions that set them."""

LABELS = {"pm2.5": "PM2.5", "currentTemperature": "Temperature", "currentHumidity": "Humidity",
          "colorTemperature": "Color temperature", "windspeed": "Wind speed"}


@dataclass
class DeviceMapping:
    """One device as Home Assistant sees it."""

    device_id: str
    discovery_topic: str
    config: dict[str, Any]
    commands: dict[str, Command] = field(default_factory=dict)
    """Command topic -> translation into directives."""
    mirrors: dict[str, Mirror] = field(default_factory=dict)
    """Bridge-owned state topic -> its payload from our state (the vacuum's, a colour light's mode)."""
    component_topics: dict[str, str] = field(default_factory=dict)
    """Component key -> its per-component discovery topic; empty for device-based discovery."""

    def payload(self) -> bytes:
        """The device-based discovery payload as compact UTF-8 JSON."""
        return _json(self.config)

    def messages(self) -> dict[str, bytes]:
        """Every retained discovery message: the device-based one, or one per component (legacy): the
        component's options over the shared ones (device, origin, availability, qos), without ``platform``."""
        if not self.component_topics:
            return {self.discovery_topic: self.payload()}
        shared = {k: v for k, v in self.config.items() if k != "components"}
        return {self.component_topics[key]: _json(shared | {k: v for k, v in component.items() if k != "platform"})
                for key, component in self.config["components"].items()}


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _label(name: str) -> str:
    return LABELS.get(name, name[:1].upper() + name[1:])


def _sensor(b: Builder, spec: PropertySpec) -> None:
    cfg: dict[str, Any] = {"state_topic": b.state_topic, "value_template": value_template(spec.name)}
    if spec.data_type in ("int", "float"):
        device_class, unit = SENSOR_CLASSES.get(spec.name, (None, spec.unit))
        cfg |= {"state_class": "measurement", "unit_of_measurement": unit or spec.unit}
        if device_class:
            cfg["device_class"] = device_class
        if spec.data_type == "float":
            cfg["suggested_display_precision"] = 1
    elif spec.data_type == "enum":
        cfg |= {"device_class": "enum", "options": list(spec.enum_values)}
    b.add(slug(spec.name), "sensor", {k: v for k, v in cfg.items() if v is not None}, _label(spec.name))


def _leftovers(b: Builder) -> None:
    for spec in b.info.property_specs:
        if spec.name in b.claimed:
            continue
        on_off = ON_OFF_ACTIONS.get(spec.name)
        setter = set_action_for(spec.name)
        if spec.writable and on_off is not None and b.can(*on_off):
            attribute = "powerstate" if spec.name == "powerstate" else None
            b.add(slug(spec.name), "switch", {
                "command_topic": b.command(slug(spec.name), None, b.on_off(*on_off, attribute)),
                "state_topic": b.state_topic, "value_template": on_off_template(spec.name),
                "payload_on": "ON", "payload_off": "OFF",
            }, None if spec.name == "powerstate" else _label(spec.name))
        elif spec.writable and spec.data_type in ("int", "float") and setter and b.can(setter):
            cfg = {"command_topic": b.command(slug(spec.name), None, b.setter(spec)),
                   "state_topic": b.state_topic, "value_template": value_template(spec.name),
                   "min": spec.min, "max": spec.max, "step": spec.step or 1,
                   "mode": "slider" if (spec.max or 0) - (spec.min or 0) <= 100 else "box",
                   "unit_of_measurement": spec.unit}
            b.add(slug(spec.name), "number", {k: v for k, v in cfg.items() if v is not None}, _label(spec.name))
        else:
            _sensor(b, spec)
        b.claim(spec.name)


# ---------------------------------------------------------------------- the device


def map_device(info: DeviceInfo, ha: HaTopics, *, lang: str = "en", version: str = "",
               legacy: bool = False) -> DeviceMapping:
    """The discovery payload of one device, and the translation of each command topic it announces.

    ``legacy``: for Home Assistant before 2025.2 — one discovery message per component (the only kind read
    before 2024.11), ``object_id``, and colour temperature in mireds."""
    b = Builder(info, ha, legacy=legacy)
    primary = PRIMARY.get(info.device_type)
    if primary is not None:
        primary(b)
    _leftovers(b)
    device: dict[str, Any] = {
        "identifiers": [f"genie_{info.device_id}"],
        "name": info.names.display(lang) or info.device_name,
        "manufacturer": info.brand,
        "model": info.model,
        "sw_version": info.firmware,
    }
    area = info.zone_names.display(lang) or info.zone
    if area:
        device["suggested_area"] = area
    status = "{{ value_json.payload.status }}"
    config: dict[str, Any] = {
        "device": device,
        "origin": {"name": "Genie Sim", "sw_version": version} if version else {"name": "Genie Sim"},
        "availability": [
            {"topic": ha.topics.device(info.device_id, DeviceTopic.STATUS), "value_template": status},
            {"topic": ha.topics.hub_status, "value_template": status},
        ],
        "availability_mode": "all",
        "qos": 1,
        "components": b.components,
    }
    topics = {key: ha.component_discovery(c["platform"], info.device_id, key) for key, c in b.components.items()}
    return DeviceMapping(info.device_id, ha.discovery(info.device_id), config, b.commands, b.mirrors,
                         topics if legacy else {})
