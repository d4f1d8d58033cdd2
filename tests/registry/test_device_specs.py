"""Per-model specs on a simulated device: it has only its model's properties and actions, and behaves."""

from __future__ import annotations

import pytest

from devices.base import COLD_AFTER, COLD_EXTRA, SPIKE_EVERY, SPIKE_FACTOR, DeviceConfig
from devices.categories import device_class
from devices.categories.fan import Fan
from devices.categories.light import Light
from devices.categories.sensor import Sensor
from devices.categories.switch import Outlet
from hub.clock import ManualClock
from hub.protocol import ErrorCode, ErrorResponse, Request, Response


def only(cls, *names: str, **ranges: tuple[float, float]):
    """The specs of ``cls`` limited to ``names``, with numeric ``ranges`` narrowed."""
    specs = []
    for spec in cls.specs:
        if spec.name in names:
            low_high = ranges.get(spec.name)
            specs.append(spec.model_copy(update={"min": low_high[0], "max": low_high[1]}) if low_high else spec)
    return tuple(specs)


def make(cls, specs, **config):
    return cls(DeviceConfig(id=f"{cls.category}-1", category=cls.category, specs=specs, **config), clock=ManualClock())


async def test_a_white_bulb_has_no_colour_and_refuses_it() -> None:
    bulb = make(Light, only(Light, "powerstate", "brightness"))
    assert bulb.state == {"powerstate": "off", "brightness": 80}
    assert "SetColorTemperature" not in bulb.actions() and "SetColor" not in bulb.actions()
    assert [s.name for s in bulb.info().property_specs] == ["powerstate", "brightness"]
    reply = await bulb.handle(Request.control(bulb.id, "SetColorTemperature", None, 3000))
    assert isinstance(reply, ErrorResponse) and reply.payload.error_code == ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
    reply = await bulb.handle(Request.control(bulb.id, "SetBrightness", None, 30))
    assert isinstance(reply, Response) and bulb.state == {"powerstate": "on", "brightness": 30}


async def test_a_narrower_range_is_enforced_and_the_default_moved_inside_it() -> None:
    lamp = make(Light, only(Light, "powerstate", "colorTemperature", colorTemperature=(1700, 3000)))
    assert lamp.state["colorTemperature"] == 3000  # the category default 4000 K is outside this lamp's range
    ok = await lamp.handle(Request.control(lamp.id, "SetColorTemperature", None, 1700))
    assert isinstance(ok, Response) and lamp.state["colorTemperature"] == 1700
    bad = await lamp.handle(Request.control(lamp.id, "SetColorTemperature", None, 6500))
    assert isinstance(bad, ErrorResponse) and bad.payload.error_code == ErrorCode.INVALIDATE_PARAMS


async def test_a_plug_without_a_meter_reports_only_its_power_state() -> None:
    plug = make(Outlet, only(Outlet, "powerstate"))
    reply = await plug.handle(Request.control(plug.id, "TurnOn", None, None))
    assert isinstance(reply, Response)
    assert {p.name: p.value for p in reply.payload.properties} == {"powerstate": "on"}
    assert plug.state == {"powerstate": "on"}


async def test_a_fan_that_cannot_swing_lacks_the_swing_actions() -> None:
    fan = make(Fan, only(Fan, "powerstate", "windspeed"))
    assert "OpenSwing" not in fan.actions() and "SetMode" not in fan.actions()
    assert "SetWindSpeed" in fan.actions()


async def test_a_sensor_reports_only_what_it_measures() -> None:
    clock = ManualClock()
    sensor = Sensor(DeviceConfig(id="t-1", category="sensor", specs=only(Sensor, "temperature")), clock=clock)
    reports = []
    sensor.listeners.append(lambda props, cause: reports.append({p.name for p in props}))
    await sensor.start()
    await clock.advance(Sensor.interval * 2)
    await sensor.close()
    assert reports and all(names <= {"temperature"} for names in reports)


@pytest.mark.parametrize(
    ("category", "names", "error"),
    [
        ("light", ("powerstate", "warp"), "a light has no property 'warp'"),
        ("light", ("brightness",), "a light needs the property 'powerstate'"),
        ("aircondition", ("powerstate", "temperature", "currentTemperature"), "needs the property 'mode'"),
        ("sensor", (), "a sensor needs at least one of"),
    ],
)
def test_specs_a_behaviour_cannot_honour_are_refused(category: str, names: tuple[str, ...], error: str) -> None:
    cls = device_class(category)
    specs = tuple(s for s in cls.specs if s.name in names)
    if "warp" in names:
        specs += (cls.specs[0].model_copy(update={"name": "warp"}),)
    with pytest.raises(ValueError, match=error):
        make(cls, specs)


def test_a_spec_of_another_type_is_refused() -> None:
    wrong = tuple(s.model_copy(update={"data_type": "float"}) if s.name == "brightness" else s for s in Light.specs)
    with pytest.raises(ValueError, match="brightness: a light has it as int"):
        make(Light, wrong)


def test_unknown_quirk_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown quirk 'sleepy'"):
        make(Light, None, quirks=("sleepy",))


async def test_reply_times_follow_the_latency_profile_and_quirks() -> None:
    clock = ManualClock()
    plain = Light(DeviceConfig(id="l-1", category="light", latency=0.01, latency_spread=0.04), clock=clock)
    times = [plain.reply_time() for _ in range(200)]
    assert all(0.01 <= t <= 0.05 for t in times) and max(times) - min(times) > 0.02
    again = Light(DeviceConfig(id="l-1", category="light", latency=0.01, latency_spread=0.04), clock=clock)
    assert [again.reply_time() for _ in range(200)] == times  # the same device replays the same times
    spiky = Light(DeviceConfig(id="l-2", category="light", latency=0.1, quirks=("spiky",)), clock=clock)
    times = [spiky.reply_time() for _ in range(SPIKE_EVERY)]
    assert times[:-1] == [0.1] * (SPIKE_EVERY - 1) and times[-1] == pytest.approx(0.1 * SPIKE_FACTOR)
    cold = Light(DeviceConfig(id="l-3", category="light", latency=0.1, quirks=("cold-start",)), clock=clock)
    assert cold.reply_time() == 0.1
    await clock.advance(COLD_AFTER)
    assert cold.reply_time() == pytest.approx(0.1 + COLD_EXTRA)
    assert cold.reply_time() == 0.1
