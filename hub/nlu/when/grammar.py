"""A language's time grammar: the words of ``lang/<code>/time.yaml`` loaded into tables and compiled into the
regular expressions of the shapes the package docstring describes, once per language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from hub.nlu.data import language_file
from hub.nlu.numbers import CN_NUMERAL
from hub.nlu.when.model import REPEAT_DAYS
from hub.nlu.when.numerals import Numbers, load_numbers
from hub.nlu.when.patterns import alternation, group, key


@dataclass(frozen=True)
class Day:
    """What a day word says: a day from today, the next such weekday, or a repeat; and maybe a period."""

    offset: int | None = None
    weekdays: tuple[int, ...] = ()
    repeat: bool = False
    period: tuple[int, int] | None = None


@dataclass(frozen=True)
class Weak:
    """Hours that are often something else ("一点" = a little): with these marks they need one more clue."""

    words: frozenset[str]
    hours: frozenset[int]
    marks: frozenset[str]
    needs: frozenset[str]

    def rejects(self, said: Said) -> bool:
        """Whether this rule says ``said`` is not a time (a weak hour without the clue it needs)."""
        if said.fixed:
            return False  # noon and midnight words are times by themselves
        hour_matches = said.hour_text in self.words or said.hour in self.hours
        mark_matches = not self.marks or said.mark in self.marks
        return hour_matches and mark_matches and not (self.needs & said.clues)


@dataclass(frozen=True)
class Said:
    """A clock time as said, before the day and period place it: the hour, minutes from it, the clues."""

    hour: int
    minutes: int
    clues: frozenset[str]
    hour_text: str = ""
    mark: str = ""
    fixed: bool = False
    """Noon or midnight: no reading of the hour to choose."""
    padded: bool = False


@dataclass(frozen=True)
class Grammar:
    """A language's time words and the regexes built from them (see the package docstring for the shapes)."""

    numbers: Numbers
    relative: re.Pattern[str]
    component: re.Pattern[str]
    clock: re.Pattern[str]
    values: re.Pattern[str] | None
    units: Mapping[str, int]
    phrases: Mapping[str, int]
    days: Mapping[str, Day]
    periods: Mapping[str, tuple[int, int]]
    special: Mapping[str, tuple[int, int]]
    fractions: Mapping[str, int]
    before_hour: Mapping[str, int]
    clues: tuple[frozenset[str], ...]
    weak: tuple[Weak, ...]
    after_property: re.Pattern[str] | None = None
    """A property's name ending the text before an hour: "the TV volume at five" is the volume's value."""


def _entries(words: Iterable[Any]) -> Iterable[tuple[str, str | None]]:
    """(word, period word or None) of a list of words where ``[word, period]`` names a period too."""
    for entry in words:
        if isinstance(entry, list):
            yield str(entry[0]), str(entry[1])
        else:
            yield str(entry), None


def _load_days(data: Mapping[str, Any], periods: Mapping[str, tuple[int, int]]) -> dict[str, Day]:
    """Every day word, repeat word and weekday phrase of a language, with what it says."""
    def period(word: str | None) -> tuple[int, int] | None:
        return None if word is None else periods[key(word)]

    table: dict[str, Day] = {}
    for offset, words in (data.get("days") or {}).items():
        for word, said in _entries(words):
            table[key(word)] = Day(offset=int(offset), period=period(said))
    for kind, words in (data.get("repeats") or {}).items():
        for word, said in _entries(words):
            table[key(word)] = Day(weekdays=REPEAT_DAYS[kind], repeat=True, period=period(said))
    weekdays = data.get("weekdays") or {}
    templates = [(t, False) for t in weekdays.get("once", [])] + [(t, True) for t in weekdays.get("every", [])]
    for index, names in enumerate(weekdays.get("names", [])):
        for name in names:
            for template, repeat in templates:  # "周{day}" once, "每周{day}" every week
                table[key(template.format(day=name))] = Day(weekdays=(index,), repeat=repeat)
    return table


def _word_table(table: Mapping[Any, Iterable[Any]]) -> dict[str, int]:
    """{word: meaning} of a {meaning: [words]} section ("3600: [hours, hour]")."""
    return {key(word): int(meaning) for meaning, words in table.items() for word in words}


@cache
def _properties(lang: str) -> list[str]:
    """The language's names of properties (commands.yaml ``properties``)."""
    table = language_file(lang, "commands").get("properties", {})
    return [word for words in table.values() for word in words]


@cache
def _scales(lang: str) -> list[str]:
    """The language's number scales ("hundred", "cent"): a number they follow goes on ("at one hundred percent")."""
    return list(language_file(lang, "commands").get("numbers", {}).get("scales", {}))


@cache
def grammar(lang: str) -> Grammar:
    """The time grammar of ``lang``, read from ``lang/<lang>/time.yaml`` and compiled once."""
    data = language_file(lang, "time")
    numbers = load_numbers(data, lang)
    clock: dict[str, Any] = data.get("clock") or {}
    periods = {key(w): (int(lo), int(hi)) for w, (lo, hi) in (data.get("periods") or {}).items()}
    days = _load_days(data, periods)
    duration: dict[str, Any] = data.get("duration") or {}
    relative: dict[str, Any] = data.get("relative") or {}
    guard = rf"(?<![0-9.:{CN_NUMERAL}])" if numbers.chinese else r"(?<![a-z0-9.:'\-])"
    return Grammar(
        numbers=numbers,
        relative=re.compile(guard + _relative_regex(duration, relative, clock, numbers)),
        component=re.compile(_component_regex(duration, numbers, named=True)),
        clock=re.compile(guard + _clock_regex(clock, days, periods, numbers)),
        values=re.compile(rf"\s*{alt}") if (alt := alternation([*clock.get("values", []), *_scales(lang)])) else None,
        units=_word_table(duration.get("units") or {}),
        phrases=_word_table(duration.get("phrases") or {}),
        days=days,
        periods=periods,
        special={key(w): (int(h), int(m)) for w, (h, m) in (clock.get("special") or {}).items()},
        fractions={key(w): int(v) for w, v in (clock.get("fractions") or {}).items()},
        before_hour={key(w): int(v) for w, v in (clock.get("before_hour") or {}).items()},
        clues=tuple(frozenset(rule) for rule in clock.get("clues", [])),
        weak=tuple(Weak(words=frozenset(key(w) for w in rule.get("words", [])),
                        hours=frozenset(int(h) for h in rule.get("hours", [])),
                        marks=frozenset(key(m) for m in rule.get("marks", [])),
                        needs=frozenset(rule.get("needs", [])))
                   for rule in clock.get("weak") or []),
        after_property=re.compile(rf"{alt}\s*$") if (alt := alternation(_properties(lang))) else None,
    )


def _component_regex(duration: Mapping[str, Any], numbers: Numbers, named: bool) -> str:
    """One part of a duration: a whole phrase ("half an hour") or "number [classifier] [half] unit [half]"."""
    def name(group: str) -> str:
        return f"?P<{group}>" if named else "?:"

    units = alternation(w for words in (duration.get("units") or {}).values() for w in words)
    if units is None:
        raise ValueError("a language needs duration units")
    half = alternation(duration.get("half", []))
    classifier = alternation(duration.get("classifiers", []))
    counted = (rf"({name('num')}{numbers.decimal})\s*"
               + (rf"(?:{classifier}\s*)?" if classifier else "")
               + (rf"({name('half1')}{half}\s*)?" if half else "")
               + rf"({name('unit')}{units})"
               + (rf"(?:\s*({name('half2')}{half}))?" if half else ""))
    phrases = alternation(w for words in (duration.get("phrases") or {}).values() for w in words)
    return f"(?:({name('phrase')}{phrases})|{counted})" if phrases else f"(?:{counted})"


def _relative_regex(duration: Mapping[str, Any], relative: Mapping[str, Any], clock: Mapping[str, Any],
                    numbers: Numbers) -> str:
    """``[before] duration [after] [tail]``: "in 10 minutes", "五分钟以后"."""
    part = _component_regex(duration, numbers, named=False)
    joiner = alternation(duration.get("joiners", []))
    link = rf"\s*(?:{joiner}\s*)?" if joiner else r"\s*"
    return (group("rbefore", alternation(relative.get("before", [])), before="", after=r"\s*")
            + rf"(?P<dur>{part}(?:{link}{part})*(?:\s*{numbers.integer})?)"
            + group("rafter", alternation(relative.get("after", [])))
            + group("tail", alternation(clock.get("after", []))))


def _clock_regex(clock: Mapping[str, Any], days: Mapping[str, Day], periods: Mapping[str, tuple[int, int]],
                 numbers: Numbers) -> str:
    """``[day] [period] [prefix] (special | hour [mark] [minutes]) [period] [day] [tail]``."""
    number = numbers.integer
    day, period = alternation(days), alternation(periods)
    fractions = alternation(clock.get("fractions") or {})
    after_mark = []
    if fractions:
        after_mark.append(rf"\s*(?P<frac>{fractions})")
    if minus := alternation(clock.get("minus", [])):
        after_mark.append(rf"\s*(?P<minus>{minus})\s*(?P<mmin>{number})")
    after_mark.append(rf"\s*(?P<minute>{number})" + group("mmark", alternation(clock.get("minute_marks", []))))
    after_hour = []
    if marks := alternation(clock.get("marks", [])):
        after_hour.append(rf"\s*(?P<mark>{marks})(?:{'|'.join(after_mark)})?")
    if clock.get("bare_minutes"):
        after_hour.append(rf"\s+(?P<bare>{number})")
    separators = "|".join(re.escape(s) for s in clock.get("separators", [":"]))
    hour = (group("before", alternation(clock.get("before_hour") or {}), before="", after=r"\s*")
            + rf"(?P<hour>{number})"
            + rf"(?:(?P<sep>{separators})(?P<cmin>\d\d)(?!\d|[.:,]\d)"  # 8:30, never 8:305 or 8:30.5
            + rf"|(?![.:,]\d)(?:{'|'.join(after_hour) or '(?!)'})?)")   # 7 but never the 7 of 7.5
    if special := alternation(clock.get("special") or {}):
        hour = rf"(?:(?P<special>{special}){group('sfrac', fractions)}|{hour})"
    return (group("day1", day, before="", after=r"\s*")
            + group("period1", period, before="", after=r"\s*")
            + group("prefix", alternation(clock.get("before", [])), before="", after=r"\s*")
            + hour
            + group("period2", period)
            + group("day2", day)
            + group("tail", alternation(clock.get("after", []))))

