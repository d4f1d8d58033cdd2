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


def test_the_fresh_sets_gate_fails_below_a_floor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import bench.fresh as fresh

    floors = json.loads(fresh.FLOORS.read_text(encoding="utf-8"))
    assert set(floors) == set(fresh.PARTS) and all(set(f) == set(fresh.LANGS) for f in floors.values())
    mine = tmp_path / "floors.json"
    mine.write_text(json.dumps({"test": {"zh": 90.0}}), encoding="utf-8")
    monkeypatch.setattr(fresh, "FLOORS", mine)
    assert fresh.below_floors({"test": {"zh": {"percent": 90.0}, "en": {"percent": 10.0}}}) == 0  # en: no floor
    assert fresh.below_floors({"test": {"zh": {"percent": 89.9}}}) == 1
    assert "test zh 89.9% < 90.0%" in capsys.readouterr().err
