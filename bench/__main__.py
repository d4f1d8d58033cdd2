"""``python -m bench [--quick] [--json] [--charts DIR]``: every benchmark, one report.
``python -m bench NAME [options]``: one benchmark module ``bench.NAME`` (its ``main(argv)``).

Traffic goes only to 127.0.0.1; every loop is bounded in count and time; Mosquitto must be installed
for its half (`apt-get install -y mosquitto`).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import pkgutil
import platform
import sys
import time
from pathlib import Path

SUITE = ("floor", "command", "fleet", "throughput", "startup")


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def machine() -> dict[str, object]:
    import os

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.platform(),
            "date": time.strftime("%Y-%m-%d")}


async def suite(quick: bool, progress: bool) -> dict:
    from bench import command, fleet, floor, startup, throughput
    from bench._harness import MOSQUITTO

    brokers = ["amqtt", "mosquitto"] if MOSQUITTO else ["amqtt"]
    report: dict = {"quick": quick, "machine": machine(), "brokers": brokers}

    def say(what: str) -> None:
        if progress:
            print(f"[bench] {what}…", file=sys.stderr, flush=True)

    say("floor")
    report["floor"] = await floor.run(brokers, quick)
    say("command")
    report["command"] = await command.run(brokers, [10, 1000], quick)
    say("fleet")
    report["fleet"] = await fleet.run(fleet.plan_for(quick, brokers, None))
    say("throughput")
    report["throughput"] = await throughput.run(brokers[-1], quick)
    say("startup")
    report["startup"] = await startup.run(quick)
    ratios = [v for sizes in report["command"].values() for v in sizes.values()]
    report["command_p50_ratio"] = max(r["ratio_p50"] for r in ratios)
    report["command_p99_ratio"] = max(r["ratio_p99"] for r in ratios)
    report["throughput_cmds_per_s"] = report["throughput"]["throughput_cmds_per_s"]
    report["startup_s"] = report["startup"]["startup_s"]
    return report


def print_report(report: dict) -> None:
    print(f"machine: {report['machine']['cpus']} CPUs, Python {report['machine']['python']}, "
          f"{report['machine']['date']}{' (quick run)' if report['quick'] else ''}")
    print("\nMQTT floor (request/response round trip, QoS 1)")
    for kind, v in report["floor"].items():
        print(f"  {kind:10} p50 {v['p50']:.3f} ms   p99 {v['p99']:.3f} ms")
    print("\nText command end to end (ratio = command / two floor round trips; targets p50 ≤ 2, p99 ≤ 4)")
    for kind, sizes in report["command"].items():
        for size, v in sizes.items():
            print(f"  {kind:10} {size:>6} devices   p50 {v['p50']:.2f} ms (×{v['ratio_p50']:.2f})   "
                  f"p99 {v['p99']:.2f} ms (×{v['ratio_p99']:.2f})")
    print("\nFleet (online; directory complete after; RSS)")
    for r in report["fleet"]:
        print(f"  {r['broker']:10} {r['devices']:>6} devices   online {r['online_s']:.1f} s   directory +"
              f"{r['directory_after_s']:.1f} s   fleet {r['fleet_rss_mb']:.0f} MB   hub {r['hub_rss_mb']:.0f} MB   "
              f"broker {r['broker_rss_mb']:.0f} MB")
    t = report["throughput"]
    print(f"\nThroughput: {t['throughput_cmds_per_s']:.0f} commands/s "
          f"({', '.join(f'{c} clients {r:.0f}/s' for c, r in t['cmds_per_s_by_clients'].items())}); "
          f"all {t['group']['lights']} lights off in {t['group']['seconds']:.2f} s")
    s = report["startup"]
    print(f"\nStart-up: genie up {s['startup_s']:.2f} s (target 3), genie --help {s['help_s']:.3f} s (target 0.3)")


def main(argv: list[str]) -> int:
    names = available()
    if argv and not argv[0].startswith("-"):
        if argv[0] not in names:
            print(f"bench: unknown benchmark {argv[0]!r}; known: {', '.join(names)}", file=sys.stderr)
            return 2
        module = importlib.import_module(f"bench.{argv[0]}")
        return int(module.main(argv[1:]) or 0)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=f"single benchmarks: {', '.join(names)} (NAME --help for options)")
    parser.add_argument("--quick", action="store_true", help="a run under about two minutes")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument("--charts", type=Path, metavar="DIR", help="draw PNG charts into DIR (needs matplotlib)")
    args = parser.parse_args(argv)
    report = asyncio.run(suite(args.quick, progress=not args.json))
    if args.save:
        args.save.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.charts:
        from bench._charts import draw

        for path in draw(report, args.charts):
            print(f"chart: {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
