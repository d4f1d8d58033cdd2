"""A whole coverage run: choose the products, run them (in this process, or in worker processes), show
progress on stderr, and build the report."""

from __future__ import annotations

import asyncio
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, TextIO

from devices.registry import load_registry
from genie.coverage.report import build
from genie.coverage.run import Job, Result, run_jobs
from genie.coverage.specs import choose, registry_groups


@dataclass
class Options:
    """How to run: ``sample`` products per capability specification (None: all), languages, seed..."""

    sample: int | None = 1
    langs: list[str] = field(default_factory=lambda: ["zh", "en", "fr"])
    seed: int = 0
    phrasings: int = 2
    workers: int = 1
    categories: list[str] | None = None


class Bar:
    """A progress line on ``stream``: redrawn in place on a terminal, a line every tenth otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.done = 0
        self.probes = 0
        self.passed = 0
        self.started = time.monotonic()
        self._tty = self.stream.isatty()
        self._shown = -1

    def add(self, products: int, results: list[Result]) -> None:
        """Count ``products`` more done, with their results, and redraw."""
        self.done += products
        self.probes += len(results)
        self.passed += sum(r.passed for r in results)
        tenth = self.done * 10 // max(1, self.total)
        if self._tty or tenth != self._shown or self.done == self.total:
            self._shown = tenth
            self.stream.write(("\r" if self._tty else "") + self.line() + ("" if self._tty else "\n"))
            self.stream.flush()

    def line(self) -> str:
        """The progress line."""
        width = 24
        filled = width * self.done // max(1, self.total)
        rate = 100 * self.passed / self.probes if self.probes else 0.0
        return (f"coverage [{'#' * filled}{'.' * (width - filled)}] {self.done:,}/{self.total:,} products · "
                f"{self.probes:,} sentences · {rate:.1f} % pass · {time.monotonic() - self.started:.0f} s")

    def close(self) -> None:
        """End the line on a terminal."""
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()


def _chunk_worker(jobs: list[Job], langs: list[str], seed: int, phrasings: int) -> list[Result]:
    import logging

    logging.getLogger("amqtt").setLevel(logging.CRITICAL)
    logging.getLogger("hub").setLevel(logging.ERROR)
    return asyncio.run(run_jobs(jobs, langs, seed, phrasings))


async def run_coverage(options: Options, stream: TextIO | None = None) -> dict[str, Any]:
    """Run the coverage as ``options`` say; return the report (``genie.coverage.report``)."""
    registry = load_registry()
    groups = registry_groups(registry, options.categories)
    chosen = choose(groups, options.sample, options.seed)
    jobs = [Job(g.id, registry.brands[p.brand].name, p.model, p.category) for g, p in chosen]
    tested: dict[str, int] = {}
    for job in jobs:
        tested[job.spec] = tested.get(job.spec, 0) + 1
    bar = Bar(len(jobs), stream)
    started = time.monotonic()
    if options.workers <= 1:
        results = await run_jobs(jobs, options.langs, options.seed, options.phrasings,
                                 progress=lambda _job, found: bar.add(1, found))
    else:
        results = await _in_workers(jobs, options, bar)
    bar.close()
    meta = {"mode": "all" if options.sample is None else f"sample {options.sample}", "seed": options.seed,
            "langs": options.langs, "phrasings": options.phrasings, "seconds": round(time.monotonic() - started, 1),
            "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    return build(results, groups, tested, meta)


async def _in_workers(jobs: list[Job], options: Options, bar: Bar) -> list[Result]:
    size = max(1, min(60, len(jobs) // (options.workers * 4) or 1))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    loop = asyncio.get_running_loop()
    results: list[Result] = []
    with ProcessPoolExecutor(max_workers=options.workers, mp_context=get_context("spawn")) as pool:
        futures = [loop.run_in_executor(pool, _chunk_worker, chunk, options.langs, options.seed, options.phrasings)
                   for chunk in chunks]
        for done in asyncio.as_completed(futures):
            found = await done
            results += found
            bar.add(len({(r.brand, r.model, r.category) for r in found}), found)
    return results
