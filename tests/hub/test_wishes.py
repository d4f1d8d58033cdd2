"""A wish acts on how the home is: "too dark" turns on the lamp that is off, "too bright" dims only the lamps that
are lit, "I'm cold" turns on a heater and never sets an air conditioner to cooling; when nothing can help, the
hub says how things are and changes nothing. In zh, en and fr."""

from __future__ import annotations

import pytest

from tests.hub.conftest import DemoHome


@pytest.mark.parametrize("text", ["客厅太亮了", "it's too bright in the living room",
                                  "il fait trop clair dans le salon"])
async def test_too_bright_dims_only_the_lamps_that_are_lit(home: DemoHome, text: str) -> None:
    assert (await home.hub.handle_text("打开客厅灯")).ok
    lit = home.state("living-light")["brightness"]
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state("living-light")["brightness"] < lit
    assert home.state("floor-lamp")["powerstate"] == "off"


@pytest.mark.parametrize("text", ["书房太暗了", "it's too dark in the study", "il fait trop sombre dans le bureau"])
async def test_too_dark_turns_on_the_lamp_that_is_off(home: DemoHome, text: str) -> None:
    brightness = home.state("desk-lamp")["brightness"]
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state("desk-lamp")["powerstate"] == "on"
    assert home.state("desk-lamp")["brightness"] == brightness


@pytest.mark.parametrize("text", ["卫生间好冷", "it's freezing in the bathroom", "on gèle dans la salle de bain"])
async def test_cold_turns_on_the_heater(home: DemoHome, text: str) -> None:
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state("bathroom-heater")["powerstate"] == "on"


@pytest.mark.parametrize("text", ["it's cold in the living room", "il fait froid dans le salon", "客厅有点冷"])
async def test_cold_never_cools(home: DemoHome, text: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state("living-ac")["mode"] == before["living-ac"]["mode"]
    assert home.state("living-ac")["powerstate"] == before["living-ac"]["powerstate"]


@pytest.mark.parametrize("text", ["客厅太亮了", "it's too bright in the living room"])
async def test_a_wish_nothing_can_answer_says_how_things_are(home: DemoHome, text: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert result.ok and {a.action for a in result.actions} == {"Query"}
    assert home.states() == before
