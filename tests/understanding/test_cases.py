"""The understanding suite: utterances in zh, en and fr -> their effect on the demo home and the reply.

Each language has a data file here (``zh.yaml``, ``en.yaml``, ``fr.yaml``). A case is one conversation
with the real hub (``Hub.handle_text``, directives over the in-memory bus to the simulated devices):

``id``        unique within its file; ``covers``: the part of the issue it tests (see ``AREAS``).
``offline``   devices that crash before the conversation starts.
``turns``     what is said, in order (a one-turn case may write its turn's keys inline). Each turn:
  ``say``        the utterance;
  ``reply``      the whole reply, or ``reply_has``: pieces it must contain (``{device.property}``
                 stands for that property's current value, e.g. ``{living-sensor.temperature}``);
  ``ok``         whether the hub says everything asked for was done;
  ``state``      properties of devices after the turn ({device: {property: value}});
  ``changed``    exactly the devices whose state changed in this turn ([] = nothing changed);
  ``advance``    seconds of device time to let pass before checking ``state`` (a curtain moving).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.hub.conftest import DemoHome

HERE = Path(__file__).parent
LANGS = ("zh", "en", "fr")
AREAS = ("form", "targets", "values", "relative", "questions", "dialogue", "sensitive", "refusals", "replies")
"""The bullets of the issue "Understanding", each covered in each language."""
TURN_KEYS = {"say", "reply", "reply_has", "ok", "state", "changed", "advance"}
_PLACEHOLDER = re.compile(r"\{([a-z0-9-]+)\.([A-Za-z0-9.]+)\}")


def load_cases(lang: str) -> list[dict[str, Any]]:
    cases = yaml.safe_load((HERE / f"{lang}.yaml").read_text(encoding="utf-8"))
    for case in cases:
        if "turns" not in case:
            case["turns"] = [{k: case.pop(k) for k in list(case) if k in TURN_KEYS}]
    return cases


CASES = {lang: load_cases(lang) for lang in LANGS}


def _fmt(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value == int(value) else str(value)


def _expand(text: str, home: DemoHome) -> str:
    return _PLACEHOLDER.sub(lambda m: _fmt(home.state(m.group(1))[m.group(2)]), text)


async def _turn(home: DemoHome, turn: dict[str, Any], where: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(turn["say"])
    if "advance" in turn:
        await home.clock.advance(turn["advance"])
    after = home.states()
    said = f"{where}: {turn['say']!r} -> {result.reply!r}"
    if "reply" in turn:
        assert result.reply == _expand(turn["reply"], home), said
    for piece in turn.get("reply_has", []):
        assert _expand(piece, home) in result.reply, said
    if "ok" in turn:
        assert result.ok is turn["ok"], said
    for device, props in turn.get("state", {}).items():
        state = after[device]
        assert {k: state.get(k) for k in props} == props, f"{said}; {device}: {state}"
    if "changed" in turn:
        changed = sorted(d for d in after if after[d] != before[d])
        assert changed == sorted(turn["changed"]), said


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=f"{lang}-{c['id']}") for lang in LANGS for c in CASES[lang]])
async def test_case(demo: DemoHome, case: dict[str, Any]) -> None:
    for device in case.get("offline", []):
        await demo.runners[device].crash()
        await demo.offline(device)
    for i, turn in enumerate(case["turns"]):
        await _turn(demo, turn, f"{case['id']} turn {i + 1}")


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_enough_cases_for_every_part_of_the_issue(lang: str) -> None:
    cases = CASES[lang]
    assert len(cases) >= 100
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert {c["covers"] for c in cases} == set(AREAS)
    for case in cases:
        for turn in case["turns"]:
            assert set(turn) <= TURN_KEYS, (case["id"], set(turn) - TURN_KEYS)
            assert "say" in turn and ({"reply", "reply_has", "state", "changed"} & set(turn)), case["id"]
