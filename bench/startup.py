"""Start-up: `genie up` with the demo home until it reports ready, and `genie --help`.

Wall time of fresh processes (interpreter start-up included), median of several runs.
Targets: `genie up` ≤ 3 s, `genie --help` ≤ 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time

from bench import _harness as h


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


async def run(quick: bool) -> dict:
    runs = 3 if quick else 7
    ups = [await up_once() for _ in range(runs)]
    helps = [help_once() for _ in range(runs)]
    return {
        "startup_s": round(statistics.median(w for w, _ in ups), 3),
        "startup_in_process_s": round(statistics.median(r for _, r in ups), 3),
        "help_s": round(statistics.median(helps), 3),
        "runs": runs,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench startup", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = h.run(run(args.quick))
    table = [("what", "median (s)", "target (s)"),
             ("genie up → ready (demo home)", f"{result['startup_s']:.2f}", "3.0"),
             ("  of which inside the process", f"{result['startup_in_process_s']:.2f}", ""),
             ("genie --help", f"{result['help_s']:.3f}", "0.3")]
    h.emit({"startup": result}, args.json, table)
    return 0
