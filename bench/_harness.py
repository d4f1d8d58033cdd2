"""What the benchmarks share: brokers, hubs and fleets in their own processes, on loopback only.

Everything runs as a user would run it — `genie broker`, Mosquitto with the configuration
`genie broker --export mosquitto` writes, `genie hub`, `genie devices spawn` — each in its own process,
so the process that measures is only a client. Brokers run without authentication here (loopback, a
throwaway data directory) so that the figures are the protocol's, not the password check's.

Nothing here may hang: every wait has a deadline and fails with a message saying what did not happen;
every child process is stopped by its PID when its benchmark ends, fails, is interrupted (Ctrl-C) or
terminated (SIGTERM); its output is read continuously (a full pipe would block it) and its last lines
are kept for error messages; all files go to one temporary directory, removed at exit.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bench._stats import descendants
from hub.errors import GenieError
from hub.protocol import HubRequest, Topics, encode
from hub.protocol.mqtt import BrokerURL, Inbound, MqttConnection
from hub.security import export_mosquitto

T = TypeVar("T")

COMMAND_TIMEOUT = 10.0
"""A command (or a floor round trip) without a reply for this long fails the benchmark."""

STOP_TIMEOUT = 15.0
"""Seconds a child process gets to exit after SIGTERM before it is killed."""

MOSQUITTO = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)

GENIE = [sys.executable, "-m", "genie"]


class BenchError(GenieError, RuntimeError):
    """A benchmark step could not finish; the message says which and why."""


@contextlib.asynccontextmanager
async def deadline(seconds: float, what: str) -> AsyncIterator[None]:
    """Run the body for at most ``seconds``; past that, raise BenchError saying ``what`` did not finish."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise BenchError(f"{what}: not done within {seconds:g} s") from None


async def ask(conn: MqttConnection, replies: AsyncIterator[Inbound], client_id: str, text: str) -> None:
    """Send one text command on ``conn`` and wait for the hub's reply to it (at most COMMAND_TIMEOUT)."""
    topics = Topics()
    request = HubRequest.create("TextCommand", client_id, text)
    await conn.publish(topics.command, encode(request))
    marker = request.header.message_id.encode()
    async with deadline(COMMAND_TIMEOUT, f"{client_id}: reply to {text!r}"):
        while marker not in (await anext(replies)).payload:
            pass


# -- scratch files -------------------------------------------------------------------------------------------

_WORK: Path | None = None


def scratch(prefix: str) -> Path:
    """A new directory under this run's temporary directory (all removed when the process exits)."""
    global _WORK
    if _WORK is None:
        _WORK = Path(tempfile.mkdtemp(prefix="genie-bench-"))
        atexit.register(shutil.rmtree, _WORK, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=_WORK))


_ENV: dict[str, str] | None = None


def env() -> dict[str, str]:
    """The environment of the processes we start: a private, empty data directory (no credentials)."""
    global _ENV
    if _ENV is None:
        _ENV = {**os.environ, "GENIE_DATA_DIR": str(scratch("data")), "PYTHONUNBUFFERED": "1"}
    return _ENV


# -- measuring -----------------------------------------------------------------------------------------------

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


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 50), 3), "p99": round(percentile(values, 99), 3),
            "mean": round(statistics.fmean(values), 3) if values else float("nan"), "n": len(values)}


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


# -- child processes -----------------------------------------------------------------------------------------

ERROR_LINE = b"genie: error:"


@dataclass(eq=False)
class Proc:
    """A child process started by a benchmark (always stopped by its PID)."""

    proc: asyncio.subprocess.Process
    name: str
    output: collections.deque[bytes] = field(default_factory=lambda: collections.deque(maxlen=40))
    reader: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    said: list[str] = field(default_factory=list)
    """Its own error lines (`genie: error: ...`), kept even when later output pushes them out of ``output``."""

    def keep(self, data: bytes) -> None:
        """Record output the process wrote."""
        self.output.append(data)
        if ERROR_LINE in data and len(self.said) < 5:
            self.said += [line.decode(errors="replace") for line in data.splitlines() if line.startswith(ERROR_LINE)]

    def tail(self) -> str:
        """The last lines the process wrote (for error messages), its own error lines first."""
        last = b"".join(self.output).decode(errors="replace")[-2000:]
        return "\n".join([*(line for line in self.said if line not in last), last])

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT; stop reading its output. Safe to call twice."""
        _RUNNING.discard(self)
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=STOP_TIMEOUT)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                await self.proc.wait()
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)


_RUNNING: set[Proc] = set()
"""Every child not yet stopped, so that an interrupted run stops them all (by PID)."""


async def stop_all() -> None:
    await asyncio.gather(*(p.stop() for p in list(_RUNNING)), return_exceptions=True)


def _kill_leftovers() -> None:
    """At interpreter exit, after the event loop is gone: no child may outlive the benchmark."""
    for p in list(_RUNNING):
        if p.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.proc.pid, signal.SIGKILL)


atexit.register(_kill_leftovers)


async def start(name: str, *args: str, ready: bytes, timeout: float = 120,
                cwd: Path | None = None) -> tuple[Proc, bytes]:
    """Start a process (in ``cwd``, if given) and wait for the line containing ``ready`` on its stdout (or stderr).

    Its output is then read until it exits, so that it never blocks on a full pipe.
    """
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE, cwd=cwd,
                                                stderr=asyncio.subprocess.STDOUT, env=env(), limit=1 << 20)
    handle = Proc(proc, name)
    _RUNNING.add(handle)
    assert proc.stdout is not None
    try:
        async with deadline(timeout, f"{name} ({' '.join(args[1:])}) did not print {ready.decode()!r}"):
            while True:
                line = await proc.stdout.readline()
                if not line:
                    await proc.wait()
                    raise BenchError(f"{name} exited with status {proc.returncode} before it was ready:\n"
                                     f"{handle.tail()}")
                handle.keep(line)
                if ready in line:
                    break
    except BaseException as exc:
        await handle.stop()
        if isinstance(exc, BenchError) and handle.output and "exited" not in str(exc):
            raise BenchError(f"{exc}; its last output:\n{handle.tail()}") from None
        raise
    handle.reader = asyncio.get_running_loop().create_task(_drain(handle), name=f"drain {name}")
    return handle, line


async def _drain(handle: Proc) -> None:
    stream = handle.proc.stdout
    assert stream is not None
    while chunk := await stream.read(1 << 16):
        handle.keep(chunk)


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, also on SIGTERM: the run is cancelled, so every child process is stopped."""

    terminated = False

    async def guarded() -> T:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        assert task is not None

        def terminate() -> None:
            nonlocal terminated
            terminated = True
            task.cancel()

        loop.add_signal_handler(signal.SIGTERM, terminate)
        try:
            return await main
        finally:
            loop.remove_signal_handler(signal.SIGTERM)
            await stop_all()

    try:
        return asyncio.run(guarded())
    except asyncio.CancelledError:
        if terminated:
            raise BenchError("terminated (SIGTERM); every process it started was stopped") from None
        raise


# -- brokers, hub, fleets ------------------------------------------------------------------------------------

@contextlib.asynccontextmanager
async def broker(kind: str) -> AsyncIterator[tuple[BrokerURL, Proc]]:
    """An anonymous loopback broker of ``kind`` (amqtt or mosquitto) in its own process.

    The port is one the OS just said was free; another process can take it before the broker binds it (a
    large fleet elsewhere on the machine uses ephemeral ports by the thousand), so a broker that exits before
    it is ready is started again on a new port, three times at most.
    """
    if kind not in ("amqtt", "mosquitto"):
        raise ValueError(f"unknown broker {kind!r}")
    if kind == "mosquitto" and MOSQUITTO is None:
        raise BenchError("mosquitto is not installed: apt-get install -y mosquitto")
    for attempt in range(1, BROKER_ATTEMPTS + 1):
        port = free_port()
        try:
            proc = await _start_broker(kind, port)
            break
        except BenchError as exc:
            if attempt == BROKER_ATTEMPTS or "before it was ready" not in str(exc):
                raise
            print(f"[bench] {kind} on port {port} did not start ({str(exc).splitlines()[0]}); another port",
                  file=sys.stderr, flush=True)
    try:
        yield BrokerURL("127.0.0.1", port), proc
    finally:
        await proc.stop()


BROKER_ATTEMPTS = 3


async def _start_broker(kind: str, port: int) -> Proc:
    if kind == "amqtt":
        proc, _ = await start("amqtt", *GENIE, "broker", "--insecure", "--port", str(port), ready=b"listening")
        return proc
    assert MOSQUITTO is not None
    conf = export_mosquitto(scratch("mosquitto"), None, [], port=port)[0]
    with conf.open("a") as file:
        file.write("log_dest stderr\nlog_type notice\nlog_type information\nmax_connections -1\n")
    proc, _ = await start("mosquitto", MOSQUITTO, "-c", str(conf), ready=b" running")
    return proc


async def hub(url: BrokerURL, *, profile: Path | None = None) -> Proc:
    """`genie hub` on ``url``; under cProfile, writing ``profile`` when it is stopped, if given."""
    db = scratch("db") / "hub.db"
    python = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "genie"] if profile else GENIE
    proc, _ = await start("hub", *python, "hub", "--broker", f"mqtt://{url.host}:{url.port}", "--db", str(db),
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


# -- output --------------------------------------------------------------------------------------------------

def emit(result: dict[str, Any], as_json: bool, table: Sequence[Sequence[str]]) -> None:
    """Print the figures: a table for people, or one JSON object for scripts."""
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
