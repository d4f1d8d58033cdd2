"""Saying a time back in a reply (``describe``): "10分钟后", "tomorrow at 08:00", "chaque jour de semaine à 07:00".

The words and templates are the ``describe`` section of ``lang/<code>/time.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hub.nlu.data import language_file
from hub.nlu.when.model import Repeat, When


def describe(when: When, lang: str, now: datetime) -> str:
    """``when`` said back for a reply: "10分钟后", "tomorrow at 08:00", "chaque jour de semaine à 07:00"."""
    words = language_file(lang, "time")["describe"]
    if when.relative:
        seconds = max(0, round((when.at - now).total_seconds()))
        return str(words["relative"]).format(duration=_say_duration(seconds, words))
    if when.repeat is not None:
        repeat = when.repeat
        return str(words["repeat"]).format(days=_say_repeat(repeat, words),
                                           time=_say_time(repeat.hour, repeat.minute, words))
    at = when.at
    period = next((str(w) for lo, hi, w in words.get("periods", []) if lo <= at.hour < hi), "")
    return str(words["once"]).format(day=_say_day(at, now, words), period=period,
                                     time=_say_time(at.hour, at.minute, words))


def _say_time(hour: int, minute: int, words: Mapping[str, Any]) -> str:
    return str(words["time"]).format(hour=hour, minute=minute)


def _say_duration(seconds: int, words: Mapping[str, Any]) -> str:
    """"1小时30分钟", "1 minute 30 seconds": the largest units first, the parts that are not zero."""
    phrases = words.get("phrases") or {}
    if seconds in phrases:
        return str(phrases[seconds])
    units: dict[int, list[str]] = words["units"]
    parts = []
    for size in sorted(units, reverse=True):
        count, seconds = divmod(seconds, size)
        if count:
            forms = units[size]
            parts.append(forms[0 if count == 1 else -1].format(n=count))
    if not parts:
        parts.append(units[min(units)][-1].format(n=0))
    return str(words["joiner"]).join(parts)


def _say_repeat(repeat: Repeat, words: Mapping[str, Any]) -> str:
    names = words["repeats"]
    if repeat.kind != "weekly":
        return str(names[repeat.kind])
    days = str(words["list_joiner"]).join(words["weekday_names"][d] for d in repeat.days)
    return str(names["weekly"]).format(days=days)


def _say_day(at: datetime, now: datetime, words: Mapping[str, Any]) -> str:
    """"明天", "on Friday", or the date: which day ``at`` is, seen from ``now``."""
    ahead = (at.date() - now.astimezone(at.tzinfo).date()).days
    days = words.get("days") or {}
    if ahead in days:
        return str(days[ahead])
    if 0 < ahead < 7:
        return str(words["weekday"]).format(weekday=words["weekday_names"][at.weekday()])
    return str(words["date"]).format(year=at.year, month=at.month, day=at.day)
