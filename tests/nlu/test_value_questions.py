"""Asking for a value, as people ask (issue 18, coverage): a question word that asks for a value never turns an
order's verb into an order ("空调开的什么模式"), "which"/"how many" beside a property ask for its value ("which
mode is the fan on", "combien reste-t-il de batterie"), and the steps, speeds and value words people use."""

from __future__ import annotations

import pytest

from hub.nlu import Catalog, understand


def _one(text: str, catalog: Catalog) -> tuple[str, str | None, object, str | None]:
    intents = understand(text, catalog).intents
    assert len(intents) == 1, (text, intents)
    intent = intents[0]
    return intent.action, intent.attribute, intent.value, intent.quantifier


@pytest.mark.parametrize(("text", "attribute"), [
    ("空调现在开的什么模式", "mode"),
    ("风扇开的什么风速", "windspeed"),
    ("扫地机现在开的什么模式", "mode"),
    ("电视开的什么频道", "channel"),
    ("净化器现在是几档", "windspeed"),
    ("灯现在是开着还是关着", "powerstate"),
    ("风扇现在是开着还是关着", "powerstate"),
    ("which mode is the fan on", "mode"),
    ("which mode is the humidifier on", "mode"),
    ("how fast is the fan going", "windspeed"),
    ("how bright is the desk lamp", "brightness"),
    ("combien reste-t-il de batterie du robot aspirateur ?", "battery"),
    ("à combien est le volume de la télé ?", "volume"),
])
def test_a_question_for_a_value_asks_and_never_acts(text: str, attribute: str, catalog: Catalog) -> None:
    action, asked, value, quantifier = _one(text, catalog)
    assert (action, asked, value, quantifier) == ("query", attribute, None, "plain")


@pytest.mark.parametrize("text", ["le chauffe-eau est réglé à combien ?",
                                  "l'eau du chauffe-eau est à combien de degrés ?"])
def test_a_combien_asks_the_setting_not_how_many(text: str, catalog: Catalog) -> None:
    action, _attribute, value, quantifier = _one(text, catalog)
    assert (action, value, quantifier) == ("query", None, "plain")


def test_how_many_still_counts(catalog: Catalog) -> None:
    assert _one("how many lights are on", catalog)[::3] == ("query", "count")
    assert _one("combien de lumières sont allumées", catalog)[::3] == ("query", "count")


@pytest.mark.parametrize(("text", "action", "attribute", "value"), [
    ("客厅空调温度加2度", "up", "temperature", 2),
    ("热水器温度减2度", "down", "temperature", 2),
    ("电视音量减五", "down", "volume", 5),
    ("能把风扇风速调高吗", "up", "windspeed", None),  # a polite order stays an order
    ("make the fan blow harder", "up", "windspeed", None),
    ("slow the living room air conditioner down", "down", "windspeed", None),
    ("ralentis le ventilateur", "down", "windspeed", None),
    ("ralentis la clim du salon", "down", "windspeed", None),
    ("turn the desk lamp brightness up", "up", "brightness", None),
    ("set the fan to slow", "set", "windspeed", 1),
    ("passe le ventilateur en vitesse forte", "set", "windspeed", 3),
    ("passe le ventilateur en vitesse intermédiaire", "set", "windspeed", 2),
    ("set the living room air conditioner to auto speed", "set", "windspeed", "auto"),
    ("客厅空调调到自动风", "set", "windspeed", "auto"),
    ("mets la clim du salon en vitesse automatique", "set", "windspeed", "auto"),
])
def test_steps_speeds_and_their_words(text: str, action: str, attribute: str, value: object,
                                      catalog: Catalog) -> None:
    assert _one(text, catalog)[:3] == (action, attribute, value)
