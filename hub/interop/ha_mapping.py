"""What one of our devices looks like to Home Assistant: a device-based MQTT discovery payload (pure).

``map_device(info, ha_topics)`` returns the retained ``homeassistant/device/<id>/config`` payload, and
for every command topic it announces the function that turns Home Assistant's payload into our
directives. Home Assistant reads our own topics: availability from ``genie/dev/<id>/status`` (and the
hub's status), state from the retained ``genie/dev/<id>/state`` snapshot, both through value templates.
The one exception is the vacuum, whose MQTT state must be Home Assistant's own JSON: the bridge mirrors
it on ``genie/ha/<id>/vacuum/state``. docs/interop.md has the table of every mapping.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.protocol import DeviceInfo, DeviceTopic, PropertySpec, PropertyValue, Request, Topics
from hub.protocol.vocabulary import set_action_for

Command = Callable[[str, Mapping[str, PropertyValue]], list[Request]]
"""Home Assistant's command payload and the device's current state -> our directives, in order."""

Mirror = Callable[[Mapping[str, PropertyValue]], bytes]
"""The device's state -> the payload of a bridge-owned state topic."""

HVAC_MODES = {"cold": "cool", "cool": "cool", "heat": "heat", "auto": "auto", "airsupply": "fan_only",
              "ventilate": "fan_only", "dehumidification": "dry"}
"""AliGenie AC modes -> Home Assistant HVAC modes (the rest become climate presets)."""

VACUUM_STATES = {"docked": "docked", "cleaning": "cleaning", "paused": "paused", "returning": "returning"}

SENSOR_CLASSES: dict[str, tuple[str, str]] = {
    "temperature": ("temperature", "°C"),
    "currentTemperature": ("temperature", "°C"),
    "humidity": ("humidity", "%"),
    "currentHumidity": ("humidity", "%"),
    "pm2.5": ("pm25", "\u03bcg/m\u00b3"),  # Home Assistant's constant spells micro with the Greek mu
    "battery": ("battery", "%"),
    "power": ("power", "W"),
}
"""Our read-only readings -> Home Assistant sensor device class and unit."""

ON_OFF_ACTIONS = {"powerstate": ("TurnOn", "TurnOff"), "mute": ("SetMute", "CancelMute"),
                  "swing": ("OpenSwing", "CloseSwing")}
"""Two-valued properties and the actions that set them."""

LABELS = {"pm2.5": "PM2.5", "currentTemperature": "Temperature", "currentHumidity": "Humidity",
          "colorTemperature": "Color temperature", "windspeed": "Wind speed"}

FAN_MODE_NAMES = {2: ["low", "high"], 3: ["low", "medium", "high"], 4: ["low", "medium", "high", "max"]}

LOCK_CODE_FORMAT = r"^\d{3,12}$"
"""The spoken unlock codes the hub understands are 3-12 digits."""


_NO_SPEC = PropertySpec(name="none", data_type="text")


class CommandError(ValueError):
    """A Home Assistant command payload this device cannot take; the message says why."""


@dataclass(frozen=True)
class HaTopics:
    """Topic names of the bridge: Home Assistant's discovery prefix and our command prefix."""

    topics: Topics = field(default_factory=Topics)
    discovery_prefix: str = "homeassistant"

    @property
    def bridge(self) -> str:
        return f"{self.topics.prefix}/ha"

    @property
    def birth(self) -> str:
        """Home Assistant's own status (birth ``online``, will ``offline``)."""
        return f"{self.discovery_prefix}/status"

    @property
    def command_filters(self) -> tuple[str, str]:
        return f"{self.bridge}/+/+/set", f"{self.bridge}/+/+/+/set"

    def discovery(self, device_id: str) -> str:
        return f"{self.discovery_prefix}/device/{device_id}/config"

    def command(self, device_id: str, key: str, feature: str | None = None) -> str:
        middle = f"{key}/{feature}" if feature else key
        return f"{self.bridge}/{device_id}/{middle}/set"

    def mirror(self, device_id: str, key: str) -> str:
        return f"{self.bridge}/{device_id}/{key}/state"


@dataclass
class DeviceMapping:
    """One device as Home Assistant sees it."""

    device_id: str
    discovery_topic: str
    config: dict[str, Any]
    commands: dict[str, Command] = field(default_factory=dict)
    """Command topic -> translation into directives."""
    mirrors: dict[str, Mirror] = field(default_factory=dict)
    """Bridge-owned state topic -> its payload from our state (the vacuum's)."""

    def payload(self) -> bytes:
        return json.dumps(self.config, ensure_ascii=False, separators=(",", ":")).encode()


def prop(name: str) -> str:
    """Jinja expression: the value of property ``name`` in our state snapshot."""
    return f"(value_json.payload.properties | selectattr('name', 'equalto', {name!r}) | map(attribute='value') | first)"


def _tpl(expression: str) -> str:
    """A Jinja template printing ``expression``."""
    return "{{ " + expression + " }}"


def _value(name: str) -> str:
    """A Jinja template printing property ``name``."""
    return _tpl(prop(name))


def _same(values: list[str]) -> dict[str, str]:
    return {v: v for v in values}


def _on_off_template(name: str, on: str = "ON", off: str = "OFF") -> str:
    return f"{{{{ {on!r} if {prop(name)} in ['on', true] else {off!r} }}}}"


def _slug(text: str) -> str:
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


class _Builder:
    """Collects the components and command translations of one device."""

    def __init__(self, info: DeviceInfo, ha: HaTopics) -> None:
        self.info = info
        self.id = info.device_id
        self.ha = ha
        self.state_topic = ha.topics.device(self.id, DeviceTopic.STATE)
        self.components: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, Command] = {}
        self.mirrors: dict[str, Mirror] = {}
        self.claimed: set[str] = set()

    def spec(self, name: str) -> PropertySpec | None:
        return self.info.spec(name)

    def can(self, *actions: str) -> bool:
        return all(a in self.info.actions for a in actions)

    def claim(self, *names: str) -> None:
        self.claimed.update(names)

    def request(self, action: str, attribute: str | None = None, value: PropertyValue | None = None) -> Request:
        return Request.control(self.id, action, attribute, value, self.info.device_type)

    def command(self, key: str, feature: str | None, translate: Command) -> str:
        topic = self.ha.command(self.id, key, feature)
        self.commands[topic] = translate
        return topic

    def add(self, key: str, platform: str, config: dict[str, Any], name: str | None = None) -> None:
        self.components[key] = {
            "platform": platform,
            "unique_id": f"genie_{_slug(self.id)}_{key}",
            "object_id": f"genie_{_slug(self.id)}_{key}",
            "name": name,
            **config,
        }

    # ------------------------------------------------------------------ translations
    def on_off(self, on_action: str, off_action: str, attribute: str | None = None) -> Command:
        def translate(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            word = payload.strip().upper()
            if word == "ON":
                return [self.request(on_action, attribute, "on" if attribute == "powerstate" else None)]
            if word == "OFF":
                return [self.request(off_action, attribute, "off" if attribute == "powerstate" else None)]
            raise CommandError(f"expected ON or OFF, got {payload!r}")
        return translate

    def setter(self, spec: PropertySpec, *, zero_turns_off: bool = False) -> Command:
        action = set_action_for(spec.name) or ""

        def translate(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            value = _number(payload)
            if zero_turns_off and value <= 0:
                return [self.request("TurnOff", "powerstate", "off")]
            return [self.request(action, spec.name, _fit(spec, value))]
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


# ---------------------------------------------------------------------- platforms


def _light(b: _Builder) -> None:
    st = b.state_topic
    cfg: dict[str, Any] = {
        "schema": "default",
        "command_topic": b.command("light", None, b.on_off("TurnOn", "TurnOff", "powerstate")),
        "state_topic": st, "state_value_template": _on_off_template("powerstate"),
        "payload_on": "ON", "payload_off": "OFF",
    }
    b.claim("powerstate")
    brightness = b.spec("brightness")
    if brightness is not None and b.can("SetBrightness"):
        b.claim("brightness")
        cfg |= {"brightness_command_topic": b.command("light", "brightness", b.setter(brightness, zero_turns_off=True)),
                "brightness_state_topic": st, "brightness_value_template": _value('brightness'),
                "brightness_scale": int(brightness.max or 100)}
    if b.spec("color") is not None and b.can("SetColor"):
        b.claim("color")

        def rgb(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            try:
                red, green, blue = (int(float(part)) for part in payload.split(","))
            except ValueError:
                raise CommandError(f"expected R,G,B, got {payload!r}") from None
            if not all(0 <= c <= 255 for c in (red, green, blue)):
                raise CommandError(f"colour components must be 0-255, got {payload!r}")
            return [b.request("SetColor", "color", f"#{red:02X}{green:02X}{blue:02X}")]
        c = prop("color")
        cfg |= {"rgb_command_topic": b.command("light", "rgb", rgb), "rgb_state_topic": st,
                "rgb_value_template": f"{{% set c = {c} %}}{{{{ c[1:3] | int(0, 16) }}}},"
                                      "{{ c[3:5] | int(0, 16) }},{{ c[5:7] | int(0, 16) }}"}
    temperature = b.spec("colorTemperature")
    if temperature is not None and b.can("SetColorTemperature"):
        b.claim("colorTemperature")
        cfg |= {"color_temp_command_topic": b.command("light", "color_temp", b.setter(temperature)),
                "color_temp_state_topic": st, "color_temp_value_template": _value('colorTemperature'),
                "color_temp_kelvin": True, "min_kelvin": int(temperature.min or 2000),
                "max_kelvin": int(temperature.max or 6535)}
    b.add("light", "light", cfg)


def _power_switch(b: _Builder, key: str, device_class: str | None = None) -> None:
    cfg: dict[str, Any] = {
        "command_topic": b.command(key, None, b.on_off("TurnOn", "TurnOff", "powerstate")),
        "state_topic": b.state_topic, "value_template": _on_off_template("powerstate"),
        "payload_on": "ON", "payload_off": "OFF",
    }
    if device_class:
        cfg["device_class"] = device_class
    b.claim("powerstate")
    b.add(key, "switch", cfg)


def _cover(b: _Builder) -> None:
    def move(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
        word = payload.strip().upper()
        if word == "OPEN":
            return [b.request("TurnOn", "powerstate", "on")]
        if word == "CLOSE":
            return [b.request("TurnOff", "powerstate", "off")]
        if word == "STOP" and b.can("Pause"):
            return [b.request("Pause")]
        raise CommandError(f"expected OPEN, CLOSE or STOP, got {payload!r}")

    position = b.spec("position")
    shut = f"({prop('position')} == 0)" if position is not None else f"({prop('powerstate')} == 'off')"
    cfg: dict[str, Any] = {
        "device_class": "curtain",
        "command_topic": b.command("cover", None, move),
        "payload_open": "OPEN", "payload_close": "CLOSE", "payload_stop": "STOP" if b.can("Pause") else None,
        "state_topic": b.state_topic,
        "value_template": f"{{% set m = {prop('motion')} %}}{{{{ m if m in ['opening', 'closing'] else "
                          f"('closed' if {shut} else 'open') }}}}",
    }
    b.claim("powerstate", "motion")
    if position is not None and b.can("SetPosition"):
        b.claim("position")
        cfg |= {"position_topic": b.state_topic, "position_template": _value('position'),
                "set_position_topic": b.command("cover", "position", b.setter(position)),
                "position_open": 100, "position_closed": 0}
    b.add("cover", "cover", cfg)


def _temperature_target(b: _Builder, key: str, cfg: dict[str, Any]) -> None:
    """Target and current temperature of a climate or water heater component."""
    target = b.spec("temperature")
    if target is not None and b.can("SetTemperature"):
        b.claim("temperature")
        cfg |= {"temperature_command_topic": b.command(key, "temperature", b.setter(target)),
                "temperature_state_topic": b.state_topic,
                "temperature_state_template": _value('temperature'),
                "min_temp": target.min, "max_temp": target.max,
                "precision": 1.0 if target.data_type == "int" else 0.1}
    if b.spec("currentTemperature") is not None:
        b.claim("currentTemperature")
        cfg |= {"current_temperature_topic": b.state_topic,
                "current_temperature_template": _value('currentTemperature')}


def _mode_command(b: _Builder, to_ours: Mapping[str, str | None]) -> Command:
    """A Home Assistant mode -> TurnOff, or TurnOn (when off) and SetMode to ours (None: just on)."""
    def translate(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
        mode = payload.strip()
        if mode == "off":
            return [b.request("TurnOff", "powerstate", "off")]
        if mode not in to_ours:
            raise CommandError(f"expected one of off, {', '.join(to_ours)}, got {payload!r}")
        requests = [] if state.get("powerstate") == "on" else [b.request("TurnOn", "powerstate", "on")]
        ours = to_ours[mode]
        if ours is not None:
            requests.append(b.request("SetMode", "mode", ours))
        return requests
    return translate


def _climate(b: _Builder) -> None:
    mode = b.spec("mode") if b.can("SetMode") else None
    to_ours: dict[str, str | None] = {}
    presets: list[str] = []
    if mode is not None:
        b.claim("mode")
        for value in mode.enum_values:
            if value in HVAC_MODES:
                to_ours.setdefault(HVAC_MODES[value], value)
            else:
                presets.append(value)
        to_ha = {ours: ha for ha, ours in to_ours.items()}
        ha_mode = f"{to_ha!r}.get({prop('mode')}, 'auto')"
    else:
        only = "heat" if b.info.device_type in ("heater", "waterheater") else "auto"
        to_ours[only] = None
        ha_mode = repr(only)
    cfg: dict[str, Any] = {
        "modes": ["off", *to_ours],
        "mode_command_topic": b.command("climate", "mode", _mode_command(b, to_ours)),
        "mode_state_topic": b.state_topic,
        "mode_state_template": f"{{{{ {ha_mode} if {prop('powerstate')} == 'on' else 'off' }}}}",
        "power_command_topic": b.command("climate", "power", b.on_off("TurnOn", "TurnOff", "powerstate")),
        "payload_on": "ON", "payload_off": "OFF", "temperature_unit": "C",
    }
    b.claim("powerstate")
    _temperature_target(b, "climate", cfg)
    if "temperature_command_topic" in cfg:
        cfg["temp_step"] = (b.spec("temperature") or _NO_SPEC).step or 1
    speed = b.spec("windspeed")
    if speed is not None and b.can("SetWindSpeed") and speed.min is not None and speed.max is not None:
        b.claim("windspeed")
        levels = list(range(int(speed.min), int(speed.max) + 1))
        names = FAN_MODE_NAMES.get(len(levels), [str(n) for n in levels])
        level_names = dict(zip(levels, names, strict=True))
        by_name = {n: str(level) for level, n in level_names.items()}
        cfg |= {"fan_modes": names,
                "fan_mode_command_topic": b.command("climate", "fan_mode", b.choice(speed, by_name)),
                "fan_mode_state_topic": b.state_topic,
                "fan_mode_state_template": _tpl(f"{level_names!r}.get({prop('windspeed')}, '')")}
    if presets and mode is not None:
        chosen = f"{{% set m = {prop('mode')} %}}"
        cfg |= {"preset_modes": presets,
                "preset_mode_command_topic": b.command("climate", "preset", b.choice(mode, _same(presets))),
                "preset_mode_state_topic": b.state_topic,
                "preset_mode_value_template": chosen + _tpl(f"m if m in {presets!r} else 'none'")}
    b.add("climate", "climate", cfg)


def _water_heater(b: _Builder) -> None:
    cfg: dict[str, Any] = {
        "modes": ["off", "electric"],
        "mode_command_topic": b.command("water_heater", "mode", _mode_command(b, {"electric": None})),
        "mode_state_topic": b.state_topic,
        "mode_state_template": f"{{{{ 'electric' if {prop('powerstate')} == 'on' else 'off' }}}}",
        "power_command_topic": b.command("water_heater", "power", b.on_off("TurnOn", "TurnOff", "powerstate")),
        "payload_on": "ON", "payload_off": "OFF", "temperature_unit": "C",
    }
    b.claim("powerstate")
    _temperature_target(b, "water_heater", cfg)
    b.add("water_heater", "water_heater", cfg)


def _fan(b: _Builder) -> None:
    st = b.state_topic
    cfg: dict[str, Any] = {
        "command_topic": b.command("fan", None, b.on_off("TurnOn", "TurnOff", "powerstate")),
        "state_topic": st, "state_value_template": _on_off_template("powerstate"),
        "payload_on": "ON", "payload_off": "OFF",
    }
    b.claim("powerstate")
    speed = b.spec("windspeed")
    if speed is not None and b.can("SetWindSpeed") and speed.min is not None and speed.max is not None:
        b.claim("windspeed")
        cfg |= {"percentage_command_topic": b.command("fan", "percentage", b.setter(speed, zero_turns_off=True)),
                "percentage_state_topic": st, "percentage_value_template": _value('windspeed'),
                "speed_range_min": int(speed.min), "speed_range_max": int(speed.max)}
    mode = b.spec("mode")
    if mode is not None and b.can("SetMode"):
        b.claim("mode")
        cfg |= {"preset_modes": list(mode.enum_values),
                "preset_mode_command_topic": b.command("fan", "preset", b.choice(mode, _same(mode.enum_values))),
                "preset_mode_state_topic": st, "preset_mode_value_template": _value('mode')}
    if b.spec("swing") is not None and b.can("OpenSwing", "CloseSwing"):
        b.claim("swing")

        def swing(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            word = payload.strip()
            if word in ("oscillate_on", "oscillate_off"):
                return [b.request("OpenSwing" if word == "oscillate_on" else "CloseSwing")]
            raise CommandError(f"expected oscillate_on or oscillate_off, got {payload!r}")
        cfg |= {"oscillation_command_topic": b.command("fan", "oscillation", swing), "oscillation_state_topic": st,
                "oscillation_value_template": _on_off_template("swing", "oscillate_on", "oscillate_off"),
                "payload_oscillation_on": "oscillate_on", "payload_oscillation_off": "oscillate_off"}
    b.add("fan", "fan", cfg)


def _humidifier(b: _Builder) -> None:
    target = b.spec("humidity")
    if target is None or not b.can("SetHumidity"):
        _power_switch(b, "switch")
        return
    st = b.state_topic
    cfg: dict[str, Any] = {
        "device_class": "humidifier",
        "command_topic": b.command("humidifier", None, b.on_off("TurnOn", "TurnOff", "powerstate")),
        "state_topic": st, "state_value_template": _on_off_template("powerstate"),
        "payload_on": "ON", "payload_off": "OFF",
        "target_humidity_command_topic": b.command("humidifier", "target", b.setter(target)),
        "target_humidity_state_topic": st, "target_humidity_state_template": _value('humidity'),
        "min_humidity": target.min, "max_humidity": target.max,
    }
    b.claim("powerstate", "humidity")
    mode = b.spec("mode")
    if mode is not None and b.can("SetMode"):
        b.claim("mode")
        cfg |= {"modes": list(mode.enum_values),
                "mode_command_topic": b.command("humidifier", "mode", b.choice(mode, _same(mode.enum_values))),
                "mode_state_topic": st, "mode_state_template": _value('mode')}
    if b.spec("currentHumidity") is not None:
        b.claim("currentHumidity")
        cfg |= {"current_humidity_topic": st, "current_humidity_template": _value('currentHumidity')}
    b.add("humidifier", "humidifier", cfg)


def _lock(b: _Builder) -> None:
    def translate(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
        try:
            data = json.loads(payload)
        except ValueError:
            data = {"action": payload}
        if not isinstance(data, dict):
            data = {"action": str(data)}
        action, code = str(data.get("action", "")).strip().upper(), data.get("code")
        if action == "LOCK":
            return [b.request("Lock")]
        if action == "UNLOCK":
            code = None if code in (None, "", "None") else str(code)
            return [b.request("Unlock", "code" if code else None, code)]
        raise CommandError(f"expected LOCK or UNLOCK, got {payload!r}")

    cfg: dict[str, Any] = {
        "command_topic": b.command("lock", None, translate),
        "command_template": '{"action": "{{ value }}", "code": "{{ code }}"}',
        "payload_lock": "LOCK", "payload_unlock": "UNLOCK", "code_format": LOCK_CODE_FORMAT,
        "state_topic": b.state_topic,
        "value_template": f"{{{{ 'LOCKED' if {prop('lockstate')} == 'locked' else 'UNLOCKED' }}}}",
        "state_locked": "LOCKED", "state_unlocked": "UNLOCKED",
    }
    b.claim("lockstate")
    b.add("lock", "lock", cfg)


def _vacuum(b: _Builder) -> None:
    verbs = {"start": "TurnOn", "pause": "Pause", "stop": "Pause", "return_to_base": "TurnOff"}
    features = {"start": "start", "pause": "pause", "stop": "stop", "return_to_base": "return_home"}
    usable = {word: action for word, action in verbs.items() if b.can(action)}

    def command(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
        action = usable.get(payload.strip())
        if action is None:
            raise CommandError(f"expected one of {', '.join(usable)}, got {payload!r}")
        return [b.request(action, "powerstate" if action.startswith("Turn") else None,
                          {"TurnOn": "on", "TurnOff": "off"}.get(action))]

    mirror_topic = b.ha.mirror(b.id, "vacuum")
    cfg: dict[str, Any] = {
        "command_topic": b.command("vacuum", None, command),
        "payload_start": "start", "payload_pause": "pause", "payload_stop": "stop",
        "payload_return_to_base": "return_to_base",
        "state_topic": mirror_topic,
        "supported_features": [features[word] for word in usable] + ["status"],
    }
    b.claim("powerstate", "status")
    mode = b.spec("mode")
    if mode is not None and b.can("SetMode"):
        b.claim("mode")
        cfg["supported_features"].append("fan_speed")
        cfg |= {"fan_speed_list": list(mode.enum_values),
                "set_fan_speed_topic": b.command("vacuum", "fan_speed",
                                                 b.choice(mode, _same(mode.enum_values)))}

    def mirror(state: Mapping[str, PropertyValue]) -> bytes:
        body: dict[str, Any] = {"state": VACUUM_STATES.get(str(state.get("status")), "idle")}
        if "mode" in state:
            body["fan_speed"] = state["mode"]
        if isinstance(state.get("battery"), int | float) and not isinstance(state.get("battery"), bool):
            body["battery_level"] = state["battery"]
        return json.dumps(body, separators=(",", ":")).encode()

    b.mirrors[mirror_topic] = mirror
    b.add("vacuum", "vacuum", cfg)


PRIMARY: dict[str, Callable[[_Builder], None]] = {
    "light": _light,
    "switch": lambda b: _power_switch(b, "switch", "switch"),
    "outlet": lambda b: _power_switch(b, "switch", "outlet"),
    "television": lambda b: _power_switch(b, "power", "switch"),
    "curtain": _cover,
    "aircondition": _climate,
    "heater": _climate,
    "waterheater": _water_heater,
    "fan": _fan,
    "airpurifier": _fan,
    "humidifier": _humidifier,
    "fingerprintlock": _lock,
    "roboticvacuum": _vacuum,
}
"""The main Home Assistant component of each category; every property left over is mapped by type."""


# ---------------------------------------------------------------------- leftovers


def _label(name: str) -> str:
    return LABELS.get(name, name[:1].upper() + name[1:])


def _sensor(b: _Builder, spec: PropertySpec) -> None:
    cfg: dict[str, Any] = {"state_topic": b.state_topic, "value_template": _value(spec.name)}
    if spec.data_type in ("int", "float"):
        device_class, unit = SENSOR_CLASSES.get(spec.name, (None, spec.unit))
        cfg |= {"state_class": "measurement", "unit_of_measurement": unit or spec.unit}
        if device_class:
            cfg["device_class"] = device_class
        if spec.data_type == "float":
            cfg["suggested_display_precision"] = 1
    elif spec.data_type == "enum":
        cfg |= {"device_class": "enum", "options": list(spec.enum_values)}
    b.add(_slug(spec.name), "sensor", {k: v for k, v in cfg.items() if v is not None}, _label(spec.name))


def _leftovers(b: _Builder) -> None:
    for spec in b.info.property_specs:
        if spec.name in b.claimed:
            continue
        on_off = ON_OFF_ACTIONS.get(spec.name)
        setter = set_action_for(spec.name)
        if spec.writable and on_off is not None and b.can(*on_off):
            attribute = "powerstate" if spec.name == "powerstate" else None
            b.add(_slug(spec.name), "switch", {
                "command_topic": b.command(_slug(spec.name), None, b.on_off(*on_off, attribute)),
                "state_topic": b.state_topic, "value_template": _on_off_template(spec.name),
                "payload_on": "ON", "payload_off": "OFF",
            }, None if spec.name == "powerstate" else _label(spec.name))
        elif spec.writable and spec.data_type in ("int", "float") and setter and b.can(setter):
            cfg = {"command_topic": b.command(_slug(spec.name), None, b.setter(spec)),
                   "state_topic": b.state_topic, "value_template": _value(spec.name),
                   "min": spec.min, "max": spec.max, "step": spec.step or 1,
                   "mode": "slider" if (spec.max or 0) - (spec.min or 0) <= 100 else "box",
                   "unit_of_measurement": spec.unit}
            b.add(_slug(spec.name), "number", {k: v for k, v in cfg.items() if v is not None}, _label(spec.name))
        else:
            _sensor(b, spec)
        b.claim(spec.name)


# ---------------------------------------------------------------------- the device


def map_device(info: DeviceInfo, ha: HaTopics, *, lang: str = "en", version: str = "") -> DeviceMapping:
    """The discovery payload of one device, and the translation of each command topic it announces."""
    b = _Builder(info, ha)
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
    return DeviceMapping(info.device_id, ha.discovery(info.device_id), config, b.commands, b.mirrors)
