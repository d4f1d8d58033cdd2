"""Scenes, timers and routines on the running demo home (MemoryBroker, real devices, manual clock).

Time only moves when a test advances the home's ManualClock; waits are on events (announcements,
directory changes), never on wall time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hub.protocol import SUCCESS, AnnouncePayload, ErrorCode
from hub.service import Hub
from hub.store import Store
from tests.hub.conftest import SAFETY, TIMEZONE, DemoHome, until

LIGHTS = ("living-light", "floor-lamp", "bedroom-light", "desk-lamp")
SHANGHAI = ZoneInfo(TIMEZONE)


class Announcements:
    """What a hub says unasked, and a way to wait for the n-th thing."""

    def __init__(self, hub: Hub) -> None:
        self.said: list[AnnouncePayload] = []
        self._changed = asyncio.Event()
        hub.announcement_listeners.append(self._heard)

    def _heard(self, payload: AnnouncePayload) -> None:
        self.said.append(payload)
        self._changed.set()

    async def count(self, n: int) -> list[AnnouncePayload]:
        async with asyncio.timeout(SAFETY):
            while len(self.said) < n:
                self._changed.clear()
                await self._changed.wait()
        return self.said


def local(home: DemoHome) -> datetime:
    return datetime.fromtimestamp(home.clock.wall(), SHANGHAI)


async def lights_on(home: DemoHome) -> None:
    result = await home.hub.handle_text("打开所有的灯")
    assert result.ok, result.reply
    await until(home.hub.directory, lambda: all(home.hub.directory.get(i).state["powerstate"] == "on"  # type: ignore[union-attr]
                                                for i in LIGHTS))


# ---------------------------------------------------------------------------- scenes


async def test_good_night_runs_the_whole_scene_as_one_batch(home: DemoHome) -> None:
    await lights_on(home)
    result = await home.hub.handle_text("晚安")
    assert (result.lang, result.reply, result.ok) == ("zh", "好的，睡眠模式已开启。", True)
    acted = {a.device: (a.action, a.result) for a in result.actions}
    assert acted == {
        "living-light": ("TurnOff", SUCCESS), "floor-lamp": ("TurnOff", SUCCESS),
        "bedroom-light": ("TurnOff", SUCCESS), "desk-lamp": ("TurnOff", SUCCESS),
        "living-curtain": ("TurnOff", SUCCESS), "bedroom-curtain": ("TurnOff", SUCCESS),
        "tv": ("TurnOff", SUCCESS), "bedroom-ac": ("SetTemperature", SUCCESS), "front-door": ("Lock", SUCCESS),
    }
    assert all(home.state(i)["powerstate"] == "off" for i in LIGHTS)
    assert home.state("bedroom-ac")["temperature"] == 26
    assert home.state("front-door")["lockstate"] == "locked"


async def test_a_scene_with_an_offline_device_says_which_and_why(home: DemoHome) -> None:
    await home.runners["bedroom-curtain"].crash()
    await home.offline("bedroom-curtain")
    result = await home.hub.handle_text("晚安")
    assert not result.ok
    assert result.reply.startswith("睡眠模式已开启，8/9项完成；")
    assert "卧室窗帘离线了" in result.reply
    failed = [(a.device, a.result) for a in result.actions if a.result != SUCCESS]
    assert failed == [("bedroom-curtain", str(ErrorCode.IOT_DEVICE_OFFLINE))]
    assert home.state("bedroom-ac")["temperature"] == 26  # the rest was done


@pytest.mark.parametrize(
    ("text", "lang", "reply", "device", "key", "value"),
    [
        ("good night", "en", "OK, good night is on.", "bedroom-ac", "temperature", 26),
        ("Bonne nuit", "fr", "D'accord, scénario bonne nuit lancé.", "bedroom-ac", "temperature", 26),
        ("天猫精灵，我回来了", "zh", "好的，回家模式已开启。", "living-light", "powerstate", "on"),
        ("start movie time", "en", "OK, movie time is on.", "floor-lamp", "brightness", 20),
        ("lance le mode cinéma", "fr", "D'accord, scénario mode cinéma lancé.", "tv", "powerstate", "on"),
        ("打开观影模式", "zh", "好的，观影模式已开启。", "tv", "powerstate", "on"),
        ("I'm leaving", "en", "OK, leaving home is on.", "vacuum", "status", "cleaning"),
    ],
)
async def test_scenes_are_said_by_any_of_their_names(home: DemoHome, text: str, lang: str, reply: str, device: str,
                                                     key: str, value: object) -> None:
    result = await home.hub.handle_text(text)
    assert (result.lang, result.reply, result.ok) == (lang, reply, True)
    assert home.state(device)[key] == value


async def test_an_ac_mode_named_like_a_scene_is_still_a_mode(home: DemoHome) -> None:
    result = await home.hub.handle_text("把客厅空调调到睡眠模式")
    assert [a.device for a in result.actions] == ["living-ac"]
    assert home.state("front-door")["lockstate"] == "locked" and home.state("tv")["powerstate"] == "off"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有哪些场景", "你有4个场景：回家模式、睡眠模式、观影模式和离家模式。"),
        ("what scenes do I have", "You have 4 scenes: coming home, good night, movie time and leaving home."),
        ("quels sont mes scénarios", "Vous avez 4 scénarios : mode retour, bonne nuit, mode cinéma et mode absence."),
    ],
)
async def test_scenes_are_listed_by_voice(home: DemoHome, text: str, expected: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (expected, True)


async def test_a_scene_made_by_voice_runs_by_its_name_survives_a_restart_and_is_deleted(home: DemoHome) -> None:
    made = await home.hub.handle_text("创建场景阅读模式：打开台灯，关上客厅窗帘")
    assert (made.reply, made.ok) == ("好的，已创建场景阅读模式，包含2个动作。说“阅读模式”就能执行。", True)
    await home.stop_hub()
    store = Store(home.db)
    home.stores.append(store)
    home.hub = home.new_hub(store)
    home.hub_task = home.start(home.hub.run(), "hub-2")
    await home.all_online(home.hub)
    ran = await home.hub.handle_text("阅读模式")
    assert (ran.reply, ran.ok) == ("好的，阅读模式已开启。", True)
    assert {a.device: a.action for a in ran.actions} == {"desk-lamp": "TurnOn", "living-curtain": "TurnOff"}
    assert home.state("desk-lamp")["powerstate"] == "on"
    gone = await home.hub.handle_text("删除场景阅读模式")
    assert (gone.reply, gone.ok) == ("好的，场景阅读模式已删除。", True)
    again = await home.hub.handle_text("阅读模式")
    assert not again.ok and again.actions == []


async def test_creating_a_scene_in_english_and_french(home: DemoHome) -> None:
    en = await home.hub.handle_text("create a scene called Reading time: turn on the desk lamp and close the curtains")
    assert (en.reply, en.ok) == ('OK, scene Reading time created with 2 actions. Say "Reading time" to run it.', True)
    fr = await home.hub.handle_text("crée une scène Soirée calme : éteins la télé")
    assert fr.ok and "Soirée calme" in fr.reply
    ran = await home.hub.handle_text("reading time")
    assert {a.device for a in ran.actions} == {"desk-lamp", "living-curtain", "bedroom-curtain"}


async def test_a_scene_name_keeps_no_escape_sequence(home: DemoHome) -> None:
    """A scene is named by whoever can give a command: its name is shown on terminals and the dashboard."""
    made = home.hub.conversation.save_scene("Read\x1b]0;PWNED\x07ing\u202e", "turn on the desk lamp", "en")
    assert made.ok, made.reply
    (scene,) = [s for s in home.hub.automation.scenes() if s.source == "user"]
    assert scene.names.display("en") == "Reading"
    assert "\x1b" not in made.reply and "\u202e" not in made.reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("删除场景睡眠模式", "睡眠模式是家庭文件里定义的场景，不能用语音删除。"),
        ("delete the scene dinner party", 'I found no scene called "dinner party".'),
        ("创建场景阅读模式：打开按摩椅", None),  # no such device: the speaker's own reply
        ("创建场景阅读模式", "场景里要做什么呢？例如“创建场景阅读模式：打开书房的灯，关上窗帘”。"),
        ("创建场景开门：打开门锁", "为了安全，门锁不能定时打开。"),
        ("创建场景睡眠模式：关灯", "睡眠模式是家庭文件里定义的场景，请在家庭文件里修改。"),
    ],
)
async def test_scene_requests_that_cannot_be_done_say_why(home: DemoHome, text: str, expected: str | None) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert not result.ok
    if expected is not None:
        assert result.reply == expected
    else:
        assert "按摩椅" in result.reply
    assert home.states() == before
    assert len(home.hub.automation.scenes()) == 4


# ---------------------------------------------------------------------------- timers


async def test_a_timer_set_by_voice_fires_once_at_the_right_simulated_time(home: DemoHome) -> None:
    await lights_on(home)
    heard = Announcements(home.hub)
    result = await home.hub.handle_text("十分钟后关灯")
    assert (result.reply, result.ok) == ("好的，10分钟后关灯。", True)
    assert home.state("living-light")["powerstate"] == "on"
    await home.clock.advance(9 * 60 + 59)
    assert heard.said == [] and home.state("living-light")["powerstate"] == "on"
    await home.clock.advance(1)
    said = await heard.count(1)
    assert said[0].source == "timer" and said[0].ok
    assert said[0].text.startswith("定时任务：")
    assert all(home.state(i)["powerstate"] == "off" for i in LIGHTS)
    await home.clock.advance(24 * 3600)
    assert len(heard.said) == 1 and home.hub.automation.timers == {}


@pytest.mark.parametrize(
    ("text", "reply", "minutes", "device"),
    [
        ("turn off the TV in half an hour", "OK, I'll turn off the TV in 30 minutes.", 30, "tv"),
        ("éteins la lumière du salon dans 5 minutes", "D'accord, dans 5 minutes : « éteins la lumière du salon ».",
         5, "living-light"),
    ],
)
async def test_timers_in_english_and_french(home: DemoHome, text: str, reply: str, minutes: int,
                                            device: str) -> None:
    await home.hub.handle_text("打开电视和客厅灯")
    heard = Announcements(home.hub)
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    await home.clock.advance(minutes * 60)
    await heard.count(1)
    assert home.state(device)["powerstate"] == "off"


async def test_a_timer_survives_a_hub_restart_and_fires_once(home: DemoHome) -> None:
    await lights_on(home)
    assert (await home.hub.handle_text("二十分钟后关闭台灯")).ok
    await home.stop_hub()
    store = Store(home.db)
    home.stores.append(store)
    home.hub = home.new_hub(store)
    heard = Announcements(home.hub)
    home.hub_task = home.start(home.hub.run(), "hub-2")
    await home.all_online(home.hub)
    assert [t.text for t in home.hub.automation.pending()] == ["关闭台灯"]
    await home.clock.advance(20 * 60)
    await heard.count(1)
    assert home.state("desk-lamp")["powerstate"] == "off"
    assert store.timers() == []
    await home.clock.advance(3600)
    assert len(heard.said) == 1


async def test_a_timer_due_while_the_hub_was_down_fires_when_it_is_back(home: DemoHome) -> None:
    await lights_on(home)
    assert (await home.hub.handle_text("in 5 minutes turn off the floor lamp")).ok
    await home.stop_hub()
    await home.clock.advance(600)  # the hub is down when it falls due
    assert home.state("floor-lamp")["powerstate"] == "on"
    store = Store(home.db)
    home.stores.append(store)
    home.hub = home.new_hub(store)
    heard = Announcements(home.hub)
    home.hub_task = home.start(home.hub.run(), "hub-2")
    said = await heard.count(1)
    assert said[0].ok, said[0].text
    assert home.state("floor-lamp")["powerstate"] == "off"
    assert store.timers() == []


async def test_a_weekday_schedule_fires_each_weekday_at_seven(home: DemoHome) -> None:
    heard = Announcements(home.hub)
    assert local(home).strftime("%a %H:%M") == "Thu 08:00"
    result = await home.hub.handle_text("每个工作日早上七点打开卧室窗帘")
    assert result.ok, result.reply
    (timer,) = home.hub.automation.pending()
    assert datetime.fromtimestamp(timer.due, SHANGHAI).strftime("%a %H:%M") == "Fri 07:00"
    await home.clock.advance(23 * 3600)  # Friday 07:00
    await heard.count(1)
    assert heard.said[0].ok
    (timer,) = home.hub.automation.pending()
    assert datetime.fromtimestamp(timer.due, SHANGHAI).strftime("%a %d %H:%M") == "Mon 05 07:00"
    assert home.store.timers()[0].due == timer.due
    await home.clock.advance(2 * 24 * 3600)  # the weekend: nothing
    assert len(heard.said) == 1
    await home.clock.advance(24 * 3600)  # Monday 07:00
    await heard.count(2)


async def test_timers_are_listed_and_cancelled_by_voice(home: DemoHome) -> None:
    assert (await home.hub.handle_text("十分钟后关灯")).ok
    assert (await home.hub.handle_text("every weekday at 7 open the bedroom curtains")).ok
    listed = await home.hub.handle_text("我有哪些定时")
    assert listed.reply.startswith("你有2个定时：1. 10分钟后关灯；2. ")
    which = await home.hub.handle_text("取消定时")
    assert not which.ok and "要取消哪一个" in which.reply
    cancelled = await home.hub.handle_text("取消第一个定时")
    assert (cancelled.reply, cancelled.ok) == ("好的，已取消10分钟后关灯的定时。", True)
    assert [t.text for t in home.hub.automation.pending()] == ["open the bedroom curtains"]
    everything = await home.hub.handle_text("cancel all timers")
    assert (everything.reply, everything.ok) == ("OK, your one timer is cancelled.", True)
    assert home.store.timers() == []
    none = await home.hub.handle_text("quels minuteurs")
    assert none.reply == "Vous n'avez aucun minuteur."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十分钟后开锁", "为了安全，门锁不能定时打开。"),
        ("十分钟后打开灯",
         "有4个可以选：客厅灯、落地灯、卧室灯和台灯。定时或场景要说清楚是哪一个，例如“十分钟后打开客厅灯”。"),
        ("turn up the fan speed in 5 minutes",
         "There are 4 to choose from: living room air conditioner, air purifier, bedroom air conditioner and fan. "
         'For a timer or a scene, say which one, for example "turn on the living room light in ten minutes".'),
        ("in ten minutes what is the temperature", "Timers can only control devices, not answer questions."),
        ("十分钟后", "要在10分钟后做什么呢？例如“十分钟后关灯”。"),
        ("dans 5 minutes", "Que dois-je faire dans 5 minutes ? Par exemple « éteins la lumière dans dix minutes »."),
    ],
)
async def test_timers_that_cannot_be_set_say_why(home: DemoHome, text: str, expected: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (expected, False)
    assert home.hub.automation.pending() == []


async def test_a_timer_can_run_a_scene(home: DemoHome) -> None:
    heard = Announcements(home.hub)
    result = await home.hub.handle_text("in 10 minutes good night")
    assert result.ok, result.reply
    await home.clock.advance(600)
    said = await heard.count(1)
    assert said[0].text == "Timer: OK, good night is on."
    assert home.state("front-door")["lockstate"] == "locked"


# ---------------------------------------------------------------------------- routines


async def test_unlocking_the_door_announces_it_once(home: DemoHome) -> None:
    heard = Announcements(home.hub)
    result = await home.hub.handle_text("开门，密码123456")
    assert result.ok, result.reply
    said = await heard.count(1)
    assert (said[0].source, said[0].id, said[0].text) == ("routine", "door-unlocked", "门锁已打开，欢迎回家")
    await home.clock.advance(60)  # the lock relocks by itself; that starts nothing
    await until(home.hub.directory, lambda: home.hub.directory.get("front-door").state["lockstate"] == "locked")  # type: ignore[union-attr]
    assert len(heard.said) == 1


async def test_a_sensor_crossing_a_threshold_runs_actions_and_speaks(home: DemoHome) -> None:
    heard = Announcements(home.hub)
    sensor = home.device("living-sensor")
    await apply(home, "living-sensor", lambda: sensor.apply({"temperature": 31.0}, "sensor"))
    said = await heard.count(1)
    assert said[0].id == "living-room-hot" and said[0].ok
    assert [(a.device, a.action, a.result) for a in said[0].actions] == [("living-ac", "SetTemperature", SUCCESS)]
    assert home.state("living-ac")["temperature"] == 25
    # still above: no new edge
    await apply(home, "living-sensor", lambda: sensor.apply({"temperature": 32.0}, "sensor"))
    await apply(home, "living-sensor", lambda: sensor.apply({"temperature": 29.0}, "sensor"))
    assert len(heard.said) == 1
    await apply(home, "living-sensor", lambda: sensor.apply({"temperature": 30.5}, "sensor"))  # crosses again
    await heard.count(2)


async def apply(home: DemoHome, device_id: str, change: Callable[[], object]) -> None:
    """Change a device as the physical world would, and wait until the hub has heard of it."""
    device = home.device(device_id)
    change()
    await until(home.hub.directory,
                lambda: home.hub.directory.get(device_id).state == device.state)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("turn on the desk lamp, then turn it off in 10 minutes",
         "OK, desk lamp turned on. I'll turn it off in 10 minutes."),
        ("allume la lampe de bureau puis éteins-la dans 10 minutes",
         "D'accord, lampe de bureau : allumée. Dans 10 minutes : « éteins-la »."),
        ("打开台灯，然后十分钟后把它关掉", "好的，台灯已打开。10分钟后把它关掉。"),
    ],
)
async def test_what_comes_before_then_is_done_now_and_it_is_remembered(home: DemoHome, text: str,
                                                                      reply: str) -> None:
    heard = Announcements(home.hub)
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    assert home.state("desk-lamp")["powerstate"] == "on"
    (timer,) = home.hub.automation.pending()
    assert [a.devices for a in timer.actions] == [("desk-lamp",)]
    await home.clock.advance(600)
    await heard.count(1)
    assert home.state("desk-lamp")["powerstate"] == "off"


async def test_a_cleaning_run_announces_low_battery_then_the_end_of_cleaning(home: DemoHome) -> None:
    heard = Announcements(home.hub)
    assert (await home.hub.handle_text("开始扫地")).ok
    await home.clock.advance(45 * 60)  # at standard suction the battery reaches 15 % in 42.5 minutes
    said = await heard.count(2)
    assert [(s.id, s.text) for s in said] == [
        ("vacuum-battery-low", "扫地机器人电量低于20%"),
        ("cleaning-finished", "扫地机器人打扫完了，已回到基站"),
    ]
    assert home.state("vacuum")["status"] == "docked"


async def test_a_listed_timer_says_the_minutes_left(home: DemoHome) -> None:
    assert (await home.hub.handle_text("十分钟后关灯")).ok
    await home.clock.advance(4)  # a few seconds later it is still "in 10 minutes", not "9 minutes 56 seconds"
    assert (await home.hub.handle_text("我有哪些定时")).reply == "你有1个定时：1. 10分钟后关灯。"
    await home.clock.advance(8 * 60)
    assert (await home.hub.handle_text("what timers do I have")).reply == (
        "You have one timer: 1. turn off all four lights in 2 minutes.")  # told in the language asked
    await home.clock.advance(60)
    said = (await home.hub.handle_text("quels minuteurs")).reply
    assert said == "Vous avez un minuteur : 1. dans 56 secondes : « éteindre les quatre lumières »."



@pytest.mark.parametrize(
    ("text", "reply", "minutes", "said"),
    [
        ("十分钟后提醒我关火", "好的，10分钟后提醒你关火。", 10, "提醒：关火"),
        ("remind me to take the pizza out in 15 minutes", "OK, reminder set in 15 minutes: take the pizza out.", 15,
         "Reminder: take the pizza out"),
        ("rappelle-moi d'appeler Marie dans 5 minutes",
         "D'accord, je vous le rappellerai dans 5 minutes : « appeler Marie ».", 5, "Rappel : appeler Marie"),
        ("半小时后叫我起床", "好的，半小时后叫你。", 30, "闹钟：时间到了。"),
    ],
)
async def test_a_reminder_or_an_alarm_is_said_when_it_falls_due(home: DemoHome, text: str, reply: str,
                                                                minutes: int, said: str) -> None:
    heard = Announcements(home.hub)
    before = home.states()
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok, result.actions) == (reply, True, [])
    await home.clock.advance(minutes * 60 - 1)
    assert heard.said == []
    await home.clock.advance(1)
    (announced,) = await heard.count(1)
    assert (announced.source, announced.text, announced.actions) == ("timer", said, [])
    changed = {k for k, v in home.states().items() if v != before[k]}
    assert changed <= {"living-sensor", "living-ac", "bedroom-ac", "humidifier", "water-heater", "air-purifier"}
    assert home.hub.automation.pending() == []


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("wake me up at 7", "OK, I'll wake you tomorrow at 07:00."),  # it is 08:00: an alarm at 7 is the morning
        ("réveille-moi à 7h", "D'accord, je vous réveillerai demain à 07:00."),
        ("每天六点叫我", "好的，每天6:00叫你。"),
        ("wake me up at 7 pm", "OK, I'll wake you today at 19:00."),
        ("réveille-moi à 19h", "D'accord, je vous réveillerai aujourd'hui à 19:00."),
        ("十九点叫我", "好的，今天19:00叫你。"),
        ("每天晚上十点叫我", "好的，每天22:00叫你。"),
    ],
)
async def test_an_alarm_at_a_bare_hour_is_in_the_morning(home: DemoHome, text: str, reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
