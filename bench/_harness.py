"""What the benchmarks share: brokers, hubs and fleets in their own processes, on loopback only.

Everything runs as a user would run it — `genie broker`, Mosquitto with the configuration
`genie broker --export mosquitto` writes, `genie hub`, `genie devices spawn` — each in its own process,
so the process that measures is only a client. Brokers run without authentication here (loopback, a
throwaway data directory) so that the figures are the protocol's, not the password check's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from hub.protocol import HubRequest, Topics, encode
from hub.protocol.mqtt import BrokerURL, Connection, Inbound
from hub.security import export_mosquitto

COMMAND_TIMEOUT = 10.0
"""A command without a reply for this long fails the benchmark (instead of hanging it)."""


async def ask(conn: Connection, replies: AsyncIterator[Inbound], client_id: str, text: str) -> None:
    """Send one text command on ``conn`` and wait for the hub's reply to it."""
    topics = Topics()
    request = HubRequest.create("TextCommand", client_id, text)
    await conn.publish(topics.command, encode(request))
    async with asyncio.timeout(COMMAND_TIMEOUT):
        while request.header.message_id.encode() not in (await anext(replies)).payload:
            pass

MOSQUITTO = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total = 0
    for p in [pid, *_descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _descendants(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children") if Path(f"/proc/{pid}/task").exists() else []:
        for child in task.read_text().split():
            children.append(int(child))
            children.extend(_descendants(int(child)))
    return children


@dataclass
class Proc:
    """A child process started by a benchmark (always stopped by its PID)."""

    proc: asyncio.subprocess.Process
    name: str

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


def env() -> dict[str, str]:
    """The environment of the processes we start: a private, empty data directory (no credentials)."""
    data = tempfile.mkdtemp(prefix="genie-bench-")
    return {**os.environ, "GENIE_DATA_DIR": data, "PYTHONUNBUFFERED": "1"}


ENV = env()


async def start(name: str, *args: str, ready: bytes, timeout: float = 120) -> tuple[Proc, bytes]:
    """Start a process and wait for the line containing ``ready`` on its stdout (or stderr)."""
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT, env=ENV)
    seen = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                line = await proc.stdout.readline()  # type: ignore[union-attr]
                if not line:
                    raise RuntimeError(f"{name} exited: {b''.join(seen).decode(errors='replace')[-2000:]}")
                seen.append(line)
                if ready in line:
                    break
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
    handle = Proc(proc, name)
    asyncio.get_running_loop().create_task(_drain(proc))
    return handle, line


async def _drain(proc: asyncio.subprocess.Process) -> None:
    while await proc.stdout.readline():  # type: ignore[union-attr]
        pass


GENIE = [sys.executable, "-m", "genie"]


@contextlib.asynccontextmanager
async def broker(kind: str) -> AsyncIterator[tuple[BrokerURL, Proc]]:
    """An anonymous loopback broker of ``kind`` (amqtt or mosquitto) in its own process."""
    port = free_port()
    if kind == "amqtt":
        proc, _ = await start("amqtt", *GENIE, "broker", "--insecure", "--port", str(port), ready=b"listening")
    elif kind == "mosquitto":
        if MOSQUITTO is None:
            raise RuntimeError("mosquitto is not installed: apt-get install -y mosquitto")
        directory = Path(tempfile.mkdtemp(prefix="genie-bench-mq-"))
        conf = export_mosquitto(directory, None, [], port=port)[0]
        with conf.open("a") as file:
            file.write("log_dest stderr\nlog_type notice\nlog_type information\nmax_connections -1\n")
        proc, _ = await start("mosquitto", MOSQUITTO, "-c", str(conf), ready=b" running")
    else:
        raise ValueError(f"unknown broker {kind!r}")
    try:
        yield BrokerURL("127.0.0.1", port), proc
    finally:
        await proc.stop()


async def hub(url: BrokerURL) -> Proc:
    db = Path(tempfile.mkdtemp(prefix="genie-bench-db-")) / "hub.db"
    proc, _ = await start("hub", *GENIE, "hub", "--broker", f"mqtt://{url.host}:{url.port}", "--db", str(db),
                          ready=b"hub connected")
    return proc


async def fleet(url: BrokerURL, count: int, *, processes: int = 1, seed: int = 1,
                home: Path | None = None) -> tuple[Proc, float]:
    """`genie devices spawn` of ``count`` registry devices (or ``home``); returns it and seconds to online."""
    started = time.perf_counter()
    source = ["--home", str(home)] if home else ["--random", str(count), "--seed", str(seed)]
    proc, _ = await start("fleet", *GENIE, "devices", "spawn", *source, "--processes", str(processes), "--no-latency",
                          "--broker", f"mqtt://{url.host}:{url.port}", ready=b"devices online", timeout=600)
    return proc, time.perf_counter() - started


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 50), 3), "p99": round(percentile(values, 99), 3),
            "mean": round(statistics.fmean(values), 3) if values else float("nan"), "n": len(values)}


def emit(result: dict, as_json: bool, table: list[tuple[str, ...]]) -> None:
    """Print the figures: a table for people, or one JSON object for scripts."""
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
