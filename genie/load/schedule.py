"""The open-loop plan: every command's send time, device, language and text, fixed before the first is sent.

Send times are evenly spaced at ``1 / rate``; a command is sent at its time whether or not earlier ones were
answered, and its latency counts from that scheduled time, so a stalled system cannot hide behind a sender
that waits for it (coordinated omission).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from genie.load.sentences import Sentence, Target, kinds, sentence
from hub.errors import GenieError

MAX_DURATION = 3600.0
"""The longest run ``genie load`` accepts, in seconds."""
MAX_COMMANDS = 2_000_000
"""The most commands one plan may hold (rate x duration)."""


class PlanError(GenieError, ValueError):
    """A rate, duration or set of devices no plan can be made of (exit status 2)."""


@dataclass(frozen=True)
class Planned:
    """One command of the plan: when (seconds after the start), to which device, and what is said."""

    index: int
    at: float
    target: Target
    sentence: Sentence


def send_times(rate: float, duration: float) -> list[float]:
    """``round(rate * duration)`` send times, evenly spaced ``1 / rate`` apart from 0."""
    check(rate, duration)
    return [i / rate for i in range(round(rate * duration))]


def check(rate: float, duration: float) -> None:
    """PlanError unless ``rate`` > 0, 0 < ``duration`` <= MAX_DURATION and the plan holds a command or more."""
    if not rate > 0:
        raise PlanError(f"--rate must be more than 0 commands/s, got {rate:g}")
    if not 0 < duration <= MAX_DURATION:
        raise PlanError(f"--duration must be more than 0 and at most {MAX_DURATION:g} s, got {duration:g}")
    count = round(rate * duration)
    if count < 1:
        raise PlanError(f"--rate {rate:g} for --duration {duration:g} s sends no command; give more of either")
    if count > MAX_COMMANDS:
        raise PlanError(f"--rate x --duration is {count} commands; at most {MAX_COMMANDS} per run")


def plan(targets: Sequence[Target], rate: float, duration: float, langs: Sequence[str], seed: int) -> list[Planned]:
    """The whole run: at each send time a device drawn uniformly, a language of ``langs``, and a sentence;
    the same targets, rate, duration, languages and seed always give the same plan."""
    usable = sorted((t for t in targets if kinds(t)), key=lambda t: (t.home or "", t.id))
    if not usable:
        raise PlanError("no device to drive: the hub lists none that takes on/off, set, step or query commands")
    rng = random.Random(seed)
    planned = []
    for index, at in enumerate(send_times(rate, duration)):
        target = rng.choice(usable)
        planned.append(Planned(index, at, target, sentence(target, rng.choice(list(langs)), rng)))
    return planned


def warmup(planned: Sequence[Planned]) -> list[Planned]:
    """The first planned command of each home and language, to send before the run is timed."""
    first: dict[tuple[str | None, str], Planned] = {}
    for item in planned:
        first.setdefault((item.target.home, item.sentence.lang), item)
    return list(first.values())
