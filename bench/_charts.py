"""PNG charts of a benchmark report (matplotlib; `pip install -e '.[bench]'`)."""

from __future__ import annotations

from pathlib import Path


def draw(report: dict, directory: Path) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("bench: charts need matplotlib: pip install -e '.[bench]'") from None
    directory.mkdir(parents=True, exist_ok=True)
    written = []

    fig, ax = plt.subplots(figsize=(7, 4))
    labels, p50, p99, floor = [], [], [], []
    for kind, sizes in report["command"].items():
        for size, v in sizes.items():
            labels.append(f"{kind}\n{size} devices")
            p50.append(v["p50"])
            p99.append(v["p99"])
            floor.append(2 * v["floor_p50"])
    xs = range(len(labels))
    ax.bar([x - 0.27 for x in xs], floor, 0.27, label="2 × MQTT floor p50", color="#9aa5b1")
    ax.bar(list(xs), p50, 0.27, label="command p50", color="#2f80ed")
    ax.bar([x + 0.27 for x in xs], p99, 0.27, label="command p99", color="#eb5757")
    ax.set_xticks(list(xs), labels)
    ax.set_ylabel("milliseconds")
    ax.set_title("Text command end to end vs the MQTT floor")
    ax.legend()
    fig.tight_layout()
    path = directory / "command-latency.png"
    fig.savefig(path, dpi=110)
    written.append(path)
    plt.close(fig)

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
    for kind in sorted({r["broker"] for r in report["fleet"]}):
        rows = [r for r in report["fleet"] if r["broker"] == kind]
        n = [r["devices"] for r in rows]
        left.plot(n, [r["online_s"] for r in rows], marker="o", label=f"{kind}: online")
        left.plot(n, [r["online_s"] + r["directory_after_s"] for r in rows], marker="x", linestyle="--",
                  label=f"{kind}: directory complete")
        right.plot(n, [r["fleet_rss_mb"] for r in rows], marker="o", label=f"{kind}: fleet")
        right.plot(n, [r["broker_rss_mb"] for r in rows], marker="s", linestyle=":", label=f"{kind}: broker")
    left.set_xlabel("devices")
    left.set_ylabel("seconds")
    left.set_title("Fleet start")
    left.legend(fontsize=8)
    right.set_xlabel("devices")
    right.set_ylabel("RSS (MB)")
    right.set_title("Memory")
    right.legend(fontsize=8)
    fig.tight_layout()
    path = directory / "fleet.png"
    fig.savefig(path, dpi=110)
    written.append(path)
    plt.close(fig)
    return written
