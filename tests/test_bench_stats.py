"""The benchmark's statistics: medians over runs with min–max, a ratio per run, CPU time per process from
/proc, the machine's load sampled while a step runs, and the targets and report built from them."""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bench import _report, _stats
from bench.throughput import shares

BURN = """
import sys, time
spent = float(sys.argv[1])
if len(sys.argv) > 2:  # also a child of our own that burns as much
    import subprocess
    child = subprocess.Popen([sys.executable, "-c", sys.argv[2], sys.argv[1]], stdout=subprocess.PIPE)
    assert child.stdout.readline() == b"burnt\\n"
while time.process_time() < spent:
    pass
print("burnt", flush=True)
sys.stdin.readline()
"""
"""A process that uses ``argv[1]`` seconds of CPU (and a child using as much), says so, then waits on stdin."""

CHILD = """
import sys, time
while time.process_time() < float(sys.argv[1]):
    pass
print("burnt", flush=True)
sys.stdin.readline()
"""


def test_every_number_is_the_median_of_the_runs_with_its_min_and_max() -> None:
    runs = [{"p50": 3.0, "n": 200, "broker": "amqtt", "ratio_p50": 1.2},
            {"p50": 9.0, "n": 200, "broker": "amqtt", "ratio_p50": 2.0},
            {"p50": 4.0, "n": 200, "broker": "amqtt", "ratio_p50": 1.1}]
    result = _stats.over_runs(runs)
    assert result["p50"] == 4.0 and result["spread"]["p50"] == [3.0, 9.0]
    assert result["ratio_p50"] == 1.2 and result["spread"]["ratio_p50"] == [1.1, 2.0]
    assert result["n"] == 200 and isinstance(result["n"], int)  # a count stays a count
    assert "broker" not in result  # a label is no figure
    assert result["runs"] == runs
    with pytest.raises(ValueError, match="no runs"):
        _stats.over_runs([])


def test_a_ratio_is_taken_in_each_run_then_the_median() -> None:
    """Run A has a slow floor, run B a fast one: the median of the runs' ratios, not median ÷ median."""
    runs = [{"p50": p50, "floor_p50": floor, "ratio_p50": _stats.ratio(p50, floor)}
            for p50, floor in ((2.0, 0.5), (6.0, 1.0), (9.0, 3.0))]
    assert [r["ratio_p50"] for r in runs] == [2.0, 3.0, 1.5]
    result = _stats.over_runs(runs)
    assert result["ratio_p50"] == 2.0  # the median of the runs' ratios
    assert _stats.ratio(result["p50"], result["floor_p50"]) == 3.0  # what the medians alone would have said
    assert math.isnan(_stats.ratio(1.0, 0.0))


def test_cpu_time_is_read_finer_than_the_10_ms_tick() -> None:
    """Twenty commands of a fleet cost a few ms: a 2 ms burn is seen as 2 ms, not as 0 or 10 ms."""
    before = _stats.cpu_s(os.getpid())
    started = time.process_time()
    while time.process_time() - started < 0.002:
        pass
    used = _stats.cpu_s(os.getpid()) - before
    assert 0.0015 <= used < 0.009  # under one tick


def test_busy_share_and_the_printed_range() -> None:
    assert _stats.busy_pct((100, 200), (150, 300)) == 50.0
    assert math.isnan(_stats.busy_pct((100, 200), (100, 200)))
    busy, total = _stats.machine_busy()
    assert 0 < busy < total
    figures = {"p50": 2.5, "spread": {"p50": [2.25, 3.0]}}
    assert _stats.with_range(figures, "p50") == "2.50 [2.25–3.00]"
    assert _stats.with_range({"p50": 2.5}, "p50") == "2.50"  # a report from before runs were repeated


def _burner(cpu_s: float, with_child: bool = False) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-c", BURN, str(cpu_s)] + ([CHILD] if with_child else [])
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"burnt\n"
    return proc


def _finish(proc: subprocess.Popen[bytes]) -> None:
    proc.communicate(b"\n", timeout=30)


def test_cpu_time_of_a_process_and_its_children_comes_from_proc() -> None:
    alone = _burner(0.3)
    try:
        assert 0.28 <= _stats.cpu_s(alone.pid) < 2.0
    finally:
        _finish(alone)
    family = _burner(0.3, with_child=True)
    try:
        assert len(_stats.descendants(family.pid)) == 1
        assert 0.58 <= _stats.cpu_s(family.pid) < 3.0  # the child's 0.3 s counted with the parent's
    finally:
        _finish(family)


def test_a_cpu_window_gives_ms_per_unit_of_what_ran_inside_it() -> None:
    proc = subprocess.Popen([sys.executable, "-c", BURN, "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"burnt\n"  # started; burns nothing yet
    try:
        window = _stats.CpuWindow({"idle": proc.pid})
        window.start()
        end = time.process_time() + 0.3
        while time.process_time() < end:  # this process, the client, burns 0.3 s
            pass
        window.stop()
        per = window.per(100)
        assert per["idle_cpu_ms_per_cmd"] < 0.5  # ≤ 50 ms over 100 commands: the idle one did (almost) nothing
        assert 2.9 <= per["client_cpu_ms_per_cmd"] < 6.0  # 0.3 s over 100 commands
        assert 0 < per["client_cpu_pct"] <= 101 and 0 < per["machine_busy_pct"] <= 100  # shares: load-dependent
    finally:
        _finish(proc)


async def test_the_load_sampler_samples_while_a_step_runs() -> None:
    sampler = _stats.LoadSampler(interval=0.05)

    async def step() -> str:
        end = time.process_time() + 0.5
        for _ in range(10**7):  # one core busy for 0.5 s of CPU, yielding so that the sampler runs
            if time.process_time() >= end:
                return "done"
            await asyncio.sleep(0)
        return "not done"

    async with sampler.running():
        assert await step() == "done"
    summary = sampler.summary()
    assert summary["samples"] >= 5 and summary["cpus"] >= 1
    assert summary["cpu_busy_pct"]["min"] <= summary["cpu_busy_pct"]["median"] <= summary["cpu_busy_pct"]["max"]
    assert summary["cpu_busy_pct"]["max"] >= 40  # our busy core shows
    assert summary["loadavg_1m"]["min"] >= 0
    result, load = await _stats.sampled(asyncio.sleep(0, result=7))
    assert result == 7 and load["samples"] == 2  # one at the start, one at the end
    assert "load average (1 min)" in _stats.describe_load(load)


def _cell(ratio_p50: float, ratio_p99: float, hub_cpu: float) -> dict[str, Any]:
    return {"p50": 2.0, "p99": 4.0, "floor_p50": 0.5, "floor_p99": 0.9, "ratio_p50": ratio_p50,
            "ratio_p99": ratio_p99, "hub_cpu_ms_per_cmd": hub_cpu, "broker_cpu_ms_per_cmd": 0.3,
            "spread": {"ratio_p50": [ratio_p50 - 0.1, ratio_p50 + 0.2], "p50": [1.8, 2.4]}}


def test_the_targets_are_the_issues_at_1000_devices() -> None:
    report: dict[str, Any] = {
        "command": {"mosquitto": {"10": _cell(9.0, 9.0, 9.0), "1000": _cell(1.5, 3.1, 0.55)}},
        "throughput": {"broker": "mosquitto", "throughput_cmds_per_s": 2100.0,
                       "by_clients": {"32": {"cmds_per_s": 2100.0, "spread": {"cmds_per_s": [1900.0, 2200.0]}}}},
    }
    rows = {t["what"]: t for t in _report.targets(report)}
    assert set(rows) == {"command p50, mosquitto, 1000 devices", "command p99, mosquitto, 1000 devices",
                         "hub CPU per command, mosquitto, 1000 devices", "throughput, mosquitto, 32 clients"}
    assert rows["command p50, mosquitto, 1000 devices"]["met"]  # 1.5 ≤ 1.5
    assert rows["command p50, mosquitto, 1000 devices"]["range"] == [1.4, 1.7]
    assert not rows["command p99, mosquitto, 1000 devices"]["met"]  # 3.1 > 3
    assert rows["hub CPU per command, mosquitto, 1000 devices"]["met"]
    assert rows["throughput, mosquitto, 32 clients"]["met"] and rows["throughput, mosquitto, 32 clients"]["at_least"]
    report["throughput"]["by_clients"]["32"]["cmds_per_s"] = 1999.0
    assert not {t["what"]: t for t in _report.targets(report)}["throughput, mosquitto, 32 clients"]["met"]
    assert _report.headline(report)["hub_cpu_ms_per_cmd"] == 9.0  # the worst cell


def test_the_report_prints_ranges_and_load_and_old_reports_still_print(capsys: pytest.CaptureFixture[str]) -> None:
    report: dict[str, Any] = {"quick": True, "runs": 5, "machine": {"cpus": 2, "python": "3.11", "date": "today"},
                              "command": {"amqtt": {"1000": _cell(2.0, 2.5, 1.9)}},
                              "load": {"command": {"samples": 3, "cpus": 2,
                                                   "loadavg_1m": {"median": 1.5, "min": 1.0, "max": 2.0},
                                                   "cpu_busy_pct": {"median": 80.0, "min": 70.0, "max": 99.0}}}}
    report["targets"] = _report.targets(report)
    _report.print_report(report)
    said = capsys.readouterr().out
    assert "median of 5 runs" in said and "p50 2.00 [1.80–2.40] ms" in said and "(×2.00 [1.90–2.20])" in said
    assert "hub 1.90 ms" in said and "load average (1 min) 1.5 [1–2], CPU busy 80 % [70–99]" in said
    assert "MISSED  command p50, amqtt, 1000 devices: 2 [1.9–2.2] (≤ 1.5 × two floor round trips)" in said
    old = {"quick": False, "machine": {"cpus": 2, "python": "3.11", "date": "then"},
           "command": {"amqtt": {"1000": {"p50": 4.97, "p99": 9.07, "floor_p50": 1.0, "ratio_p50": 2.29,
                                          "ratio_p99": 2.55}}},
           "throughput": {"broker": "mosquitto", "cmds_per_s_by_clients": {"1": 458.0, "32": 931.0},
                          "throughput_cmds_per_s": 931.0, "group": {"lights": 1000, "seconds": 0.76,
                                                                    "succeeded": 1000}}}
    old["targets"] = _report.targets(old)
    _report.print_report(old)
    said = capsys.readouterr().out
    assert "p50 4.97 ms (×2.29)" in said and "32 clients 931/s" in said and "[" not in said.split("Targets")[0]


def test_clients_are_spread_evenly_over_the_processes() -> None:
    assert shares(32, 2) == [16, 16] and shares(7, 2) == [4, 3] and shares(1, 2) == [1] and shares(8, 1) == [8]
    assert sum(shares(33, 4)) == 33


def test_charts_draw_error_bars_from_the_runs(tmp_path: Path) -> None:
    from bench._charts import draw, error_bars

    cells = [{"p50": 2.0, "spread": {"p50": [1.5, 3.0]}}, {"p50": 4.0, "spread": {"p50": [4.0, 4.5]}}]
    assert error_bars(cells, "p50") == [[0.5, 0.0], [1.0, 0.5]]
    assert error_bars(cells, "p50", scale=2) == [[1.0, 0.0], [2.0, 1.0]]
    assert error_bars([{"p50": 2.0}], "p50") is None  # an old report: no bars
    pytest.importorskip("matplotlib")
    report = {"quick": True, "runs": 5, "machine": {"cpus": 2, "python": "3.11", "date": "today"},
              "command": {"amqtt": {"1000": _cell(2.0, 2.5, 1.9)}}}
    assert [p.name for p in draw(report, tmp_path)] == ["command-latency.png"]
    assert (tmp_path / "command-latency.png").stat().st_size > 10_000


def test_a_small_real_command_run_reports_medians_of_its_runs() -> None:
    """Two runs of 20 commands on the embedded broker (amqtt): the JSON a script reads."""
    import json

    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "bench", "command", "--quick", "--runs", "2", "--rounds", "20",
                          "--devices", "10", "--broker", "amqtt", "--json"], capture_output=True, text=True,
                         timeout=100, cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    cell = report["command"]["amqtt"]["10"]
    runs = cell["runs"]
    assert len(runs) == 2 and report["runs"] == 2
    for run in runs:
        assert run["n"] == 20 and run["ratio_p50"] == round(run["p50"] / (2 * run["floor_p50"]), 2)
        assert run["hub_cpu_ms_per_cmd"] > 0 and run["broker_cpu_ms_per_cmd"] > 0 and run["fleet_cpu_ms_per_cmd"] > 0
    for key in ("p50", "p99", "floor_p50", "ratio_p50", "ratio_p99", "hub_cpu_ms_per_cmd"):
        values = [r[key] for r in runs]
        assert cell[key] == pytest.approx(statistics.median(values), abs=1e-3)
        assert cell["spread"][key] == [min(values), max(values)]
    assert report["load"]["samples"] >= 2 and report["load"]["cpu_busy_pct"] is not None
    assert time.perf_counter() - started < 60


def test_a_small_real_throughput_run_spreads_its_clients_over_two_processes() -> None:
    """One run of 4 clients (2 here, 2 in a worker process) for half a second, and a 5-light group command."""
    import json

    out = subprocess.run([sys.executable, "-m", "bench", "throughput", "--broker", "amqtt", "--runs", "1",
                          "--seconds", "0.5", "--clients", "4", "--lights", "5", "--json"], capture_output=True,
                         text=True, timeout=100, cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)["throughput"]["amqtt"]
    point = result["by_clients"]["4"]
    assert point["client_processes"] == 2 and point["commands"] > 0 and point["cmds_per_s"] > 0
    assert 0 < point["client_cpu_pct"] <= 101 and point["hub_cpu_ms_per_cmd"] > 0
    assert result["throughput_cmds_per_s"] == point["cmds_per_s"] and result["best_clients"] == 4
    assert result["group"]["lights"] == 5 and result["group"]["succeeded"] == 5


async def test_a_child_that_exits_before_ready_is_reported_by_its_own_error_line() -> None:
    """The reason (`genie: error: ...`) leads the message even when shutdown noise fills the last lines."""
    from bench import _harness as h

    noisy = ("import sys; print('genie: error: only 980 of 1000 devices came up within 50 s', file=sys.stderr); "
             "[print('ERROR asyncio: Task was destroyed but it is pending!', i) for i in range(200)]; sys.exit(2)")
    with pytest.raises(h.BenchError) as raised:
        await h.start("fleet", sys.executable, "-c", noisy, ready=b"devices online", timeout=30)
    message = str(raised.value)
    assert "fleet exited with status 2" in message
    assert message.index("genie: error: only 980 of 1000 devices came up") < message.index("Task was destroyed")


async def test_a_broker_whose_port_was_taken_meanwhile_starts_on_another(monkeypatch: pytest.MonkeyPatch) -> None:
    """The port the OS called free is taken before the broker binds it (a large fleet elsewhere takes ephemeral
    ports by the thousand): the benchmark starts the broker again on a new port instead of failing the step."""
    import socket

    from bench import _harness as h
    from hub.protocol.mqtt import MqttConnection

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = int(taken.getsockname()[1])
    given: list[int] = []
    real_free_port = h.free_port

    def racing_free_port() -> int:  # the first port handed out is taken by the time the broker binds it
        given.append(busy if not given else real_free_port())
        return given[-1]

    monkeypatch.setattr(h, "free_port", racing_free_port)
    try:
        async with h.broker("amqtt") as (url, proc):
            assert given[0] == busy and url.port == given[-1] != busy and len(given) == 2
            async with MqttConnection(url, "bench-probe") as conn:  # it serves
                await conn.subscribe("bench/x")
            assert proc.proc.returncode is None
    finally:
        taken.close()
        await h.stop_all()
