"""Time expressions in voice commands, for timers and schedules: "十分钟后", "tomorrow at 8", "tous les lundis à 8h".

``find_when`` finds the time expression of a command and returns it with the command that is left
("十分钟后关灯" -> ten minutes from now, "关灯"); ``describe`` says a time back for a reply. Both are pure and
synchronous: the caller passes the (simulated) wall clock ``now``, an aware datetime, and every time found is in
its timezone.

The words are data (``lang/<lang>/time.yaml``); this module knows only the shape of an expression:

* a relative time: a duration with a "from now" word before or after it ("in 10 minutes", "过五分钟",
  "五分钟以后", "dans une heure et demie"). A duration is a sum of parts "number [classifier] [half] unit
  [half]" ("一个半小时", "an hour and a half") and whole phrases ("half an hour"); a bare number after an hour or
  minute part counts in the next smaller unit ("1h30" is 90 minutes).
* a clock time: ``[day] [period] [prefix] hour [mark] [minutes] [period] [day]``. The day is a day word ("明天",
  "tomorrow"), a weekday (its next occurrence: "周一", "monday") or a repeat ("每天", "every weekday",
  "tous les lundis"); the period is a part of the day ("下午", "pm", "du soir"); minutes are ":30", "半",
  "十五分", "et quart", "half past"... Noon and midnight words ("noon", "midi") stand for a whole time.

A number is a time only with clues (``clock.clues`` in each file): "七点" (the mark 点) and "at 7" (the prefix)
are times; "channel 7", "调到七档", "à 21" and "set the heat at 21 degrees" are not. "一点" means "a little"
unless something else makes it a time (一点半, 凌晨一点, 明天一点, 一点钟). An hour past 12 with only "at" as
a clue ("set the heat at 21") is a value, not a time.

How an hour is read (the same rules in every language):

1. A noon or midnight word, an hour of 0 or 13 to 24, is taken as said.
2. With a period word the hour goes into the period: of h, h+12 and h+24 the first that the period covers
   (``periods`` in the file: 下午 is 12 to 18), else the nearest to it. "下午三点" is 15:00, "晚上十二点" and
   "tonight at 12" midnight, "7 pm" 19:00, "12 am" 00:00, "凌晨两点" 02:00.
3. Otherwise an hour written with a leading zero ("08:30") is taken as said.
4. On another day or in a repeat (明天, tomorrow, tous les lundis) 1 to 6 mean the afternoon and 7 to 12 are
   taken as said: "明天八点" is 08:00, "tomorrow at 3" 15:00, "每天十二点" 12:00.
5. Otherwise (today, no period) the hour is the sooner of h:mm and (h+12):mm still to come: at 09:00 "七点" is
   19:00 and "十点" 10:00.

A one-off time already past today is tomorrow, even after "今天"/"today" (a timer cannot fire in the past).
A repeat first fires at ``repeat.next_after(now)``; a repeat time past midnight ("每周五晚上十二点") moves to
the next day (Saturday 00:00). Out-of-range times ("25点", "at 7:75", "七点七十分") are not times: nothing is
found and the text is returned as it was; no exception is raised.

Not handled: dates ("5月1日", "on the 3rd"), ranges ("from 7 to 9"), several weekdays ("every monday and
friday", "每周一三五"), minutes to or past the hour other than half and quarter ("ten to eight"), relative days
with a time ("in two days at 8"), durations of days, and more than one expression per command (the first one
said is found). Where a duration and a clock time overlap, the duration wins: in "亮一点十分钟后" it is 十分钟后,
not 一点十分. For the same reason Chinese decimal durations are not read: "一点五小时后" is taken as 五小时后
(say 一个半小时后).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Any

from hub.nlu.data import language_file
from hub.nlu.lexicon import load_lexicon
from hub.nlu.numbers import CN_NUMERAL, chinese_to_number

_ALL_DAYS = tuple(range(7))
_REPEAT_DAYS = {"daily": _ALL_DAYS, "weekdays": (0, 1, 2, 3, 4), "weekends": (5, 6)}
_KINDS = {days: kind for kind, days in _REPEAT_DAYS.items()}
_DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Repeat:
    """A time that comes back: on some weekdays (0 = Monday .. 6 = Sunday) at ``hour:minute``."""

    days: tuple[int, ...]
    hour: int
    minute: int

    def __post_init__(self) -> None:
        if not self.days or any(d not in _ALL_DAYS for d in self.days):
            raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday), not {self.days!r}")
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"no such time of day: {self.hour}:{self.minute:02d}")
        object.__setattr__(self, "days", tuple(sorted(set(self.days))))  # one spelling per set of days

    @property
    def kind(self) -> str:
        """"daily", "weekdays" (Monday to Friday), "weekends" or "weekly" (any other days), for display."""
        return _KINDS.get(self.days, "weekly")

    def next_after(self, moment: datetime) -> datetime:
        """The first firing strictly after ``moment``, in its timezone.

        Computed on the wall clock (07:00 stays 07:00 across a daylight-saving change), as a speaker's alarm does.
        """
        for ahead in range(8):  # today and the seven days after it hold every weekday twice over
            day = moment.date() + timedelta(days=ahead)
            if day.weekday() in self.days:
                candidate = _wall(day, self.hour * 60 + self.minute, moment.tzinfo)
                if candidate > moment:
                    return candidate
        raise AssertionError("unreachable: a week holds every weekday")


@dataclass(frozen=True)
class When:
    """A time found in a command: when it fires first, whether it comes back, and where it was said."""

    at: datetime
    """The first (or only) firing, timezone-aware, in ``now``'s timezone."""
    repeat: Repeat | None
    """None for a time that fires once."""
    relative: bool
    """True for a duration from now ("in ten minutes"), False for a clock time ("at 7")."""
    start: int
    end: int
    """The span of the expression in the original text."""


def find_when(text: str, lang: str, now: datetime) -> tuple[When | None, str]:
    """The time expression in ``text`` (None if there is none) and the text with that expression removed.

    The rest still reads as the command, whitespace and punctuation tidied at the cut: "十分钟后关灯" -> "关灯",
    "turn off the TV in half an hour" -> "turn off the TV". Without an expression the text comes back unchanged.
    ``lang`` is "zh", "en" or "fr"; ``now`` must be timezone-aware.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    grammar = _grammar(lang)
    folded = _fold(text)
    relative, clock = grammar.find_relative(folded, now), grammar.find_clock(folded, now)
    if relative and clock and relative.start < clock.end and clock.start < relative.end:
        hit = relative  # "亮一点十分钟后": the duration with its 后 is surer than the clock time 一点十分
    elif relative or clock:
        hit = min((h for h in (relative, clock) if h), key=lambda h: h.start)  # the first expression said
    else:
        return None, text
    when = When(at=hit.at, repeat=hit.repeat, relative=hit.relative, start=hit.start, end=hit.end)
    return when, _cut(text, hit.start, hit.end)


def describe(when: When, lang: str, now: datetime) -> str:
    """``when`` said back for a reply: "10分钟后", "tomorrow at 08:00", "chaque jour de semaine à 07:00"."""
    words = _grammar(lang).describe
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


# -- saying times back --------------------------------------------------------------------------------------


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


# -- cutting the expression out ------------------------------------------------------------------------------

_SOFT = ",，、;；:："
"""Punctuation that only joins: dropped where the expression was cut out ("in 5 minutes, turn off...")."""
_ENDS = ".。!！?？"


def _cut(text: str, start: int, end: int) -> str:
    """``text`` without ``text[start:end]``, so that what is left reads as a sentence."""
    before, after = text[:start].rstrip(), text[end:].lstrip()
    if not before:
        after = after.lstrip(_SOFT + _ENDS + " ")
    if not after or after[0] in _SOFT + _ENDS:
        before = before.rstrip(_SOFT + " ")
    # words stay apart if the expression was: "turn off the TV in 5 minutes, please" but "十分钟后关灯"
    spaced = text[start - 1:start].isspace() or text[end:end + 1].isspace()
    glue = " " if before and after and spaced and after[0] not in _SOFT + _ENDS else ""
    return re.sub(r"\s+", " ", before + glue + after).strip()


# -- folding: matching on a copy of the text with the same length ------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def _fold(text: str) -> str:
    """``text`` lower case, half-width and without accents, one character for one: spans found in it are spans
    of the original ("Éteins" -> "eteins", "８：３０" -> "8:30")."""
    return "".join(_fold_char(c) for c in text)


@cache
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char.translate(_QUOTES)).lower()
    folded = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return folded if len(folded) == 1 else char


def _key(text: str) -> str:
    """How a phrase is looked up in the tables: folded, with hyphens and runs of spaces as one space."""
    return re.sub(r"[\s\-]+", " ", _fold(str(text))).strip()


# -- regular expressions built from the word lists -----------------------------------------------------------

_GAP = r"[\s\-]+"
_WORD_START = r"(?<![a-z'\-])"
_WORD_END = r"(?![a-z])"


def _phrase_regex(phrase: str, guard_start: bool = True) -> str:
    """A phrase as a regex: words apart by spaces or hyphens; whole words only where it starts or ends in a
    Latin letter (Chinese phrases are substrings)."""
    key = _key(phrase)
    body = _GAP.join(re.escape(word) for word in key.split(" "))
    if guard_start and key[:1].isascii() and key[:1].isalpha():
        body = _WORD_START + body
    if key[-1:].isascii() and key[-1:].isalpha():
        body += _WORD_END
    return body


def _alternation(phrases: Iterable[Any], guard_start: bool = True) -> str | None:
    """Any of ``phrases`` (the longest first), or None if there are none."""
    keys = sorted({_key(p) for p in phrases if str(p).strip()}, key=len, reverse=True)
    if not keys:
        return None
    return "(?:" + "|".join(_phrase_regex(k, guard_start) for k in keys) + ")"


def _group(name: str, alternation: str | None, before: str = r"\s*", after: str = "") -> str:
    """An optional named piece, or nothing if the language has no words for it."""
    return "" if alternation is None else rf"(?:{before}(?P<{name}>{alternation}){after})?"


# -- numbers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Numbers:
    """How a language writes numbers: digits, Chinese numerals ("二十五", read by hub.nlu.numbers) and words
    ("twenty one", "vingt-cinq"; the words of lang/<code>.yaml)."""

    integer: str
    """Regex of a whole number, atomic: "twenty one degrees" is never read as "twenty"."""
    decimal: str
    """Regex of a number that may have a fraction ("1.5 hours")."""
    words: Mapping[str, float]
    joiners: frozenset[str]
    chinese: bool

    def value(self, token: str) -> float | None:
        """The value of a number matched by ``integer`` or ``decimal``."""
        token = token.strip()
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            return float(token)
        if self.chinese and token and all(c in CN_NUMERAL for c in token):
            return chinese_to_number(token)
        words = [w for w in re.split(r"[\s\-]+", token) if w and w not in self.joiners]
        total, i = 0.0, 0
        while i < len(words):
            pair = " ".join(words[i:i + 2])
            size = 2 if i + 1 < len(words) and pair in self.words else 1
            word = pair if size == 2 else words[i]
            if word not in self.words:
                return None
            total += self.words[word]
            i += size
        return total if words else None

    def whole(self, token: str | None) -> int | None:
        """The value of ``token`` if it is a whole number."""
        value = None if token is None else self.value(token)
        return int(value) if value is not None and value == int(value) else None


def _padded(token: str) -> bool:
    """Written with a leading zero ("08", "05", "零五"): said as on a 24-hour clock."""
    return len(token) > 1 and token[0] in "0零〇"


def _load_numbers(data: Mapping[str, Any], lang: str) -> _Numbers:
    chinese = bool(data.get("chinese_numerals"))
    spelling = load_lexicon(lang).numbers
    words = {_key(w): v for w, v in spelling.words.items()}
    extra = {_key(w): float(v) for w, v in (data.get("number_words") or {}).items()}
    joiners = frozenset(_key(w) for w in spelling.joiners)
    plain = _spelt_regex(words, joiners, chinese)
    counted = _spelt_regex({**words, **extra}, joiners, chinese)  # "an hour", but never "7 a.m." = 7 and 1
    return _Numbers(integer=rf"(?>\d+{plain})", decimal=rf"(?>\d+(?:\.\d+)?{counted})",
                    words={**words, **extra}, joiners=joiners, chinese=chinese)


def _spelt_regex(words: Mapping[str, float], joiners: Iterable[str], chinese: bool) -> str:
    """Alternatives (each after a ``|``) for the numbers up to 99 spelt with ``words`` or Chinese numerals."""
    alternatives = [f"[{CN_NUMERAL}]+"] if chinese else []
    tens = _alternation(w for w, v in words.items() if 10 <= v < 100 and v % 10 == 0)
    ones = _alternation((w for w, v in words.items() if 1 <= v <= 9), guard_start=False)
    joiner = _alternation(joiners)
    if tens and ones:  # "twenty one", "vingt-cinq", "vingt et un", "dix-sept"
        join = f"(?:{joiner}{_GAP})?" if joiner else ""
        alternatives.append(f"{tens}(?:{_GAP}{join}{ones})?")
    if any_word := _alternation(words):
        alternatives.append(any_word)
    return "".join("|" + a for a in alternatives)


# -- the grammar of a language -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Day:
    """What a day word says: a day from today, the next such weekday, or a repeat; and maybe a period."""

    offset: int | None = None
    weekdays: tuple[int, ...] = ()
    repeat: bool = False
    period: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Weak:
    """Hours that are often something else ("一点" = a little): with these marks they need one more clue."""

    words: frozenset[str]
    hours: frozenset[int]
    marks: frozenset[str]
    needs: frozenset[str]

    def rejects(self, said: _Said) -> bool:
        if said.fixed:
            return False  # noon and midnight words are times by themselves
        hour_matches = said.hour_text in self.words or said.hour in self.hours
        mark_matches = not self.marks or said.mark in self.marks
        return hour_matches and mark_matches and not (self.needs & said.clues)


@dataclass(frozen=True)
class _Said:
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
class _Hit:
    start: int
    end: int
    at: datetime
    repeat: Repeat | None
    relative: bool


@dataclass(frozen=True)
class _Grammar:
    """A language's time words and the regexes built from them (see the module docstring for the shapes)."""

    numbers: _Numbers
    relative: re.Pattern[str]
    component: re.Pattern[str]
    clock: re.Pattern[str]
    values: re.Pattern[str] | None
    units: Mapping[str, int]
    phrases: Mapping[str, int]
    days: Mapping[str, _Day]
    periods: Mapping[str, tuple[int, int]]
    special: Mapping[str, tuple[int, int]]
    fractions: Mapping[str, int]
    before_hour: Mapping[str, int]
    clues: tuple[frozenset[str], ...]
    weak: tuple[_Weak, ...]
    describe: Mapping[str, Any]

    # relative times

    def find_relative(self, folded: str, now: datetime) -> _Hit | None:
        return _first(self.relative, folded, lambda m: self._relative(m, now))

    def _relative(self, match: re.Match[str], now: datetime) -> _Hit | None:
        said = match.groupdict()
        if not (said.get("rbefore") or said.get("rafter")):
            return None  # "定时30分钟", "5 minutes": a duration, not a time from now
        seconds = self._seconds(match["dur"])
        if seconds is None:
            return None
        return _Hit(match.start(), match.end(), now + timedelta(seconds=seconds), None, True)

    def _seconds(self, text: str) -> float | None:
        """The length of a duration matched by the relative regex, in seconds."""
        total, unit, end = 0.0, 0, 0
        for part in self.component.finditer(text):
            said = part.groupdict()
            if said.get("phrase"):
                total, unit = total + self.phrases[_key(part["phrase"])], 0
            else:
                count = self.numbers.value(part["num"])
                if count is None:
                    return None
                unit = self.units[_key(part["unit"])]
                total += (count + (0.5 if said.get("half1") or said.get("half2") else 0)) * unit
            end = part.end()
        rest = text[end:].strip()
        if rest:  # "1h30", "2 heures 30": minutes after hours, seconds after minutes
            count = self.numbers.value(rest)
            if count is None or unit < 60 or not 0 <= count < 60:
                return None
            total += count * unit / 60
        return total if total > 0 else None

    # clock times

    def find_clock(self, folded: str, now: datetime) -> _Hit | None:
        return _first(self.clock, folded, lambda m: self._clock(m, folded, now))

    def _clock(self, match: re.Match[str], folded: str, now: datetime) -> _Hit | None:
        if self.values is not None and self.values.match(folded, match.end()):
            return None  # "at 21 degrees", "七点五度"
        groups = _Groups(match)
        if groups["day1"] and groups["day2"]:
            return None  # two days for one time: not one expression
        day_word = groups["day1"] or groups["day2"]
        day = self.days[_key(day_word)] if day_word else None
        said = self._said(groups)
        if said is None or not self._clued(said):
            return None
        period_word = groups["period2"] or groups["period1"]
        period = self.periods[_key(period_word)] if period_word else (day.period if day else None)
        minutes = [hour * 60 + said.minutes for hour in _hours(said, period, day)]
        if any(m < 0 for m in minutes):
            return None
        at, repeat = _place(minutes, day, now)
        return _Hit(match.start(), match.end(), at, repeat, False)

    def _said(self, match: _Groups) -> _Said | None:
        """The hour and minutes as said, with the clues that they are a time; None if out of range."""
        clues = {name for name, group in (("prefix", "prefix"), ("mark", "mark"), ("period", "period1"),
                                          ("period", "period2"), ("day", "day1"), ("day", "day2"))
                 if match[group]}
        if match["special"]:
            fixed_hour, fixed_minutes = self.special[_key(match["special"])]
            if match["sfrac"]:
                fixed_minutes += self.fractions[_key(match["sfrac"])]
                clues |= {"fraction", "minutes"}
            return _Said(fixed_hour, fixed_minutes, frozenset(clues | {"special"}), fixed=True)
        hour = self.numbers.whole(match["hour"])
        minutes = self._minutes(match, clues)
        if hour is None or minutes is None or hour > 24 or (hour == 24 and minutes != 0):
            return None
        return _Said(hour, minutes, frozenset(clues), hour_text=_key(match["hour"]),
                     mark=_key(match["mark"]), padded=_padded(match["hour"]))

    def _minutes(self, match: _Groups, clues: set[str]) -> int | None:
        """Minutes after (or before: "quarter to") the hour; adds the clues they give. None if out of range."""
        minutes = 0
        for group, table in (("before", self.before_hour), ("frac", self.fractions)):
            if match[group]:
                minutes += table[_key(match[group])]
                clues |= {"fraction", "minutes"}
        if match["sep"]:
            minutes += int(match["cmin"])
            clues |= {"colon", "minutes"}
        if match["minus"]:
            before = self.numbers.whole(match["mmin"])
            if before is None or not 0 < before < 60:
                return None
            minutes -= before
            clues.add("minutes")
        for group, marked in (("minute", bool(match["mmark"])), ("bare", False)):
            if match[group]:
                said = self.numbers.whole(match[group])
                if said is None or said > 59 or (said < 10 and not marked and not _padded(match[group])):
                    return None  # "七点五" is 7.5, not 7:05 (that is 七点零五 or 七点五分)
                minutes += said
                clues.add("minutes")
        return minutes if minutes < 60 else None

    def _clued(self, said: _Said) -> bool:
        """Whether what was said around the number makes it a time (``clock.clues`` and ``clock.weak``)."""
        if not any(rule <= said.clues for rule in self.clues):
            return False
        return not any(weak.rejects(said) for weak in self.weak)


class _Groups:
    """The named groups of a match by name: "" for a group that did not match or that this language's regex
    does not have (zh has no "half past", fr no bare minutes)."""

    def __init__(self, match: re.Match[str]) -> None:
        self._groups = match.groupdict()

    def __getitem__(self, name: str) -> str:
        return self._groups.get(name) or ""


def _first(pattern: re.Pattern[str], folded: str, build: Callable[[re.Match[str]], _Hit | None]) -> _Hit | None:
    """The first match of ``pattern`` in ``folded`` that ``build`` accepts."""
    position = 0
    while (match := pattern.search(folded, position)) is not None:
        hit = build(match)
        if hit is not None:
            return hit
        position = match.start() + 1
    return None


def _hours(said: _Said, period: tuple[int, int] | None, day: _Day | None) -> list[int]:
    """The hours (24-hour clock, past 24 = after midnight) a said hour may mean: the rules of the docstring."""
    hour = said.hour
    if said.fixed or hour == 0 or hour > 12:
        return [hour]
    if period is not None:
        low, high = period
        options = [hour % 12 + shift for shift in (0, 12, 24)]
        inside = [h for h in options if low <= h <= high]
        return inside[:1] or [min(options, key=lambda h: low - h if h < low else h - high)]
    if said.padded:
        return [hour]
    if day is not None and day.offset != 0:
        return [hour + 12 if hour <= 6 else hour]
    return [hour % 12, hour % 12 + 12]


def _place(minutes: list[int], day: _Day | None, now: datetime) -> tuple[datetime, Repeat | None]:
    """When a time of day (minutes since midnight, one or more readings) fires first, and its repeat."""
    if day is not None and day.weekdays:
        later, minute = divmod(minutes[0], _DAY_MINUTES)  # past midnight: the next day
        repeat = Repeat(tuple((d + later) % 7 for d in day.weekdays), minute // 60, minute % 60)
        return repeat.next_after(now), (repeat if day.repeat else None)
    if day is not None and day.offset:
        return _wall(now.date() + timedelta(days=day.offset), minutes[0], now.tzinfo), None
    soonest = (Repeat(_ALL_DAYS, m % _DAY_MINUTES // 60, m % 60).next_after(now) for m in minutes)
    return min(soonest), None


def _wall(day: date, minutes: int, zone: tzinfo | None) -> datetime:
    """``minutes`` after the midnight starting ``day`` on the wall clock of ``zone``."""
    later, minute = divmod(minutes, _DAY_MINUTES)
    return datetime.combine(day + timedelta(days=later), time(minute // 60, minute % 60), tzinfo=zone)


# -- loading a language --------------------------------------------------------------------------------------


def _entries(words: Iterable[Any]) -> Iterable[tuple[str, str | None]]:
    """(word, period word or None) of a list of words where ``[word, period]`` names a period too."""
    for entry in words:
        if isinstance(entry, list):
            yield str(entry[0]), str(entry[1])
        else:
            yield str(entry), None


def _load_days(data: Mapping[str, Any], periods: Mapping[str, tuple[int, int]]) -> dict[str, _Day]:
    """Every day word, repeat word and weekday phrase of a language, with what it says."""
    def period(word: str | None) -> tuple[int, int] | None:
        return None if word is None else periods[_key(word)]

    table: dict[str, _Day] = {}
    for offset, words in (data.get("days") or {}).items():
        for word, said in _entries(words):
            table[_key(word)] = _Day(offset=int(offset), period=period(said))
    for kind, words in (data.get("repeats") or {}).items():
        for word, said in _entries(words):
            table[_key(word)] = _Day(weekdays=_REPEAT_DAYS[kind], repeat=True, period=period(said))
    weekdays = data.get("weekdays") or {}
    templates = [(t, False) for t in weekdays.get("once", [])] + [(t, True) for t in weekdays.get("every", [])]
    for index, names in enumerate(weekdays.get("names", [])):
        for name in names:
            for template, repeat in templates:  # "周{day}" once, "每周{day}" every week
                table[_key(template.format(day=name))] = _Day(weekdays=(index,), repeat=repeat)
    return table


def _word_table(table: Mapping[Any, Iterable[Any]]) -> dict[str, int]:
    """{word: meaning} of a {meaning: [words]} section ("3600: [hours, hour]")."""
    return {_key(word): int(meaning) for meaning, words in table.items() for word in words}


@cache
def _grammar(lang: str) -> _Grammar:
    """The time grammar of ``lang``, read from ``lang/<lang>/time.yaml`` and compiled once."""
    data = language_file(lang, "time")
    numbers = _load_numbers(data, lang)
    clock: dict[str, Any] = data.get("clock") or {}
    periods = {_key(w): (int(lo), int(hi)) for w, (lo, hi) in (data.get("periods") or {}).items()}
    days = _load_days(data, periods)
    duration: dict[str, Any] = data.get("duration") or {}
    relative: dict[str, Any] = data.get("relative") or {}
    guard = rf"(?<![0-9.:{CN_NUMERAL}])" if numbers.chinese else r"(?<![a-z0-9.:'\-])"
    return _Grammar(
        numbers=numbers,
        relative=re.compile(guard + _relative_regex(duration, relative, clock, numbers)),
        component=re.compile(_component_regex(duration, numbers, named=True)),
        clock=re.compile(guard + _clock_regex(clock, days, periods, numbers)),
        values=re.compile(rf"\s*{alt}") if (alt := _alternation(clock.get("values", []))) else None,
        units=_word_table(duration.get("units") or {}),
        phrases=_word_table(duration.get("phrases") or {}),
        days=days,
        periods=periods,
        special={_key(w): (int(h), int(m)) for w, (h, m) in (clock.get("special") or {}).items()},
        fractions={_key(w): int(v) for w, v in (clock.get("fractions") or {}).items()},
        before_hour={_key(w): int(v) for w, v in (clock.get("before_hour") or {}).items()},
        clues=tuple(frozenset(rule) for rule in clock.get("clues", [])),
        weak=tuple(_Weak(words=frozenset(_key(w) for w in rule.get("words", [])),
                         hours=frozenset(int(h) for h in rule.get("hours", [])),
                         marks=frozenset(_key(m) for m in rule.get("marks", [])),
                         needs=frozenset(rule.get("needs", [])))
                   for rule in clock.get("weak") or []),
        describe=data["describe"],
    )


def _component_regex(duration: Mapping[str, Any], numbers: _Numbers, named: bool) -> str:
    """One part of a duration: a whole phrase ("half an hour") or "number [classifier] [half] unit [half]"."""
    def name(group: str) -> str:
        return f"?P<{group}>" if named else "?:"

    units = _alternation(w for words in (duration.get("units") or {}).values() for w in words)
    if units is None:
        raise ValueError("a language needs duration units")
    half = _alternation(duration.get("half", []))
    classifier = _alternation(duration.get("classifiers", []))
    counted = (rf"({name('num')}{numbers.decimal})\s*"
               + (rf"(?:{classifier}\s*)?" if classifier else "")
               + (rf"({name('half1')}{half}\s*)?" if half else "")
               + rf"({name('unit')}{units})"
               + (rf"(?:\s*({name('half2')}{half}))?" if half else ""))
    phrases = _alternation(w for words in (duration.get("phrases") or {}).values() for w in words)
    return f"(?:({name('phrase')}{phrases})|{counted})" if phrases else f"(?:{counted})"


def _relative_regex(duration: Mapping[str, Any], relative: Mapping[str, Any], clock: Mapping[str, Any],
                    numbers: _Numbers) -> str:
    """``[before] duration [after] [tail]``: "in 10 minutes", "五分钟以后"."""
    part = _component_regex(duration, numbers, named=False)
    joiner = _alternation(duration.get("joiners", []))
    link = rf"\s*(?:{joiner}\s*)?" if joiner else r"\s*"
    return (_group("rbefore", _alternation(relative.get("before", [])), before="", after=r"\s*")
            + rf"(?P<dur>{part}(?:{link}{part})*(?:\s*{numbers.integer})?)"
            + _group("rafter", _alternation(relative.get("after", [])))
            + _group("tail", _alternation(clock.get("after", []))))


def _clock_regex(clock: Mapping[str, Any], days: Mapping[str, _Day], periods: Mapping[str, tuple[int, int]],
                 numbers: _Numbers) -> str:
    """``[day] [period] [prefix] (special | hour [mark] [minutes]) [period] [day] [tail]``."""
    number = numbers.integer
    day, period = _alternation(days), _alternation(periods)
    fractions = _alternation(clock.get("fractions") or {})
    after_mark = []
    if fractions:
        after_mark.append(rf"\s*(?P<frac>{fractions})")
    if minus := _alternation(clock.get("minus", [])):
        after_mark.append(rf"\s*(?P<minus>{minus})\s*(?P<mmin>{number})")
    after_mark.append(rf"\s*(?P<minute>{number})" + _group("mmark", _alternation(clock.get("minute_marks", []))))
    after_hour = []
    if marks := _alternation(clock.get("marks", [])):
        after_hour.append(rf"\s*(?P<mark>{marks})(?:{'|'.join(after_mark)})?")
    if clock.get("bare_minutes"):
        after_hour.append(rf"\s+(?P<bare>{number})")
    separators = "|".join(re.escape(s) for s in clock.get("separators", [":"]))
    hour = (_group("before", _alternation(clock.get("before_hour") or {}), before="", after=r"\s*")
            + rf"(?P<hour>{number})"
            + rf"(?:(?P<sep>{separators})(?P<cmin>\d\d)(?!\d|[.:,]\d)"  # 8:30, never 8:305 or 8:30.5
            + rf"|(?![.:,]\d)(?:{'|'.join(after_hour) or '(?!)'})?)")   # 7 but never the 7 of 7.5
    if special := _alternation(clock.get("special") or {}):
        hour = rf"(?:(?P<special>{special}){_group('sfrac', fractions)}|{hour})"
    return (_group("day1", day, before="", after=r"\s*")
            + _group("period1", period, before="", after=r"\s*")
            + _group("prefix", _alternation(clock.get("before", [])), before="", after=r"\s*")
            + hour
            + _group("period2", period)
            + _group("day2", day)
            + _group("tail", _alternation(clock.get("after", []))))
