"""Honest figures: several runs per figure, CPU time per process, and the machine's load while it ran.

- ``over_runs``: each quantity's median over the runs, its [min, max] under ``spread``, the runs themselves
  under ``runs`` (a ratio is taken in each run, against that run's own floor, before the median);
- ``cpu_s`` / ``CpuWindow``: CPU seconds (utime + stime from ``/proc/PID/stat``, the process and its
  descendants) of each child process over a measured window, and the machine's busy share over it;
- ``LoadSampler``: ``os.getloadavg()`` and the busy share of all cores (``/proc/stat``) sampled about once a
  second by the measuring process while a step runs, summarised as min / median / max.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import statistics
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def spread(values: Sequence[float], digits: int = 3) -> dict[str, float]:
    """Median, min and max of ``values`` (rounded)."""
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits)}


def over_runs(runs: Sequence[Mapping[str, Any]], digits: int = 3) -> dict[str, Any]:
    """The median over ``runs`` of every number they all have, with ``spread`` {key: [min, max]} and the runs.

    Keys that are not numbers in every run (labels, nested figures) are left out of the medians; the runs
    keep them.
    """
    if not runs:
        raise ValueError("no runs to aggregate")
    keys = [k for k, v in runs[0].items() if _number(v) and all(_number(r.get(k)) for r in runs)]
    result: dict[str, Any] = {}
    ranges: dict[str, list[float]] = {}
    for key in keys:
        values = [r[key] for r in runs]
        s = spread(values, digits)
        if all(isinstance(v, int) for v in values) and s["median"] == int(s["median"]):
            s = {k: int(v) for k, v in s.items()}  # counts stay counts
        result[key] = s["median"]
        ranges[key] = [s["min"], s["max"]]
    result["spread"] = ranges
    result["runs"] = [dict(r) for r in runs]
    return result


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def ratio(value: float, floor: float) -> float:
    """``value`` over two floor round trips (a command crosses the broker four times), to 2 decimals."""
    return round(value / (2 * floor), 2) if floor > 0 else float("nan")


def with_range(figures: Mapping[str, Any], key: str, fmt: str = "{:.2f}") -> str:
    """``figures[key]`` as text, with its [min–max] over the runs when the report has them."""
    text = fmt.format(figures[key])
    low_high = figures.get("spread", {}).get(key)
    if low_high:
        text += f" [{fmt.format(low_high[0])}–{fmt.format(low_high[1])}]"
    return text


# -- CPU time ------------------------------------------------------------------------------------------------

def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc/PID/task/*/children)."""
    found: list[int] = []
    tasks = Path(f"/proc/{pid}/task")
    for task in tasks.glob("*/children") if tasks.exists() else []:
        try:
            listed = task.read_text().split()
        except OSError:
            continue
        for child in listed:
            found.append(int(child))
            found.extend(descendants(int(child)))
    return found


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process and its live descendants have used so far.

    Read from each thread's run time in nanoseconds (``/proc/PID/task/TID/schedstat``): the tick counts of
    ``/proc/PID/stat`` move in 10 ms steps, more than twenty commands of a device fleet cost. Where a kernel
    keeps no schedstat, those tick counts."""
    total = 0.0
    for p in [pid, *descendants(pid)]:
        total += _run_time_s(p)
    return total


def _run_time_s(pid: int) -> float:
    """CPU seconds of one process: its threads' schedstat run times, or its stat ticks; 0 once it is gone."""
    try:
        threads = list(Path(f"/proc/{pid}/task").iterdir())
        return sum(int((t / "schedstat").read_text().split()[0]) for t in threads) / 1e9
    except (OSError, IndexError, ValueError):
        pass  # no schedstat here, or a thread gone between the listing and the read
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0  # gone between the listing and the read
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S  # utime, stime: fields 14 and 15 of stat(5)


def own_cpu_s() -> float:
    """CPU seconds the measuring process itself has used (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from the first line of /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_pct(before: tuple[int, int], after: tuple[int, int]) -> float:
    """Share of all cores busy between two ``machine_busy()`` readings, in percent (nan if no time passed)."""
    total = after[1] - before[1]
    return round(100 * (after[0] - before[0]) / total, 1) if total > 0 else float("nan")


@dataclass
class CpuWindow:
    """CPU used by named child processes (and by this process) from ``start()`` to ``stop()``.

    ``per(count)`` gives milliseconds of CPU per unit of work for each process, plus the machine's busy share
    and this process's own CPU share of one core over the window.
    """

    pids: Mapping[str, int]
    _cpu: dict[str, float] = field(default_factory=dict)
    _own: float = 0.0
    _busy: tuple[int, int] = (0, 0)
    _wall: float = 0.0
    used: dict[str, float] = field(default_factory=dict)
    wall_s: float = 0.0
    machine_busy_pct: float = float("nan")
    own_pct: float = float("nan")

    def start(self) -> None:
        """Take the first reading."""
        self._cpu = {name: cpu_s(pid) for name, pid in self.pids.items()}
        self._own, self._busy, self._wall = own_cpu_s(), machine_busy(), time.perf_counter()

    def stop(self) -> None:
        """Take the second reading: ``used`` (CPU seconds per name, ``client`` for this process), wall time."""
        self.wall_s = time.perf_counter() - self._wall
        self.used = {name: cpu_s(pid) - self._cpu[name] for name, pid in self.pids.items()}
        self.used["client"] = own_cpu_s() - self._own
        self.machine_busy_pct = busy_pct(self._busy, machine_busy())
        self.own_pct = round(100 * self.used["client"] / self.wall_s, 1) if self.wall_s > 0 else float("nan")

    def per(self, count: int, unit: str = "cmd") -> dict[str, float]:
        """``{NAME_cpu_ms_per_UNIT: ...}`` for every process, with ``machine_busy_pct`` and ``client_cpu_pct``."""
        figures = {f"{name}_cpu_ms_per_{unit}": round(1000 * used / count, 3) if count else float("nan")
                   for name, used in self.used.items()}
        return {**figures, "machine_busy_pct": self.machine_busy_pct, "client_cpu_pct": self.own_pct}


# -- the machine's load while a step runs --------------------------------------------------------------------

@dataclass
class LoadSampler:
    """Samples the 1-minute load average and the busy share of all cores every ``interval`` seconds."""

    interval: float = 1.0
    loadavg: list[float] = field(default_factory=list)
    busy: list[float] = field(default_factory=list)
    _last: tuple[int, int] = (0, 0)

    def sample(self) -> None:
        """One reading: the load average now, and the busy share since the previous reading."""
        self.loadavg.append(os.getloadavg()[0])
        now = machine_busy()
        if self._last != (0, 0):
            pct = busy_pct(self._last, now)
            if pct == pct:  # not nan: some time passed
                self.busy.append(pct)
        self._last = now

    def summary(self) -> dict[str, Any]:
        """min / median / max of each series, and how many samples were taken."""
        result: dict[str, Any] = {"samples": len(self.loadavg), "cpus": os.cpu_count()}
        for name, values in (("loadavg_1m", self.loadavg), ("cpu_busy_pct", self.busy)):
            result[name] = spread(values, 2) if values else None
        return result

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LoadSampler]:
        """Sample in a background task for the body's duration (and once more at its end)."""
        self.sample()

        async def loop() -> None:
            while True:
                await asyncio.sleep(self.interval)  # a sampling period, not a synchronisation
                self.sample()

        task = asyncio.get_running_loop().create_task(loop(), name="load sampler")
        try:
            yield self
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            self.sample()


def describe_load(load: Mapping[str, Any] | None) -> str:
    """One line for people: the load average and all-core busy share while a step ran (median, min–max)."""
    if not load:
        return "machine load not recorded"
    parts = []
    for key, label, unit in (("loadavg_1m", "load average (1 min)", ""), ("cpu_busy_pct", "CPU busy", " %")):
        v = load.get(key)
        if v:
            parts.append(f"{label} {v['median']:g}{unit} [{v['min']:g}–{v['max']:g}]")
    return f"machine while it ran ({load.get('cpus')} CPUs): " + ", ".join(parts or ["no samples"])


async def sampled(step: Any) -> tuple[Any, dict[str, Any]]:
    """Await ``step`` (an awaitable) while sampling the machine's load; return its result and the load."""
    sampler = LoadSampler()
    async with sampler.running():
        result = await step
    return result, sampler.summary()
