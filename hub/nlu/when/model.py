"""The values a time expression means: a ``When`` (fires once or comes back) and its ``Repeat``.

Plain data and wall-clock arithmetic, standard library only: schedules stored by the automation are these
values, and loading them reads no language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

ALL_DAYS = tuple(range(7))
REPEAT_DAYS = {"daily": ALL_DAYS, "weekdays": (0, 1, 2, 3, 4), "weekends": (5, 6)}
"""The weekdays of each named repeat (0 = Monday)."""
DAY_MINUTES = 24 * 60
_KINDS = {days: kind for kind, days in REPEAT_DAYS.items()}


@dataclass(frozen=True)
class Repeat:
    """A time that comes back: on some weekdays (0 = Monday .. 6 = Sunday) at ``hour:minute``."""

    days: tuple[int, ...]
    hour: int
    minute: int

    def __post_init__(self) -> None:
        if not self.days or any(d not in ALL_DAYS for d in self.days):
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
                candidate = wall(day, self.hour * 60 + self.minute, moment.tzinfo)
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


def wall(day: date, minutes: int, zone: tzinfo | None) -> datetime:
    """``minutes`` after the midnight starting ``day`` on the wall clock of ``zone``."""
    later, minute = divmod(minutes, DAY_MINUTES)
    return datetime.combine(day + timedelta(days=later), time(minute // 60, minute % 60), tzinfo=zone)
