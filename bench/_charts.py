"""PNG charts of a benchmark report (matplotlib; `pip install -e '.[bench]'`).

- ``command-latency.png``: text-command latency p50/p99 by broker and fleet size, in ms and as a ratio to
  two MQTT floor round trips, with the targets drawn;
  every bar is the median over the report's runs, with an error bar from the runs' min to max;
- ``fleet.png``: time to bring a fleet online and to a complete directory, and resident memory, by fleet
  size and broker, with the 10,000-device targets drawn;
- ``throughput.png``: commands per second by number of concurrent clients.

Each chart says which run it comes from (date, machine, quick or full) in its footer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench._report import COMMAND_P50_X as P50_X
from bench._report import COMMAND_P99_X as P99_X
from bench._report import THROUGHPUT

BROKER_COLOURS = {"amqtt": "#e07b39", "mosquitto": "#2f6db5"}
P50, P99, FLOOR, TARGET = "#2f80ed", "#c0392b", "#9aa5b1", "#333333"


def _colour(kind: str) -> str:
    return BROKER_COLOURS.get(kind, "#555555")


def _footer(fig: Any, report: dict[str, Any]) -> None:
    m = report["machine"]
    run = "quick run" if report.get("quick") else "full run"
    runs = f", median of {report['runs']} runs (bars: min–max)" if report.get("runs") else ""
    fig.text(0.99, 0.01, f"python -m bench ({run}{runs}), {m['date']}, {m['cpus']} CPUs, Python {m['python']}, "
             "loopback", ha="right", va="bottom", fontsize=7, color="#666666")


def error_bars(cells: list[dict[str, Any]], key: str, scale: float = 1.0) -> list[list[float]] | None:
    """matplotlib ``yerr`` (below, above) from each cell's median and [min, max] over runs; None if no ranges."""
    ranges = [c.get("spread", {}).get(key) for c in cells]
    if not all(ranges):
        return None
    return [[max(0.0, scale * (c[key] - r[0])) for c, r in zip(cells, ranges, strict=True)],
            [max(0.0, scale * (r[1] - c[key])) for c, r in zip(cells, ranges, strict=True)]]


ERR = {"ecolor": "#222222", "capsize": 2.5, "error_kw": {"linewidth": 0.8}}


def draw(report: dict[str, Any], directory: Path) -> list[Path]:
    """Write the charts the report has data for into ``directory``; return their paths."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("bench: charts need matplotlib: pip install -e '.[bench]'") from None
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, chart in (("command-latency.png", _command), ("fleet.png", _fleet), ("throughput.png", _throughput)):
        fig = chart(plt, report)
        if fig is None:
            continue
        _footer(fig, report)
        path = directory / name
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def _command(plt: Any, report: dict[str, Any]) -> Any:
    rows = [(kind, int(size), v) for kind, sizes in report.get("command", {}).items() for size, v in sizes.items()]
    if not rows:
        return None
    fig, (ms, ratio) = plt.subplots(1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    labels = [f"{kind}\n{size:,} devices" for kind, size, _ in rows]
    xs = list(range(len(rows)))
    w = 0.26
    cells = [v for _, _, v in rows]
    bars = [
        ([2 * v["floor_p50"] for v in cells], -w, FLOOR, "2 × MQTT floor round trip, p50", "floor_p50", 2.0),
        ([v["p50"] for v in cells], 0.0, P50, "command p50", "p50", 1.0),
        ([v["p99"] for v in cells], w, P99, "command p99", "p99", 1.0),
    ]
    for values, dx, colour, label, key, scale in bars:
        drawn = ms.bar([x + dx for x in xs], values, w, color=colour, label=label,
                       yerr=error_bars(cells, key, scale), **ERR)
        ms.bar_label(drawn, fmt="%.1f", fontsize=7, padding=1)
    for x, v in zip(xs, cells, strict=True):  # the targets in ms, over two floor round trips
        ms.hlines(P50_X * 2 * v["floor_p50"], x - w / 2, x + w / 2, colors=TARGET, linewidth=2.2, zorder=5)
        ms.hlines(P99_X * 2 * v["floor_p99"], x + w / 2, x + 1.5 * w, colors=TARGET, linewidth=2.2, zorder=5)
    ms.plot([], [], color=TARGET, linewidth=2.2,
            label=f"target over each bar (p50 ≤ {P50_X:g}×, p99 ≤ {P99_X:g}× two floor trips, at 1,000 devices)")
    for tick, (kind, _, _) in zip(xs, rows, strict=True):
        ms.axvspan(tick - 0.5, tick + 0.5, color=_colour(kind), alpha=0.06, linewidth=0)
    ms.set_xticks(xs, labels, fontsize=8)
    ms.set_xlim(-0.5, len(rows) - 0.5)
    ms.set_ylabel("latency (ms)")
    ms.set_title("Text command end to end, by broker and fleet size")
    ms.legend(fontsize=7, loc="upper center", ncol=2)
    top = max(max(v.get("spread", {}).get("p99", [0, v["p99"]])[1], 2 * P99_X * v["floor_p99"]) for v in cells)
    ms.set_ylim(0, top * 1.45)

    ratio.bar([x - w / 2 for x in xs], [v["ratio_p50"] for v in cells], w, color=P50, label="p50 ratio",
              yerr=error_bars(cells, "ratio_p50"), **ERR)
    ratio.bar([x + w / 2 for x in xs], [v["ratio_p99"] for v in cells], w, color=P99, label="p99 ratio",
              yerr=error_bars(cells, "ratio_p99"), **ERR)
    ratio.axhline(P50_X, color=P50, linestyle="--", linewidth=1.2, label=f"p50 target ≤ {P50_X:g}×")
    ratio.axhline(P99_X, color=P99, linestyle="--", linewidth=1.2, label=f"p99 target ≤ {P99_X:g}×")
    for tick, (kind, _, _) in zip(xs, rows, strict=True):
        ratio.axvspan(tick - 0.5, tick + 0.5, color=_colour(kind), alpha=0.06, linewidth=0)
    ratio.set_xticks(xs, labels, fontsize=8)
    ratio.set_xlim(-0.5, len(rows) - 0.5)
    ratio.set_ylabel("command ÷ two floor round trips (×)")
    ratio.set_title("Against the targets")
    ratio.set_ylim(0, max(P99_X + 1, *(v.get("spread", {}).get(key, [0, v[key]])[1]
                                       for v in cells for key in ("ratio_p50", "ratio_p99"))) * 1.35)
    ratio.legend(fontsize=7, loc="upper center", ncol=2)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _fleet(plt: Any, report: dict[str, Any]) -> Any:
    fleet = report.get("fleet") or []
    if not fleet:
        return None
    fig, (time_ax, rss_ax) = plt.subplots(1, 2, figsize=(11, 4.6))
    for kind in sorted({r["broker"] for r in fleet}):
        rows = sorted((r for r in fleet if r["broker"] == kind), key=lambda r: r["devices"])
        n = [r["devices"] for r in rows]
        c = _colour(kind)
        time_ax.errorbar(n, [r["online_s"] for r in rows], yerr=error_bars(rows, "online_s"), marker="o", color=c,
                         capsize=3, label=f"{kind}: all online")
        time_ax.plot(n, [r["online_s"] + r["directory_after_s"] for r in rows], marker="x", linestyle="--",
                     color=c, label=f"{kind}: hub directory complete")
        rss_ax.errorbar(n, [r["fleet_rss_mb"] for r in rows], yerr=error_bars(rows, "fleet_rss_mb"), marker="o",
                        color=c, capsize=3, label=f"{kind}: fleet (devices)")
        rss_ax.plot(n, [r["hub_rss_mb"] for r in rows], marker="^", linestyle="--", color=c, label=f"{kind}: hub")
        rss_ax.plot(n, [r["broker_rss_mb"] for r in rows], marker="s", linestyle=":", color=c,
                    label=f"{kind}: broker")
        last = rows[-1]  # the largest fleet's figures, written beside its points
        time_ax.annotate(f"{last['online_s']:.1f} s", (last["devices"], last["online_s"]), textcoords="offset points",
                         xytext=(-6, 6), ha="right", fontsize=8, color=c)
        rss_ax.annotate(f"{last['fleet_rss_mb']:.0f} MB", (last["devices"], last["fleet_rss_mb"]),
                        textcoords="offset points", xytext=(-6, 6), ha="right", fontsize=8, color=c)
    largest = max(r["devices"] for r in fleet)
    if largest >= 10000:
        time_ax.axhline(60, color=TARGET, linestyle="-.", linewidth=1, label="target: 10,000 online ≤ 60 s")
        rss_ax.axhline(2048, color=TARGET, linestyle="-.", linewidth=1, label="target: fleet ≤ 2 GiB")
    for ax in (time_ax, rss_ax):
        ax.set_xlabel("fleet size (devices)")
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        ax.grid(alpha=0.3)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.12)
    # where the lines are not: right of the small fleets for times, above the curves for memory
    time_ax.legend(fontsize=7, loc="center right" if largest >= 10000 else "upper left")
    rss_ax.legend(fontsize=7, loc="center left" if largest >= 10000 else "upper left")
    time_ax.set_ylabel("seconds from spawn")
    time_ax.set_title("Fleet start-up")
    rss_ax.set_ylabel("resident memory, RSS (MB)")
    rss_ax.set_title("Memory at full fleet")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _throughput(plt: Any, report: dict[str, Any]) -> Any:
    t = report.get("throughput")
    if not t:
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    clients = list(t["cmds_per_s_by_clients"])
    rates = list(t["cmds_per_s_by_clients"].values())
    cells = [t["by_clients"][c] for c in clients] if "by_clients" in t else None
    drawn = ax.bar([str(c) for c in clients], rates, 0.5, color=_colour(t.get("broker", "")),
                   yerr=error_bars(cells, "cmds_per_s") if cells else None, **ERR)
    ax.bar_label(drawn, fmt="%.0f", fontsize=8, padding=2)
    if t.get("broker") == "mosquitto":
        ax.axhline(THROUGHPUT, color=TARGET, linestyle="-.", linewidth=1, label=f"target ≥ {THROUGHPUT:,.0f}/s, "
                   "32 clients")
        ax.legend(fontsize=7, loc="center right")
    ax.set_xlabel("concurrent clients (one MQTT session each)")
    ax.set_ylabel("completed text commands per second")
    ax.set_title(f"Sustained throughput ({t.get('broker', '?')}, 10-device fleet)")
    ax.set_ylim(0, max(*rates, THROUGHPUT if t.get("broker") == "mosquitto" else 0) * 1.25)
    g = t["group"]
    ax.text(0.02, 0.95, f"'turn off / on every light', {g['lights']:,} lights: {g['seconds']:.2f} s "
            f"({g['succeeded']:,} acknowledged)", transform=ax.transAxes, fontsize=8, va="top")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
