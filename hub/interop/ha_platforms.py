"""Each category's main Home Assistant component: a light, a cover, a climate, a vacuum...

``PRIMARY`` maps an AliGenie device type to the function that adds its component to a ``Builder``; every
property it does not claim is mapped by type afterwards (``hub.interop.ha_mapping``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from hub.interop.ha_builder import (
    Builder,
    Command,
    CommandError,
    on_off_template,
    prop,
    same,
    template,
    value_template,
)
from hub.protocol import PropertySpec, PropertyValue, Request

HVAC_MODES = {"cold": "cool", "cool": "cool", "heat": "heat", "auto": "auto", "airsupply": "fan_only",
              "ventilate": "fan_only", "dehumidification": "dry"}
"""AliGenie AC modes -> Home Assistant HVAC modes (the rest become climate presets)."""

VACUUM_STATES = {"docked": "docked", "cleaning": "cleaning", "paused": "paused", "returning": "returning"}
"""Our vacuum statuses Home Assistant has too (any other is ``idle``)."""

FAN_MODE_NAMES = {2: ["low", "high"], 3: ["low", "medium", "high"], 4: ["low", "medium", "high", "max"]}
"""Home Assistant fan mode names for a wind speed of 2, 3 or 4 levels."""

LOCK_CODE_FORMAT = r"^(\d{3,12})?$"
"""The unlock codes the hub understands are 3-12 digits; none at all is allowed too, because Home Assistant
checks ``code_format`` on ``lock.lock`` as well (with an empty code when none is typed)."""


_NO_SPEC = PropertySpec(name="none", data_type="text")


def _light(b: Builder) -> None:
    st = b.state_topic
    cfg: dict[str, Any] = {  # no "schema": basic is the default, and "default" is refused
        "command_topic": b.command("light", None, b.on_off("TurnOn", "TurnOff", "powerstate")),
        "state_topic": st, "state_value_template": on_off_template("powerstate"),
        "payload_on": "ON", "payload_off": "OFF",
    }
    b.claim("powerstate")
    brightness = b.spec("brightness")
    if brightness is not None and b.can("SetBrightness"):
        b.claim("brightness")
        cfg |= {"brightness_command_topic": b.command("light", "brightness", b.setter(brightness, zero_turns_off=True)),
                "brightness_state_topic": st, "brightness_value_template": value_template('brightness'),
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
        cfg |= {"color_temp_command_topic": b.command("light", "color_temp", b.kelvin(temperature)),
                "color_temp_state_topic": st}
        warm, cold = int(temperature.min or 2000), int(temperature.max or 6535)
        if b.legacy:  # releases before 2025.2 have no color_temp_kelvin: mireds both ways
            cfg |= {"color_temp_value_template": template(f"(1000000 / {prop('colorTemperature')}) | round | int"),
                    "min_mireds": round(1_000_000 / cold), "max_mireds": round(1_000_000 / warm)}
        else:
            cfg |= {"color_temp_value_template": value_template('colorTemperature'),
                    "color_temp_kelvin": True, "min_kelvin": warm, "max_kelvin": cold}
    if "rgb_command_topic" in cfg and "color_temp_command_topic" in cfg:
        # Without a colour mode topic Home Assistant takes the mode of whichever value it read last: with both
        # in one snapshot, always colour temperature. The bridge says which of the two changed last.
        mode_topic = b.ha.mirror(b.id, "light/color_mode")
        b.mirrors[mode_topic] = ColourMode()
        cfg["color_mode_state_topic"] = mode_topic
    b.add("light", "light", cfg)


class ColourMode:
    """The mirror of a light's colour mode: ``rgb`` or ``color_temp``, whichever of ``color`` and
    ``colorTemperature`` changed last (at first, or when both change at once: ``color_temp`` for white)."""

    def __init__(self) -> None:
        self._seen: tuple[PropertyValue | None, PropertyValue | None] | None = None
        self._mode = b"color_temp"

    def __call__(self, state: Mapping[str, PropertyValue]) -> bytes:
        """The colour mode after ``state`` (each call remembers the values it saw)."""
        now = (state.get("color"), state.get("colorTemperature"))
        seen, self._seen = self._seen, now
        colour_changed = seen is None or now[0] != seen[0]
        temperature_changed = seen is None or now[1] != seen[1]
        if colour_changed and temperature_changed:
            self._mode = b"color_temp" if str(now[0]).upper() == "#FFFFFF" else b"rgb"
        elif colour_changed:
            self._mode = b"rgb"
        elif temperature_changed:
            self._mode = b"color_temp"
        return self._mode


def _power_switch(b: Builder, key: str, device_class: str | None = None) -> None:
    cfg: dict[str, Any] = {
        "command_topic": b.command(key, None, b.on_off("TurnOn", "TurnOff", "powerstate")),
        "state_topic": b.state_topic, "value_template": on_off_template("powerstate"),
        "payload_on": "ON", "payload_off": "OFF",
    }
    if device_class:
        cfg["device_class"] = device_class
    b.claim("powerstate")
    b.add(key, "switch", cfg)


def _cover(b: Builder) -> None:
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
        cfg |= {"position_topic": b.state_topic, "position_template": value_template('position'),
                "set_position_topic": b.command("cover", "position", b.setter(position)),
                "position_open": 100, "position_closed": 0}
    b.add("cover", "cover", cfg)


def _temperature_target(b: Builder, key: str, cfg: dict[str, Any]) -> None:
    """Target and current temperature of a climate or water heater component."""
    target = b.spec("temperature")
    if target is not None and b.can("SetTemperature"):
        b.claim("temperature")
        cfg |= {"temperature_command_topic": b.command(key, "temperature", b.setter(target)),
                "temperature_state_topic": b.state_topic,
                "temperature_state_template": value_template('temperature'),
                "min_temp": target.min, "max_temp": target.max,
                "precision": 1.0 if target.data_type == "int" else 0.1}
    if b.spec("currentTemperature") is not None:
        b.claim("currentTemperature")
        cfg |= {"current_temperature_topic": b.state_topic,
                "current_temperature_template": value_template('currentTemperature')}


def _mode_command(b: Builder, to_ours: Mapping[str, str | None]) -> Command:
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


def _climate(b: Builder) -> None:
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
                "fan_mode_state_template": template(f"{level_names!r}.get({prop('windspeed')}, '')")}
    if presets and mode is not None:
        chosen = f"{{% set m = {prop('mode')} %}}"
        cfg |= {"preset_modes": presets,
                "preset_mode_command_topic": b.command("climate", "preset", b.choice(mode, same(presets))),
                "preset_mode_state_topic": b.state_topic,
                "preset_mode_value_template": chosen + template(f"m if m in {presets!r} else 'none'")}
    b.add("climate", "climate", cfg)


def _water_heater(b: Builder) -> None:
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


def _fan(b: Builder) -> None:
    st = b.state_topic
    cfg: dict[str, Any] = {
        "command_topic": b.command("fan", None, b.on_off("TurnOn", "TurnOff", "powerstate")),
        "state_topic": st, "state_value_template": on_off_template("powerstate"),
        "payload_on": "ON", "payload_off": "OFF",
    }
    b.claim("powerstate")
    speed = b.spec("windspeed")
    if speed is not None and b.can("SetWindSpeed") and speed.min is not None and speed.max is not None:
        b.claim("windspeed")
        cfg |= {"percentage_command_topic": b.command("fan", "percentage", b.setter(speed, zero_turns_off=True)),
                "percentage_state_topic": st, "percentage_value_template": value_template('windspeed'),
                "speed_range_min": int(speed.min), "speed_range_max": int(speed.max)}
    mode = b.spec("mode")
    if mode is not None and b.can("SetMode"):
        b.claim("mode")
        cfg |= {"preset_modes": list(mode.enum_values),
                "preset_mode_command_topic": b.command("fan", "preset", b.choice(mode, same(mode.enum_values))),
                "preset_mode_state_topic": st, "preset_mode_value_template": value_template('mode')}
    if b.spec("swing") is not None and b.can("OpenSwing", "CloseSwing"):
        b.claim("swing")

        def swing(payload: str, state: Mapping[str, PropertyValue]) -> list[Request]:
            word = payload.strip()
            if word in ("oscillate_on", "oscillate_off"):
                return [b.request("OpenSwing" if word == "oscillate_on" else "CloseSwing")]
            raise CommandError(f"expected oscillate_on or oscillate_off, got {payload!r}")
        cfg |= {"oscillation_command_topic": b.command("fan", "oscillation", swing), "oscillation_state_topic": st,
                "oscillation_value_template": on_off_template("swing", "oscillate_on", "oscillate_off"),
                "payload_oscillation_on": "oscillate_on", "payload_oscillation_off": "oscillate_off"}
    b.add("fan", "fan", cfg)


def _humidifier(b: Builder) -> None:
    target = b.spec("humidity")
    if target is None or not b.can("SetHumidity"):
        _power_switch(b, "switch")
        return
    st = b.state_topic
    cfg: dict[str, Any] = {
        "device_class": "humidifier",
        "command_topic": b.command("humidifier", None, b.on_off("TurnOn", "TurnOff", "powerstate")),
        "state_topic": st, "state_value_template": on_off_template("powerstate"),
        "payload_on": "ON", "payload_off": "OFF",
        "target_humidity_command_topic": b.command("humidifier", "target", b.setter(target)),
        "target_humidity_state_topic": st, "target_humidity_state_template": value_template('humidity'),
        "min_humidity": target.min, "max_humidity": target.max,
    }
    b.claim("powerstate", "humidity")
    mode = b.spec("mode")
    if mode is not None and b.can("SetMode"):
        b.claim("mode")
        cfg |= {"modes": list(mode.enum_values),
                "mode_command_topic": b.command("humidifier", "mode", b.choice(mode, same(mode.enum_values))),
                "mode_state_topic": st, "mode_state_template": value_template('mode')}
    if b.spec("currentHumidity") is not None:
        b.claim("currentHumidity")
        cfg |= {"current_humidity_topic": st, "current_humidity_template": value_template('currentHumidity')}
    b.add("humidifier", "humidifier", cfg)


def _lock(b: Builder) -> None:
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


def _vacuum(b: Builder) -> None:
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
                                                 b.choice(mode, same(mode.enum_values)))}

    def mirror(state: Mapping[str, PropertyValue]) -> bytes:
        body: dict[str, Any] = {"state": VACUUM_STATES.get(str(state.get("status")), "idle")}
        if "mode" in state:
            body["fan_speed"] = state["mode"]
        if isinstance(state.get("battery"), int | float) and not isinstance(state.get("battery"), bool):
            body["battery_level"] = state["battery"]
        return json.dumps(body, separators=(",", ":")).encode()

    b.mirrors[mirror_topic] = mirror
    b.add("vacuum", "vacuum", cfg)


PRIMARY: dict[str, Callable[[Builder], None]] = {
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
