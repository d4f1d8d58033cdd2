"""`python -m bench scale` end to end on a small fleet: Mosquitto, two `genie shard` processes, two runs.

What a reader of the report relies on: every home's directory was seen complete (after its hub said online), the
load's commands were all answered, the figures of several runs are their median with min-max, and each run says
how loaded the machine was while it ran."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.brokers import MOSQUITTO, REQUIRE_MOSQUITTO

ROOT = Path(__file__).resolve().parent.parent.parent


def test_two_small_runs_report_directories_load_and_the_machines_load() -> None:
    if MOSQUITTO is None:
        if REQUIRE_MOSQUITTO:
            pytest.fail("Mosquitto is required (GENIE_REQUIRE_MOSQUITTO=1) but not installed")
        pytest.skip("Mosquitto is not installed (apt-get install -y mosquitto)")
    out = subprocess.run([sys.executable, "-m", "bench", "scale", "--devices", "60", "--homes", "12", "--shards", "2",
                          "--rate", "10", "--duration", "2", "--runs", "2", "--bound", "60", "--window", "4",
                          "--json"], capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)["scale"]
    assert report["runs"] == 2 and "failed_runs" not in report
    assert report["devices"] == 60 and report["homes"] == 12 and report["hub_processes"] == 2
    assert report["shard_pacing"] == "--window 4"

    def median(value: object) -> float:
        return float(value["median"]) if isinstance(value, dict) else float(value)  # one value when runs agree

    # every hub said online before the last directory was complete, and both came after the shards started
    assert 0 <= median(report["hubs_online_after_s"]) <= median(report["directories_after_s"])
    assert median(report["directories_after_s"]) <= median(report["directories_from_hubs_start_s"])
    for phase in ("load_first", "load"):
        assert median(report[phase]["n"]) == 20 and report[phase]["failed"] == {}
        assert 0 < median(report[phase]["p50"]) <= median(report[phase]["p99"])
    load = report["machine_load"]
    assert load["cpus"] >= 1 and median(load["samples"]) >= 2
    assert 0 <= median(load["cpu_busy_pct"]["median"]) <= 100
