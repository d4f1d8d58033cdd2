"""Start-up: `genie up` with the demo home until it reports ready, and `genie --help`.

Wall time of fresh processes (interpreter start-up included): the median of ``--runs`` runs (default 5) with [min–max].
Targets: `genie up` ≤ 3 s, `genie --help` ≤ 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time

from bench import _harness as h
from bench import _stats as st
from bench.floor import add_run_options


async def up_once() -> tuple[float, float]:
    """(wall seconds to ready, seconds the process itself reported) for one `genie up --json`."""
    db = h.scratch("up") / "hub.db"
    started = time.perf_counter()
    proc, line = await h.start("up", *h.GENIE, "up", "--http", "0", "--port", "0", "--db", str(db), "--json",
                               ready=b"ready_seconds")
    wall = time.perf_counter() - started
    await proc.stop()
    return wall, json.loads(line)["ready_seconds"]


def help_once() -> float:
    started = time.perf_counter()
    subprocess.run([*h.GENIE, "--help"], check=True, capture_output=True, env=h.env(), timeout=60)
    return time.perf_counter() - started


async def run(quick: bool, runs: int | None = None) -> dict:
    """``runs`` fresh `genie up` and `genie --help` processes: medians with [min–max] and every run."""
    runs = runs or (5 if quick else 7)
    ups = [await up_once() for _ in range(runs)]
    helps = [help_once() for _ in range(runs)]
    each = [{"startup_s": round(w, 3), "startup_in_process_s": round(r, 3), "help_s": round(hs, 3)}
            for (w, r), hs in zip(ups, helps, strict=True)]
    return st.over_runs(each)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench startup", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="(no effect: kept for the suite's options)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_run_options(parser)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    result = h.run(run(args.quick, args.runs))
    table = [("what", f"median of {len(result['runs'])} (s) [min–max]", "target (s)"),
             ("genie up → ready (demo home)", st.with_range(result, "startup_s"), "3.0"),
             ("  of which inside the process", st.with_range(result, "startup_in_process_s"), ""),
             ("genie --help", st.with_range(result, "help_s", "{:.3f}"), "0.3")]
    h.emit({"startup": result}, args.json, table)
    return 0
