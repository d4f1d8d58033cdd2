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


BUDGET_S = {"floor": (60, 180), "command": (300, 1200), "fleet": (300, 2400), "throughput": (180, 600),
            "startup": (120, 300)}
"""Seconds each step may take (quick, full): past that it fails with a message instead of hanging the run."""


async def suite(quick: bool, progress: bool) -> dict[str, Any]:
    from bench import _harness as h
    from bench import command, fleet, floor, startup, throughput

    brokers = ["amqtt", "mosquitto"] if h.MOSQUITTO else ["amqtt"]
    report: dict[str, Any] = {"quick": quick, "machine": machine(), "brokers": brokers}
    errors: dict[str, str] = {}
    steps: dict[str, Callable[[], Awaitable[Any]]] = {
        "floor": lambda: floor.run(brokers, quick),
        "command": lambda: command.run(brokers, [10, 1000], quick),
        "fleet": lambda: fleet.run(fleet.plan_for(quick, brokers, None)),
        "throughput": lambda: throughput.run(brokers[-1], quick),
        "startup": lambda: startup.run(quick),
    }
    seconds: dict[str, float] = {}
    for name, step in steps.items():
        budget = BUDGET_S[name][0 if quick else 1]
        if progress:
            print(f"[bench] {name} (at most {budget} s)…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            async with h.deadline(budget, f"{name} benchmark"):
                report[name] = await step()
        except Exception as exc:  # one step failing must not lose the others' figures
            errors[name] = f"{type(exc).__name__}: {exc}"
            print(f"[bench] {name} FAILED: {errors[name]}", file=sys.stderr, flush=True)
        finally:
            await h.stop_all()  # nothing a step started outlives it, even when it failed
        seconds[name] = round(time.perf_counter() - started, 1)
        if progress and name not in errors:
            print(f"[bench] {name} done in {seconds[name]:.1f} s", file=sys.stderr, flush=True)
    report["seconds"] = seconds
    report.update(headline(report))
    report["targets"] = targets(report)
    if errors:
        report["errors"] = errors
    return report


def headline(report: dict[str, Any]) -> dict[str, Any]:
    """The figures a script looks at first (None when their step failed)."""
    ratios = [v for sizes in report.get("command", {}).values() for v in sizes.values()]
    return {
        "command_p50_ratio": max((r["ratio_p50"] for r in ratios), default=None),
        "command_p99_ratio": max((r["ratio_p99"] for r in ratios), default=None),
        "throughput_cmds_per_s": report["throughput"]["throughput_cmds_per_s"] if "throughput" in report else None,
        "startup_s": report["startup"]["startup_s"] if "startup" in report else None,
        "help_s": report["startup"]["help_s"] if "startup" in report else None,
    }


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target the run measured: what, the figure, the limit, met or not."""
    rows: list[dict[str, Any]] = []

    def check(what: str, value: float, limit: float, unit: str) -> None:
        rows.append({"what": what, "value": value, "limit": limit, "unit": unit, "met": value <= limit})

    for kind, sizes in report.get("command", {}).items():
        for size, v in sizes.items():
            check(f"command p50, {kind}, {size} devices", v["ratio_p50"], 2, "× two floor round trips")
            check(f"command p99, {kind}, {size} devices", v["ratio_p99"], 4, "× two floor round trips")
    for r in report.get("fleet", []):
        if r["broker"] == "mosquitto" and r["devices"] >= 10000:
            check(f"fleet {r['devices']} on mosquitto: online", r["online_s"], 60, "s")
            check(f"fleet {r['devices']} on mosquitto: directory complete after", r["directory_after_s"], 10, "s")
            check(f"fleet {r['devices']} on mosquitto: fleet RSS", r["fleet_rss_mb"], 2048, "MB")
    if "startup" in report:
        check("genie up → ready", report["startup"]["startup_s"], 3, "s")
        check("genie --help", report["startup"]["help_s"], 0.3, "s")
    return rows


def print_report(report: dict[str, Any]) -> None:
    print(f"machine: {report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
          f"{report['machine']['date']}{' (quick run)' if report['quick'] else ''}")
    if "floor" in report:
        print("\nMQTT floor (request/response round trip, QoS 1)")
        for kind, v in report["floor"].items():
            print(f"  {kind:10} p50 {v['p50']:.3f} ms   p99 {v['p99']:.3f} ms")
    if "command" in report:
        print("\nText command end to end (ratio = command / two floor round trips; targets p50 ≤ 2, p99 ≤ 4)")
        for kind, sizes in report["command"].items():
            for size, v in sizes.items():
                print(f"  {kind:10} {size:>6} devices   p50 {v['p50']:.2f} ms (×{v['ratio_p50']:.2f})   "
                      f"p99 {v['p99']:.2f} ms (×{v['ratio_p99']:.2f})")
    if "fleet" in report:
        print("\nFleet (online; directory complete after; RSS)")
        for r in report["fleet"]:
            print(f"  {r['broker']:10} {r['devices']:>6} devices   online {r['online_s']:.1f} s   directory +"
                  f"{r['directory_after_s']:.1f} s   fleet {r['fleet_rss_mb']:.0f} MB   hub {r['hub_rss_mb']:.0f} MB"
                  f"   broker {r['broker_rss_mb']:.0f} MB")
    if "throughput" in report:
        t = report["throughput"]
        print(f"\nThroughput ({t['broker']}): {t['throughput_cmds_per_s']:.0f} commands/s "
              f"({', '.join(f'{c} clients {r:.0f}/s' for c, r in t['cmds_per_s_by_clients'].items())}); "
              f"all {t['group']['lights']} lights off in {t['group']['seconds']:.2f} s")
    if "startup" in report:
        s = report["startup"]
        print(f"\nStart-up: genie up {s['startup_s']:.2f} s, genie --help {s['help_s']:.3f} s")
    print("\nTargets")
    for t in report["targets"]:
        print(f"  {'met   ' if t['met'] else 'MISSED'}  {t['what']}: {t['value']:g} (≤ {t['limit']:g} {t['unit']})")
    for name, message in report.get("errors", {}).items():
        print(f"\nFAILED {name}: {message}")


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
    parser.add_argument("--quick", action="store_true", help="a run under about two minutes")
    parser.add_argument("--json", action="store_true", help="print one JSON object (on stdout) instead of tables")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument("--charts", type=Path, metavar="DIR", help="draw PNG charts into DIR (needs matplotlib)")
    parser.add_argument("--load", type=Path, metavar="FILE",
                        help="no run: print (and chart) a report saved earlier with --save")
    args = parser.parse_args(argv)
    from bench._harness import BenchError, run

    if args.load:
        report = json.loads(args.load.read_text(encoding="utf-8"))
    else:
        try:
            report = run(suite(args.quick, progress=not args.quiet))
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
