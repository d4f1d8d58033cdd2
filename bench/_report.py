"""The suite's report: headline figures, the targets table and the printed summary (also for ``--load``).

Every figure of a step is the median over its runs; where the report has them (``spread``), [min–max] is
printed beside it. Reports saved before runs were repeated (no ``spread``) print without ranges.
"""

from __future__ import annotations

from typing import Any

from bench._stats import describe_load, with_range

COMMAND_P50_X, COMMAND_P99_X = 1.5, 3.0
"""Command latency targets, as multiples of two floor round trips (at 1,000 devices, every broker)."""

HUB_CPU_MS = 0.6
"""Hub CPU per text command, ms (at 1,000 devices)."""

THROUGHPUT = 2000.0
THROUGHPUT_CLIENTS = "32"
"""Commands per second with 32 clients on Mosquitto."""

TARGET_SIZE = 1000


def headline(report: dict[str, Any]) -> dict[str, Any]:
    """The figures a script looks at first (None when their step failed): the worst over brokers and sizes."""
    cells = [v for sizes in report.get("command", {}).values() for v in sizes.values()]
    throughput = report.get("throughput")
    startup = report.get("startup")
    return {
        "command_p50_ratio": max((c["ratio_p50"] for c in cells), default=None),
        "command_p99_ratio": max((c["ratio_p99"] for c in cells), default=None),
        "hub_cpu_ms_per_cmd": max((c["hub_cpu_ms_per_cmd"] for c in cells if "hub_cpu_ms_per_cmd" in c),
                                  default=None),
        "throughput_cmds_per_s": throughput["throughput_cmds_per_s"] if throughput else None,
        "startup_s": startup["startup_s"] if startup else None,
        "help_s": startup["help_s"] if startup else None,
    }


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target the run measured: what, the figure (median of the runs) and its range, the limit, met or not."""
    rows: list[dict[str, Any]] = []

    def check(what: str, figures: dict[str, Any], key: str, limit: float, unit: str, at_least: bool = False) -> None:
        value = figures[key]
        rows.append({"what": what, "value": value, "range": figures.get("spread", {}).get(key), "limit": limit,
                     "unit": unit, "at_least": at_least, "met": value >= limit if at_least else value <= limit})

    for kind, sizes in report.get("command", {}).items():
        for size, v in sizes.items():
            if int(size) < TARGET_SIZE:
                continue
            check(f"command p50, {kind}, {size} devices", v, "ratio_p50", COMMAND_P50_X, "× two floor round trips")
            check(f"command p99, {kind}, {size} devices", v, "ratio_p99", COMMAND_P99_X, "× two floor round trips")
            if "hub_cpu_ms_per_cmd" in v:
                check(f"hub CPU per command, {kind}, {size} devices", v, "hub_cpu_ms_per_cmd", HUB_CPU_MS, "ms")
    t = report.get("throughput")
    if t and t.get("broker") == "mosquitto" and THROUGHPUT_CLIENTS in t.get("by_clients", {}):
        check(f"throughput, mosquitto, {THROUGHPUT_CLIENTS} clients", t["by_clients"][THROUGHPUT_CLIENTS],
              "cmds_per_s", THROUGHPUT, "commands/s", at_least=True)
    for r in report.get("fleet", []):
        if r["broker"] == "mosquitto" and r["devices"] >= 10000:
            check(f"fleet {r['devices']} on mosquitto: online", r, "online_s", 60, "s")
            check(f"fleet {r['devices']} on mosquitto: directory complete after", r, "directory_after_s", 10, "s")
            check(f"fleet {r['devices']} on mosquitto: fleet RSS", r, "fleet_rss_mb", 2048, "MB")
    if "startup" in report:
        check("genie up → ready", report["startup"], "startup_s", 3, "s")
        check("genie --help", report["startup"], "help_s", 0.3, "s")
    return rows


def print_report(report: dict[str, Any]) -> None:
    """The report for people: each step's medians [min–max], the load while it ran, the targets."""
    m = report["machine"]
    runs = report.get("runs")
    print(f"machine: {m['cpus']} CPUs, Python {m['python']}, {m['date']}{' (quick run)' if report['quick'] else ''}"
          + (f"; every figure the median of {runs} runs [min–max]" if runs else ""))
    load = report.get("load", {})
    if "floor" in report:
        print("\nMQTT floor (request/response round trip, QoS 1)")
        for kind, v in report["floor"].items():
            print(f"  {kind:10} p50 {with_range(v, 'p50', '{:.3f}')} ms   p99 {with_range(v, 'p99', '{:.3f}')} ms")
        _load(load, "floor")
    if "command" in report:
        print(f"\nText command end to end (ratio = command / two floor round trips of the same run; targets at "
              f"{TARGET_SIZE:,} devices p50 ≤ {COMMAND_P50_X:g}×, p99 ≤ {COMMAND_P99_X:g}×, "
              f"hub CPU ≤ {HUB_CPU_MS:g} ms)")
        for kind, sizes in report["command"].items():
            for size, v in sizes.items():
                cpu = (f"   CPU/cmd hub {with_range(v, 'hub_cpu_ms_per_cmd')} ms, broker "
                       f"{with_range(v, 'broker_cpu_ms_per_cmd')} ms" if "hub_cpu_ms_per_cmd" in v else "")
                print(f"  {kind:10} {size:>6} devices   p50 {with_range(v, 'p50')} ms (×{with_range(v, 'ratio_p50')})"
                      f"   p99 {with_range(v, 'p99')} ms (×{with_range(v, 'ratio_p99')})   floor p50 "
                      f"{with_range(v, 'floor_p50', '{:.3f}')} ms{cpu}")
        _load(load, "command")
    if "fleet" in report:
        print("\nFleet (online; directory complete after; RSS)")
        for r in report["fleet"]:
            print(f"  {r['broker']:10} {r['devices']:>6} devices   online {with_range(r, 'online_s', '{:.1f}')} s   "
                  f"directory +{with_range(r, 'directory_after_s')} s   fleet {with_range(r, 'fleet_rss_mb', '{:.0f}')}"
                  f" MB   hub {with_range(r, 'hub_rss_mb', '{:.0f}')} MB   broker "
                  f"{with_range(r, 'broker_rss_mb', '{:.0f}')} MB")
        _load(load, "fleet")
    if "throughput" in report:
        _throughput(report["throughput"])
        _load(load, "throughput")
    if "startup" in report:
        s = report["startup"]
        print(f"\nStart-up: genie up {with_range(s, 'startup_s')} s, "
              f"genie --help {with_range(s, 'help_s', '{:.3f}')} s")
        _load(load, "startup")
    print("\nTargets")
    for t in report["targets"]:
        spread = f" [{t['range'][0]:g}–{t['range'][1]:g}]" if t.get("range") else ""
        bound = "≥" if t.get("at_least") else "≤"
        print(f"  {'met   ' if t['met'] else 'MISSED'}  {t['what']}: {t['value']:g}{spread} ({bound} {t['limit']:g} "
              f"{t['unit']})")
    for name, message in report.get("errors", {}).items():
        print(f"\nFAILED {name}: {message}")


def _throughput(t: dict[str, Any]) -> None:
    g = t["group"]
    group = (f"all {g['lights']} lights off/on in {with_range(g, 'seconds')} s ({g['succeeded']:g} acknowledged)")
    if "by_clients" not in t:  # a report from before runs were repeated
        rates = ", ".join(f"{c} clients {r:.0f}/s" for c, r in t["cmds_per_s_by_clients"].items())
        print(f"\nThroughput ({t['broker']}): {t['throughput_cmds_per_s']:.0f} commands/s ({rates}); {group}")
        return
    print(f"\nThroughput ({t['broker']}, {t['seconds_per_point']:g} s per point): {group}")
    for c, v in t["by_clients"].items():
        print(f"  {c:>3} clients ({v['client_processes']} processes)   {with_range(v, 'cmds_per_s', '{:.0f}')} "
              f"commands/s   CPU/cmd hub {with_range(v, 'hub_cpu_ms_per_cmd', '{:.3f}')} ms, broker "
              f"{with_range(v, 'broker_cpu_ms_per_cmd', '{:.3f}')} ms   busiest client process "
              f"{with_range(v, 'client_cpu_pct', '{:.0f}')} % of a core")


def _load(load: dict[str, Any], step: str) -> None:
    if step in load:
        print(f"  ({describe_load(load[step])})")
