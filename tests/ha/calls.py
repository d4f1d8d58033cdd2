"""The service calls and voice commands of the real Home Assistant test: for every platform the bridge announces
(light, switch, number, cover, climate, water heater, fan, humidifier, lock, vacuum) every service Home Assistant
offers for what the device supports, with the device state it must produce and what Home Assistant must show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

State = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One service call on the entity of (device, component key)."""

    device: str
    key: str
    domain: str
    service: str
    data: dict[str, Any]
    moved: Callable[[State], bool]
    """The device's state afterwards (its properties)."""
    shown: Callable[[State], bool]
    """Home Assistant's state object of the entity afterwards."""

    @property
    def what(self) -> str:
        """A description for failure messages."""
        return f"the state {self.domain}.{self.service} {self.data} asks for"


def props(**wanted: Any) -> Callable[[State], bool]:
    """The device has every one of these property values."""
    return lambda s: all(s.get(k) == v for k, v in wanted.items())


def ha(state: str | None = None, **attributes: Any) -> Callable[[State], bool]:
    """Home Assistant shows this state (if given) and these attributes."""
    return lambda s: (state is None or s.get("state") == state) and all(
        s.get("attributes", {}).get(k) == v for k, v in attributes.items())


def near(attribute: str, value: float, tolerance: float = 1.0) -> Callable[[State], bool]:
    """Home Assistant shows ``attribute`` within ``tolerance`` of ``value``."""
    return lambda s: isinstance(s.get("attributes", {}).get(attribute), int | float) and abs(
        s["attributes"][attribute] - value) <= tolerance


def light_calls(device: str) -> list[Call]:
    """A colour light: on, brightness, an RGB colour, a colour temperature, off."""
    return [
        Call(device, "light", "light", "turn_on", {}, props(powerstate="on"), ha("on")),
        Call(device, "light", "light", "turn_on", {"brightness_pct": 40}, props(brightness=40),
             near("brightness", 102)),
        Call(device, "light", "light", "turn_on", {"rgb_color": [255, 0, 0]}, props(color="#FF0000"),
             ha("on", color_mode="rgb", rgb_color=[255, 0, 0])),
        Call(device, "light", "light", "turn_on", {"color_temp_kelvin": 3000}, props(colorTemperature=3000),
             ha("on", color_mode="color_temp", color_temp_kelvin=3000)),
        Call(device, "light", "light", "turn_off", {}, props(powerstate="off"), ha("off")),
    ]


def on_off(device: str, key: str, domain: str) -> list[Call]:
    """turn_on then turn_off."""
    return [Call(device, key, domain, "turn_on", {}, props(powerstate="on"), ha("on")),
            Call(device, key, domain, "turn_off", {}, props(powerstate="off"), ha("off"))]


CALLS: list[Call] = [
    *light_calls("desk-lamp"),
    *[c for d in ("living-light", "floor-lamp", "bedroom-light") for c in on_off(d, "light", "light")],
    *on_off("kitchen-plug", "switch", "switch"),
    *on_off("kitchen-switch", "switch", "switch"),
    Call("tv", "power", "switch", "turn_on", {}, props(powerstate="on"), ha("on")),
    Call("tv", "volume", "number", "set_value", {"value": 35}, props(volume=35), ha("35")),
    Call("tv", "channel", "number", "set_value", {"value": 7}, props(channel=7), ha("7")),
    Call("tv", "mute", "switch", "turn_on", {}, props(mute=True), ha("on")),
    Call("tv", "mute", "switch", "turn_off", {}, props(mute=False), ha("off")),
    Call("tv", "power", "switch", "turn_off", {}, props(powerstate="off"), ha("off")),
    Call("living-curtain", "cover", "cover", "set_cover_position", {"position": 30}, props(position=30),
         ha("open", current_position=30)),
    Call("living-curtain", "cover", "cover", "open_cover", {}, props(position=100, motion="stopped"), ha("open")),
    Call("living-curtain", "cover", "cover", "close_cover", {}, props(position=0, motion="stopped"), ha("closed")),
    Call("living-ac", "climate", "climate", "set_hvac_mode", {"hvac_mode": "cool"}, props(powerstate="on", mode="cold"),
         ha("cool")),
    Call("living-ac", "climate", "climate", "set_temperature", {"temperature": 24}, props(temperature=24),
         ha("cool", temperature=24)),
    Call("living-ac", "climate", "climate", "set_fan_mode", {"fan_mode": "high"}, props(windspeed=3),
         ha(fan_mode="high")),
    Call("living-ac", "climate", "climate", "set_hvac_mode", {"hvac_mode": "heat"}, props(mode="heat"), ha("heat")),
    Call("living-ac", "climate", "climate", "turn_off", {}, props(powerstate="off"), ha("off")),
    Call("bathroom-heater", "climate", "climate", "set_hvac_mode", {"hvac_mode": "heat"}, props(powerstate="on"),
         ha("heat")),
    Call("bathroom-heater", "climate", "climate", "set_temperature", {"temperature": 25}, props(temperature=25),
         ha(temperature=25)),
    Call("bathroom-heater", "climate", "climate", "set_hvac_mode", {"hvac_mode": "off"}, props(powerstate="off"),
         ha("off")),
    Call("water-heater", "water_heater", "water_heater", "set_operation_mode", {"operation_mode": "electric"},
         props(powerstate="on"), ha("electric")),
    Call("water-heater", "water_heater", "water_heater", "set_temperature", {"temperature": 55},
         props(temperature=55), ha(temperature=55)),
    Call("water-heater", "water_heater", "water_heater", "set_operation_mode", {"operation_mode": "off"},
         props(powerstate="off"), ha("off")),
    Call("study-fan", "fan", "fan", "turn_on", {}, props(powerstate="on"), ha("on")),
    Call("study-fan", "fan", "fan", "set_percentage", {"percentage": 100}, props(windspeed=3), ha(percentage=100)),
    Call("study-fan", "fan", "fan", "oscillate", {"oscillating": True}, props(swing="on"), ha(oscillating=True)),
    Call("study-fan", "fan", "fan", "set_preset_mode", {"preset_mode": "natureWind"}, props(mode="natureWind"),
         ha(preset_mode="natureWind")),
    Call("study-fan", "fan", "fan", "turn_off", {}, props(powerstate="off"), ha("off")),
    Call("air-purifier", "fan", "fan", "turn_on", {}, props(powerstate="on"), ha("on")),
    Call("air-purifier", "fan", "fan", "set_preset_mode", {"preset_mode": "sleep"}, props(mode="sleep"),
         ha(preset_mode="sleep")),
    Call("air-purifier", "fan", "fan", "turn_off", {}, props(powerstate="off"), ha("off")),
    Call("humidifier", "humidifier", "humidifier", "turn_on", {}, props(powerstate="on"), ha("on")),
    Call("humidifier", "humidifier", "humidifier", "set_humidity", {"humidity": 55}, props(humidity=55),
         ha(humidity=55)),
    Call("humidifier", "humidifier", "humidifier", "set_mode", {"mode": "sleep"}, props(mode="sleep"),
         ha(mode="sleep")),
    Call("humidifier", "humidifier", "humidifier", "turn_off", {}, props(powerstate="off"), ha("off")),
    Call("front-door", "lock", "lock", "unlock", {"code": "123456"}, props(lockstate="unlocked"), ha("unlocked")),
    Call("front-door", "lock", "lock", "lock", {}, props(lockstate="locked"), ha("locked")),
    Call("vacuum", "vacuum", "vacuum", "start", {}, props(powerstate="on"), ha("cleaning")),
    Call("vacuum", "vacuum", "vacuum", "set_fan_speed", {"fan_speed": "strong"}, props(mode="strong"),
         ha(fan_speed="strong")),
    Call("vacuum", "vacuum", "vacuum", "pause", {}, props(status="paused"), ha("paused")),
    Call("vacuum", "vacuum", "vacuum", "return_to_base", {}, props(powerstate="off"),
         lambda s: s.get("state") in ("returning", "docked")),
]
"""Every service call, in the order they run."""

VOICE: list[tuple[str, tuple[str, str], Callable[[State], bool]]] = [
    ("打开台灯", ("desk-lamp", "light"), ha("on")),
    ("把台灯调到百分之三十", ("desk-lamp", "light"), near("brightness", 76.5)),
    ("turn the desk lamp blue", ("desk-lamp", "light"), ha("on", color_mode="rgb", rgb_color=[0, 0, 255])),
    ("关掉台灯", ("desk-lamp", "light"), ha("off")),
    ("把客厅空调调到22度", ("living-ac", "climate"), ha(temperature=22)),
    ("打开卧室窗帘", ("bedroom-curtain", "cover"), lambda s: s.get("state") in ("opening", "open")),
    ("set the tv volume to 25", ("tv", "volume"), ha("25")),
    ("allume le ventilateur du bureau", ("study-fan", "fan"), ha("on")),
    ("打开加湿器", ("humidifier", "humidifier"), ha("on")),
    ("关闭厨房插座", ("kitchen-plug", "switch"), ha("off")),
]
"""`genie say` commands (text, the component that changes, what Home Assistant must show)."""
