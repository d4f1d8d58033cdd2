"""Text commands end to end: ``hub.handle_text`` -> directives over the MemoryBroker -> the devices' real
state -> the reply, in the command's language. The demo home runs in full (19 devices)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from devices.base import DeviceConfig
from devices.categories import device_class
from devices.home import load_home
from hub.conversation import MAX_SESSIONS, PENDING_TTL, Speaker
from hub.directory import Directory
from hub.protocol import SUCCESS, ErrorCode, ErrorResponse, Names, Request, Response
from tests.hub.conftest import DemoHome

LIGHTS = ("living-light", "floor-lamp", "bedroom-light", "desk-lamp")


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


def _fmt(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value == int(value) else str(value)


# ---------------------------------------------------------------------------- one command per language


@pytest.mark.parametrize(
    ("text", "lang", "reply"),
    [
        ("打开台灯", "zh", "好的，台灯已打开。"),
        ("Hey Genie, turn on the desk lamp", "en", "OK, desk lamp turned on."),
        ("Génie, allume la lampe de bureau", "fr", "D'accord, lampe de bureau : allumée."),
    ],
)
async def test_turn_on_in_each_language(home: DemoHome, text: str, lang: str, reply: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert (result.lang, result.reply, result.ok) == (lang, reply, True)
    assert [(a.device, a.action, a.result) for a in result.actions] == [("desk-lamp", "TurnOn", SUCCESS)]
    after = home.states()
    assert after["desk-lamp"]["powerstate"] == "on"
    assert {k: v for k, v in after.items() if k != "desk-lamp"} == {k: v for k, v in before.items()
                                                                     if k != "desk-lamp"}
    assert home.hub.directory.get("desk-lamp").state["powerstate"] == "on"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "device", "value", "reply"),
    [
        ("把客厅空调调到二十四度", "living-ac", 24, "好的，客厅空调的温度已调到24度。"),
        ("set the bedroom air conditioner to 24 degrees", "bedroom-ac", 24,
         "OK, bedroom air conditioner temperature set to 24 degrees."),
        ("mets le climatiseur de la chambre à 22 degrés", "bedroom-ac", 22,
         "D'accord, climatiseur de la chambre : température réglée à 22 degrés."),
    ],
)
async def test_set_temperature_in_each_language(home: DemoHome, text: str, device: str, value: int,
                                                reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    assert home.state(device)["temperature"] == value
    assert home.state(device)["powerstate"] == "on"  # setting a temperature turns the AC on


@pytest.mark.parametrize(
    ("text", "device", "attribute", "value", "reply"),
    [
        ("把台灯调亮一点", "desk-lamp", "brightness", 95, "好的，台灯的亮度已调高到95%。"),
        ("make the desk lamp brighter", "desk-lamp", "brightness", 95, "OK, desk lamp brightness raised to 95%."),
        ("mets la télé plus fort", "tv", "volume", 30, "D'accord, télé : volume augmenté à 30."),
        ("把台灯调到百分之三十", "desk-lamp", "brightness", 30, "好的，台灯的亮度已调到30%。"),
        ("把卧室的灯调到一半", "bedroom-light", "brightness", 50, "好的，卧室灯的亮度已调到50%。"),
    ],
)
async def test_relative_and_numeral_commands(home: DemoHome, text: str, device: str, attribute: str,
                                             value: int, reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    assert home.state(device)[attribute] == value


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("打开台灯然后把亮度调到五十", "好的，台灯已打开；台灯的亮度已调到50%。"),
        ("turn on the desk lamp and then set it to 50%",
         "OK, desk lamp turned on; desk lamp brightness set to 50%."),
        ("allume la lampe de bureau puis mets-la à 50 %",
         "D'accord, lampe de bureau : allumée ; lampe de bureau : luminosité réglée à 50 %."),
    ],
)
async def test_two_clauses(home: DemoHome, text: str, reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    assert [(a.device, a.action) for a in result.actions] == [("desk-lamp", "TurnOn"),
                                                              ("desk-lamp", "SetBrightness")]
    assert home.state("desk-lamp")["powerstate"] == "on"
    assert home.state("desk-lamp")["brightness"] == 50


# ---------------------------------------------------------------------------- groups and ask-back


async def test_group_command_turns_on_both_living_room_lights(home: DemoHome) -> None:
    result = await home.hub.handle_text("打开客厅的灯")
    assert (result.lang, result.reply, result.ok) == ("zh", "好的，客厅的两盏灯已打开。", True)
    assert sorted(a.device for a in result.actions) == ["floor-lamp", "living-light"]
    assert {d: home.state(d)["powerstate"] for d in LIGHTS} == {
        "living-light": "on", "floor-lamp": "on", "bedroom-light": "off", "desk-lamp": "off"}


async def test_all_lights_off_in_french(home: DemoHome) -> None:
    on = await home.hub.handle_text("打开所有的灯")
    assert on.ok and len(on.actions) == 4
    assert all(home.state(d)["powerstate"] == "on" for d in LIGHTS)
    result = await home.hub.handle_text("éteins toutes les lumières")
    assert (result.lang, result.reply, result.ok) == ("fr", "D'accord, les quatre lumières : éteintes.", True)
    assert all(home.state(d)["powerstate"] == "off" for d in LIGHTS)
    assert home.state("tv")["powerstate"] == "off"


async def test_group_with_an_offline_member_reports_both(home: DemoHome) -> None:
    await home.runners["floor-lamp"].crash()
    await home.offline("floor-lamp")
    result = await home.hub.handle_text("打开客厅的灯")
    assert result.reply == "2个设备中完成了1个：客厅灯已打开；落地灯离线了，暂时无法控制。"
    assert result.ok is False
    assert {a.device: a.result for a in result.actions} == {"living-light": SUCCESS,
                                                            "floor-lamp": "IOT_DEVICE_OFFLINE"}
    assert home.state("living-light")["powerstate"] == "on"
    assert home.state("floor-lamp")["powerstate"] == "off"


async def test_a_partly_failed_group_says_how_many_were_done_in_each_language(home: DemoHome) -> None:
    await home.runners["bedroom-light"].crash()
    await home.offline("bedroom-light")
    en = await home.hub.handle_text("turn on all the lights")
    assert en.reply == ("3 of 4 done: living room light, floor lamp and desk lamp turned on; "
                        "the bedroom light is offline and can't be controlled right now.")
    fr = await home.hub.handle_text("éteins toutes les lumières")
    assert fr.reply.startswith("3 sur 4 faits : ")
    assert "lumière de la chambre est hors ligne" in fr.reply
    assert not en.ok and not fr.ok


@pytest.mark.parametrize(
    ("text", "lang", "reply"),
    [
        ("把灯调成红色", "zh", "有好几个灯：客厅灯、落地灯、卧室灯和台灯。你想控制哪一个？"),
        ("set the light to red", "en",
         "There are several lights: living room light, floor lamp, bedroom light and desk lamp. "
         "Which one do you mean?"),
        ("mets la lumière en rouge", "fr",
         "Il y a plusieurs lumières : lumière du salon, lampadaire, lumière de la chambre et lampe de bureau. "
         "Laquelle voulez-vous dire ?"),
    ],
)
async def test_ambiguous_target_asks_back_and_does_nothing(home: DemoHome, text: str, lang: str,
                                                           reply: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert (result.lang, result.reply, result.ok, result.actions) == (lang, reply, False, [])
    assert sum(home.requests_to(d) for d in LIGHTS) == 0
    assert home.states() == before


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("text", "lang", "reply"),
    [
        ("把台灯调到150%", "zh", "台灯不支持这个数值（范围是1到100%）。"),
        ("set the desk lamp to 150%", "en", "The desk lamp can't take that value (the range is 1 to 100%)."),
        ("mets la lampe de bureau à 150 %", "fr", "La lampe de bureau n'accepte pas cette valeur (de 1 à 100 %)."),
    ],
)
async def test_out_of_range_is_refused_without_sending(home: DemoHome, text: str, lang: str, reply: str) -> None:
    before = home.state("desk-lamp")
    result = await home.hub.handle_text(text)
    assert (result.lang, result.reply, result.ok) == (lang, reply, False)
    assert [(a.device, a.action, a.params, a.result) for a in result.actions] == [
        ("desk-lamp", "SetBrightness", {"brightness": 150}, "INVALIDATE_PARAMS")]
    assert home.requests_to("desk-lamp") == 0
    assert home.state("desk-lamp") == before


async def test_out_of_range_temperature_names_the_range(home: DemoHome) -> None:
    result = await home.hub.handle_text("set the living room air conditioner to 35 degrees")
    assert result.reply == "The living room air conditioner can't take that value (the range is 16 to 30 degrees)."
    assert result.ok is False
    assert home.requests_to("living-ac") == 0
    assert home.state("living-ac")["temperature"] == 26


@pytest.mark.parametrize(
    ("text", "lang", "reply"),
    [
        ("哈哈哈哈", "zh", "抱歉，我没听懂“哈哈哈哈”。"),
        ("xyzzy plugh", "en", "Sorry, I didn't understand \"xyzzy plugh\"."),
        ("le chat de la voisine", "fr", "Désolé, je n'ai pas compris « le chat de la voisine »."),
    ],
)
async def test_garbage_is_not_understood(home: DemoHome, text: str, lang: str, reply: str) -> None:
    before = home.states()
    sent = len(home.broker.log)
    result = await home.hub.handle_text(text)
    assert result.lang == lang
    assert result.reply.startswith(reply)
    assert (result.ok, result.actions) == (False, [])
    assert len(home.broker.log) == sent  # nothing was published at all
    assert home.states() == before


@pytest.mark.parametrize(
    ("text", "lang", "reply", "ok"),
    [
        ("天猫精灵", "zh", "我在，请吩咐。", True),
        ("Hey Genie", "en", "Yes? I'm listening.", True),
        ("", "en", "Tell me what to do, for example \"turn on the living room light\".", False),
    ],
)
async def test_wake_word_alone_and_empty(home: DemoHome, text: str, lang: str, reply: str, ok: bool) -> None:
    result = await home.hub.handle_text(text)
    assert (result.lang, result.reply, result.ok, result.actions) == (lang, reply, ok, [])


async def test_unknown_device_category_in_room(home: DemoHome) -> None:
    result = await home.hub.handle_text("打开厨房的灯")
    assert (result.reply, result.ok, result.actions) == ("厨房没有灯。", False, [])


# ---------------------------------------------------------------------------- offline devices


@pytest.mark.parametrize(
    ("text", "lang", "reply"),
    [
        ("打开电视", "zh", "电视离线了，暂时无法控制。"),
        ("turn on the tv", "en", "The TV is offline and can't be controlled right now."),
        ("allume la télé", "fr", "La télé est hors ligne et ne peut pas être commandée."),
    ],
)
async def test_crashed_device_is_offline_at_once(home: DemoHome, text: str, lang: str, reply: str) -> None:
    await home.runners["tv"].crash()  # the memory broker fires its last will
    await home.offline("tv")
    start = _loop_time()
    result = await home.hub.handle_text(text)
    elapsed = _loop_time() - start
    assert (result.lang, result.reply, result.ok) == (lang, reply, False)
    assert [(a.device, a.result) for a in result.actions] == [("tv", "IOT_DEVICE_OFFLINE")]
    assert elapsed < home.hub.request_timeout / 2  # answered from the directory, no waiting for a timeout
    assert home.requests_to("tv") == 0
    assert home.state("tv")["powerstate"] == "off"


async def test_silent_device_times_out_as_offline(home: DemoHome) -> None:
    home.device("floor-lamp").fault = "offline"  # it stays connected but never answers
    start = _loop_time()
    result = await home.hub.handle_text("turn on the floor lamp")
    elapsed = _loop_time() - start
    assert (result.reply, result.ok) == ("The floor lamp is offline and can't be controlled right now.", False)
    assert [(a.device, a.result) for a in result.actions] == [("floor-lamp", "IOT_DEVICE_OFFLINE")]
    assert result.actions[0].message == f"no answer within {home.hub.request_timeout:g}s"
    assert elapsed >= home.hub.request_timeout
    assert home.requests_to("floor-lamp") == 1
    assert home.state("floor-lamp")["powerstate"] == "off"


# ---------------------------------------------------------------------------- the door lock


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("开锁", "开锁需要密码，请告诉我密码。"),
        ("unlock the front door", "Unlocking needs the code. What is it?"),
        ("déverrouille la porte", "Pour déverrouiller, il faut le code. Quel est-il ?"),
    ],
)
async def test_unlock_without_code_asks_for_it(home: DemoHome, text: str, reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, False)
    assert home.state("front-door")["lockstate"] == "locked"
    assert home.requests_to("front-door") == 0


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("开锁，密码是123456", "好的，门锁已解锁。"),
        ("开锁，密码是一二三四五六", "好的，门锁已解锁。"),
        ("unlock the front door, the code is 123456", "OK, door lock unlocked."),
        ("déverrouille la porte, code 123456", "D'accord, serrure : déverrouillée."),
    ],
)
async def test_unlock_with_the_right_code(home: DemoHome, text: str, reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    assert home.state("front-door")["lockstate"] == "unlocked"
    assert [(a.device, a.action, a.params) for a in result.actions] == [
        ("front-door", "Unlock", {"code": "******"})]  # the code itself is never in the log


@pytest.mark.parametrize("text", ["开锁，密码是654321", "unlock the door, code 000000"])
async def test_unlock_with_a_wrong_code_stays_locked(home: DemoHome, text: str) -> None:
    result = await home.hub.handle_text(text)
    assert result.ok is False
    assert [a.result for a in result.actions] == [str(ErrorCode.INVALIDATE_PARAMS)]
    assert home.state("front-door")["lockstate"] == "locked"
    assert home.requests_to("front-door") == 1  # the lock itself refused it


async def test_lock_again_after_unlock(home: DemoHome) -> None:
    assert (await home.hub.handle_text("开锁，密码是123456")).ok
    result = await home.hub.handle_text("lock the door")
    assert (result.reply, result.ok) == ("OK, door lock locked.", True)
    assert home.state("front-door")["lockstate"] == "locked"


# ---------------------------------------------------------------------------- questions


async def test_query_power_state_follows_the_device(home: DemoHome) -> None:
    result = await home.hub.handle_text("客厅灯开着吗")
    assert (result.reply, result.ok) == ("客厅灯现在是关着的。", True)
    assert [(a.device, a.action) for a in result.actions] == [("living-light", "Query")]
    assert home.state("living-light")["powerstate"] == "off"  # asking changed nothing
    assert (await home.hub.handle_text("打开客厅灯")).ok
    assert (await home.hub.handle_text("客厅灯开着吗")).reply == "客厅灯现在是开着的。"


async def test_is_the_tv_on(home: DemoHome) -> None:
    assert (await home.hub.handle_text("is the tv on")).reply == "The TV is off."
    assert (await home.hub.handle_text("turn on the tv")).ok
    assert (await home.hub.handle_text("is the tv on")).reply == "The TV is on."


@pytest.mark.parametrize(
    ("text", "template"),
    [
        ("what is the temperature in the living room", "The temperature of the temperature sensor is {} degrees."),
        ("quelle est la température du salon", "La température du capteur de température est de {} degrés."),
        ("客厅几度", "温湿度传感器的温度是{}度。"),
    ],
)
async def test_query_temperature_answers_the_sensor_value(home: DemoHome, text: str, template: str) -> None:
    value = _fmt(home.state("living-sensor")["temperature"])
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (template.format(value), True)
    assert [a.device for a in result.actions] == ["living-sensor"]


async def test_query_a_value_of_a_named_device(home: DemoHome) -> None:
    result = await home.hub.handle_text("电视的音量是多少")
    assert (result.reply, result.ok) == ("电视的音量是20。", True)


# ---------------------------------------------------------------------------- formerly known bugs


async def test_louder_a_bit_uses_the_default_step(home: DemoHome) -> None:
    result = await home.hub.handle_text("电视大声一点")
    assert result.ok
    assert home.state("tv")["volume"] == 30


async def test_kai_le_ma_is_a_question_not_a_command(home: DemoHome) -> None:
    result = await home.hub.handle_text("客厅灯开了吗")
    assert home.state("living-light")["powerstate"] == "off"
    assert result.reply == "客厅灯现在是关着的。"


@pytest.mark.parametrize("text", ["turn off everything", "关闭全部", "éteins tout"])
async def test_turn_off_everything(home: DemoHome, text: str) -> None:
    assert (await home.hub.handle_text("打开所有的灯然后打开电视")).ok
    assert home.state("tv")["powerstate"] == "on"
    result = await home.hub.handle_text(text)
    assert result.ok
    assert all(home.state(d)["powerstate"] == "off" for d in (*LIGHTS, "tv"))
    assert home.state("front-door")["lockstate"] == "locked"  # "everything off" does not touch the lock


# ---------------------------------------------------------------------------- conversations


async def test_each_conversation_has_its_own_question(home: DemoHome) -> None:
    speaker = home.hub.speaker
    asked = await speaker.handle("打开灯", session="kitchen-speaker")
    assert asked.reply.endswith("你想控制哪一个？")
    other = await speaker.handle("客厅的", session="bedroom-speaker")  # not an answer: nobody asked it
    assert (other.ok, other.actions) == (False, [])
    answered = await speaker.handle("客厅的", session="kitchen-speaker")
    assert answered.reply == "好的，客厅的两盏灯已打开。"
    assert {d: home.state(d)["powerstate"] for d in LIGHTS} == {
        "living-light": "on", "floor-lamp": "on", "bedroom-light": "off", "desk-lamp": "off"}


async def test_each_conversation_remembers_its_own_devices(home: DemoHome) -> None:
    speaker = home.hub.speaker
    assert (await speaker.handle("打开台灯", session="a")).ok
    assert (await speaker.handle("打开卧室灯", session="b")).ok
    assert (await speaker.handle("调暗一点", session="a")).reply == "好的，台灯的亮度已调低到45%。"
    assert home.state("bedroom-light")["brightness"] == 50


async def test_a_question_left_unanswered_expires(home: DemoHome) -> None:
    speaker = home.hub.speaker  # on the home's simulation clock
    assert not (await speaker.handle("开锁")).ok
    await home.clock.advance(PENDING_TTL + 1)
    late = await speaker.handle("123456")
    assert (late.ok, late.actions) == (False, [])
    assert home.requests_to("front-door") == 0
    assert home.state("front-door")["lockstate"] == "locked"


async def test_a_question_answered_in_time_completes(home: DemoHome) -> None:
    speaker = home.hub.speaker
    assert not (await speaker.handle("unlock the door")).ok
    await home.clock.advance(PENDING_TTL - 1)
    result = await speaker.handle("123456")
    assert (result.lang, result.reply, result.ok) == ("en", "OK, door lock unlocked.", True)


async def test_again_with_nothing_to_repeat_says_so(home: DemoHome) -> None:
    before = home.states()
    result = await home.hub.handle_text("再来一点")
    assert (result.reply, result.ok, result.actions) == ("要我再做什么呢？", False, [])
    assert home.states() == before


@pytest.mark.parametrize(
    ("text", "reply"),
    [("台灯", "你想让台灯做什么？"), ("the floor lamp", "What should I do with the floor lamp?"),
     ("le salon", "Que dois-je faire avec le salon ?")],
)
async def test_a_bare_name_asks_what_to_do(home: DemoHome, text: str, reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok, result.actions) == (reply, False, [])


def test_conversations_are_bounded() -> None:
    speaker = Speaker(Directory(), _never_sent)
    first = speaker.session("first")
    for i in range(MAX_SESSIONS):
        speaker.session(f"s{i}")
    assert len(speaker.sessions) == MAX_SESSIONS
    assert "first" not in speaker.sessions
    assert speaker.session("first") is not first  # forgotten, so a new one


def test_the_catalog_follows_a_device_that_registers_anew(home_config: DeviceConfig) -> None:
    directory = Directory()
    device = device_class(home_config.category)(home_config)
    directory.register(device.info())
    speaker = Speaker(directory, _never_sent)
    catalog = speaker.catalog()
    assert speaker.catalog() is catalog  # nothing changed: the same index
    renamed = device.info().model_copy(update={"names": Names(zh=["阅读灯"], en=["reading lamp"])})
    directory.register(renamed)
    assert speaker.catalog() is not catalog
    assert "reading lamp" in speaker.catalog().named


async def _never_sent(request: Request) -> Response | ErrorResponse:
    raise AssertionError(f"nothing should be sent, got {request.action}")


@pytest.fixture
def home_config() -> DeviceConfig:
    return next(c for c in load_home().device_configs() if c.id == "desk-lamp")
