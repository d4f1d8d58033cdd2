"""genie load's plan: open loop (rate x duration send times, evenly spaced, fixed in advance), reproducible
per seed, refusing rates and durations no run can have."""

from __future__ import annotations

import itertools

import pytest

from genie.load.schedule import MAX_DURATION, PlanError, plan, send_times
from genie.load.sentences import Target

LAMP = Target("home-a", "lamp", "light", {"zh": "台灯", "en": "lamp", "fr": "lampe"}, {"brightness": (1, 100, 1)},
              readable=frozenset({"powerstate", "brightness"}))
PLUG = Target("home-b", "plug", "outlet", {"zh": "插座", "en": "plug", "fr": "prise"})
GAUGE = Target(None, "gauge", "sensor", {"zh": "仪表", "en": "gauge", "fr": "jauge"}, switchable=False)
"""A sensor the load test knows no question for (it has no temperature or humidity): it takes no command."""


@pytest.mark.parametrize(("rate", "duration", "count"), [(20, 2, 40), (500, 20, 10_000), (0.5, 10, 5), (3, 1, 3)])
def test_send_times_are_rate_times_duration_evenly_spaced(rate: float, duration: float, count: int) -> None:
    times = send_times(rate, duration)
    assert len(times) == count
    assert times[0] == 0
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(times)}
    assert gaps == {round(1 / rate, 9)}
    assert times[-1] < duration


@pytest.mark.parametrize(("rate", "duration", "message"), [
    (0, 2, "--rate must be more than 0"),
    (-5, 2, "--rate must be more than 0"),
    (float("nan"), 2, "--rate must be more than 0"),
    (10, 0, "--duration must be more than 0 and at most 3600"),
    (10, MAX_DURATION + 1, "--duration must be more than 0 and at most 3600"),
    (0.1, 1, "sends no command"),
    (1000, 3600, "at most 2000000 per run"),
])
def test_a_rate_or_duration_no_run_can_have_is_refused(rate: float, duration: float, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        send_times(rate, duration)


def test_the_plan_is_fixed_in_advance_and_the_same_for_the_same_seed() -> None:
    one = plan([LAMP, PLUG], 50, 2, ("zh", "fr"), seed=9)
    assert [p.at for p in one] == send_times(50, 2)
    assert one == plan([PLUG, LAMP], 50, 2, ("zh", "fr"), seed=9)  # the order the hub lists them in: no matter
    assert [p.sentence.text for p in one] != [p.sentence.text for p in plan([LAMP, PLUG], 50, 2, ("zh", "fr"), 10)]
    assert {p.sentence.lang for p in one} == {"zh", "fr"}
    assert {p.target.id for p in one} == {"lamp", "plug"}


def test_a_device_that_takes_no_command_is_left_out_and_none_at_all_is_refused() -> None:
    assert {p.target.id for p in plan([LAMP, GAUGE], 20, 1, ("en",), seed=0)} == {"lamp"}
    with pytest.raises(PlanError, match="no device to drive"):
        plan([GAUGE], 20, 1, ("en",), seed=0)
    with pytest.raises(PlanError, match="no device to drive"):
        plan([], 20, 1, ("en",), seed=0)
