"""The load test's report: one dict (printed as JSON, or as a table for people), made from a run's outcomes.

Counts: ``sent`` = commands published; ``answered`` = those the hub answered (ok or not) before the timeout;
``ok`` = answered and done; ``errors`` = sent - ok, by code (the hub's error code, NOT_DONE, TIMEOUT,
SEND_FAILED). So ``answered + TIMEOUT + SEND_FAILED == sent`` and ``ok + errors == sent``. Latencies (ms) are
of answered commands, counted from each command's scheduled send time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from genie.load.run import SEND_FAILED, TIMEOUT, Outcome, Run, hint

HISTOGRAM_EDGES_MS = (0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000, 1500, 2000,
                      3000, 5000, 7000, 10000)
"""Bucket edges of the latency histogram (the last bucket holds everything slower)."""


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) of ``values`` by nearest rank; None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def latency(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p90, p99 and max of ``values`` (ms), rounded to 0.01 ms; None each when there are none."""
    return {"p50": _ms(percentile(values, 50)), "p90": _ms(percentile(values, 90)),
            "p99": _ms(percentile(values, 99)), "max": _ms(max(values) if values else None)}


def _breakdown(outcomes: Iterable[Outcome], key: Callable[[Outcome], str]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(key(outcome), []).append(outcome)
    return {name: _counts(group) for name, group in sorted(groups.items())}


def _counts(group: Sequence[Outcome]) -> dict[str, Any]:
    answered = [o.latency_ms for o in group if o.latency_ms is not None]
    ok = sum(o.ok for o in group)
    return {"sent": sum(o.sent is not None for o in group), "answered": len(answered), "ok": ok,
            "errors": len(group) - ok, "p50_ms": _ms(percentile(answered, 50)), "p99_ms": _ms(percentile(answered, 99))}


def _series(outcomes: Sequence[Outcome], seconds: int) -> list[dict[str, Any]]:
    """Per second of the run: commands sent (by send time), answered and ok (by answer time), and the latency
    p50/p99/max of those answered in that second."""
    sent, ok = [0] * seconds, [0] * seconds
    answered: list[list[float]] = [[] for _ in range(seconds)]
    for o in outcomes:
        if o.sent is not None:
            sent[min(seconds - 1, int(o.sent))] += 1
        if o.answered is not None and o.latency_ms is not None:
            second = min(seconds - 1, int(o.answered))
            answered[second].append(o.latency_ms)
            ok[second] += o.ok
    return [{"second": s, "sent": sent[s], "answered": len(values), "ok": ok[s],
             "p50_ms": _ms(percentile(values, 50)), "p99_ms": _ms(percentile(values, 99)),
             "max_ms": _ms(max(values) if values else None)} for s, values in enumerate(answered)]


def histogram(values: Sequence[float]) -> list[dict[str, Any]]:
    """How many ``values`` (ms) fall in each bucket of HISTOGRAM_EDGES_MS (``to_ms`` None: the open last one)."""
    edges = (*HISTOGRAM_EDGES_MS, None)
    counts = [0] * (len(edges) - 1)
    for value in values:
        index = next((i for i, high in enumerate(edges[1:]) if high is None or value < high), len(counts) - 1)
        counts[index] += 1
    return [{"from_ms": low, "to_ms": high, "count": n}
            for low, high, n in zip(edges[:-1], edges[1:], counts, strict=True)]


def build(run: Run, *, mode: str, setup: dict[str, Any], asked: dict[str, Any],
          load_average: dict[str, list[float]]) -> dict[str, Any]:
    """The report of ``run``: ``mode`` ("running" or "self-contained"), what it ran against (``setup``), what
    was asked (``asked``: rate, duration, clients, langs, seed, timeout) and the machine's load average."""
    outcomes = run.outcomes
    sent_times = [o.sent for o in outcomes if o.sent is not None]
    answered_at = [o.answered for o in outcomes if o.answered is not None]
    latencies = [o.latency_ms for o in outcomes if o.latency_ms is not None]
    lags = [(o.sent - o.planned.at) * 1000 for o in outcomes if o.sent is not None]
    ok = sum(o.ok for o in outcomes)
    codes = Counter(o.code for o in outcomes if not o.ok and o.code is not None)
    rate = float(asked["rate"])
    seconds = max(1, math.ceil(max([run.elapsed, *answered_at, *sent_times, 0.0])))
    return {
        "mode": mode,
        "setup": setup,
        "asked": asked,
        "started": datetime.fromtimestamp(run.started, UTC).isoformat(timespec="seconds"),
        "elapsed_s": round(run.elapsed, 3),
        "sessions": run.sessions,
        "sessions_lost": run.lost,
        "sent": len(sent_times),
        "answered": len(latencies),
        "ok": ok,
        "errors": len(outcomes) - ok,
        "errors_by_code": dict(codes.most_common()),
        "latency_ms": latency(latencies),
        "send_lag_ms": latency(lags),
        "rate": {"asked": rate,
                 "sent": round(len(sent_times) / (max(sent_times) + 1 / rate), 2) if sent_times else 0.0,
                 "answered": round(len(latencies) / max(answered_at), 2) if answered_at else 0.0},
        "throughput": _series(outcomes, seconds),
        "histogram": histogram(latencies),
        "by_lang": _breakdown(outcomes, lambda o: o.planned.sentence.lang),
        "by_category": _breakdown(outcomes, lambda o: o.planned.target.category),
        "by_kind": _breakdown(outcomes, lambda o: o.planned.sentence.kind),
        "warmup": {"commands": len(run.warmup), "ok": sum(o.ok for o in run.warmup),
                   "latency_ms": latency([o.latency_ms for o in run.warmup if o.latency_ms is not None])},
        "load_average": load_average,
    }


def failure(report: dict[str, Any]) -> str | None:
    """One line saying how many commands failed or timed out and why, or None when all were done."""
    if not report["errors"]:
        return None
    codes = ", ".join(f"{code} {n}" for code, n in report["errors_by_code"].items())
    timed = report["errors_by_code"].get(TIMEOUT, 0) + report["errors_by_code"].get(SEND_FAILED, 0)
    what = "failed or timed out" if timed else "failed"
    line = f"{report['errors']} of {report['sent']} commands {what} ({codes})"
    if report["sessions_lost"]:
        line += f"; the broker closed {report['sessions_lost']} of {report['sessions']} sessions" + \
            hint(report["sessions"], len(report["setup"]["homes"]))
    return line


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


def table(report: dict[str, Any]) -> str:
    """The report for people: the figures, then a table per breakdown."""
    lat, rate = report["latency_ms"], report["rate"]
    setup = report["setup"]
    lines = [
        f"genie load: {report['mode']} set-up, {setup['devices']} devices in {len(setup['homes'])} home(s) on "
        f"{setup['broker']}; {report['sessions']} client sessions",
        f"asked     {rate['asked']:g} commands/s for {report['asked']['duration']:g} s "
        f"(languages {','.join(report['asked']['langs'])}, seed {report['asked']['seed']})",
        f"achieved  {rate['sent']:g} sent/s, {rate['answered']:g} answered/s; send lag p99 "
        f"{_cell(report['send_lag_ms']['p99'])} ms",
        f"commands  {report['sent']} sent, {report['answered']} answered, {report['ok']} ok, "
        f"{report['errors']} errors" + (f" ({', '.join(f'{c} {n}' for c, n in report['errors_by_code'].items())})"
                                         if report["errors"] else ""),
        f"latency   p50 {_cell(lat['p50'])} ms, p90 {_cell(lat['p90'])} ms, p99 {_cell(lat['p99'])} ms, "
        f"max {_cell(lat['max'])} ms (from the scheduled send time)",
        f"warm-up   {report['warmup']['commands']} commands (one per home and language) before the run, "
        f"slowest {_cell(report['warmup']['latency_ms']['max'])} ms",
        f"load avg  {' '.join(f'{v:.2f}' for v in report['load_average']['start'])} at start, "
        f"{' '.join(f'{v:.2f}' for v in report['load_average']['end'])} at end",
    ]
    for title, key in (("language", "by_lang"), ("category", "by_category"), ("kind", "by_kind")):
        rows = [[title.upper(), "SENT", "OK", "ERRORS", "P50 MS", "P99 MS"]]
        rows += [[name, *(_cell(v[k]) for k in ("sent", "ok", "errors", "p50_ms", "p99_ms"))]
                 for name, v in report[key].items()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines.append("")
        lines += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                            for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.append("")
    lines.append("second  sent  answered  p50 ms  p99 ms")
    lines += [f"{row['second']:>6}  {row['sent']:>4}  {row['answered']:>8}  {_cell(row['p50_ms']):>6}  "
              f"{_cell(row['p99_ms']):>6}" for row in report["throughput"]]
    return "\n".join(lines)
