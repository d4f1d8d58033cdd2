"""The coverage report as one self-contained HTML page: totals, the matrix category × capability × language
coloured per cell, the capability specifications, and the failures by brand."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Any

from genie.coverage.report import EXAMPLES

MAX_FAILURES = 1500
"""Failing sentences listed on the page (the JSON has them all)."""

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',
'WenQuanYi Micro Hei',sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6475;margin-bottom:16px}
.big{display:flex;gap:16px;flex-wrap:wrap;margin:12px 0}
.card{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:24px}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #dde2ea;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
td.c{text-align:center;min-width:88px;font-variant-numeric:tabular-nums}
.p100{background:#c8ecd0}.p90{background:#e6f3c2}.p70{background:#fbe7b0}.p40{background:#f9cfa5}.p0{background:#f4b2ad}
.na{background:#f2f3f5;color:#9aa1ad}
small{color:#5b6475}
details{margin:4px 0}summary{cursor:pointer;font-weight:600}
.fail td{font-size:13px}.reason{color:#a12a1f}
.legend span{display:inline-block;padding:2px 8px;margin-right:4px;border:1px solid #dde2ea}
"""


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _shade(passed: int, total: int) -> str:
    if total == 0:
        return "na"
    share = passed / total
    return "p100" if share == 1 else "p90" if share >= 0.9 else "p70" if share >= 0.7 else \
        "p40" if share >= 0.4 else "p0"


def _matrix(report: dict[str, Any]) -> str:
    langs: list[str] = report["langs"]
    head = "".join(f"<th>{escape(lang)}</th>" for lang in langs)
    rows = [f"<tr><th>category</th><th>capability</th>{head}</tr>"]
    for category, caps in report["matrix"].items():
        first = True
        for cap, by_lang in sorted(caps.items()):
            cells = []
            for lang in langs:
                slot = by_lang.get(lang)
                if slot is None:
                    cells.append('<td class="c na">-</td>')
                    continue
                title = f"{slot['probes_passed']}/{slot['probes']} sentences"
                cells.append(f'<td class="c {_shade(slot["cells_passed"], slot["cells"])}" title="{title}">'
                             f"{slot['cells_passed']}/{slot['cells']}<br><small>{title}</small></td>")
            label = f'<th rowspan="{len(caps)}">{escape(category)}</th>' if first else ""
            first = False
            rows.append(f"<tr>{label}<td>{escape(cap)}</td>{''.join(cells)}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _specs(report: dict[str, Any]) -> str:
    cells: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in report["cells"]:
        cells[row["spec"]][0] += row["ok"]
        cells[row["spec"]][1] += 1
    rows = ["<tr><th>id</th><th>specification</th><th>products in the registry</th><th>tried</th>"
            "<th>cells passing</th></tr>"]
    for spec in report["specs"]:
        passed, total = cells.get(spec["id"], [0, 0])
        rows.append(f"<tr><td><code>{escape(spec['id'])}</code></td><td>{escape(spec['label'])}</td>"
                    f"<td class=\"c\">{spec['products']:,}</td><td class=\"c\">{spec['tested']:,}</td>"
                    f"<td class=\"c {_shade(passed, total)}\">{passed}/{total}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def _state(state: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in state.items())


def _failures(report: dict[str, Any]) -> str:
    failures = report["failures"]
    if not failures:
        return "<p>None: every sentence did what it said.</p>"
    by_brand: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for failure in failures[:MAX_FAILURES]:
        by_brand[failure["brand"]].append(failure)
    products: dict[str, dict[str, int]] = report.get("failing_products", {})
    parts = [f"<p>{report.get('failures_total', len(failures)):,} failing sentences in {len(products):,} brands; "
             f"up to {EXAMPLES} example sentences per cell are shown with their brand, every failing product is "
             "listed.</p>"]
    for brand in products:
        rows = by_brand.get(brand, [])
        models = sorted(products[brand])
        if not rows:
            listed = ", ".join(f"{escape(m)} ({products[brand][m]})" for m in models[:12])
            parts.append(f"<details><summary>{escape(brand)} — {sum(products[brand].values())} failing sentences"
                         f"</summary><p>{listed}{'…' if len(models) > 12 else ''}: as the examples of their "
                         "specification's cells.</p></details>")
            continue
        body = "".join(
            f"<tr><td>{escape(r['model'])}<br><small>{escape(r['category'])}</small></td>"
            f"<td>{escape(r['capability'])}</td><td>{escape(r['lang'])}</td><td>{escape(r['text'])}</td>"
            f"<td>{escape(r['expected'])}</td><td><small>{escape(_state(r['state']))}</small></td>"
            f"<td>{escape(r['reply']) or '<i>none</i>'}</td><td class=\"reason\">{escape(r['reason'])}</td></tr>"
            for r in rows)
        total = sum(products[brand].values())
        parts.append(
            f"<details><summary>{escape(brand)} — {total} failing sentence{'s' if total != 1 else ''} "
            f"({', '.join(escape(m) for m in models[:4])}{'…' if len(models) > 4 else ''})</summary>"
            "<table class=\"fail\"><tr><th>model</th><th>capability</th><th>lang</th><th>sentence</th>"
            "<th>expected</th><th>state after</th><th>reply</th><th>reason</th></tr>" + body + "</table></details>")
    return "".join(parts)


def render(report: dict[str, Any]) -> str:
    """The whole page."""
    t = report["totals"]
    by_lang = "".join(
        f'<div class="card {_shade(s["cells_passed"], s["cells"])}">{escape(lang)}<b>'
        f"{100 * s['cells_passed'] / max(1, s['cells']):.1f} %</b>{s['cells_passed']:,}/{s['cells']:,} cells</div>"
        for lang, s in report["by_lang"].items())
    legend = "".join(f'<span class="{c}">{label}</span>' for c, label in
                     (("p100", "all pass"), ("p90", "≥ 90 %"), ("p70", "≥ 70 %"), ("p40", "≥ 40 %"), ("p0", "< 40 %")))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Genie Sim — voice coverage of the brand registry</title>
<style>{_STYLE}</style></head><body>
<h1>Voice coverage of the brand registry</h1>
<div class="meta">{escape(report['generated'])} · {escape(report['mode'])} · seed {report['seed']} ·
{report['phrasings']} sentence{_s(report['phrasings'])} per cell and product · {report['seconds']:.0f} s ·
<code>genie coverage</code></div>
<div class="big"><div class="card {_shade(t['cells_passed'], t['cells'])}">cells passing<b>{t['percent']:.1f} %</b>
{t['cells_passed']:,}/{t['cells']:,}</div>{by_lang}
<div class="card">sentences<b>{t['probes_percent']:.1f} %</b>{t['probes_passed']:,}/{t['probes']:,}</div>
<div class="card">tried<b>{t['products']:,}</b>products of {t['specs']} specifications</div></div>
<p>A cell is one capability specification × capability (property:action) × language; it passes when every
sentence said to every product tried passes: the device ends where the sentence meant, a question changes
nothing, and the reply is in the sentence's language and carries the value as people say it.</p>
<h2>Matrix: category × capability × language</h2>
<p class="legend">{legend} — each cell: cells passing / cells, and sentences.</p>
{_matrix(report)}
<h2>Failing sentences by brand</h2>
{_failures(report)}
<h2>Capability specifications</h2>
{_specs(report)}
</body></html>
"""
