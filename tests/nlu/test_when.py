"""Unit tests of hub.nlu.when: time expressions in commands (timers and schedules) and saying them back.

Every expected time is exact. ``NOW`` is Wednesday 15 May 2024, 09:00 at UTC+8 unless a test says otherwise.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.nlu.when import Repeat, When, describe, find_when

TZ = timezone(timedelta(hours=8))
NOW = datetime(2024, 5, 15, 9, 0, tzinfo=TZ)  # a Wednesday
EVENING = datetime(2024, 5, 15, 20, 0, tzinfo=TZ)
DAILY = (0, 1, 2, 3, 4, 5, 6)
WEEKDAYS = (0, 1, 2, 3, 4)
WEEKENDS = (5, 6)


def may(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A time in May 2024 at UTC+8 (the 15th is a Wednesday)."""
    return datetime(2024, 5, day, hour, minute, second, tzinfo=TZ)


def found(text: str, lang: str, now: datetime = NOW) -> When:
    when, _ = find_when(text, lang, now)
    assert when is not None, f"no time found in {text!r}"
    return when


# -- relative times -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "seconds"),
    [
        ("zh", "十分钟后", 600),
        ("zh", "10分钟后", 600),
        ("zh", "半小时后", 1800),
        ("zh", "半个小时以后", 1800),
        ("zh", "一个小时后", 3600),
        ("zh", "一个半小时以后", 5400),
        ("zh", "两个半小时后", 9000),
        ("zh", "两小时之后", 7200),
        ("zh", "30秒后", 30),
        ("zh", "过五分钟", 300),
        ("zh", "再过十分钟", 600),
        ("zh", "五分钟以后", 300),
        ("zh", "一刻钟后", 900),
        ("zh", "1小时30分钟后", 5400),
        ("zh", "一小时半以后", 5400),
        ("zh", "2分30秒后", 150),
        ("zh", "二十五分钟过后", 1500),
        ("en", "in 10 minutes", 600),
        ("en", "in ten minutes", 600),
        ("en", "in twenty five minutes", 1500),
        ("en", "in twenty-five minutes", 1500),
        ("en", "in half an hour", 1800),
        ("en", "in an hour", 3600),
        ("en", "in a minute", 60),
        ("en", "in an hour and a half", 5400),
        ("en", "in 2 and a half hours", 9000),
        ("en", "in 2 hours", 7200),
        ("en", "in 1.5 hours", 5400),
        ("en", "in 90 seconds", 90),
        ("en", "after 5 minutes", 300),
        ("en", "in 1h30", 5400),
        ("en", "in 1 hour and 30 minutes", 5400),
        ("en", "in a quarter of an hour", 900),
        ("en", "10 minutes from now", 600),
        ("en", "5 minutes later", 300),
        ("en", "In 10 Minutes", 600),
        ("fr", "dans 5 minutes", 300),
        ("fr", "dans cinq minutes", 300),
        ("fr", "dans vingt-cinq minutes", 1500),
        ("fr", "dans une demi-heure", 1800),
        ("fr", "dans une heure", 3600),
        ("fr", "dans une heure et demie", 5400),
        ("fr", "dans deux heures et demie", 9000),
        ("fr", "dans 2 heures", 7200),
        ("fr", "dans 1h30", 5400),
        ("fr", "dans 1 heure 30", 5400),
        ("fr", "dans 30 secondes", 30),
        ("fr", "dans un quart d'heure", 900),
        ("fr", "dans un quart d’heure", 900),
        ("fr", "d'ici 10 minutes", 600),
    ],
)
def test_relative_times(lang: str, text: str, seconds: int) -> None:
    when, rest = find_when(text, lang, NOW)
    assert when is not None
    assert when.at == NOW + timedelta(seconds=seconds)
    assert when.relative
    assert when.repeat is None
    assert (when.start, when.end) == (0, len(text))
    assert rest == ""


def test_relative_time_keeps_the_seconds_of_now() -> None:
    now = datetime(2024, 5, 15, 9, 0, 42, tzinfo=TZ)
    assert found("in 10 minutes", "en", now).at == datetime(2024, 5, 15, 9, 10, 42, tzinfo=TZ)


# -- clock times said once -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "at"),
    [
        # no period, no day: the sooner of h and h+12 still to come (it is 09:00)
        ("zh", "七点", may(15, 19)),
        ("zh", "7点", may(15, 19)),
        ("zh", "十点", may(15, 10)),
        ("zh", "8:30", may(15, 20, 30)),
        ("zh", "８：３０", may(15, 20, 30)),
        ("zh", "七点半", may(15, 19, 30)),
        ("zh", "七点零五", may(15, 19, 5)),
        ("zh", "七点05", may(15, 19, 5)),
        ("zh", "8点30", may(15, 20, 30)),
        ("zh", "十点十分", may(15, 10, 10)),
        ("zh", "九点一刻", may(15, 9, 15)),
        ("zh", "七点整", may(15, 19)),
        ("zh", "一点半", may(15, 13, 30)),
        ("zh", "一点钟", may(15, 13)),
        ("zh", "十二点", may(15, 12)),
        # a period word
        ("zh", "早上七点", may(16, 7)),  # already past today: tomorrow
        ("zh", "上午十点半", may(15, 10, 30)),
        ("zh", "下午三点十五分", may(15, 15, 15)),
        ("zh", "下午15点", may(15, 15)),
        ("zh", "晚上十点", may(15, 22)),
        ("zh", "晚上十二点", may(16, 0)),
        ("zh", "中午十二点", may(15, 12)),
        ("zh", "中午一点", may(15, 13)),
        ("zh", "凌晨两点", may(16, 2)),
        ("zh", "凌晨一点", may(16, 1)),
        ("zh", "半夜两点", may(16, 2)),
        # a day word
        ("zh", "今晚十点", may(15, 22)),
        ("zh", "今晚十二点", may(16, 0)),
        ("zh", "明天早上八点", may(16, 8)),
        ("zh", "明天八点", may(16, 8)),
        ("zh", "明天两点", may(16, 14)),
        ("zh", "明天一点", may(16, 13)),
        ("zh", "明晚八点", may(16, 20)),
        ("zh", "后天上午九点", may(17, 9)),
        ("zh", "今天早上七点", may(16, 7)),  # past: tomorrow, even after 今天
        ("zh", "周一八点", may(20, 8)),
        ("zh", "星期五下午三点", may(17, 15)),
        ("zh", "二十四点", may(16, 0)),
        ("zh", "08:30", may(16, 8, 30)),  # a leading zero is a 24-hour time
        ("en", "at 7", may(15, 19)),
        ("en", "at seven", may(15, 19)),
        ("en", "at 10", may(15, 10)),
        ("en", "at 7 am", may(16, 7)),
        ("en", "at 7am", may(16, 7)),
        ("en", "at 7 a.m.", may(16, 7)),
        ("en", "at 7:30 pm", may(15, 19, 30)),
        ("en", "at seven thirty pm", may(15, 19, 30)),
        ("en", "at 19:30", may(15, 19, 30)),
        ("en", "at 7.30", may(15, 19, 30)),
        ("en", "at 12 am", may(16, 0)),
        ("en", "at 12 pm", may(15, 12)),
        ("en", "at 0:30", may(16, 0, 30)),
        ("en", "at 21:00", may(15, 21)),
        ("en", "tomorrow at 8", may(16, 8)),
        ("en", "tomorrow at 3", may(16, 15)),
        ("en", "at 8 tomorrow", may(16, 8)),
        ("en", "tomorrow morning at 7", may(16, 7)),
        ("en", "tonight at 10", may(15, 22)),
        ("en", "at 10 tonight", may(15, 22)),
        ("en", "tonight at 12", may(16, 0)),
        ("en", "at 2 at night", may(16, 2)),
        ("en", "at 7 in the morning", may(16, 7)),
        ("en", "at 3 in the afternoon", may(15, 15)),
        ("en", "at noon", may(15, 12)),
        ("en", "at midnight", may(16, 0)),
        ("en", "7 o'clock", may(15, 19)),
        ("en", "7 o’clock", may(15, 19)),
        ("en", "at 7 o'clock", may(15, 19)),
        ("en", "half past seven", may(15, 19, 30)),
        ("en", "quarter to 8", may(15, 19, 45)),
        ("en", "at 7 sharp", may(15, 19)),
        ("en", "on monday at 8", may(20, 8)),
        ("en", "At 7 PM", may(15, 19)),
        ("fr", "à 7 heures", may(15, 19)),
        ("fr", "à 7h", may(15, 19)),
        ("fr", "a 7h", may(15, 19)),
        ("fr", "à 19h30", may(15, 19, 30)),
        ("fr", "à 19:30", may(15, 19, 30)),
        ("fr", "à vingt heures trente", may(15, 20, 30)),
        ("fr", "à dix-sept heures", may(15, 17)),
        ("fr", "à 7h du matin", may(16, 7)),
        ("fr", "à 2h du matin", may(16, 2)),
        ("fr", "à une heure du matin", may(16, 1)),
        ("fr", "à 3h de l'après-midi", may(15, 15)),
        ("fr", "à 10 heures du soir", may(15, 22)),
        ("fr", "demain à 8h", may(16, 8)),
        ("fr", "demain à 8", may(16, 8)),
        ("fr", "à 8h demain", may(16, 8)),
        ("fr", "demain matin à 7h", may(16, 7)),
        ("fr", "ce soir à 22h", may(15, 22)),
        ("fr", "ce soir à 10h", may(15, 22)),
        ("fr", "à midi", may(15, 12)),
        ("fr", "à midi et demi", may(15, 12, 30)),
        ("fr", "à minuit", may(16, 0)),
        ("fr", "à 7h et demie", may(15, 19, 30)),
        ("fr", "à 7 heures et quart", may(15, 19, 15)),
        ("fr", "à 7 heures moins le quart", may(15, 18, 45)),
        ("fr", "à 7h moins dix", may(15, 18, 50)),
        ("fr", "à 7h pile", may(15, 19)),
        ("fr", "vers 7h", may(15, 19)),
        ("fr", "à 24h", may(16, 0)),
        ("fr", "lundi à 8h", may(20, 8)),
    ],
)
def test_clock_times_once(lang: str, text: str, at: datetime) -> None:
    when, rest = find_when(text, lang, NOW)
    assert when is not None
    assert when.at == at
    assert not when.relative
    assert when.repeat is None
    assert (when.start, when.end) == (0, len(text))
    assert rest == ""


@pytest.mark.parametrize(
    ("lang", "text", "at"),
    [
        # at 20:00 the evening reading has passed too: the morning one comes first
        ("zh", "七点", may(16, 7)),
        ("zh", "九点", may(15, 21)),
        ("en", "at 7", may(16, 7)),
        ("en", "at 9", may(15, 21)),
        ("fr", "à 9h", may(15, 21)),
        ("zh", "今天八点", may(16, 8)),
        ("zh", "十二点", may(16, 0)),
        ("zh", "凌晨两点", may(16, 2)),
        ("en", "tonight at 1", may(16, 1)),
        ("zh", "夜里两点", may(16, 2)),
    ],
)
def test_a_bare_hour_is_the_sooner_reading_still_to_come(lang: str, text: str, at: datetime) -> None:
    assert found(text, lang, EVENING).at == at


def test_a_late_night_period_just_after_midnight_is_the_same_night() -> None:
    just_after_midnight = datetime(2024, 5, 16, 0, 30, tzinfo=TZ)
    assert found("夜里两点", "zh", just_after_midnight).at == may(16, 2)
    assert found("tonight at 1", "en", just_after_midnight).at == may(16, 1)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        # on another day: 1 to 6 mean the afternoon, 7 to 12 are taken as said, 13 to 23 are 24-hour
        ("明天一点", may(16, 13)),
        ("明天六点", may(16, 18)),
        ("明天七点", may(16, 7)),
        ("明天十二点", may(16, 12)),
        ("明天十八点", may(16, 18)),
        ("明天零点", may(16, 0)),
        ("明天凌晨三点", may(16, 3)),
        ("明天下午七点", may(16, 19)),
    ],
)
def test_a_bare_hour_on_another_day(text: str, at: datetime) -> None:
    assert found(text, "zh").at == at


def test_time_is_in_the_timezone_of_now() -> None:
    paris = timezone(timedelta(hours=2))
    now = datetime(2024, 5, 15, 9, 0, tzinfo=paris)
    when = found("demain à 8h", "fr", now)
    assert when.at == datetime(2024, 5, 16, 8, 0, tzinfo=paris)
    assert when.at.utcoffset() == timedelta(hours=2)


# -- repeats -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "days", "hour", "minute", "at"),
    [
        ("zh", "每天早上七点", DAILY, 7, 0, may(16, 7)),
        ("zh", "每天晚上十点半", DAILY, 22, 30, may(15, 22, 30)),
        ("zh", "每天十二点", DAILY, 12, 0, may(15, 12)),
        ("zh", "每晚十点", DAILY, 22, 0, may(15, 22)),
        ("zh", "每个工作日早上七点", WEEKDAYS, 7, 0, may(16, 7)),
        ("zh", "工作日七点", WEEKDAYS, 7, 0, may(16, 7)),
        ("zh", "周一到周五七点", WEEKDAYS, 7, 0, may(16, 7)),
        ("zh", "周末上午九点", WEEKENDS, 9, 0, may(18, 9)),
        ("zh", "每周一八点", (0,), 8, 0, may(20, 8)),
        ("zh", "每个星期五晚上八点", (4,), 20, 0, may(17, 20)),
        ("zh", "每星期日上午十点", (6,), 10, 0, may(19, 10)),
        ("zh", "每周三九点半", (2,), 9, 30, may(15, 9, 30)),
        ("zh", "每周五晚上十二点", (5,), 0, 0, may(18, 0)),  # Friday midnight is Saturday 00:00
        ("en", "every day at 7", DAILY, 7, 0, may(16, 7)),
        ("en", "at 7 every day", DAILY, 7, 0, may(16, 7)),
        ("en", "every day at 21", DAILY, 21, 0, may(15, 21)),
        ("en", "every morning at 7", DAILY, 7, 0, may(16, 7)),
        ("en", "every weekday at 7", WEEKDAYS, 7, 0, may(16, 7)),
        ("en", "weekdays at 7:30", WEEKDAYS, 7, 30, may(16, 7, 30)),
        ("en", "every weekend at 9", WEEKENDS, 9, 0, may(18, 9)),
        ("en", "on weekends at 9 am", WEEKENDS, 9, 0, may(18, 9)),
        ("en", "every monday at 8", (0,), 8, 0, may(20, 8)),
        ("en", "mondays at 8", (0,), 8, 0, may(20, 8)),
        ("en", "every friday at 8 pm", (4,), 20, 0, may(17, 20)),
        ("en", "daily at 7", DAILY, 7, 0, may(16, 7)),
        ("fr", "tous les jours à 7h", DAILY, 7, 0, may(16, 7)),
        ("fr", "chaque jour à 7h", DAILY, 7, 0, may(16, 7)),
        ("fr", "tous les jours à midi", DAILY, 12, 0, may(15, 12)),
        ("fr", "tous les soirs à 10h", DAILY, 22, 0, may(15, 22)),
        ("fr", "en semaine à 7h", WEEKDAYS, 7, 0, may(16, 7)),
        ("fr", "du lundi au vendredi à 7h", WEEKDAYS, 7, 0, may(16, 7)),
        ("fr", "le week-end à 9h", WEEKENDS, 9, 0, may(18, 9)),
        ("fr", "le weekend à 9h", WEEKENDS, 9, 0, may(18, 9)),
        ("fr", "tous les lundis à 8h", (0,), 8, 0, may(20, 8)),
        ("fr", "le lundi à 8h", (0,), 8, 0, may(20, 8)),
        ("fr", "chaque vendredi à 20h", (4,), 20, 0, may(17, 20)),
    ],
)
def test_repeats(lang: str, text: str, days: tuple[int, ...], hour: int, minute: int, at: datetime) -> None:
    when, rest = find_when(text, lang, NOW)
    assert when is not None
    assert when.repeat == Repeat(days, hour, minute)
    assert when.at == at == when.repeat.next_after(NOW)
    assert not when.relative
    assert rest == ""


# -- what is left of the command -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expression", "rest"),
    [
        ("zh", "十分钟后关灯", "十分钟后", "关灯"),
        ("zh", "关灯，十分钟后。", "十分钟后", "关灯。"),
        ("zh", "每天早上七点打开卧室窗帘", "每天早上七点", "打开卧室窗帘"),
        ("zh", "打开卧室窗帘每天早上七点", "每天早上七点", "打开卧室窗帘"),
        ("zh", "七点的时候关灯", "七点的时候", "关灯"),
        ("zh", "在七点关灯", "在七点", "关灯"),
        ("zh", "五分钟以后把空调关了", "五分钟以后", "把空调关了"),
        ("zh", "半小时之后打开电视", "半小时之后", "打开电视"),
        ("zh", "过五分钟关灯", "过五分钟", "关灯"),
        ("zh", "天猫精灵，十分钟后关灯", "十分钟后", "天猫精灵，关灯"),
        ("zh", "七点半开灯然后关电视", "七点半", "开灯然后关电视"),
        ("zh", "把灯调亮一点十分钟后关灯", "十分钟后", "把灯调亮一点关灯"),
        ("zh", "明天早上八点把空调调到26度", "明天早上八点", "把空调调到26度"),
        ("en", "turn off the TV in half an hour", "in half an hour", "turn off the TV"),
        ("en", "open the bedroom curtains every weekday at 7", "every weekday at 7", "open the bedroom curtains"),
        ("en", "in 10 minutes turn off the lights", "in 10 minutes", "turn off the lights"),
        ("en", "In 10 minutes, turn off the lights.", "In 10 minutes", "turn off the lights."),
        ("en", "turn off the TV, in 10 minutes, please", "in 10 minutes", "turn off the TV, please"),
        ("en", "turn on the light at 7 in the morning", "at 7 in the morning", "turn on the light"),
        ("en", "set the heat to 21 degrees at 7 pm", "at 7 pm", "set the heat to 21 degrees"),
        ("en", "Set the alarm At 7 PM", "At 7 PM", "Set the alarm"),
        ("en", "turn   on the fan   tomorrow at 8", "tomorrow at 8", "turn on the fan"),
        ("fr", "éteins la lumière dans 5 minutes", "dans 5 minutes", "éteins la lumière"),
        ("fr", "allume la lumière demain à 8h", "demain à 8h", "allume la lumière"),
        ("fr", "Éteins la télé à 22h, merci", "à 22h", "Éteins la télé, merci"),
        ("fr", "mets le chauffage à 21 degrés à 7h", "à 7h", "mets le chauffage à 21 degrés"),
        ("fr", "tous les lundis à 8h ouvre les volets", "tous les lundis à 8h", "ouvre les volets"),
    ],
)
def test_the_expression_is_cut_out(lang: str, text: str, expression: str, rest: str) -> None:
    when, left = find_when(text, lang, NOW)
    assert when is not None
    assert text[when.start:when.end] == expression
    assert left == rest


# -- not times -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "把空调调到26度"),
        ("zh", "调到七档"),
        ("zh", "电视调到五台"),
        ("zh", "调亮一点"),
        ("zh", "亮一点"),
        ("zh", "一点"),
        ("zh", "一点点"),
        ("zh", "把灯调暗一点"),
        ("zh", "七点五"),  # 7.5
        ("zh", "调到二十六点五度"),
        ("zh", "七点五度"),
        ("zh", "打开灯"),
        ("zh", "每天"),
        ("zh", "明天关灯"),
        ("zh", "定时30分钟"),
        ("zh", "三十分钟"),
        ("zh", "早上七"),
        ("zh", "百分之五十"),
        ("en", "set the light to 50%"),
        ("en", "channel 7"),
        ("en", "turn on the lights"),
        ("en", "brightness to 7"),
        ("en", "set the heat at 21 degrees"),
        ("en", "set the heat at 21"),
        ("en", "set the light at 7%"),
        ("en", "at 21°"),
        ("en", "set brightness at 7.5 percent"),
        ("en", "5 minutes"),
        ("en", "set a timer for 5 minutes"),
        ("en", "turn on the light in the kitchen"),
        ("en", "tomorrow"),
        ("en", "every day"),
        ("en", "turn on 2 lights"),
        ("fr", "mets le chauffage à 21"),
        ("fr", "mets le chauffage à 21 degrés"),
        ("fr", "la télé sur la 7"),
        ("fr", "allume la lumière dans la cuisine"),
        ("fr", "mets la lumière à 50 %"),
        ("fr", "demain"),
        ("fr", "tous les jours"),
        ("fr", "baisse le son à 7"),
    ],
)
def test_not_a_time(lang: str, text: str) -> None:
    assert find_when(text, lang, NOW) == (None, text)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "25点"),
        ("zh", "二十五点"),
        ("zh", "今天二十五点"),
        ("zh", "七点七十分"),
        ("zh", "8:60"),
        ("en", "at 7:75"),
        ("en", "at 24:30"),
        ("en", "at 25"),
        ("en", "tomorrow at 25"),
        ("fr", "à 25h"),
        ("fr", "à 7h75"),
    ],
)
def test_out_of_range_times_are_not_times(lang: str, text: str) -> None:
    assert find_when(text, lang, NOW) == (None, text)


# -- Repeat --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "kind"),
    [(DAILY, "daily"), (WEEKDAYS, "weekdays"), (WEEKENDS, "weekends"), ((0,), "weekly"), ((0, 2, 4), "weekly"),
     ((6, 5), "weekends")],
)
def test_repeat_kind(days: tuple[int, ...], kind: str) -> None:
    assert Repeat(days, 7, 0).kind == kind


@pytest.mark.parametrize(
    ("repeat", "moment", "after"),
    [
        (Repeat(DAILY, 7, 0), may(15, 6, 59), may(15, 7)),
        (Repeat(DAILY, 7, 0), may(15, 7), may(16, 7)),  # strictly after
        (Repeat(DAILY, 7, 0), may(15, 7, 0, 1), may(16, 7)),
        (Repeat(WEEKDAYS, 7, 0), may(17, 8), may(20, 7)),  # Friday after 7: Monday
        (Repeat(WEEKENDS, 9, 30), NOW, may(18, 9, 30)),
        (Repeat((2,), 9, 0), NOW, may(22, 9)),  # Wednesday 09:00 at Wednesday 09:00: next week
        (Repeat((2,), 10, 0), NOW, may(15, 10)),
        (Repeat((1,), 23, 59), NOW, may(21, 23, 59)),
    ],
)
def test_repeat_next_after(repeat: Repeat, moment: datetime, after: datetime) -> None:
    assert repeat.next_after(moment) == after


def test_repeat_days_are_sorted_and_checked() -> None:
    assert Repeat((4, 0, 4), 8, 0).days == (0, 4)
    for days, hour, minute in [((), 7, 0), ((7,), 7, 0), ((0,), 24, 0), ((0,), 7, 60)]:
        with pytest.raises(ValueError):
            Repeat(days, hour, minute)


# -- describe ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "said"),
    [
        ("zh", "十分钟后", "10分钟后"),
        ("zh", "半小时后", "半小时后"),
        ("zh", "一个半小时后", "1小时30分钟后"),
        ("zh", "2分30秒后", "2分钟30秒后"),
        ("zh", "明天早上八点", "明天早上8:00"),
        ("zh", "每个工作日早上七点", "每个工作日7:00"),
        ("zh", "晚上十点", "今天22:00"),
        ("zh", "上午十点半", "今天上午10:30"),
        ("zh", "凌晨两点", "明天凌晨2:00"),
        ("zh", "每天晚上十点半", "每天22:30"),
        ("zh", "每周一八点", "每周一8:00"),
        ("zh", "周末上午九点", "每个周末9:00"),
        ("zh", "周六下午三点", "周六15:00"),
        ("zh", "周五下午三点", "后天15:00"),
        ("zh", "后天八点", "后天早上8:00"),
        ("en", "in 10 minutes", "in 10 minutes"),
        ("en", "in half an hour", "in 30 minutes"),
        ("en", "in an hour", "in 1 hour"),
        ("en", "in an hour and a half", "in 1 hour 30 minutes"),
        ("en", "in 90 seconds", "in 1 minute 30 seconds"),
        ("en", "tomorrow at 8", "tomorrow at 08:00"),
        ("en", "every weekday at 7", "every weekday at 07:00"),
        ("en", "tonight at 10", "today at 22:00"),
        ("en", "every friday at 8 pm", "every Friday at 20:00"),
        ("en", "daily at 7", "every day at 07:00"),
        ("en", "every weekend at 9", "every weekend at 09:00"),
        ("en", "on saturday at 9 am", "on Saturday at 09:00"),
        ("fr", "dans 10 minutes", "dans 10 minutes"),
        ("fr", "dans une demi-heure", "dans 30 minutes"),
        ("fr", "dans une heure et demie", "dans 1 heure 30 minutes"),
        ("fr", "dans 2 heures", "dans 2 heures"),
        ("fr", "demain à 8h", "demain à 08:00"),
        ("fr", "en semaine à 7h", "chaque jour de semaine à 07:00"),
        ("fr", "à 22h", "aujourd'hui à 22:00"),
        ("fr", "tous les jours à 7h", "tous les jours à 07:00"),
        ("fr", "tous les lundis à 8h", "chaque lundi à 08:00"),
        ("fr", "le week-end à 9h", "le week-end à 09:00"),
        ("fr", "samedi à 9h", "samedi à 09:00"),
    ],
)
def test_describe(lang: str, text: str, said: str) -> None:
    assert describe(found(text, lang), lang, NOW) == said


def test_describe_a_repeat_on_several_days_and_a_far_date() -> None:
    repeat = Repeat((0, 4), 8, 0)
    when = When(at=repeat.next_after(NOW), repeat=repeat, relative=False, start=0, end=0)
    assert describe(when, "zh", NOW) == "每周一、周五8:00"
    assert describe(when, "en", NOW) == "every Monday and Friday at 08:00"
    assert describe(when, "fr", NOW) == "chaque lundi et vendredi à 08:00"
    far = When(at=may(30, 8), repeat=None, relative=False, start=0, end=0)
    assert describe(far, "zh", NOW) == "5月30日早上8:00"
    assert describe(far, "en", NOW) == "on 2024-05-30 at 08:00"
    assert describe(far, "fr", NOW) == "le 30/05 à 08:00"


# -- contract ------------------------------------------------------------------------------------------------


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        find_when("at 7", "en", datetime(2024, 5, 15, 9, 0))


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        find_when("um 7 Uhr", "de", NOW)


def test_the_first_expression_is_found() -> None:
    when, rest = find_when("in 10 minutes turn on the light at 7", "en", NOW)
    assert when is not None and when.relative
    assert rest == "turn on the light at 7"


@given(text=st.text(alphabet="abcdeimnorstuhà 0123456789:点分钟后天每早上下午明十一二七半", max_size=30),
       lang=st.sampled_from(["zh", "en", "fr"]))
def test_anything_said_is_a_future_time_or_nothing(text: str, lang: str) -> None:
    when, rest = find_when(text, lang, NOW)
    if when is None:
        assert rest == text
    else:
        assert 0 <= when.start < when.end <= len(text)
        assert when.at > NOW
        assert when.at.tzinfo is TZ
        assert len(rest) <= len(text) - (when.end - when.start) + 1  # a space may glue the two sides
