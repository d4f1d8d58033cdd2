"""``python -m bench [--quick] [--json] [--save FILE] [--charts DIR]``: every benchmark, one report.
``python -m bench NAME [options]``: one benchmark module ``bench.NAME`` (its ``main(argv)``).

Traffic goes only to 127.0.0.1; every loop is bounded in count and time, and every step has a time budget
(BUDGET_S): a step that cannot finish fails with a message, the others still run, and the exit status is 1.
Progress goes to stderr, the report to stdout. Mosquitto must be installed for its half
(`apt-get install -y mosquitto`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

SUITE = ("floor", "command", "fleet", "throughput", "startup")


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def machine() -> dict[str, object]:
    import os

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform(),
            "date": time.strftime("%Y-%m-%d")}


BUDGET_S = {"floor": (90, 300), "command": (450, 1500), "fleet": (400, 2400), "throughput": (300, 900),
            "startup": (120, 300)}
"""Seconds each step may take (quick, full) with 5 runs (more runs, proportionally more): past that it fails
with a message instead of hanging the run."""


async def suite(quick: bool, progress: bool, runs: int = 5) -> dict[str, Any]:
    """Every step in turn, each under its budget and with the machine's load sampled while it runs."""
    from bench import _harness as h
    from bench import command, fleet, floor, startup, throughput
    from bench._report import headline, targets
    from bench._stats import sampled

    brokers = ["amqtt", "mosquitto"] if h.MOSQUITTO else ["amqtt"]
    report: dict[str, Any] = {"quick": quick, "runs": runs, "machine": machine(), "brokers": brokers}
    errors: dict[str, str] = {}
    steps: dict[str, Callable[[], Awaitable[Any]]] = {
        "floor": lambda: floor.run(brokers, quick, runs),
        "command": lambda: command.run(brokers, [10, 1000], quick, runs=runs),
        "fleet": lambda: fleet.run(fleet.plan_for(quick, brokers, None), runs),
        "throughput": lambda: throughput.run(brokers[-1], quick, runs),
        "startup": lambda: startup.run(quick, max(runs, 5 if quick else 7)),
    }
    seconds: dict[str, float] = {}
    load: dict[str, Any] = {}
    for name, step in steps.items():
        budget = BUDGET_S[name][0 if quick else 1] * max(1.0, runs / 5)
        if progress:
            print(f"[bench] {name} (at most {budget:g} s)…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            async with h.deadline(budget, f"{name} benchmark"):
                report[name], load[name] = await sampled(step())
        except Exception as exc:  # one step failing must not lose the others' figures
            errors[name] = f"{type(exc).__name__}: {exc}"
            print(f"[bench] {name} FAILED: {errors[name]}", file=sys.stderr, flush=True)
        finally:
            await h.stop_all()  # nothing a step started outlives it, even when it failed
        seconds[name] = round(time.perf_counter() - started, 1)
        if progress and name not in errors:
            print(f"[bench] {name} done in {seconds[name]:.1f} s", file=sys.stderr, flush=True)
    report["seconds"] = seconds
    report["load"] = load
    report.update(headline(report))
    report["targets"] = targets(report)
    if errors:
        report["errors"] = errors
    return report


def main(argv: list[str]) -> int:
    names = available()
    if argv and not argv[0].startswith("-"):
        if argv[0] not in names:
            print(f"bench: unknown benchmark {argv[0]!r}; known: {', '.join(names)}", file=sys.stderr)
            return 2
        module = importlib.import_module(f"bench.{argv[0]}")
        try:
            return int(module.main(argv[1:]) or 0)
        except Exception as exc:  # a clear line, not a traceback, when a benchmark cannot finish
            from bench._harness import BenchError

            if not isinstance(exc, BenchError | ConnectionError | TimeoutError):
                raise
            print(f"bench {argv[0]}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=f"single benchmarks: {', '.join(names)} (NAME --help for options)")
    parser.add_argument("--quick", action="store_true", help="shorter runs (about four minutes in all)")
    parser.add_argument("--runs", type=int, default=5, help="complete measurements each figure is the median of "
                        "(default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (on stdout) instead of tables")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument("--charts", type=Path, metavar="DIR", help="draw PNG charts into DIR (needs matplotlib)")
    parser.add_argument("--load", type=Path, metavar="FILE",
                        help="no run: print (and chart) a report saved earlier with --save, against today's targets")
    args = parser.parse_args(argv)
    from bench._harness import BenchError, run
    from bench._report import headline, print_report, targets

    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.load:
        try:
            report = json.loads(args.load.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"bench: cannot read the report {args.load}: {exc}", file=sys.stderr)
            return 2
        report.update(headline(report))
        report["targets"] = targets(report)  # today's targets, whatever they were when it was saved
    else:
        try:
            report = run(suite(args.quick, progress=not args.quiet, runs=args.runs))
        except BenchError as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.charts:
        from bench._charts import draw

        for path in draw(report, args.charts):
            print(f"chart: {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_report(report)
    return 1 if report.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
