"""Registry speed: how long loading the brand registry takes, and that ``genie --help`` does not pay for it.

Each figure is the median of several fresh interpreter processes (a cold start is what a user sees):

- ``load``: reading and validating the committed files, modules already imported (``load_registry()``);
- ``import+load``: importing the registry package and loading it, from a bare interpreter;
- ``genie --help``: the whole command, interpreter start-up included; ``python -c pass`` is shown beside
  it for scale.

The issue's budget is 300 ms for the registry; ``--json`` prints the figures as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any

from bench._stats import with_range

BUDGET_MS = 300.0

_LOAD = """
import time
t0 = time.perf_counter()
import devices.registry as r
t1 = time.perf_counter()
registry = r.load_registry()
t2 = time.perf_counter()
print((t2 - t1) * 1000, (t2 - t0) * 1000, len(registry.brands), len(registry.products))
"""


def _wall_ms(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return (time.perf_counter() - started) * 1000


def measure(runs: int) -> dict[str, Any]:
    loads, totals = [], []
    brands = products = 0
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _LOAD], check=True, capture_output=True, text=True,
                             timeout=120).stdout
        load, total, n_brands, n_products = (float(x) for x in out.split())
        brands, products = int(n_brands), int(n_products)
        loads.append(load)
        totals.append(total)
    help_ms = [_wall_ms([sys.executable, "-m", "genie", "--help"]) for _ in range(runs)]
    bare_ms = [_wall_ms([sys.executable, "-c", "pass"]) for _ in range(runs)]
    series = {"load_ms": loads, "import_and_load_ms": totals, "genie_help_ms": help_ms, "python_startup_ms": bare_ms}
    return {
        "brands": int(brands),
        "products": int(products),
        **{key: round(statistics.median(values), 1) for key, values in series.items()},
        "spread": {key: [round(min(values), 1), round(max(values), 1)] for key, values in series.items()},
        "budget_ms": BUDGET_MS,
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench registry", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per figure (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = measure(args.runs)
    if args.json:
        print(json.dumps(result))
    else:
        r = result
        print(f"registry: {r['brands']} brands, {r['products']} products (median of {args.runs} runs [min–max])\n"
              f"  load                {with_range(r, 'load_ms', '{:.1f}')} ms\n"
              f"  import + load       {with_range(r, 'import_and_load_ms', '{:.1f}')} ms   (budget {BUDGET_MS:g} ms)\n"
              f"  genie --help        {with_range(r, 'genie_help_ms', '{:.1f}')} ms   "
              f"(python -c pass: {with_range(r, 'python_startup_ms', '{:.1f}')} ms)")
    return 0 if result["import_and_load_ms"] <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
