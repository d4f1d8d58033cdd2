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
