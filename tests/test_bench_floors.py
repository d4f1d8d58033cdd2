"""The understanding benchmark's regression gate: a rate under its floor fails ``--check``, one at it passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bench.understanding as understanding


def test_the_floors_cover_every_language_and_figure() -> None:
    floors = json.loads(understanding.FLOORS.read_text(encoding="utf-8"))
    assert set(floors) == {"ours", "ours_all"}
    assert all(set(by_lang) == set(understanding.LANGS) for by_lang in floors.values())
    assert all(0 < floor < 1 for by_lang in floors.values() for floor in by_lang.values())


def test_a_rate_below_its_floor_fails_and_one_at_it_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"ours": {"zh": 0.9, "en": 0.8, "fr": 0.8}}), encoding="utf-8")
    monkeypatch.setattr(understanding, "FLOORS", floors)
    assert understanding.below_floors({"ours": {"zh": 0.9, "en": 0.85, "fr": 0.8}}) == 0
    assert understanding.below_floors({"ours": {"zh": 0.9, "en": 0.79, "fr": float("nan")}}) == 1
    said = capsys.readouterr().err
    assert "ours en 79.0% < 80.0%" in said and "ours fr nan% < 80.0%" in said
