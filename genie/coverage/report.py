"""The coverage report as data: a matrix category × capability × language with pass counts, each capability
specification's cells, and every failing probe by brand with its sentence, expectation, state and reply."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from genie.coverage.run import Result
from genie.coverage.specs import SpecGroup

FORMAT = 1
EXAMPLES = 5
"""Failing sentences kept per cell (the count of all of them is kept too): a cell fails the same way for
every product of its specification, and an --all run would otherwise carry tens of thousands."""


def build(results: list[Result], groups: list[SpecGroup], tested: dict[str, int],
          meta: dict[str, Any]) -> dict[str, Any]:
    """The report of ``results`` (``tested``: products tried per spec id; ``meta``: how the run was made)."""
    cells: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in results:
        cell = cells.setdefault((r.spec, r.capability, r.lang), {
            "spec": r.spec, "category": r.category, "capability": r.capability, "lang": r.lang,
            "probes": 0, "passed": 0, "products": set(), "failed_products": set()})
        cell["probes"] += 1
        cell["passed"] += r.passed
        cell["products"].add((r.brand, r.model))
        if not r.passed:
            cell["failed_products"].add((r.brand, r.model))
    cell_rows = []
    for cell in cells.values():
        row = {**cell, "products": len(cell["products"]), "failed_products": len(cell["failed_products"])}
        row["ok"] = row["passed"] == row["probes"]
        cell_rows.append(row)
    matrix: dict[str, dict[str, dict[str, dict[str, int]]]] = defaultdict(lambda: defaultdict(dict))
    for row in cell_rows:
        slot = matrix[row["category"]][row["capability"]].setdefault(
            row["lang"], {"cells": 0, "cells_passed": 0, "probes": 0, "probes_passed": 0})
        slot["cells"] += 1
        slot["cells_passed"] += row["ok"]
        slot["probes"] += row["probes"]
        slot["probes_passed"] += row["passed"]
    total_cells = len(cell_rows)
    passed_cells = sum(r["ok"] for r in cell_rows)
    failing = [r for r in results if not r.passed]
    kept: dict[tuple[str, str, str], int] = defaultdict(int)
    examples = []
    products: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in failing:
        products[r.brand][r.model] += 1
        key = (r.spec, r.capability, r.lang)
        if kept[key] < EXAMPLES:
            kept[key] += 1
            examples.append(r.to_json())
    failures = sorted(examples, key=lambda f: (str(f["brand"]).lower(), str(f["model"]), str(f["capability"]),
                                               str(f["lang"])))
    return {
        "format": FORMAT,
        **meta,
        "totals": {
            "cells": total_cells, "cells_passed": passed_cells,
            "percent": round(100 * passed_cells / total_cells, 2) if total_cells else 0.0,
            "probes": len(results), "probes_passed": sum(r.passed for r in results),
            "probes_percent": round(100 * sum(r.passed for r in results) / len(results), 2) if results else 0.0,
            "specs": len([g for g in groups if tested.get(g.id)]),
            "products": sum(tested.values()),
        },
        "by_lang": _by_lang(cell_rows),
        "specs": [{"id": g.id, "category": g.category, "label": g.label, "products": len(g.products),
                   "tested": tested.get(g.id, 0)} for g in groups],
        "matrix": {c: {cap: dict(langs) for cap, langs in caps.items()} for c, caps in sorted(matrix.items())},
        "cells": sorted(cell_rows, key=lambda r: (r["category"], r["spec"], r["capability"], r["lang"])),
        "failures": failures,
        "failures_total": len(failing),
        "failing_products": {brand: dict(models) for brand, models in sorted(products.items(),
                                                                             key=lambda item: item[0].lower())},
    }


def failing_cells(report: dict[str, Any]) -> str:
    """Markdown: every failing cell with its products failing and the first reason and sentence."""
    first: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in report["failures"]:
        first.setdefault((f["spec"], f["capability"], f["lang"]), f)
    lines = [f"# Failing cells of `genie coverage` ({report['mode']}, seed {report['seed']}, {report['generated']})",
             "", f"{report['totals']['cells_passed']:,} of {report['totals']['cells']:,} cells pass "
             f"({report['totals']['percent']:.2f} %). Each failing cell: products failing / tried, then the first "
             "failing sentence, the reason and the reply. Generated; see docs/coverage/coverage.html.", "",
             "| spec | capability | lang | failing | sentence | reason | reply |", "|---|---|---|---|---|---|---|"]
    for cell in report["cells"]:
        if cell["ok"]:
            continue
        f = first.get((cell["spec"], cell["capability"], cell["lang"]), {})
        cols = [cell["spec"], cell["capability"], cell["lang"], f"{cell['failed_products']}/{cell['products']}",
                f.get("text", ""), f.get("reason", ""), f.get("reply", "")]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cols) + " |")
    return "\n".join(lines) + "\n"


def _by_lang(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        slot = out.setdefault(row["lang"], {"cells": 0, "cells_passed": 0})
        slot["cells"] += 1
        slot["cells_passed"] += row["ok"]
    return out


def summary(report: dict[str, Any]) -> str:
    """A few lines for the terminal: totals, per language, the worst capabilities."""
    t = report["totals"]
    lines = [f"coverage: {t['cells_passed']:,}/{t['cells']:,} cells pass ({t['percent']:.1f} %) over {t['specs']} "
             f"capability specifications and {t['products']:,} products; sentences {t['probes_passed']:,}/"
             f"{t['probes']:,} ({t['probes_percent']:.1f} %)"]
    for lang, slot in report["by_lang"].items():
        lines.append(f"  {lang}: {slot['cells_passed']:,}/{slot['cells']:,} cells")
    worst: list[tuple[float, str]] = []
    for category, caps in report["matrix"].items():
        for cap, langs in caps.items():
            for lang, slot in langs.items():
                if slot["cells_passed"] < slot["cells"]:
                    worst.append((slot["cells_passed"] / slot["cells"], f"{category} {cap} {lang}: "
                                  f"{slot['cells_passed']}/{slot['cells']} cells"))
    if worst:
        lines.append(f"  {len(worst)} failing category/capability/language slots, e.g.:")
        lines += [f"    {text}" for _, text in sorted(worst)[:10]]
    return "\n".join(lines)
