"""The understanding benchmark's plain-hassil baselines: two home-assistant-intents releases, each in an
environment of its own made on demand; a release that cannot be had is said in the report and the run goes on;
the CI gate (--check) makes no environment. On a small benchmark written here, so it runs without the data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import _hassil
from bench import understanding as bench

FIXTURE: dict[str, Any] = {
    "floors": [],
    "areas": [{"id": "bedroom", "name": "Bedroom"}],
    "entities": [{"uid": "light.bed", "entity_id": "light.bed", "domain": "light", "names": ["Bed Lamp"],
                  "area": "bedroom", "device_class": None, "state": "off", "attributes": {}}],
}
CASES = [
    {"lang": "en", "text": "turn on the bed lamp", "intent": "HassTurnOn", "slots": {"name": "Bed Lamp"},
     "domain_file": "light"},
    {"lang": "en", "text": "xyzzy plugh", "intent": "HassTurnOn", "slots": {"name": "Bed Lamp"},
     "domain_file": "light"},
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A benchmark directory in the shared data's layout: two English cases, one small home per language."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in CASES), encoding="utf-8")
    (folder / "fixtures.json").write_text(json.dumps({lang: FIXTURE for lang in bench.LANGS}), encoding="utf-8")
    return folder


@pytest.fixture
def low_floors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"ours": {"en": 0.5}}), encoding="utf-8")
    monkeypatch.setattr(bench, "FLOORS", floors)


def _hassil_less_environment(root: Path, release: _hassil.Release) -> None:
    """An environment marked ready for ``release`` that holds no hassil (a cache broken by hand)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / release.name)], check=True, timeout=120)
    (root / release.name / "requirements.json").write_text(json.dumps(list(release.requirements)), encoding="utf-8")


def test_the_contemporary_release_is_pinned_to_the_suites_time() -> None:
    [contemporary] = [r for r in _hassil.RELEASES if r.name == "contemporary"]
    assert set(contemporary.requirements) == {"hassil==3.0.1", "home-assistant-intents==2025.6.23"}
    assert {r.name for r in _hassil.RELEASES} == {"contemporary", "latest"}
    readme = bench.DATA / "README.md"
    if readme.exists():  # the decision rests on the suite's commit: a new suite must revisit it
        assert "aa550032a57b67c13995c032220bc4101521ead2" in readme.read_text(encoding="utf-8")


def test_releases_that_cannot_be_installed_are_said_and_the_run_goes_on(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    wheels = tmp_path / "no-wheels"
    wheels.mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # as with no network: pip finds no release anywhere
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    assert bench.main(["--json", "--no-timing", "--data", str(data), "--hassil-env", str(tmp_path / "envs")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ours_all"]["en"] == 0.5  # ours still measured: the bed lamp passes, the nonsense fails
    assert set(report["hassil"]) == {"contemporary", "latest"}
    for name, entry in report["hassil"].items():
        assert "versions" not in entry
        assert entry["note"].startswith(f"could not install the {name} hassil environment"), entry
        assert entry["note"].endswith("this baseline is skipped")


def test_the_table_says_why_a_baseline_is_missing(data: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "envs"
    [latest] = [r for r in _hassil.RELEASES if r.name == "latest"]
    _hassil_less_environment(root, latest)
    assert bench.main(["--no-timing", "--data", str(data), "--hassil", "latest", "--hassil-env", str(root)]) == 0
    out = capsys.readouterr().out
    assert "hassil latest: hassil in" in out and "No module named 'hassil'" in out and "skipped" in out
    assert "en         50.0%" in out  # ours is reported all the same


def test_check_makes_no_environment(data: Path, tmp_path: Path, low_floors: None,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "envs"
    assert bench.main(["--check", "--json", "--no-timing", "--data", str(data), "--hassil-env", str(root)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["hassil"] == {} and "not run" in report["hassil_note"]
    assert not root.exists()


def test_a_ready_environment_is_reused_not_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [contemporary] = [r for r in _hassil.RELEASES if r.name == "contemporary"]
    _hassil_less_environment(tmp_path, contemporary)
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # making it again would fail: reuse must not try
    assert _hassil.environment(tmp_path, contemporary) == tmp_path / "contemporary" / "bin" / "python"
    with pytest.raises(_hassil.BaselineUnavailable, match="could not install the contemporary"):
        _hassil.environment(tmp_path, contemporary, refresh=True)


def test_hassil_answers_are_judged_as_ours() -> None:
    pytest.importorskip("hassil")  # the worker runs in this interpreter when it has hassil (not in CI)
    pytest.importorskip("home_assistant_intents")
    answer = _hassil.recognise(Path(sys.executable), CASES, {"en": FIXTURE}, timing=True)
    assert set(answer["versions"]) == {"hassil", "home-assistant-intents"}
    judged = bench.judge_baseline(CASES, answer["results"])
    assert [ok for _case, ok, _got in judged["en"]] == [True, False]
    assert judged["en"][0][2] == ["HassTurnOn", {"domain": "light", "name": "Bed Lamp"}]
    assert answer["times"]["samples"] == 2 and answer["times"]["p50_ms"] > 0


def test_parse_time_over_several_runs_gives_the_median_and_its_range() -> None:
    timing = bench.parse_runs(["turn on the study desk lamp", "打开书房桌面灯"], bench.big_catalog(100), runs=3)
    assert timing["runs"] == 3 and timing["samples"] == 6
    assert 0 < timing["p50_min_ms"] <= timing["p50_ms"] <= timing["p50_max_ms"]
    assert timing["p99_min_ms"] <= timing["p99_ms"] <= timing["p99_max_ms"]


def test_runs_below_one_is_a_clear_error(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--runs", "0", "--data", str(data)]) == 2
    assert "--runs must be at least 1" in capsys.readouterr().err


def test_hassils_literal_all_passes_an_all_case_and_a_named_device_does_not() -> None:
    # their convention: name "all" means every entity matching the other slots; hassil answers it literally
    row = {"lang": "en", "text": "turn off the kitchen fans", "intent": "HassTurnOff",
           "slots": {"area": "Kitchen", "domain": "fan", "name": "all"}, "domain_file": "fan"}
    assert bench.judge(row, "HassTurnOff", {"area": "Kitchen", "domain": "fan", "name": "all"})
    assert bench.judge(row, "HassTurnOff", {"area": {"Kitchen"}, "domain": {"fan"}})  # ours: no name at all
    assert not bench.judge(row, "HassTurnOff", {"area": "Kitchen", "domain": "fan", "name": "Ceiling Fan"})


def test_a_folder_that_is_not_an_environment_is_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # should the guard go, no download
    [latest] = [r for r in _hassil.RELEASES if r.name == "latest"]
    mine = tmp_path / "latest" / "notes.txt"
    mine.parent.mkdir()
    mine.write_text("someone's own file", encoding="utf-8")
    with pytest.raises(_hassil.BaselineUnavailable, match="is not an environment"):
        _hassil.environment(tmp_path, latest)
    assert mine.read_text(encoding="utf-8") == "someone's own file"


def test_a_worker_answering_no_json_is_a_note_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chatty = tmp_path / "chatty.py"
    chatty.write_text("print('hello, not JSON')\n", encoding="utf-8")
    monkeypatch.setattr(_hassil, "WORKER", chatty)
    with pytest.raises(_hassil.BaselineUnavailable, match="answered no JSON: hello, not JSON"):
        _hassil.recognise(Path(sys.executable), CASES, {"en": FIXTURE}, timing=False)
    chatty.write_text("print('{\"results\": []}')\n", encoding="utf-8")
    with pytest.raises(_hassil.BaselineUnavailable, match="did not answer each of the 2 cases"):
        _hassil.recognise(Path(sys.executable), CASES, {"en": FIXTURE}, timing=False)
