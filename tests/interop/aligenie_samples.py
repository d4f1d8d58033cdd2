"""AliGenie v1 requests in the shapes of Alibaba's published samples, against the demo home, with what each must
get back. Written from the AliGenie developer documentation "设备控制与设备状态查询" (aligenie.com/doc/357554/ozlpg3,
mirrored at jaq-doc.alibaba.com articleId=108268) and the v1 name lists of /work/shared/reference/protocols.md §1:
every value is a string as in the samples ("on", "50", "Red", "浙江卫视", "max"), ``extensions`` echo discovery's,
``deviceType`` is sent, ``messageId`` is a UUID with dashes. Each sample runs in this order on one running home.

A sample: (namespace, name, payload fields, expected) where expected is the response's ``name`` suffix
(``Response``: success; the state the device must then have, if given) or an AliGenie error code.
"""

from __future__ import annotations

from typing import Any

EXT = {"extension1": "", "extension2": ""}

Sample = tuple[str, str, dict[str, Any], str, dict[str, Any]]


def control(name: str, device: str, kind: str, attribute: str, value: str, expect: str = "Response",
            **state: Any) -> Sample:
    """A control sample as Alibaba writes them: deviceId, deviceType, attribute, value (a string), extensions."""
    return ("Control", name, {"deviceId": device, "deviceType": kind, "attribute": attribute, "value": value,
                              "extensions": EXT}, expect, state)


def query(name: str, device: str, kind: str, expect: str = "Response") -> Sample:
    """A query sample: deviceId, deviceType, extensions."""
    return ("Query", name, {"deviceId": device, "deviceType": kind, "extensions": EXT}, expect, {})


SAMPLES: list[Sample] = [
    ("Discovery", "DiscoveryDevices", {}, "Response", {}),
    # power (1.1 of the document), and a multi-gang variant's shape on a plain switch
    control("TurnOn", "living-light", "light", "powerstate", "on", powerstate="on"),
    control("TurnOff", "living-light", "light", "powerstate", "off", powerstate="off"),
    control("TurnOn", "kitchen-plug", "outlet", "powerstate", "on", powerstate="on"),
    control("TurnOff", "kitchen-switch", "switch", "powerstate", "off", powerstate="off"),
    # light
    control("TurnOn", "desk-lamp", "light", "powerstate", "on", powerstate="on"),
    control("SetBrightness", "desk-lamp", "light", "brightness", "50", brightness=50),
    control("SetBrightness", "desk-lamp", "light", "brightness", "max", brightness=100),
    control("SetBrightness", "desk-lamp", "light", "brightness", "min", brightness=1),
    control("AdjustUpBrightness", "desk-lamp", "light", "brightness", "25", brightness=26),
    control("AdjustDownBrightness", "desk-lamp", "light", "brightness", "10", brightness=16),
    control("SetColor", "desk-lamp", "light", "color", "Red", color="#FF0000"),
    control("SetColor", "desk-lamp", "light", "color", "Blue", color="#0000FF"),
    control("SetColorTemperature", "desk-lamp", "light", "colorTemperature", "3000", colorTemperature=3000),
    control("SetBrightness", "desk-lamp", "light", "brightness", "bright", "INVALIDATE_PARAMS"),
    control("SetColor", "desk-lamp", "light", "color", "Ultraviolet", "INVALIDATE_PARAMS"),
    control("OpenFunction", "desk-lamp", "light", "function", "night", "DEVICE_NOT_SUPPORT_FUNCTION"),
    control("CloseFunction", "desk-lamp", "light", "function", "night", "DEVICE_NOT_SUPPORT_FUNCTION"),
    control("SetTemperature", "desk-lamp", "light", "temperature", "26", "DEVICE_NOT_SUPPORT_FUNCTION"),
    # television: channel by name (the document's own sample) and by number, volume, mute, media keys it lacks
    control("TurnOn", "tv", "television", "powerstate", "on", powerstate="on"),
    control("SelectChannel", "tv", "television", "channel", "浙江卫视", channel=23),
    control("SelectChannel", "tv", "television", "channel", "CCTV-5", channel=5),
    control("SelectChannel", "tv", "television", "channel", "12", channel=12),
    control("AdjustUpChannel", "tv", "television", "channel", "1", channel=13),
    control("AdjustDownChannel", "tv", "television", "channel", "1", channel=12),
    control("SelectChannel", "tv", "television", "channel", "火星卫视", "INVALIDATE_PARAMS"),
    control("SetVolume", "tv", "television", "volume", "40", volume=40),
    control("AdjustUpVolume", "tv", "television", "volume", "5", volume=45),
    control("AdjustDownVolume", "tv", "television", "volume", "10", volume=35),
    control("SetMute", "tv", "television", "mute", "on", mute=True),
    control("CancelMute", "tv", "television", "mute", "off", mute=False),
    control("Play", "tv", "television", "playstate", "play", "DEVICE_NOT_SUPPORT_FUNCTION"),
    control("Next", "tv", "television", "channel", "next", "DEVICE_NOT_SUPPORT_FUNCTION"),
    control("Previous", "tv", "television", "channel", "previous", "DEVICE_NOT_SUPPORT_FUNCTION"),
    control("Pause", "tv", "television", "playstate", "pause", "DEVICE_NOT_SUPPORT_FUNCTION"),
    # climate
    control("TurnOn", "living-ac", "aircondition", "powerstate", "on", powerstate="on"),
    control("SetTemperature", "living-ac", "aircondition", "temperature", "24", temperature=24),
    control("AdjustUpTemperature", "living-ac", "aircondition", "temperature", "1", temperature=25),
    control("AdjustDownTemperature", "living-ac", "aircondition", "temperature", "2", temperature=23),
    control("SetMode", "living-ac", "aircondition", "mode", "cold", mode="cold"),
    control("SetMode", "living-ac", "aircondition", "mode", "heat", mode="heat"),
    control("SetWindSpeed", "living-ac", "aircondition", "windspeed", "2", windspeed=2),
    control("SetWindSpeed", "living-ac", "aircondition", "windspeed", "max", windspeed=3),
    control("SetTemperature", "living-ac", "aircondition", "temperature", "99", "INVALIDATE_PARAMS"),
    control("SetMode", "living-ac", "aircondition", "mode", "zeroGravity", "INVALIDATE_PARAMS"),
    control("OpenUpAndDownSwing", "living-ac", "aircondition", "swing", "on", "DEVICE_NOT_SUPPORT_FUNCTION"),
    control("SetTemperature", "water-heater", "waterheater", "temperature", "55", temperature=55),
    control("TurnOn", "bathroom-heater", "heater", "powerstate", "on", powerstate="on"),
    # fan, purifier, humidifier
    control("TurnOn", "study-fan", "fan", "powerstate", "on", powerstate="on"),
    control("SetWindSpeed", "study-fan", "fan", "windspeed", "2", windspeed=2),
    control("OpenSwing", "study-fan", "fan", "swing", "on", swing="on"),
    control("CloseSwing", "study-fan", "fan", "swing", "off", swing="off"),
    control("SetMode", "study-fan", "fan", "mode", "natureWind", mode="natureWind"),
    control("SetMode", "air-purifier", "airpurifier", "mode", "sleep", mode="sleep"),
    control("SetHumidity", "humidifier", "humidifier", "humidity", "55", humidity=55),
    # curtain, vacuum
    control("TurnOn", "living-curtain", "curtain", "powerstate", "on"),
    control("Pause", "living-curtain", "curtain", "powerstate", "pause"),
    control("TurnOn", "vacuum", "roboticvacuum", "powerstate", "on", powerstate="on"),
    control("Pause", "vacuum", "roboticvacuum", "powerstate", "pause"),
    control("Continue", "vacuum", "roboticvacuum", "powerstate", "continue"),
    # query (section 二 of the document): properties beside header and payload, values as strings
    query("Query", "desk-lamp", "light"),
    query("QueryPowerState", "tv", "television"),
    query("QueryBrightness", "desk-lamp", "light"),
    query("QueryColor", "desk-lamp", "light"),
    query("QueryTemperature", "living-ac", "aircondition"),
    query("QueryWindSpeed", "living-ac", "aircondition"),
    query("QueryMode", "living-ac", "aircondition"),
    query("QueryHumidity", "living-sensor", "sensor"),
    query("QueryPM25", "living-sensor", "sensor"),
    query("QueryFog", "humidifier", "humidifier", "DEVICE_NOT_SUPPORT_FUNCTION"),
    query("QueryDirection", "study-fan", "fan", "DEVICE_NOT_SUPPORT_FUNCTION"),
    query("QueryBrightness", "tv", "television", "DEVICE_NOT_SUPPORT_FUNCTION"),
    # refusals
    control("TurnOn", "garage-door", "light", "powerstate", "on", "DEVICE_IS_NOT_EXIST"),
    query("Query", "garage-door", "light", "DEVICE_IS_NOT_EXIST"),
    control("Fly", "desk-lamp", "light", "powerstate", "on", "INVALIDATE_CONTROL_ORDER"),
    query("QueryEverything", "desk-lamp", "light", "INVALIDATE_CONTROL_ORDER"),
    ("Discovery", "DiscoverMore", {}, "INVALIDATE_CONTROL_ORDER", {}),
]
"""Every sample, in the order they run."""

CHANNELS = {"浙江卫视": 23, "CCTV-5": 5}
"""The channels the samples select by name and the numbers the gateway's lineup gives them."""
