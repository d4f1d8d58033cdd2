"""Finding the time expression of a command (``find_when``) with a language's compiled grammar, and cutting it
out so that the rest reads as the command. The rules it applies are in the package docstring."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from hub.nlu.lexicon import load_lexicon
from hub.nlu.numbers import CN_NUMERAL
from hub.nlu.when.grammar import Day, Grammar, Said
from hub.nlu.when.grammar import grammar as grammar_of
from hub.nlu.when.model import ALL_DAYS, DAY_MINUTES, Repeat, When, wall
from hub.nlu.when.numerals import padded
from hub.nlu.when.patterns import fold, key


def find_when(text: str, lang: str, now: datetime) -> tuple[When | None, str]:
    """The time expression in ``text`` (None if there is none) and the text with that expression removed.

    The rest still reads as the command, whitespace and punctuation tidied at the cut: "十分钟后关灯" -> "关灯",
    "turn off the TV in half an hour" -> "turn off the TV". Without an expression the text comes back unchanged.
    ``lang`` is "zh", "en" or "fr"; ``now`` must be timezone-aware.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    grammar = grammar_of(lang)
    folded = fold(text)
    clues = _clues(lang)
    numbered = clues.digit.search(folded) is not None
    relative = (_find_relative(grammar, folded, now)
                if numbered or any(w in folded for w in clues.relative) else None)
    clock = _find_clock(grammar, folded, now) if numbered or any(w in folded for w in clues.clock) else None
    if relative and clock and relative.start < clock.end and clock.start < relative.end:
        hit = relative  # "亮一点十分钟后": the duration with its 后 is surer than the clock time 一点十分
    elif relative or clock:
        hit = min((h for h in (relative, clock) if h), key=lambda h: h.start)  # the first expression said
    else:
        return None, text
    when = When(at=hit.at, repeat=hit.repeat, relative=hit.relative, start=hit.start, end=hit.end)
    return when, _cut(text, hit.start, hit.end)


@dataclass(frozen=True)
class _Clues:
    """What a text must hold for the grammar's regexes to match in it, checked first (the clock regex alone
    costs tens of microseconds a search): a digit (or Chinese numeral), or the first word of a spelt number, a
    special hour ("noon") or a duration phrase ("half an hour"). A clock time has an hour (a number or a special
    hour) and a relative time a duration (a number or a phrase), and each regex matches those words literally
    (words apart by spaces or hyphens): a text with none of them has no time expression."""

    digit: re.Pattern[str]
    clock: tuple[str, ...]
    relative: tuple[str, ...]


@cache
def _clues(lang: str) -> _Clues:
    grammar = grammar_of(lang)
    spelt = {key(w) for w in load_lexicon(lang).numbers.words}  # the clock's hours: spelt numbers, no extras

    def firsts(phrases: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted({p.split(" ")[0] for p in phrases if p}))

    return _Clues(digit=re.compile(rf"[\d{CN_NUMERAL}]" if grammar.numbers.chinese else r"\d"),
                  clock=firsts([*spelt, *grammar.special]),
                  relative=firsts([*grammar.numbers.words, *grammar.phrases]))


@dataclass(frozen=True)
class _Hit:
    """An expression found: its span in the text and the time it says."""

    start: int
    end: int
    at: datetime
    repeat: Repeat | None
    relative: bool


# -- relative times: a duration from now -------------------------------------------------------------------------


def _find_relative(grammar: Grammar, folded: str, now: datetime) -> _Hit | None:
    return _first(grammar.relative, folded, lambda m: _relative(grammar, m, now))


def _relative(grammar: Grammar, match: re.Match[str], now: datetime) -> _Hit | None:
    said = match.groupdict()
    if not (said.get("rbefore") or said.get("rafter")):
        return None  # "定时30分钟", "5 minutes": a duration, not a time from now
    seconds = _seconds(grammar, match["dur"])
    if seconds is None:
        return None
    return _Hit(match.start(), match.end(), now + timedelta(seconds=seconds), None, True)


def _seconds(grammar: Grammar, text: str) -> float | None:
    """The length of a duration matched by the relative regex, in seconds."""
    total, unit, end = 0.0, 0, 0
    for part in grammar.component.finditer(text):
        said = part.groupdict()
        if said.get("phrase"):
            total, unit = total + grammar.phrases[key(part["phrase"])], 0
        else:
            count = grammar.numbers.value(part["num"])
            if count is None:
                return None
            unit = grammar.units[key(part["unit"])]
            total += (count + (0.5 if said.get("half1") or said.get("half2") else 0)) * unit
        end = part.end()
    rest = text[end:].strip()
    if rest:  # "1h30", "2 heures 30": minutes after hours, seconds after minutes
        count = grammar.numbers.value(rest)
        if count is None or unit < 60 or not 0 <= count < 60:
            return None
        total += count * unit / 60
    return total if total > 0 else None


# -- clock times: an hour, a day, a repeat -----------------------------------------------------------------------


def _find_clock(grammar: Grammar, folded: str, now: datetime) -> _Hit | None:
    return _first(grammar.clock, folded, lambda m: _clock(grammar, m, folded, now))


def _clock(grammar: Grammar, match: re.Match[str], folded: str, now: datetime) -> _Hit | None:
    if grammar.values is not None and grammar.values.match(folded, match.end()):
        return None  # "at 21 degrees", "七点五度"
    groups = _Groups(match)
    if groups["day1"] and groups["day2"]:
        return None  # two days for one time: not one expression
    day_word = groups["day1"] or groups["day2"]
    day = grammar.days[key(day_word)] if day_word else None
    said = _said(grammar, groups)
    if said is None or not _clued(grammar, said):
        return None
    after = grammar.after_property
    if said.clues <= {"prefix"} and after is not None and after.search(folded, 0, match.start()):
        return None  # "put the TV volume at five": the volume's value, not five o'clock
    period_word = groups["period2"] or groups["period1"]
    period = grammar.periods[key(period_word)] if period_word else (day.period if day else None)
    minutes = [hour * 60 + said.minutes for hour in _hours(said, period, day)]
    if any(m < 0 for m in minutes):
        return None
    at, repeat = _place(minutes, day, now)
    return _Hit(match.start(), match.end(), at, repeat, False)


def _said(grammar: Grammar, match: _Groups) -> Said | None:
    """The hour and minutes as said, with the clues that they are a time; None if out of range."""
    clues = {name for name, group in (("prefix", "prefix"), ("mark", "mark"), ("period", "period1"),
                                      ("period", "period2"), ("day", "day1"), ("day", "day2"))
             if match[group]}
    if match["special"]:
        fixed_hour, fixed_minutes = grammar.special[key(match["special"])]
        if match["sfrac"]:
            fixed_minutes += grammar.fractions[key(match["sfrac"])]
            clues |= {"fraction", "minutes"}
        return Said(fixed_hour, fixed_minutes, frozenset(clues | {"special"}), fixed=True)
    hour = grammar.numbers.whole(match["hour"])
    minutes = _minutes(grammar, match, clues)
    if hour is None or minutes is None or hour > 24 or (hour == 24 and minutes != 0):
        return None
    return Said(hour, minutes, frozenset(clues), hour_text=key(match["hour"]),
                mark=key(match["mark"]), padded=padded(match["hour"]))


def _minutes(grammar: Grammar, match: _Groups, clues: set[str]) -> int | None:
    """Minutes after (or before: "quarter to") the hour; adds the clues they give. None if out of range."""
    minutes = 0
    for group, table in (("before", grammar.before_hour), ("frac", grammar.fractions)):
        if match[group]:
            minutes += table[key(match[group])]
            clues |= {"fraction", "minutes"}
    if match["sep"]:
        minutes += int(match["cmin"])
        clues |= {"colon", "minutes"}
    if match["minus"]:
        before = grammar.numbers.whole(match["mmin"])
        if before is None or not 0 < before < 60:
            return None
        minutes -= before
        clues.add("minutes")
    for group, marked in (("minute", bool(match["mmark"])), ("bare", False)):
        if match[group]:
            said = grammar.numbers.whole(match[group])
            if said is None or said > 59 or (said < 10 and not marked and not padded(match[group])):
                return None  # "七点五" is 7.5, not 7:05 (that is 七点零五 or 七点五分)
            minutes += said
            clues.add("minutes")
    return minutes if minutes < 60 else None


def _clued(grammar: Grammar, said: Said) -> bool:
    """Whether what was said around the number makes it a time (``clock.clues`` and ``clock.weak``)."""
    if not any(rule <= said.clues for rule in grammar.clues):
        return False
    return not any(weak.rejects(said) for weak in grammar.weak)



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


def _hours(said: Said, period: tuple[int, int] | None, day: Day | None) -> list[int]:
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


def _place(minutes: list[int], day: Day | None, now: datetime) -> tuple[datetime, Repeat | None]:
    """When a time of day (minutes since midnight, one or more readings) fires first, and its repeat."""
    if day is not None and day.weekdays:
        later, minute = divmod(minutes[0], DAY_MINUTES)  # past midnight: the next day
        repeat = Repeat(tuple((d + later) % 7 for d in day.weekdays), minute // 60, minute % 60)
        return repeat.next_after(now), (repeat if day.repeat else None)
    if day is not None and day.offset:
        return wall(now.date() + timedelta(days=day.offset), minutes[0], now.tzinfo), None
    soonest = (Repeat(ALL_DAYS, m % DAY_MINUTES // 60, m % 60).next_after(now) for m in minutes)
    return min(soonest), None


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

