"""Values said as people say them (issue 18): fan speeds as words (高档 / high / élevée) and "auto" where the
device has it, colours by their CSS names both ways (green is #008000, lime #00FF00) — in zh, en and fr."""

from __future__ import annotations

import pytest

from tests.hub.conftest import DemoHome, until


@pytest.mark.parametrize(("text", "device", "reply"), [
    ("把客厅空调的风速调到自动", "living-ac", "好的，客厅空调的风速已调到自动。"),
    ("set the living room air conditioner fan speed to auto", "living-ac",
     "OK, living room air conditioner speed set to auto."),
    ("règle la vitesse du climatiseur du salon sur auto", "living-ac",
     "D'accord, climatiseur du salon : vitesse de ventilation réglée sur auto."),
    ("空气净化器风速调到自动", "air-purifier", "好的，空气净化器的风速已调到自动。"),
    ("set the air purifier fan speed to automatic", "air-purifier", "OK, air purifier speed set to auto."),
    ("mets le purificateur d'air en vitesse automatique", "air-purifier",
     "D'accord, purificateur d'air : vitesse de ventilation réglée sur auto."),
])
async def test_auto_fan_speed_where_the_device_has_it(home: DemoHome, text: str, device: str, reply: str) -> None:
    if device == "air-purifier":  # from a level set by hand
        assert (await home.hub.handle_text("set the air purifier speed to 1")).ok
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    assert home.state(device)["windspeed"] == "auto"
    record = home.hub.directory.get(device)
    assert record is not None
    await until(home.hub.directory, lambda: record.state.get("windspeed") == "auto")  # the hub keeps it too


async def test_a_fan_without_auto_says_so_and_keeps_its_speed(home: DemoHome) -> None:
    before = home.state("study-fan")
    result = await home.hub.handle_text("set the fan to auto speed")
    assert (result.reply, result.ok) == ("The fan can't take that value (the range is 1 to 3).", False)
    assert home.state("study-fan") == before


@pytest.mark.parametrize(("order", "level", "question", "answer"), [
    ("把风扇调到高档", 3, "风扇的风速是多少", "风扇的风速是高档。"),
    ("风扇风速调到低档", 1, "风扇现在是什么档位", "风扇的风速是低档。"),
    ("set the fan to high", 3, "what's the fan speed", "The speed of the fan is high."),
    ("set the fan to low", 1, "what speed is the fan on", "The speed of the fan is low."),
    ("mets le ventilateur en vitesse élevée", 3, "quelle est la vitesse du ventilateur",
     "La vitesse de ventilation du ventilateur : élevée."),
    ("mets le ventilateur en vitesse basse", 1, "quelle est la vitesse du ventilateur",
     "La vitesse de ventilation du ventilateur : basse."),
])
async def test_fan_speeds_are_said_as_words(home: DemoHome, order: str, level: int, question: str,
                                            answer: str) -> None:
    result = await home.hub.handle_text(order)
    assert result.ok, result.reply
    assert home.state("study-fan")["windspeed"] == level
    word = {"高档": 3, "低档": 1, "high": 3, "low": 1, "élevée": 3, "basse": 1}
    said = [w for w in word if w in result.reply]
    assert said and word[said[0]] == level and str(level) not in result.reply, result.reply
    asked = await home.hub.handle_text(question)
    assert (asked.reply, asked.ok) == (answer, True)
    assert home.state("study-fan")["windspeed"] == level  # a question never acts


@pytest.mark.parametrize(("text", "reply"), [
    ("fan faster", "OK, fan speed raised to high."),
    ("风扇风速调高一点", "好的，风扇的风速已调高到高档。"),
    ("augmente la vitesse du ventilateur", "D'accord, ventilateur : vitesse de ventilation augmentée à élevée."),
])
async def test_a_step_says_the_speed_it_reached(home: DemoHome, text: str, reply: str) -> None:
    assert home.state("study-fan")["windspeed"] == 2
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    assert home.state("study-fan")["windspeed"] == 3


@pytest.mark.parametrize(("text", "rgb", "question", "answer"), [
    ("make the desk lamp green", "#008000", "what color is the desk lamp", "The color of the desk lamp is green."),
    ("make the desk lamp lime", "#00FF00", "what color is the desk lamp", "The color of the desk lamp is lime."),
    ("把台灯调成绿色", "#008000", "台灯是什么颜色", "台灯的颜色是绿色。"),
    ("把台灯调成青柠色", "#00FF00", "台灯是什么颜色", "台灯的颜色是青柠色。"),
    ("mets la lampe de bureau en vert", "#008000", "de quelle couleur est la lampe de bureau",
     "La couleur de la lampe de bureau : vert."),
    ("mets la lampe de bureau en vert citron", "#00FF00", "de quelle couleur est la lampe de bureau",
     "La couleur de la lampe de bureau : vert citron."),
])
async def test_colours_follow_css_both_ways(home: DemoHome, text: str, rgb: str, question: str,
                                           answer: str) -> None:
    result = await home.hub.handle_text(text)
    assert result.ok, result.reply
    assert home.state("desk-lamp")["color"] == rgb
    assert "#" not in result.reply
    asked = await home.hub.handle_text(question)
    assert (asked.reply, asked.ok) == (answer, True)


@pytest.mark.parametrize(("order", "question", "device"), [
    ("set the air conditioner fan speed to high", "what's the living room air conditioner fan speed", "living-ac"),
    ("把空调风速调到高档", "客厅空调风速是多少", "living-ac"),
    ("mets la clim en vitesse élevée", "quelle est la vitesse du climatiseur du salon", "living-ac"),
])
async def test_a_question_is_no_answer_to_which_one(home: DemoHome, order: str, question: str, device: str) -> None:
    """Asked "which one?", a question that names one of them is a question: answered, and never the order."""
    asked = await home.hub.handle_text(order)
    assert not asked.ok and asked.actions == [], asked.reply
    before = home.state(device)
    result = await home.hub.handle_text(question)
    assert result.ok and result.actions[0].action == "Query", result.reply
    assert home.state(device) == before


@pytest.mark.parametrize(("steps", "reply"), [
    (["make the fan oscillate", "is the fan oscillating"], "The fan is oscillating."),
    (["stop oscillation on the fan", "is the fan oscillating"], "The fan is not oscillating."),
    (["让风扇摇头", "风扇在摇头吗"], "风扇在摇头。"),
    (["fais osciller le ventilateur", "le ventilateur oscille ?"], "Le ventilateur oscille."),
])
async def test_the_fan_oscillates_by_voice(home: DemoHome, steps: list[str], reply: str) -> None:
    order = await home.hub.handle_text(steps[0])
    assert order.ok, order.reply
    assert home.state("study-fan")["swing"] == ("off" if "stop" in steps[0] else "on")
    swing = home.state("study-fan")["swing"]
    asked = await home.hub.handle_text(steps[1])
    assert (asked.reply, asked.ok) == (reply, True)
    assert home.state("study-fan")["swing"] == swing


@pytest.mark.parametrize("text", ["电视关掉声音", "turn off the sound on the TV", "mets la télé en muet"])
async def test_the_sound_off_mutes_and_never_turns_the_tv_off(home: DemoHome, text: str) -> None:
    assert (await home.hub.handle_text("turn on the tv")).ok
    result = await home.hub.handle_text(text)
    assert result.ok, result.reply
    assert (home.state("tv")["mute"], home.state("tv")["powerstate"]) == (True, "on")
    undo = {"电视关掉声音": "电视打开声音", "mets la télé en muet": "enlève la sourdine de la télé"}
    back = await home.hub.handle_text(undo.get(text, "take the TV off mute"))
    assert back.ok and home.state("tv")["mute"] is False, back.reply


async def test_french_says_decimals_with_a_comma(home: DemoHome) -> None:
    home.device("living-sensor").apply({"temperature": 20.9}, cause="sensor")
    record = home.hub.directory.get("living-sensor")
    assert record is not None
    await until(home.hub.directory, lambda: record.state.get("temperature") == 20.9)
    fr = await home.hub.handle_text("quelle est la température du capteur de température ?")
    en = await home.hub.handle_text("what's the temperature of the temperature sensor")
    assert "20,9 degrés" in fr.reply and "20.9 degrees" in en.reply, (fr.reply, en.reply)


async def test_a_plug_says_its_power_draw(home: DemoHome) -> None:
    for text, said in (("what's the power draw of the kitchen plug", "The power draw of the kitchen plug is 0 W."),
                       ("厨房插座的功率是多少", "厨房插座的功率是0瓦。"),
                       ("quelle puissance consomme la prise de la cuisine ?",
                        "La puissance de la prise de la cuisine est de 0 W.")):
        result = await home.hub.handle_text(text)
        assert (result.reply, result.ok) == (said, True)


def test_a_colour_is_named_by_the_nearest_css_name() -> None:
    from hub.conversation.phrases import color_name
    from hub.nlu import load_lexicon

    words = load_lexicon("en").colors
    assert [color_name(rgb, words) for rgb in ("#008000", "#00ff00", "#00A000", "#FE0101", "#FFB46B")] == [
        "Green", "Lime", "Green", "Red", "Warm"]
    assert color_name("not a colour", words) == "not a colour"


@pytest.mark.parametrize(("text", "stopped", "moving"), [
    ("are the living room curtains moving", "The motion of the living room curtains is stopped.",
     "The motion of the living room curtains is opening."),
    ("客厅窗帘停了吗", "客厅窗帘的运动状态是已停止。", "客厅窗帘的运动状态是正在打开。"),
    ("le rideau du salon bouge encore ?", "Le mouvement des rideaux du salon : arrêté.",
     "Le mouvement des rideaux du salon : en ouverture."),
])
async def test_a_curtain_says_whether_it_moves(home: DemoHome, text: str, stopped: str, moving: str) -> None:
    asked = await home.hub.handle_text(text)
    assert (asked.reply, asked.ok) == (stopped, True)
    assert (await home.hub.handle_text("open the living room curtains")).ok
    asked = await home.hub.handle_text(text)
    assert (asked.reply, asked.ok) == (moving, True)


async def test_a_device_that_does_not_move_says_how_it_is(home: DemoHome) -> None:
    assert (await home.hub.handle_text("风扇停了吗")).reply == "风扇现在是关着的。"


@pytest.mark.parametrize(("question", "muted", "unmuted"), [
    ("is the tv on mute", "The TV is muted.", "The TV is not muted."),
    ("is the television muted", "The TV is muted.", "The TV is not muted."),
    ("est-ce que la télé est en sourdine ?", "La télé est en sourdine.", "La télé n'est pas en sourdine."),
    ("电视静音了吗", "电视静音了。", "电视没有静音。"),
])
async def test_asked_whether_the_tv_is_muted_it_says_and_never_mutes(home: DemoHome, question: str, muted: str,
                                                                     unmuted: str) -> None:
    asked = await home.hub.handle_text(question)
    assert (asked.reply, asked.ok, home.state("tv")["mute"]) == (unmuted, True, False)
    assert (await home.hub.handle_text("put the tv on mute")).ok
    asked = await home.hub.handle_text(question)
    assert (asked.reply, asked.ok, home.state("tv")["mute"]) == (muted, True, True)
