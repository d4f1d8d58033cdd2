"""PNG charts of a load report (matplotlib, the ``bench`` extra): latency over time with p50/p99, throughput
over time against the asked rate, and the latency histogram. Drawn from the report alone, so a saved
``--report FILE.json`` can be drawn again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hub.errors import GenieError

P50, P99, MAX, SENT, ANSWERED, ASKED = "#2f80ed", "#c0392b", "#9aa5b1", "#9aa5b1", "#2f6db5", "#333333"
NAMES = ("latency.png", "throughput.png", "histogram.png")
"""The files ``draw`` writes."""


class ChartsUnavailable(GenieError, RuntimeError):
    """matplotlib is not installed."""


def check() -> None:
    """ChartsUnavailable, saying how to install matplotlib, when it is missing (checked before a run starts)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ChartsUnavailable("--charts needs matplotlib: pip install -e '.[bench]'") from None


def draw(report: dict[str, Any], directory: Path) -> list[Path]:
    """Write NAMES into ``directory`` (made if missing); return their paths."""
    check()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, chart in zip(NAMES, (_latency, _throughput, _histogram), strict=True):
        fig = chart(plt, report)
        asked = report["asked"]
        fig.text(0.99, 0.01, f"genie load --rate {asked['rate']:g} --duration {asked['duration']:g}, "
                             f"{report['mode']}, {report['setup']['devices']} devices, {report['started']}",
                 ha="right", va="bottom", fontsize=7, color="#666666")
        path = directory / name
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def _latency(plt: Any, report: dict[str, Any]) -> Any:
    rows = report["throughput"]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for key, colour, label in (("max_ms", MAX, "max"), ("p99_ms", P99, "p99"), ("p50_ms", P50, "p50")):
        points = [(r["second"] + 0.5, r[key]) for r in rows if r[key] is not None]
        if points:
            ax.plot(*zip(*points, strict=True), marker="o", markersize=3, color=colour, label=label)
    overall = report["latency_ms"]
    for key, colour in (("p50", P50), ("p99", P99)):
        if overall[key] is not None:
            ax.axhline(overall[key], color=colour, linestyle=":", linewidth=1,
                       label=f"whole run {key} {overall[key]:g} ms")
    ax.set_yscale("log")
    return _finish(fig, ax, "seconds since the start (by answer time)", "latency from scheduled send (ms)",
                   "Command latency over time")


def _throughput(plt: Any, report: dict[str, Any]) -> Any:
    rows = report["throughput"]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    seconds = [r["second"] + 0.5 for r in rows]
    ax.plot(seconds, [r["sent"] for r in rows], color=SENT, marker="o", markersize=3, label="sent")
    ax.plot(seconds, [r["answered"] for r in rows], color=ANSWERED, marker="o", markersize=3, label="answered")
    ax.plot(seconds, [r["answered"] - r["ok"] for r in rows], color=P99, marker="x", markersize=3,
            label="answered, not ok")
    ax.axhline(report["rate"]["asked"], color=ASKED, linestyle="--", linewidth=1, label="asked rate")
    ax.set_ylim(bottom=0)
    return _finish(fig, ax, "seconds since the start", "commands per second", "Throughput over time")


def _finish(fig: Any, ax: Any, xlabel: str, ylabel: str, title: str) -> Any:
    """A line chart's labels, title, grid and legend, laid out above the footnote line."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _histogram(plt: Any, report: dict[str, Any]) -> Any:
    buckets = report["histogram"]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    labels = [f"{b['from_ms']:g}-{b['to_ms']:g}" if b["to_ms"] is not None else f"≥{b['from_ms']:g}" for b in buckets]
    ax.bar(range(len(buckets)), [b["count"] for b in buckets], color=ANSWERED)
    ax.set_xticks(range(len(buckets)), labels, rotation=60, fontsize=7)
    ax.set_xlabel("latency from scheduled send (ms)")
    ax.set_ylabel("commands")
    ax.set_title(f"Latency histogram ({report['answered']} answered commands)")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
