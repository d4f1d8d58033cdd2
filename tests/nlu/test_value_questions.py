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


@pytest.mark.parametrize(("text", "action", "attribute"), [
    ("how much power is the kitchen plug drawing", "query", "power"),
    ("quelle puissance consomme la prise de la cuisine ?", "query", "power"),
    ("厨房插座的功率是多少", "query", "power"),
    ("厨房插座用了多少瓦", "query", "power"),
    ("how loud is the TV", "query", "volume"),
    ("电视声音开的多大", "query", "volume"),
    ("台灯色温多少", "query", "colorTemperature"),
    ("台灯现在多亮", "query", "brightness"),
    ("make the fan oscillate", "on", "swing"),
    ("stop oscillation on the fan", "off", "swing"),
    ("is the fan oscillating", "query", "swing"),
    ("让风扇摇头", "on", "swing"),
    ("关闭风扇的摇头", "off", "swing"),
    ("风扇在摇头吗", "query", "swing"),
    ("fais osciller le ventilateur", "on", "swing"),
    ("mets l'oscillation du ventilateur", "on", "swing"),
    ("le ventilateur oscille ?", "query", "swing"),
    ("take the TV off mute", "unmute", None),
    ("把电视的静音关掉", "unmute", None),
    ("enlève la sourdine de la télé", "unmute", None),
    ("mets la télé en muet", "mute", None),
    ("电视下一个频道", "up", "channel"),
    ("reviens à la chaîne d'avant sur la télé", "down", "channel"),
    ("扫地机器人在扫地吗", "query", "powerstate"),
])
def test_words_people_use_for_what_devices_have(text: str, action: str, attribute: str | None,
                                               catalog: Catalog) -> None:
    assert _one(text, catalog)[:2] == (action, attribute)


@pytest.mark.parametrize(("text", "mode"), [
    ("switch the air purifier to night mode", "sleep"),
    ("switch the fan to natural mode", "natureWind"),
    ("switch the robot vacuum to silent mode", "quiet"),
    ("mets l'aspirateur en mode silence", "quiet"),
    ("règle la clim du salon sur le mode sec", "dehumidification"),
    ("règle la clim du salon sur le mode ventilateur", "airsupply"),
    ("règle le ventilateur sur le mode brise naturelle", "natureWind"),
])
def test_modes_as_people_name_them(text: str, mode: str, catalog: Catalog) -> None:
    assert _one(text, catalog)[:3] == ("set", "mode", mode)


def test_a_word_that_is_a_name_and_an_order() -> None:
    """A lock named "lock" is locked by "lock the door"; a switch named "switch" is turned on by "turn the switch
    on": the order's word and the name are told apart, each way."""
    from devices.base import DeviceConfig
    from devices.categories import device_class
    from hub.conversation import build_catalog
    from hub.directory import Directory

    for category, text, action in (("fingerprintlock", "lock the door", "lock"),
                                   ("fingerprintlock", "please lock the door lock", "lock"),
                                   ("fingerprintlock", "门锁锁一下", "lock"),
                                   ("switch", "please turn the switch on", "on"),
                                   ("switch", "turn off the switch", "off"),
                                   ("switch", "is the switch on or off", "query")):  # a question never acts
        directory = Directory()
        directory.register(device_class(category)(DeviceConfig(id="only", category=category)).info())
        intents = understand(text, build_catalog(directory)).intents
        assert [i.action for i in intents] == [action], text
    directory = Directory()
    directory.register(device_class("fingerprintlock")(DeviceConfig(id="only", category="fingerprintlock")).info())
    assert understand("the lock in the hallway", build_catalog(directory)).intents == []  # an answer, no order


@pytest.mark.parametrize(("text", "action", "attribute", "value"), [
    ("空调切换到通风模式", "set", "mode", "airsupply"),
    ("把台灯调成橘色", "set", "color", "Orange"),
    ("set the robot vacuum to max mode", "set", "mode", "strong"),
    ("mets l'aspirateur en mode fort", "set", "mode", "strong"),
    ("combien de watts consomme la prise de la cuisine ?", "query", "power", None),
    ("卧室窗帘开到百分之几了", "query", None, None),
    ("que fait l'aspirateur ?", "query", None, None),
    ("what's the robot vacuum up to", "query", None, None),
    ("arrête l'aspirateur un instant", "pause", None, None),
    ("put the desk lamp at one hundred percent brightness", "set", "brightness", 100),
])
def test_more_words_people_use(text: str, action: str, attribute: str | None, value: object,
                               catalog: Catalog) -> None:
    assert _one(text, catalog)[:3] == (action, attribute, value)


def test_a_property_at_a_number_is_its_value_not_a_time(catalog: Catalog) -> None:
    """"put the TV volume at five": the volume's value; "turn on the TV at five" stays a time."""
    from datetime import UTC, datetime

    from hub.nlu.when import find_when

    now = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    assert find_when("put the TV volume at five", "en", now)[0] is None
    assert find_when("turn on the TV at five", "en", now)[0] is not None
    assert _one("put the TV volume at five", catalog)[:3] == ("set", "volume", 5)
