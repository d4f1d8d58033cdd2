"""Genie Sim's side of the real Home Assistant test: `genie up --ha-discovery` as a process on a fixed loopback
port (a restart comes back on the same one), and the devices' state as Home Assistant's login reads it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiomqtt

from hub.interop.roles import HOMEASSISTANT_USER, role_password
from hub.security import HUB_USER, Credentials
from tests.cli import GENIE, genie
from tests.ha.harness import Lines, stop


class GenieUp:
    """`genie up --ha-discovery --port P --no-http [EXTRA…]`, its start-up summary, and the Home Assistant login
    it prints."""

    def __init__(self, data_dir: Path, db: Path, port: int, *extra: str) -> None:
        self.data_dir, self.db, self.port, self.extra = data_dir, db, port, extra
        self.proc: asyncio.subprocess.Process | None = None
        self.output: Lines | None = None
        self.summary: dict[str, Any] = {}
        self.history: list[str] = []
        """The output of its earlier runs (before a restart)."""

    async def start(self) -> None:
        """Start it; return once the hub and every device are up (its JSON summary)."""
        self.proc = await asyncio.create_subprocess_exec(
            *GENIE, "up", "--ha-discovery", "--port", str(self.port), "--no-http", "--db", str(self.db), "--json",
            *self.extra,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        self.output = Lines(self.proc, "genie-up")
        line = await self.output.wait_for(r"^\{.*\"broker\"", timeout=60)
        self.summary = json.loads(line)

    @property
    def hub_password(self) -> str:
        """The hub login's password (for a test observer)."""
        return str(Credentials.load(self.data_dir / "credentials.json").password_for(HUB_USER))

    @property
    def password(self) -> str:
        """The password of the genie-homeassistant login (what `genie up` prints for Home Assistant)."""
        return role_password(Credentials.load(self.data_dir / "credentials.json").secret, HOMEASSISTANT_USER)

    async def say(self, text: str) -> dict[str, Any]:
        """`genie say --json TEXT` against this hub."""
        code, out, err = await genie("say", "--json", "--broker", str(self.summary["broker"]), text)
        assert code == 0, (text, out, err)
        return dict(json.loads(out))

    async def stop(self) -> int:
        """SIGTERM; its exit code."""
        assert self.proc is not None and self.output is not None
        code = await stop(self.proc)
        await self.output.aclose()
        self.history += self.output.lines
        return code

    def lines(self) -> list[str]:
        """Everything it printed, over every run."""
        return self.history + (self.output.lines if self.output is not None else [])


class Devices:
    """Every device's latest state snapshot (genie/dev/+/state), read by a test observer."""

    def __init__(self) -> None:
        self.state: dict[str, dict[str, Any]] = {}
        self._changed = asyncio.Condition()

    @classmethod
    @contextlib.asynccontextmanager
    async def watch(cls, port: int, password: str) -> AsyncIterator[Devices]:
        """Subscribe and keep ``state`` current until the block ends (``password``: the hub login's)."""
        devices = cls()
        # The hub's login under an observer id: Home Assistant's own login would take over its session (the broker
        # gives a neighbour its user name as client id).
        async with aiomqtt.Client("127.0.0.1", port, username=HUB_USER, password=password,
                                  identifier=f"{HUB_USER}-observer") as client:
            await client.subscribe("genie/dev/+/state", qos=1)
            task = asyncio.create_task(devices._read(client), name="devices.state")
            try:
                yield devices
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    async def _read(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            body = json.loads(bytes(message.payload))  # type: ignore[arg-type]
            async with self._changed:
                self.state[body["payload"]["deviceId"]] = {p["name"]: p["value"]
                                                           for p in body["payload"]["properties"]}
                self._changed.notify_all()

    async def until(self, device_id: str, predicate: Callable[[dict[str, Any]], bool], what: str,
                    timeout: float = 20) -> None:
        """Wait until ``predicate(state of device_id)`` holds."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: predicate(self.state.get(device_id, {})))
        except TimeoutError:
            raise AssertionError(f"{device_id} never reached {what} (now {self.state.get(device_id)})") from None
