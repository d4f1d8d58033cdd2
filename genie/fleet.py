"""A fleet of simulated devices as ``genie up`` and ``genie devices spawn`` run it: the home to run (a home
file, or devices drawn from the brand registry) with the injected faults, and its shards, each run by a child
``genie devices spawn`` process whose progress flows into the parent's one line."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from genie.commands.common import check_category, load_home
from hub.errors import GenieError


def fleet_home(args: argparse.Namespace) -> Any:
    """The home to run: a fleet from the brand registry (--brand, --random), else the home file."""
    brand, count = getattr(args, "brand", None), getattr(args, "random", None)
    if brand is None and count is None:
        return load_home(args.home)
    if args.home is not None:
        raise GenieError("give either --home or --brand/--random, not both")
    if brand is not None and count is not None:
        raise GenieError("give either --brand or --random, not both")
    from devices.registry import load_registry
    from devices.registry.fleet import brand_fleet, random_fleet

    registry = load_registry()
    category = getattr(args, "category", None)
    check_category(category)
    if brand is not None:
        return brand_fleet(registry, brand, category=category, count=args.count, seed=args.seed, prefix=args.prefix)
    assert count is not None  # --random N, since --brand was not given
    return random_fleet(registry, count, seed=args.seed, prefix=getattr(args, "prefix", None))


_FAULT_FLAGS = {"slow_ms": "--slow", "flaky": "--flaky", "jammed": "--jammed", "offline_after": "--offline-after"}


def with_faults(home: Any, args: argparse.Namespace) -> Any:
    """The home with the command line's injected faults (and --no-latency) on every device."""
    if getattr(args, "no_latency", False):
        for device in home.devices:
            device.latency_ms, device.quirks = None, []
    given = {"slow_ms": args.slow, "flaky": args.flaky, "jammed": args.jammed or None,
             "offline_after": args.offline_after}
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return home
    from pydantic import ValidationError

    from devices.home import FaultsEntry

    try:
        faults = FaultsEntry(**given)
    except ValidationError as exc:  # its first reason, named by the flag that gave the value
        error = exc.errors()[0]
        flag = _FAULT_FLAGS.get(str(error["loc"][0]) if error["loc"] else "", "")
        raise GenieError(f"fault injection: {flag + ': ' if flag else ''}{error['msg']}") from None
    for device in home.devices:
        device.faults = faults
    return home


def shards(home: Any, count: int) -> list[Any]:
    """``home`` split into ``count`` homes with the same rooms (devices dealt round-robin)."""
    if count <= 1 or len(home.devices) < 2:
        return [home]
    return [home.model_copy(update={"devices": home.devices[i::count]}) for i in range(count)
            if home.devices[i::count]]


class Progress:
    """Devices online out of N, with the rate, on one line of stderr (or machine lines for a parent)."""

    def __init__(self, total: int, *, machine: bool) -> None:
        self.total, self.machine, self._clock = total, machine, time.monotonic
        self.started = self._clock()
        self.counts: dict[int, int] = {}
        self._shown = 0.0

    def update(self, shard: int, online: int) -> None:
        """Shard ``shard`` has ``online`` devices online."""
        self.counts[shard] = online
        now = self._clock()
        if self.machine:
            print(f"progress {online}", flush=True)
            return
        if now - self._shown >= 0.25 or sum(self.counts.values()) == self.total:
            self._shown = now
            count = sum(self.counts.values())
            rate = count / max(now - self.started, 1e-6)
            if sys.stderr.isatty():
                print(f"\r{count}/{self.total} devices online, {rate:.0f}/s", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        """End the progress line."""
        if not self.machine and sys.stderr.isatty():
            print(file=sys.stderr)

    def elapsed(self) -> float:
        """Seconds since the start."""
        return self._clock() - self.started


FILES_SPARE = 64
"""Open files a device process needs besides one socket per device (standard streams, pipes, the event loop's
selector, the executor's threads, logs)."""


def raise_open_files(devices: int, processes: int) -> int:
    """Raise this process's open-files limit to the hard limit and return it; GenieError, saying what to do,
    when even that is too low for the largest of ``processes`` shares of ``devices`` (one socket each)."""
    import math
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):  # a hard limit the system will not grant: keep the soft one
            pass
    if soft == resource.RLIM_INFINITY:
        return soft
    share = math.ceil(devices / processes)
    if share + FILES_SPARE > soft:
        needed = math.ceil(devices / max(1, soft - FILES_SPARE))
        raise GenieError(f"{share} devices in one process need about {share + FILES_SPARE} open files, but this "
                         f"system allows {soft} per process (ulimit -Hn): use --processes {needed} or more")
    return soft


PORT_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def check_ports(devices: int, sources: int = 1) -> None:
    """GenieError when ``devices`` connections cannot all get a local port: the MQTT client (paho) binds each
    socket to a port of its own before connecting, so every device run from this machine, whatever the broker,
    takes one of the system's ephemeral ports (and keeps it a minute after closing, in TIME_WAIT)."""
    try:
        low, high = (int(n) for n in PORT_RANGE.read_text().split())
    except (OSError, ValueError):
        return  # not Linux, or not readable: nothing to check against
    ports = high - low + 1
    each = -(-devices // sources)  # the devices leaving from one source address (each has the whole range)
    if each + FILES_SPARE > ports:
        raise GenieError(f"{devices} devices need {each} local ports of each of {sources} source address(es), but "
                         f"this machine has {ports} (net.ipv4.ip_local_port_range {low}-{high}); run at most "
                         f"{ports - FILES_SPARE} devices per source address (--source-addresses N on a loopback "
                         "broker), or widen the range")


class Child:
    """A child process running one shard; ``online`` resolves when all its devices are."""

    def __init__(self, proc: Any, online: asyncio.Future[None], reader: asyncio.Task[None],
                 path: Path | None) -> None:
        self.proc, self.online, self.reader, self.path = proc, online, reader, path

    async def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 10 s) and remove its home file."""
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self.reader.cancel()
        await asyncio.gather(self.reader, return_exceptions=True)
        if self.path is not None:
            self.path.unlink(missing_ok=True)


async def spawn_child(shard: Any, index: int, progress: Progress, *, broker: str | None, keepalive: int) -> Child:
    """Run one shard in a child `genie devices spawn` process; its progress flows into ours."""
    import yaml

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as file:
        yaml.safe_dump(shard.model_dump(mode="json", exclude_defaults=True), file, allow_unicode=True)
        path = Path(file.name)
    command = ["--home", str(path), "--keepalive", str(keepalive)]
    if broker:
        command += ["--broker", broker]
    return await start_child(command, len(shard.devices), index, progress, path)


async def start_child(spawn_args: list[str], expected: int, index: int, progress: Progress,
                      path: Path | None = None) -> Child:
    """Start `genie devices spawn SPAWN_ARGS` reporting its progress to ours; ``online`` resolves once its
    ``expected`` devices are online; ``path`` (a file made for it) is removed when it stops."""
    command = [sys.executable, "-m", "genie", "devices", "spawn", *spawn_args, "--machine-progress"]
    # Its standard input is a pipe it reads to its end: when this process exits, however, the child stops too.
    proc = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    online: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def read() -> None:
        assert proc.stdout is not None
        while line := await proc.stdout.readline():
            if line.startswith(b"progress "):
                count = int(line.split()[1])
                progress.update(index, count)
                if count == expected and not online.done():
                    online.set_result(None)
        if not online.done():
            online.set_exception(GenieError(f"device process {index} exited ({proc.returncode}) before its "
                                            f"{expected} devices were online"))

    reader = asyncio.create_task(read(), name=f"genie.fleet.child[{index}].progress")
    return Child(proc, online, reader, path)
