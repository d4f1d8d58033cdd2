"""bench/fresh.py and bench/sets/: the sets load and name only what the demo home has; the judge is right.

A handful of sentences go through the real hub; the full run is ``python -m bench fresh``.
"""

from __future__ import annotations

import pytest

from bench import fresh
from bench.fresh import Case, States, fresh_home, score
from devices.categories import device_class
from devices.home import load_home

SPECS = {c.id: {s.name: s for s in device_class(c.category).specs} for c in load_home().device_configs()}


@pytest.mark.parametrize("part", fresh.PARTS)
@pytest.mark.parametrize("lang", fresh.LANGS)
def test_every_set_loads_with_150_sentences_at_least(part: str, lang: str) -> None:
    cases = fresh.load(part, lang)
    assert len(cases) >= 150
    assert len({c.text for c in cases}) == len(cases), "a sentence twice"
    assert {c.expect for c in cases} == set(fresh.KINDS)


@pytest.mark.parametrize("part", fresh.PARTS)
@pytest.mark.parametrize("lang", fresh.LANGS)
def test_every_expected_device_and_value_exists_in_the_demo_home(part: str, lang: str) -> None:
    for case in fresh.load(part, lang):
        for device, props in {**case.given, **case.changes}.items():
            assert device in SPECS, f"{case.text}: no device {device}"
            for prop, value in props.items():
                spec = SPECS[device].get(prop)
                assert spec is not None, f"{case.text}: {device} has no {prop}"
                if value in ("+", "-", "~"):
                    continue
                if spec.data_type == "enum":
                    assert value in spec.enum_values, f"{case.text}: {device}.{prop} cannot be {value!r}"
                if spec.data_type == "int":
                    assert isinstance(value, int) and spec.min is not None and spec.max is not None
                    assert spec.min <= value <= spec.max, f"{case.text}: {device}.{prop}={value} out of range"
        assert not case.changes or case.expect == "change"


BEFORE: States = {"desk-lamp": {"powerstate": "off", "brightness": 70}, "tv": {"powerstate": "off", "volume": 20}}


def _states(moved: States | None = None) -> tuple[States, States]:
    """BEFORE, and BEFORE with ``moved`` applied."""
    return BEFORE, {d: {**s, **(moved or {}).get(d, {})} for d, s in BEFORE.items()}


def test_score_a_change_counts_listed_values_and_allowed_consequences_only() -> None:
    case = Case("desk lamp to 30", "change", changes={"desk-lamp": {"brightness": 30}})
    assert score(case, *_states({"desk-lamp": {"brightness": 30, "powerstate": "on"}}), ok=True) is None
    assert score(case, *_states({"desk-lamp": {"brightness": 40}}), ok=True) is not None
    assert score(case, *_states({"desk-lamp": {"brightness": 30}, "tv": {"powerstate": "on"}}), ok=True) is not None
    louder = Case("louder", "change", changes={"tv": {"volume": "+"}})
    assert score(louder, *_states({"tv": {"volume": 30}}), ok=True) is None
    assert score(louder, *_states({"tv": {"volume": 10}}), ok=True) is not None


def test_score_questions_negations_asks_and_slips() -> None:
    unchanged = _states()
    moved = _states({"tv": {"powerstate": "on"}})
    assert score(Case("is the tv on", "answer"), *unchanged, ok=True) is None
    assert score(Case("is the tv on", "answer"), *moved, ok=True) is not None
    assert score(Case("is the tv on", "answer"), *unchanged, ok=False) is not None
    assert score(Case("don't turn on the tv", "nothing"), *unchanged, ok=False) is None
    assert score(Case("turn on the light", "ask"), *unchanged, ok=True) is not None
    slip = Case("turn onn the tv", "change", changes={"tv": {"powerstate": "on"}}, or_ask=True)
    assert score(slip, *unchanged, ok=False) is None
    assert score(slip, *moved, ok=True) is None
    assert score(slip, *_states({"desk-lamp": {"powerstate": "on"}}), ok=True) is not None


async def test_the_real_hub_is_scored_on_a_reset_home_each_time() -> None:
    on = Case("turn on the floor lamp", "change", changes={"floor-lamp": {"powerstate": "on"}})
    wrong = Case("turn on the floor lamp", "nothing")
    off = Case("turn off the desk lamp", "change", given={"desk-lamp": {"powerstate": "on"}},
               changes={"desk-lamp": {"powerstate": "off"}})
    async with fresh_home() as home:
        first = await home.hear(on, "en")
        again = await home.hear(on, "en")  # the lamp was reset to off in between
        judged_wrong = await home.hear(wrong, "en")
        given = await home.hear(off, "en")
    assert first.right and again.right, (first.why, again.why)
    assert not judged_wrong.right and judged_wrong.changed == {"floor-lamp": {"powerstate": ("off", "on")}}
    assert given.right, given.why
