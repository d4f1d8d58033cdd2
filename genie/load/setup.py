"""Where a load test sends its commands: a running set-up (``genie up``, one home or several), or one it
starts itself — homes of registry devices, run by ``genie up`` (``genie.homes.run_homes``) on ``genie broker``,
each in a process of its own — and stops at the end. Either way: each home's broker URL, logged in as that
home's text client."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import re
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genie.app import SECONDS_PER_DEVICE
from hub.errors import GenieError
from hub.paths import credentials_path
from hub.protocol.mqtt import BrokerURL
from hub.security import CLIENT_USER, CREDENTIALS_FILE, Credentials, home_login

MAX_HOMES, MAX_DEVICES = 1000, 1000
"""The most homes, and devices per home, a self-contained run starts."""


def client_url(url: BrokerURL, credentials: Credentials | None, home: str | None) -> BrokerURL:
    """``url`` logged in as the text client of ``home``: as given when it names a user or there are no
    credentials, else with the login and password ``credentials`` give it."""
    if url.username is not None or credentials is None:
        return url
    login = home_login(home, CLIENT_USER)
    return BrokerURL(url.host, url.port, login, credentials.password_for(login))


def running_urls(broker: str | None, homes: Sequence[str]) -> dict[str | None, BrokerURL]:
    """Mode (a), a running set-up: each home's URL (the home without an id when ``homes`` is empty) on
    ``broker`` (else $GENIE_BROKER, else the default), with the data directory's credentials if any."""
    url = BrokerURL.from_env(broker)
    path = credentials_path()
    credentials = Credentials.load(path) if path.exists() else None
    chosen: list[str | None] = list(dict.fromkeys(homes)) or [None]
    return {home: client_url(url, credentials, home) for home in chosen}


def fleet_homes(homes: int, devices: int, seed: int, latency: bool = True) -> list:
    """``homes`` homes (ids ``load-1``...) of ``devices`` devices each, drawn from the brand registry across its
    categories (``devices.registry.fleet.random_fleet``, seed ``seed + i`` for home i); without their brands'
    reply times unless ``latency``."""
    from devices.registry import load_registry
    from devices.registry.fleet import random_fleet

    registry = load_registry()
    made = []
    for i in range(homes):
        home = random_fleet(registry, devices, seed=seed + i).model_copy(update={"id": f"load-{i + 1}"})
        if not latency:
            for device in home.devices:
                device.latency_ms, device.quirks = None, []
        made.append(home)
    return made


GENIE = (sys.executable, "-m", "genie")
STOP_SECONDS = 15.0
"""How long a child process gets to stop after SIGTERM before it is killed."""


class SetUpFailed(GenieError, RuntimeError):
    """The self-contained set-up did not start; the message says which part and its last words."""


@dataclass(eq=False)
class _Child:
    """A `genie` child process, its output read as it comes (a full pipe would block it), the last lines kept."""

    name: str
    proc: asyncio.subprocess.Process
    tail: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=20))
    readers: list[asyncio.Task[None]] = field(default_factory=list)

    async def stop(self) -> None:
        """SIGTERM by its PID, SIGKILL after STOP_SECONDS; stop reading its output."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), STOP_SECONDS)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                await self.proc.wait()
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)


async def _start(stack: contextlib.AsyncExitStack, name: str, args: Sequence[str], env: dict[str, str],
                 ready: re.Pattern[str], timeout: float) -> re.Match[str]:
    """Start ``genie ARGS`` (stopped by ``stack``) and return the match of ``ready`` in the line that says it is
    ready; SetUpFailed if it exits first or says nothing of the kind within ``timeout``."""
    proc = await asyncio.create_subprocess_exec(*GENIE, *args, env=env, stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                limit=1 << 22)
    child = _Child(name, proc)
    stack.push_async_callback(child.stop)
    found: asyncio.Future[re.Match[str]] = asyncio.get_running_loop().create_future()

    async def read(stream: asyncio.StreamReader) -> None:
        while line := (await stream.readline()).decode(errors="replace"):
            child.tail.append(line.rstrip())
            if not found.done() and (match := ready.search(line)):
                found.set_result(match)

    assert proc.stdout is not None and proc.stderr is not None
    child.readers = [asyncio.create_task(read(proc.stdout)), asyncio.create_task(read(proc.stderr))]
    exited = asyncio.create_task(proc.wait())
    try:
        either: set[asyncio.Future[Any]] = {found, exited}
        await asyncio.wait(either, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        exited.cancel()
    if found.done():
        return found.result()
    last = next((line for line in reversed(child.tail) if line.strip()), "no output")
    state = f"exited with status {proc.returncode}" if proc.returncode is not None else \
        f"was not ready within {timeout:g} s"
    raise SetUpFailed(f"the self-contained {name} ({'genie ' + ' '.join(args[:1])}) {state}: {last}")


@contextlib.asynccontextmanager
async def self_contained(homes: int, devices: int, *, seed: int, broker: str | None = None, latency: bool = True,
                         ready_timeout: float = 60.0) -> AsyncIterator[tuple[dict[str | None, BrokerURL], str]]:
    """Mode (b): start ``homes`` homes of ``devices`` registry devices each, a hub per home — ``genie up`` with
    a home file per home (``run_homes``), in a process of its own, on ``genie broker`` in another (a loopback
    port of the system's choosing, a throwaway data directory and secret) unless ``broker`` — so that the load
    test does not share its event loop with what it measures; yield each home's URL and the broker's, and stop
    them all (by PID) on exit."""
    import yaml

    made = fleet_homes(homes, devices, seed, latency)
    async with contextlib.AsyncExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="genie-load-")))
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if broker is None:
            env["GENIE_DATA_DIR"] = str(scratch / "data")
            match = await _start(stack, "broker", ["broker", "--host", "127.0.0.1", "--port", "0"], env,
                                 re.compile(r"listening on (mqtt://\S+)"), ready_timeout)
            broker = match.group(1)
        files = []
        for home in made:
            path = scratch / f"{home.id}.yaml"
            path.write_text(yaml.safe_dump(home.model_dump(mode="json", exclude_defaults=True), allow_unicode=True,
                                           sort_keys=False), encoding="utf-8")
            files += ["--home", str(path)]
        await _start(stack, "homes", ["up", "--broker", broker, *files, "--db", str(scratch / "hub.db"), "--no-http",
                                      "--json"], env, re.compile(r'^\{"broker"'),
                     ready_timeout + homes * devices * SECONDS_PER_DEVICE)
        path = Path(env["GENIE_DATA_DIR"]) / CREDENTIALS_FILE if "GENIE_DATA_DIR" in env else credentials_path()
        credentials = Credentials.load(path) if path.exists() else None
        url = BrokerURL.parse(broker)
        yield {home.id: client_url(url, credentials, home.id) for home in made}, str(url)
