"""A tiny real run: the registry's switches and fingerprint locks, through the hub on the embedded broker,
reported as JSON and HTML; the floor; the command's one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

from genie.commands.coverage import floor_status
from genie.coverage.campaign import Options, run_coverage
from genie.coverage.page import render
from genie.coverage.probes import capabilities
from genie.coverage.report import failing_cells
from genie.coverage.specs import registry_groups


async def test_a_tiny_real_run_reports_every_cell() -> None:
    from devices.registry import load_registry

    groups = registry_groups(load_registry(), ["switch"])
    report = await run_coverage(Options(sample=1, langs=["zh", "en"], seed=4, phrasings=1, categories=["switch"]))
    expected_cells = sum(len(capabilities(g.category, g.specs, g.actions)) for g in groups) * 2
    totals = report["totals"]
    assert totals["cells"] == expected_cells and totals["probes"] == expected_cells
    assert totals["products"] == len(groups)
    assert set(report["matrix"]) == {"switch"}
    assert set(report["matrix"]["switch"]) == {"powerstate:on", "powerstate:off", "powerstate:ask"}
    assert report["failures_total"] == totals["probes"] - totals["probes_passed"]
    assert len(report["failures"]) <= report["failures_total"]
    failing = sum(not cell["ok"] for cell in report["cells"])
    table = failing_cells(report).splitlines()
    assert len([line for line in table if line.startswith("| switch-")]) == failing
    for cell in report["cells"]:
        assert cell["ok"] == (cell["passed"] == cell["probes"])
    json.dumps(report)  # the report is JSON as it is
    page = render(report)
    assert page.startswith("<!doctype html>") and "switch" in page and "powerstate:on" in page


def test_the_floor() -> None:
    report = {"totals": {"cells": 10, "percent": 90.0}}
    assert floor_status(report, None) == 0
    assert floor_status(report, 90) == 0
    assert floor_status(report, 95) == 1
    assert floor_status({"totals": {"cells": 0, "percent": 0.0}}, 0) == 1  # nothing run is no pass


def test_bad_arguments_are_one_line_errors() -> None:
    import argparse

    import pytest

    from genie.commands.coverage import options_from
    from hub.errors import BadInput

    base = {"lang": "zh,en,fr", "sample": None, "all": False, "workers": 1, "phrasings": 2, "floor": None,
            "category": None, "seed": 0}
    for change, words in (({"lang": "de"}, "--lang"), ({"sample": 0}, "--sample"), ({"floor": 120.0}, "--floor"),
                          ({"category": ["kettle"]}, "kettle"), ({"workers": 40}, "--workers")):
        with pytest.raises(BadInput, match=words):
            options_from(argparse.Namespace(**{**base, **change}))
    done = subprocess.run([sys.executable, "-m", "genie", "coverage", "--lang", "de"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 3, done.stderr
    assert "--lang" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_the_progress_line_off_a_terminal_is_a_line_per_tenth() -> None:
    import io

    from genie.coverage.campaign import Bar

    out = io.StringIO()
    bar = Bar(20, out)
    for _ in range(20):
        bar.add(1, [])
    bar.close()
    lines = out.getvalue().splitlines()
    assert 10 <= len(lines) <= 11 and lines[-1].startswith("coverage [" + "#" * 24 + "] 20/20 products")
