"""Orders said as people say them: "put/mets" is on without a value and set with one; a value in degrees sets a
temperature or nothing (never a lamp's brightness or a curtain's position); "stronger"/"plus vite" is the fan's
speed."""

from __future__ import annotations

import pytest

from tests.hub.conftest import DemoHome


@pytest.mark.parametrize("text", ["mets le salon à 22 degrés", "set the living room to 22 degrees", "把客厅调到22度"])
async def test_degrees_to_a_room_set_only_its_temperature(home: DemoHome, text: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert result.ok and [a.device for a in result.actions] == ["living-ac"]
    assert home.state("living-ac")["temperature"] == 22
    for device in ("living-light", "floor-lamp", "living-curtain", "tv"):
        assert home.state(device) == before[device]


@pytest.mark.parametrize(("text", "device"), [("put the television on", "tv"), ("mets la télévision", "tv"),
                                              ("tu me mets le ventilateur en route", "study-fan"),
                                              ("can you get the fan going", "study-fan")])
async def test_put_without_a_value_turns_on(home: DemoHome, text: str, device: str) -> None:
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state(device)["powerstate"] == "on"


@pytest.mark.parametrize(("text", "device", "prop", "value"), [
    ("put on channel 7", "tv", "channel", 7), ("mets la clim du salon à 24", "living-ac", "temperature", 24),
    ("passe la télé sur la 5", "tv", "channel", 5)])
async def test_put_with_a_value_sets_it(home: DemoHome, text: str, device: str, prop: str, value: int) -> None:
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state(device)[prop] == value


@pytest.mark.parametrize("text", ["make the fan stronger", "fais tourner le ventilateur plus vite"])
async def test_stronger_is_the_fans_speed(home: DemoHome, text: str) -> None:
    speed = home.state("study-fan")["windspeed"]
    assert (await home.hub.handle_text(text)).ok
    assert home.state("study-fan")["windspeed"] == speed + 1


@pytest.mark.parametrize("text", ["turn off all the lights except the bedroom one",
                                  "éteins toutes les lumières sauf celle de la chambre"])
async def test_except_a_room_leaves_out_its_devices(home: DemoHome, text: str) -> None:
    assert (await home.hub.handle_text("打开所有的灯")).ok
    result = await home.hub.handle_text(text)
    assert result.ok and {a.device for a in result.actions} == {"living-light", "floor-lamp", "desk-lamp"}
    assert home.state("bedroom-light")["powerstate"] == "on"


@pytest.mark.parametrize("text", ["两台空调都调成自动模式", "set both air conditioners to auto",
                                  "passe les deux clims en mode auto"])
async def test_both_is_every_one_and_a_count_is_no_value(home: DemoHome, text: str) -> None:
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state("living-ac")["mode"] == home.state("bedroom-ac")["mode"] == "auto"


@pytest.mark.parametrize("text", ["卧室空调开到制热，温度二十五", "mets la clim de la chambre en chauffage à 25",
                                  "set the bedroom ac to heat at 25 degrees"])
async def test_a_mode_and_a_number_in_one_breath_set_both(home: DemoHome, text: str) -> None:
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert (home.state("bedroom-ac")["mode"], home.state("bedroom-ac")["temperature"]) == ("heat", 25)


async def test_a_homophone_that_made_a_wrong_order_is_asked_back(home: DemoHome) -> None:
    result = await home.hub.handle_text("关掉扫地鸡器人")  # 扫地 alone would be "start cleaning"
    assert (result.reply, result.actions) == ("你是说“关掉扫地机器人”吗？", [])
    assert home.state("vacuum")["status"] == "docked"


@pytest.mark.parametrize(("text", "device", "prop", "moved"), [
    ("it's stuffy in the study", "study-fan", "powerstate", "on"),  # no purifier there: the fan
    ("turn off everything in the bathroom", "water-heater", "powerstate", "off"),
    ("the water is too hot", "water-heater", "temperature", 49),
    ("洗澡水太烫了", "water-heater", "temperature", 49)])
async def test_a_room_or_a_wish_reaches_the_device_that_can_help(home: DemoHome, text: str, device: str, prop: str,
                                                                  moved: object) -> None:
    if device == "water-heater":
        assert (await home.hub.handle_text("打开热水器")).ok
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state(device)[prop] == moved
