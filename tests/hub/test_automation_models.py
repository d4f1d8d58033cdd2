"""Scenes, routines and timers as data: home-file validation, schedules' next time, storage, voice phrases."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from devices.home import DEMO_HOME, HomeFileError, parse_home
from genie.homes import automations_of
from hub.automation.models import Action, Repeat, Scene, Timer, Trigger
from hub.nlu.requests import Heard, hear, scene_name
from hub.store import Store

CST = timezone(timedelta(hours=8))


def demo(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load(DEMO_HOME.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def test_the_demo_home_has_its_four_scenes_and_four_routines() -> None:
    automations = automations_of(parse_home(demo()))
    assert [s.id for s in automations.scenes] == ["coming-home", "good-night", "movie-time", "leaving-home"]
    assert [r.id for r in automations.routines] == ["door-unlocked", "cleaning-finished", "vacuum-battery-low",
                                                    "living-room-hot"]
    for scene in automations.scenes:
        assert all(scene.names.for_lang(lang) for lang in ("zh", "en", "fr")), scene.id


SCENE = {"id": "s", "names": {"en": ["s"]}, "actions": [{"device": "tv", "action": "off"}]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scenes": [{**SCENE, "actions": [{"device": "jacuzzi", "action": "on"}]}]},
         "scenes[0] (id 's').actions[0].devices: unknown device 'jacuzzi'"),
        ({"scenes": [{**SCENE, "actions": [{"room": "garage", "action": "off"}]}]},
         "scenes[0] (id 's').actions[0].room: unknown room 'garage'"),
        ({"scenes": [{**SCENE, "actions": [{"category": "spaceship", "action": "off"}]}]},
         "unknown category 'spaceship'"),
        ({"scenes": [SCENE, SCENE]}, "scenes[1] (id 's').id: duplicate scene id"),
        ({"scenes": [{**SCENE, "actions": [{"device": "tv", "action": "set"}]}]}, "action set needs a value"),
        ({"scenes": [{**SCENE, "actions": [{"device": "front-door", "action": "unlock"}]}]},
         "scenes[0].actions[0].action: Input should be 'on'"),
        ({"scenes": [{**SCENE, "actions": []}]}, "scenes[0].actions: List should have at least 1 item"),
        ({"scenes": [{**SCENE, "names": {}}]}, "give the scene at least one name"),
        ({"routines": [{"id": "r", "when": {"device": "ghost", "property": "x", "becomes": 1}, "say": {"en": "hi"}}]},
         "routines[0] (id 'r').when.device: unknown device 'ghost'"),
        ({"routines": [{"id": "r", "when": {"device": "tv", "property": "volume", "above": 1, "below": 9},
                        "say": {"en": "hi"}}]}, "give exactly one of becomes, above, below"),
        ({"routines": [{"id": "r", "when": {"device": "tv", "property": "volume", "above": 1}}]},
         "a routine needs actions, a scene or something to say"),
        ({"routines": [{"id": "r", "when": {"device": "tv", "property": "volume", "above": 1}, "scene": "nope"}]},
         "routines[0] (id 'r').scene: unknown scene 'nope'"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"speakers": [{"id": "sp", "room": "garage"}]}, "speakers[0] (id 'sp').room: no room 'garage' in this home"),
        ({"speakers": [{"id": "sp"}, {"id": "sp"}]}, "speakers[1] (id 'sp').id: duplicate speaker id"),
        ({"speakers": [{"id": "Living Speaker"}]}, "speakers[0].id: String should match pattern"),
        ({"language": "de"}, "language"),
    ],
)
def test_a_bad_scene_or_routine_is_reported_with_its_entry_and_field(changes: dict[str, Any], message: str) -> None:
    data = demo(**{"scenes": [], "routines": [], **changes})
    with pytest.raises(HomeFileError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        automations_of(parse_home(data))


def test_an_action_names_devices_or_a_room_and_category() -> None:
    assert Action.model_validate({"device": "tv", "action": "off"}).devices == ("tv",)
    assert Action.model_validate({"room": "bedroom", "category": "curtain", "action": "off"}).room == "bedroom"
    with pytest.raises(ValueError, match="not both"):
        Action.model_validate({"devices": ["tv"], "room": "living", "action": "off"})
    with pytest.raises(ValueError, match="say what to act on"):
        Action.model_validate({"action": "off"})


@pytest.mark.parametrize(
    ("days", "moment", "expected"),
    [
        ((0, 1, 2, 3, 4), datetime(2026, 1, 2, 6, 59, tzinfo=CST), datetime(2026, 1, 2, 7, 0, tzinfo=CST)),  # Fri
        ((0, 1, 2, 3, 4), datetime(2026, 1, 2, 7, 0, tzinfo=CST), datetime(2026, 1, 5, 7, 0, tzinfo=CST)),  # -> Mon
        ((5, 6), datetime(2026, 1, 5, 8, 0, tzinfo=CST), datetime(2026, 1, 10, 7, 0, tzinfo=CST)),
        (tuple(range(7)), datetime(2026, 1, 1, 23, 0, tzinfo=CST), datetime(2026, 1, 2, 7, 0, tzinfo=CST)),
        ((3,), datetime(2026, 1, 1, 7, 0, tzinfo=CST), datetime(2026, 1, 8, 7, 0, tzinfo=CST)),  # Thu -> next Thu
    ],
)
def test_a_schedule_fires_next_strictly_after(days: tuple[int, ...], moment: datetime, expected: datetime) -> None:
    assert Repeat(days=days, hour=7, minute=0).next_after(moment) == expected


def test_a_trigger_holds_on_its_value_or_threshold() -> None:
    assert Trigger(device="d", property="lockstate", becomes="unlocked").holds("unlocked")
    assert not Trigger(device="d", property="lockstate", becomes="unlocked").holds("locked")
    above = Trigger(device="d", property="temperature", above=30)
    assert above.holds(30.5) and not above.holds(30) and not above.holds(None) and not above.holds("hot")
    assert Trigger(device="d", property="battery", below=20).holds(19)


def test_timers_and_scenes_are_stored_and_a_version_2_database_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE devices (id TEXT PRIMARY KEY, info TEXT NOT NULL, online INTEGER NOT NULL, "
                     "state TEXT NOT NULL, updated REAL NOT NULL); CREATE TABLE commands (id INTEGER PRIMARY KEY "
                     "AUTOINCREMENT, at REAL NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL, reply TEXT NOT NULL, "
                     "ok INTEGER NOT NULL, actions TEXT NOT NULL); PRAGMA user_version = 2;")
    db.close()
    store = Store(path)
    timer = store.add_timer(Timer(due=100.0, actions=[Action(devices=("tv",), action="off")], text="关电视",
                                  lang="zh", created=0.0))
    later = store.add_timer(Timer(due=50.0, scene="good-night", repeat=Repeat(days=(0,), hour=7, minute=0),
                                  text="good night", lang="en", created=0.0))
    assert (timer.id, later.id) == (1, 2)
    store.save_scene(Scene(id="reading", names={"zh": ["阅读模式"]}, source="user",  # type: ignore[arg-type]
                           actions=[Action(devices=("desk-lamp",), action="on")]))
    store.update_timer(later.model_copy(update={"due": 500.0}))
    store.close()
    again = Store(path)
    assert [(t.id, t.due) for t in again.timers()] == [(1, 100.0), (2, 500.0)]
    assert [s.id for s in again.scenes()] == ["reading"]
    assert again.delete_timer(1) and not again.delete_timer(1)
    again.close()


@pytest.mark.parametrize(
    ("text", "lang", "heard"),
    [
        ("天猫精灵，有哪些场景？", "zh", Heard("list_scenes")),
        ("删除场景 阅读模式", "zh", Heard("delete_scene", name="阅读模式")),
        ("创建一个场景叫阅读模式：打开台灯，关上窗帘", "zh",
         Heard("create_scene", name="阅读模式", body="打开台灯，关上窗帘")),
        ("create a scene called Reading time: turn on the desk lamp", "en",
         Heard("create_scene", name="Reading time", body="turn on the desk lamp")),
        ("crée une scène « Soirée Lecture » : allume la lampe", "fr",
         Heard("create_scene", name="Soirée Lecture", body="allume la lampe")),
        ("create a scene called reading time", "en", Heard("create_scene", name="reading time")),
        ("我有哪些定时", "zh", Heard("list_timers")),
        ("what timers do I have", "en", Heard("list_timers")),
        ("取消第二个定时", "zh", Heard("cancel_timer", index=2)),
        ("取消所有定时", "zh", Heard("cancel_timer", every=True)),
        ("cancel timer 3", "en", Heard("cancel_timer", index=3)),
        ("cancel the last timer", "en", Heard("cancel_timer", index=-1)),
        ("annule le deuxième minuteur", "fr", Heard("cancel_timer", index=2)),
        ("annule tous les minuteurs", "fr", Heard("cancel_timer", every=True)),
        ("打开客厅的灯", "zh", None),
        ("turn off the timer light", "en", None),
        ("la scène est belle", "fr", None),
    ],
)
def test_scene_and_timer_requests_are_heard(text: str, lang: str, heard: Heard | None) -> None:
    assert hear(text, lang) == heard


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("打开睡眠模式吧", "zh", "睡眠模式"),
        ("天猫精灵，晚安！", "zh", "晚安"),
        ("please start movie time", "en", "movie time"),
        ("Hey Genie, good night", "en", "good night"),
        ("lance le mode cinéma", "fr", "cinema"),
        ("打开客厅的灯", "zh", "客厅的灯"),
    ],
)
def test_what_is_compared_with_scene_names(text: str, lang: str, name: str) -> None:
    assert scene_name(text, lang) == name
