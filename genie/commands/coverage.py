"""``genie coverage``: every capability specification of the brand registry commanded and asked about by
voice in zh, en and fr, checked on the device and in the reply (docs/coverage/)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_FAILED, EXIT_OK
from hub.errors import BadInput
from hub.language import LANGUAGES

LATEST_ENV = "GENIE_COVERAGE_LATEST"
"""When set, every run also writes its JSON report to that file (for whoever follows the runs as they come)."""


def register(sub: Any) -> None:
    """Add ``genie coverage``."""
    cov = sub.add_parser(
        "coverage", help="command and ask every product of the brand registry by voice, in zh, en and fr",
        description="For every distinct capability specification of the registry (or a sample of its products), "
                    "spawn the product as a simulated device, say generated sentences to a hub - on/off, set a "
                    "value, step up/down, ask - in each language, and check the device's state and the reply. "
                    "The sentences are the run's own (genie/coverage), not the parser's phrase tables.",
        epilog="Exit status: 0, or 1 below --floor; 2 on an error; 3 for bad arguments.")
    which = cov.add_mutually_exclusive_group()
    which.add_argument("--sample", type=int, metavar="N", help="N products per capability specification (default 1)")
    which.add_argument("--all", action="store_true", help="every product of the registry")
    cov.add_argument("--lang", default=",".join(LANGUAGES), metavar="zh,en,fr", help="languages (default all three)")
    cov.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the products and sentences chosen")
    cov.add_argument("--phrasings", type=int, default=2, metavar="K", help="sentences per cell and product (default 2)")
    cov.add_argument("--category", action="append", metavar="C", help="only this category (repeatable)")
    cov.add_argument("--workers", type=int, default=1, metavar="K", help="worker processes (default 1)")
    cov.add_argument("--json", action="store_true", help="print the whole report as JSON")
    cov.add_argument("--out", type=Path, metavar="FILE", help="also write the JSON report to FILE")
    cov.add_argument("--html", type=Path, metavar="FILE", help="also write the HTML report to FILE")
    cov.add_argument("--md", type=Path, metavar="FILE", help="also write the failing cells as a Markdown table to FILE")
    cov.add_argument("--floor", type=float, metavar="PCT", help="exit 1 when fewer than PCT %% of the cells pass")
    cov.set_defaults(handler=cmd_coverage)


def options_from(args: argparse.Namespace) -> Any:
    """The run's options from the command line; BadInput (one line) for what cannot be run."""
    from devices.categories import CATEGORIES
    from genie.coverage.campaign import Options

    langs = [code.strip() for code in args.lang.split(",") if code.strip()]
    unknown = [code for code in langs if code not in LANGUAGES]
    if not langs or unknown:
        raise BadInput(f"--lang: {', '.join(unknown) or 'nothing'} is not one of {', '.join(LANGUAGES)}")
    if args.sample is not None and args.sample < 1:
        raise BadInput(f"--sample must be at least 1, got {args.sample}")
    if not 1 <= args.workers <= 16:
        raise BadInput(f"--workers must be 1-16, got {args.workers}")
    if not 1 <= args.phrasings <= 6:
        raise BadInput(f"--phrasings must be 1-6, got {args.phrasings}")
    if args.floor is not None and not 0 <= args.floor <= 100:
        raise BadInput(f"--floor must be a percentage 0-100, got {args.floor:g}")
    for category in args.category or []:
        if category not in CATEGORIES:
            raise BadInput(f"--category: unknown category {category!r}; known: {', '.join(sorted(CATEGORIES))}")
    return Options(sample=None if args.all else (args.sample or 1), langs=langs, seed=args.seed,
                   phrasings=args.phrasings, workers=args.workers, categories=args.category)


async def cmd_coverage(args: argparse.Namespace) -> int:
    """Run the coverage, write the reports, print the summary (or the JSON); exit 1 below the floor."""
    from genie.coverage.campaign import run_coverage
    from genie.coverage.report import summary

    options = options_from(args)
    report = await run_coverage(options)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    latest = os.environ.get(LATEST_ENV)
    if latest:
        _write(Path(latest), text, quiet=True)
    if args.out is not None:
        _write(args.out, text)
    if args.html is not None:
        from genie.coverage.page import render

        _write(args.html, render(report))
    if args.md is not None:
        from genie.coverage.report import failing_cells

        _write(args.md, failing_cells(report))
    print(text if args.json else summary(report))
    status = floor_status(report, args.floor)
    if status != EXIT_OK and not args.json:
        print(f"below the floor: {report['totals']['percent']:.2f} % of the cells pass, under {args.floor:g} %")
    return status


def floor_status(report: dict[str, Any], floor: float | None) -> int:
    """EXIT_FAILED when fewer than ``floor`` percent of the report's cells pass (or it has no cell), else EXIT_OK."""
    if floor is None:
        return EXIT_OK
    totals = report["totals"]
    return EXIT_FAILED if not totals["cells"] or totals["percent"] < floor else EXIT_OK


def _write(path: Path, text: str, quiet: bool = False) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        if quiet:
            return
        raise BadInput(f"cannot write {path}: {exc.strerror}") from None
