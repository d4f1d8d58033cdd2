"""``genie load``: a semantic load test — text commands in three languages at a fixed rate against a running
set-up (``genie up``) or one it starts itself, with a progress line and a report (docs/load.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_ERROR, EXIT_FAILED, EXIT_OK, broker_arg, home_id, json_text, stop_on_signals
from hub.errors import GenieError

RUNNING, SELF_CONTAINED = "running", "self-contained"


class LoadError(GenieError, ValueError):
    """A load test that cannot be run as asked (exit status 2): the message says which flag and why."""


def register(sub: Any) -> None:
    """Add ``genie load``."""
    load = sub.add_parser(
        "load", help="load-test a set-up: text commands at a fixed rate, with a latency report",
        description="Send text commands (on/off, set a value, step, ask) in Chinese, English and French to every "
                    "device of a running set-up, or of homes it starts itself, at a fixed rate (open loop: a "
                    "command goes out at its time whether or not earlier ones were answered, and its latency "
                    "counts from that time); print a progress line, then a report.",
        epilog="Examples: genie load --rate 50 --duration 30 (against `genie up`); "
               "genie load --homes 10 --devices 10 --rate 200 --duration 20 --charts load-charts. "
               "Exit status: 0 all commands done; 1 some failed or timed out (said on stderr); "
               "2 it could not run (bad flag, no hub, no device).")
    load.add_argument("--rate", type=float, required=True, metavar="R", help="commands per second (open loop)")
    load.add_argument("--duration", type=float, required=True, metavar="S",
                      help="seconds of sending (at most 3600); the run then waits for the last answers")
    broker_arg(load)
    load.add_argument("--home", type=home_id, action="append", default=[], metavar="ID",
                      help="a running home to drive, by the id of its home file (repeat for several; default: "
                           "the home without an id, e.g. `genie up`'s demo home)")
    own = load.add_argument_group("self-contained (instead of a running set-up)")
    own.add_argument("--homes", type=int, metavar="N", help="start N homes (each with its hub), on an embedded "
                                                            "broker unless --broker; stop them at the end")
    own.add_argument("--devices", type=int, metavar="M", help="with --homes: M devices per home, drawn from the "
                                                              "brand registry across its categories")
    own.add_argument("--ready-timeout", type=float, default=60.0, metavar="S",
                     help="with --homes: seconds the set-up may take to start, plus 0.05 s per device (default 60)")
    own.add_argument("--no-latency", action="store_true",
                     help="with --homes: devices answer at once instead of at their brand's pace")
    load.add_argument("--lang", default="zh,en,fr", metavar="LANGS",
                      help="languages of the commands, comma-separated (default zh,en,fr)")
    load.add_argument("--clients", type=int, default=8, metavar="C",
                      help="MQTT client sessions to spread the commands over (default 8; one per home at least)")
    load.add_argument("--seed", type=int, default=0, metavar="K",
                      help="seed of the command mix (and of a self-contained fleet): the same seed, the same run")
    load.add_argument("--timeout", type=float, default=10.0, metavar="S",
                      help="a command not answered S seconds after its scheduled time is an error TIMEOUT; "
                           "also how long to wait for a hub's directory (default 10)")
    load.add_argument("--json", action="store_true", help="print the report as one JSON object")
    load.add_argument("--charts", type=Path, metavar="DIR",
                      help="write latency.png, throughput.png and histogram.png into DIR (needs matplotlib: "
                           "pip install -e '.[bench]')")
    load.add_argument("--report", type=Path, metavar="FILE", help="also write the report as JSON to FILE")
    load.add_argument("--no-warmup", action="store_true",
                      help="time the hubs' cold start too (default: one command per home and language is sent, "
                           "and awaited, before the run)")
    load.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    load.set_defaults(handler=cmd_load)


def _checked(args: argparse.Namespace) -> tuple[str, ...]:
    """Refuse flags no run can be made of (LoadError, one line); return the languages."""
    from genie.load.schedule import PlanError, check
    from genie.load.sentences import languages
    from genie.load.setup import MAX_DEVICES, MAX_HOMES

    try:
        check(args.rate, args.duration)
        langs = languages(args.lang)
    except (PlanError, ValueError) as exc:
        raise LoadError(f"--lang: {exc}" if "language" in str(exc) else str(exc)) from None
    if (args.homes is None) != (args.devices is None):
        raise LoadError("--homes and --devices go together (N homes of M devices each)")
    if args.homes is not None:
        if args.home:
            raise LoadError("give either --home (a running home) or --homes/--devices (start them), not both")
        if not 1 <= args.homes <= MAX_HOMES or not 1 <= args.devices <= MAX_DEVICES:
            raise LoadError(f"--homes must be 1-{MAX_HOMES} and --devices 1-{MAX_DEVICES}")
    elif args.no_latency:
        raise LoadError("--no-latency goes with --homes/--devices (it changes the devices it starts)")
    if not 0 < args.ready_timeout <= 3600:
        raise LoadError(f"--ready-timeout must be more than 0 and at most 3600 s, got {args.ready_timeout:g}")
    if not 1 <= args.clients <= 1000:
        raise LoadError(f"--clients must be 1-1000, got {args.clients}")
    if not 0 < args.timeout <= 600:
        raise LoadError(f"--timeout must be more than 0 and at most 600 s, got {args.timeout:g}")
    if args.charts is not None:
        from genie.load.charts import check as charts_available

        charts_available()
    return langs


async def cmd_load(args: argparse.Namespace) -> int:
    """Run the load test and print its report; exit 1 (and say so) if any command failed or timed out."""
    from genie.load.setup import running_urls, self_contained

    langs = _checked(args)
    stop_on_signals()
    load_start = list(os.getloadavg())
    try:
        if args.homes is None:
            urls = running_urls(args.broker, args.home)
            where = next(iter(urls.values()))
            report = await _run(args, langs, urls, RUNNING, {"broker": f"mqtt://{where.host}:{where.port}"},
                                load_start)
        else:
            async with self_contained(args.homes, args.devices, seed=args.seed, broker=args.broker,
                                      latency=not args.no_latency, ready_timeout=args.ready_timeout) as (urls, broker):
                setup = {"broker": broker, "devices_per_home": args.devices, "device_latency": not args.no_latency}
                report = await _run(args, langs, urls, SELF_CONTAINED, setup, load_start)
    except asyncio.CancelledError:  # SIGTERM or SIGHUP: whatever it started is stopped by now
        print("\ngenie load: stopped before the end (a signal); no report", file=sys.stderr)
        return EXIT_ERROR
    return _publish(args, report)


async def _run(args: argparse.Namespace, langs: tuple[str, ...], urls: dict[str | None, Any], mode: str,
               setup: dict[str, Any], load_start: list[float]) -> dict[str, Any]:
    from genie.load import report as reports
    from genie.load.run import drive
    from genie.load.schedule import PlanError, plan, warmup
    from genie.load.targets import discover

    targets, offline = await discover(urls, args.timeout)
    try:
        planned = plan(targets, args.rate, args.duration, langs, args.seed)
    except PlanError as exc:
        raise LoadError(str(exc)) from None
    setup = {**setup, "homes": [h if h is not None else "(default)" for h in urls], "devices": len(targets),
             "offline_at_start": offline}
    progress, interval = _progress(args.quiet)
    run = await drive(planned, urls, clients=args.clients, timeout=args.timeout, progress=progress, interval=interval,
                      warmup=() if args.no_warmup else warmup(planned))
    asked = {"rate": args.rate, "duration": args.duration, "clients": args.clients, "langs": list(langs),
             "seed": args.seed, "timeout": args.timeout, "warmup": not args.no_warmup}
    return reports.build(run, mode=mode, setup=setup, asked=asked,
                         load_average={"start": load_start, "end": list(os.getloadavg())})


def _progress(quiet: bool) -> tuple[Any, float]:
    """The progress callback and its interval: a line redrawn every second on a terminal, a line every 5 s
    otherwise, none with --quiet."""
    if quiet:
        return None, 1.0
    from genie.load.report import percentile

    tty = sys.stderr.isatty()
    interval = 1.0 if tty else 5.0

    def show(tally: Any, elapsed: float) -> None:
        p50, p99 = percentile(tally.window, 50), percentile(tally.window, 99)
        rate = tally.answered / elapsed if tally.finished and elapsed > 0 else len(tally.window) / interval
        line = (f"genie load: {elapsed:6.1f} s  sent {tally.sent}/{tally.planned}  answered {tally.answered}  "
                f"errors {tally.errors}  p50 {'-' if p50 is None else f'{p50:.1f}'} ms  "
                f"p99 {'-' if p99 is None else f'{p99:.1f}'} ms  {rate:.0f}/s")
        print(f"\r{line}\x1b[K" if tty else line, end="\n" if not tty or tally.finished else "", file=sys.stderr,
              flush=True)

    return show, interval


def _publish(args: argparse.Namespace, report: dict[str, Any]) -> int:
    """Write the charts and --report file, print the report, and say whether every command was done."""
    from genie.load.report import failure, table

    if args.charts is not None:
        from genie.load.charts import draw

        report["charts"] = [str(p) for p in draw(report, args.charts)]
    if args.report is not None:
        try:
            args.report.write_text(json_text(report, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise LoadError(f"--report {args.report}: {exc.strerror or exc}") from None
    if args.json:
        print(json_text(report))
    else:
        print(table(report))
        for path in report.get("charts", []):
            print(f"chart: {path}")
    problem = failure(report)
    if problem is not None:
        print(f"genie load: {problem}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
