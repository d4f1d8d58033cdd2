"""AliGenie vocabulary shared by hub and devices: device types, actions and the property each acts on."""

from __future__ import annotations

from dataclasses import dataclass

DEVICE_TYPES: tuple[str, ...] = (
    "light",
    "switch",
    "outlet",
    "curtain",
    "aircondition",
    "fan",
    "airpurifier",
    "humidifier",
    "heater",
    "waterheater",
    "television",
    "roboticvacuum",
    "fingerprintlock",
    "sensor",
)
"""The categories that behave fully (AliGenie deviceType ids)."""


@dataclass(frozen=True, slots=True)
class ActionKind:
    """What an action does to a property: set it, move it by a step, or something specific."""

    kind: str  # "set" | "up" | "down" | "special"
    attribute: str | None


_SET = {
    "SetBrightness": "brightness",
    "SetColor": "color",
    "SetColorTemperature": "colorTemperature",
    "SetTemperature": "temperature",
    "SetWindSpeed": "windspeed",
    "SetMode": "mode",
    "SetVolume": "volume",
    "SelectChannel": "channel",
    "SetHumidity": "humidity",
    "SetPosition": "position",  # ours: curtain opening 0-100 %
}
_ADJUST = {
    "Brightness": "brightness",
    "ColorTemperature": "colorTemperature",
    "Temperature": "temperature",
    "WindSpeed": "windspeed",
    "Volume": "volume",
    "Channel": "channel",
    "Humidity": "humidity",
    "Position": "position",
}

ACTIONS: dict[str, ActionKind] = {
    **{name: ActionKind("set", attr) for name, attr in _SET.items()},
    **{f"AdjustUp{suffix}": ActionKind("up", attr) for suffix, attr in _ADJUST.items()},
    **{f"AdjustDown{suffix}": ActionKind("down", attr) for suffix, attr in _ADJUST.items()},
    "TurnOn": ActionKind("special", "powerstate"),
    "TurnOff": ActionKind("special", "powerstate"),
    "Pause": ActionKind("special", None),
    "Continue": ActionKind("special", None),
    "SetMute": ActionKind("special", "mute"),
    "CancelMute": ActionKind("special", "mute"),
    "Lock": ActionKind("special", "lockstate"),
    "Unlock": ActionKind("special", "lockstate"),
    "OpenSwing": ActionKind("special", "swing"),
    "CloseSwing": ActionKind("special", "swing"),
    "Reset": ActionKind("special", None),  # ours: back to the home file's initial state
}
"""Every control action a simulated device may list, with the property it changes."""

QUERY_ACTIONS: dict[str, str | None] = {
    "Query": None,
    "QueryPowerState": "powerstate",
    "QueryBrightness": "brightness",
    "QueryColor": "color",
    "QueryTemperature": "temperature",
    "QueryHumidity": "humidity",
    "QueryWindSpeed": "windspeed",
    "QueryMode": "mode",
    "QueryPM25": "pm2.5",
}
"""AliGenie query names and the property each asks for (None: all)."""

DEFAULT_STEPS: dict[str, float] = {
    "brightness": 25,
    "colorTemperature": 500,
    "temperature": 1,
    "windspeed": 1,
    "volume": 10,
    "channel": 1,
    "humidity": 10,
    "position": 25,
}
"""Step of an Adjust* directive that gives no value (AliGenie's brightness step is 25)."""


def set_action_for(attribute: str) -> str | None:
    """The Set* action that sets ``attribute``, if there is one."""
    for name, attr in _SET.items():
        if attr == attribute:
            return name
    return None


def adjust_action_for(attribute: str, up: bool) -> str | None:
    """The AdjustUp*/AdjustDown* action for ``attribute``, if there is one."""
    for suffix, attr in _ADJUST.items():
        if attr == attribute:
            return f"AdjustUp{suffix}" if up else f"AdjustDown{suffix}"
    return None
