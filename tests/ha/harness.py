"""A real Home Assistant for tests: its own process on a loopback port with an offline configuration, driven as a
person would over its REST and websocket APIs (onboarding, the MQTT integration's config flow, service calls).

Facts used (measured, /work/shared/reference/home-assistant-real.md): Home Assistant 2025.4.4 runs on Python
3.13.0; it is installed by scripts/ha/install.sh into a venv of its own, named by $GENIE_HA_VENV. Every wait
is on an event: a line of Home Assistant's log (its stdout), a websocket event, an MQTT message; each bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

VENV_ENV = "GENIE_HA_VENV"
REQUIRE_ENV = "GENIE_REQUIRE_HA"
VERSION = "2025.4.4"
SAFETY = 90.0
"""Upper bound on any wait (Home Assistant's first start on a busy CI machine included)."""

CONFIGURATION = """\
homeassistant:
  name: Genie Sim test
  latitude: 30.27
  longitude: 120.15
  elevation: 10
  unit_system: metric
  time_zone: Asia/Shanghai
  country: CN
  currency: CNY
http:
  server_host: 127.0.0.1
  server_port: {port}
config:
api:
onboarding:
frontend:
logger:
  default: warning
  logs:
    homeassistant.components.http: info
    homeassistant.components.mqtt.client: info
    homeassistant.components.mqtt.discovery: info
"""
"""Offline: no default_config (cloud, bluetooth, zeroconf, ssdp… need a network or hardware)."""


def ha_venv() -> Path:
    """The venv Home Assistant is installed in; skip (or fail, when it is required) without one."""
    where = os.environ.get(VENV_ENV, "")
    hass = Path(where) / "bin" / "hass"
    if where and hass.is_file():
        return Path(where)
    why = (f"no Home Assistant: ${VENV_ENV} is {'unset' if not where else repr(where) + ' without bin/hass'} "
           f"(scripts/ha/install.sh DIR installs {VERSION} and prints the path)")
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {why}")
    pytest.skip(why)


def free_port() -> int:
    """A loopback port free right now (a restarted process must find its peer on the same port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Lines:
    """A process's output, line by line, kept and awaitable (``wait_for(pattern)``)."""

    def __init__(self, proc: asyncio.subprocess.Process, name: str) -> None:
        self.lines: list[str] = []
        self._changed = asyncio.Condition()
        self._task = asyncio.create_task(self._read(proc), name=f"{name}.output")

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        while line := await proc.stdout.readline():
            async with self._changed:
                self.lines.append(line.decode("utf-8", "replace").rstrip())
                self._changed.notify_all()
        async with self._changed:
            self.lines.append("<process output ended>")
            self._changed.notify_all()

    async def wait_for(self, pattern: str, after: int = 0, timeout: float = SAFETY) -> str:
        """The first line from index ``after`` matching ``pattern`` (fails if the output ends first)."""
        found: list[str] = []

        def seen() -> bool:
            found[:] = [line for line in self.lines[after:] if re.search(pattern, line)]
            return bool(found) or "<process output ended>" in self.lines[after:]
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(seen)
        except TimeoutError:
            raise AssertionError(f"no line matching {pattern!r} in {timeout} s:\n" + self.tail()) from None
        assert found, f"the process ended before {pattern!r}:\n" + self.tail()
        return found[0]

    def tail(self, n: int = 40) -> str:
        """The last ``n`` lines."""
        return "\n".join(self.lines[-n:])

    async def aclose(self) -> None:
        """Stop reading."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def stop(proc: asyncio.subprocess.Process, timeout: float = 30) -> int:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout``; the exit code."""
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(timeout):
                return await proc.wait()
        except TimeoutError:
            proc.kill()
    return await proc.wait()


class HomeAssistant:
    """One Home Assistant process on ``port`` with its configuration in ``config_dir``."""

    def __init__(self, venv: Path, config_dir: Path, port: int) -> None:
        self.venv, self.config_dir, self.port = venv, config_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: asyncio.subprocess.Process | None = None
        self.output: Lines | None = None
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(port=port), encoding="utf-8")

    async def start(self) -> None:
        """Start it and return once its HTTP server listens (``--skip-pip``: it installs nothing)."""
        self.proc = await asyncio.create_subprocess_exec(
            str(self.venv / "bin" / "hass"), "-c", str(self.config_dir), "--skip-pip",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            env={k: v for k, v in os.environ.items() if not k.startswith(("GENIE_", "VIRTUAL_ENV", "PYTHON"))})
        self.output = Lines(self.proc, "home-assistant")
        await self.output.wait_for(rf"Now listening on port {self.port}")

    async def stop(self) -> int:
        """Stop it (SIGTERM, as its service manager would); its exit code."""
        assert self.proc is not None and self.output is not None
        code = await stop(self.proc)
        await self.output.aclose()
        return code

    def log(self) -> str:
        """Its log file (home-assistant.log) so far."""
        path = self.config_dir / "home-assistant.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


class Person:
    """What a person does in Home Assistant's UI, done over its APIs: onboard, add an integration, call services."""

    def __init__(self, ha: HomeAssistant) -> None:
        self.ha = ha
        self.http = httpx.AsyncClient(base_url=ha.url, timeout=15)
        self.token = ""

    async def onboard(self) -> None:
        """Create the owner (first start) and log in."""
        client_id = self.ha.url + "/"
        created = await self.http.post("/api/onboarding/users", json={
            "client_id": client_id, "name": "Genie", "username": "genie", "password": "genie-sim-test",
            "language": "en"})
        assert created.status_code == 200, created.text
        await self._token({"grant_type": "authorization_code", "code": created.json()["auth_code"],
                           "client_id": client_id})

    async def _token(self, form: dict[str, str]) -> None:
        answer = await self.http.post("/auth/token", data=form)
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]
        self.refresh = answer.json().get("refresh_token", getattr(self, "refresh", ""))
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    async def log_in_again(self) -> None:
        """After a restart: a new access token from the refresh token."""
        await self._token({"grant_type": "refresh_token", "refresh_token": self.refresh,
                           "client_id": self.ha.url + "/"})

    async def add_mqtt(self, port: int, username: str, password: str) -> dict[str, Any]:
        """Settings > Devices & services > Add integration > MQTT: broker, port, username, password."""
        flow = await self.http.post("/api/config/config_entries/flow", json={"handler": "mqtt"})
        assert flow.status_code == 200 and flow.json()["step_id"] == "broker", flow.text
        done = await self.http.post(f"/api/config/config_entries/flow/{flow.json()['flow_id']}", json={
            "broker": "127.0.0.1", "port": port, "username": username, "password": password})
        assert done.status_code == 200 and done.json()["type"] == "create_entry", done.text
        return dict(done.json())

    async def call(self, domain: str, service: str, **data: Any) -> httpx.Response:
        """POST /api/services/<domain>/<service>."""
        return await self.http.post(f"/api/services/{domain}/{service}", json=data)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()


class Socket:
    """Home Assistant's websocket API: commands, and every entity's state kept current from its events."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.states: dict[str, dict[str, Any]] = {}
        self.registry_updates = 0
        """How many entity_registry_updated events arrived (re-list the registry after one)."""
        self._changed = asyncio.Condition()
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._next = 0
        self._task = asyncio.create_task(self._read(), name="home-assistant.websocket")

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, url: str, token: str) -> AsyncIterator[Socket]:
        """Connect, authenticate, subscribe to state changes and load the current states."""
        async with websockets.connect(url.replace("http", "ws", 1) + "/api/websocket", max_size=None) as ws:
            assert json.loads(await ws.recv())["type"] == "auth_required"
            await ws.send(json.dumps({"type": "auth", "access_token": token}))
            assert json.loads(await ws.recv())["type"] == "auth_ok"
            socket = cls(ws)
            try:
                await socket.command("subscribe_events", event_type="state_changed")
                await socket.command("subscribe_events", event_type="entity_registry_updated")
                for state in await socket.command("get_states"):
                    socket.states.setdefault(state["entity_id"], state)
                yield socket
            finally:
                socket._task.cancel()
                await asyncio.gather(socket._task, return_exceptions=True)

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("type") == "event" and message["event"]["event_type"] != "state_changed":
                async with self._changed:
                    self.registry_updates += 1
                    self._changed.notify_all()
            elif message.get("type") == "event":
                data = message["event"]["data"]
                async with self._changed:
                    if data.get("new_state") is None:
                        self.states.pop(data["entity_id"], None)
                    else:
                        self.states[data["entity_id"]] = data["new_state"]
                    self._changed.notify_all()
            elif message.get("id") in self._pending:
                future = self._pending.pop(message["id"])
                if message.get("success", True):
                    future.set_result(message.get("result"))
                else:
                    future.set_exception(AssertionError(f"websocket command failed: {message.get('error')}"))

    async def command(self, kind: str, **fields: Any) -> Any:
        """One websocket command; its result."""
        self._next += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[self._next] = future
        await self.ws.send(json.dumps({"id": self._next, "type": kind, **fields}))
        async with asyncio.timeout(SAFETY):
            return await future

    async def until(self, predicate: Callable[[dict[str, dict[str, Any]]], bool], what: str,
                    timeout: float = 20) -> None:
        """Wait until ``predicate(states)`` holds."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: predicate(self.states))
        except TimeoutError:
            raise AssertionError(f"Home Assistant never showed {what} within {timeout} s") from None

    async def entities(self, unique_ids: set[str], timeout: float = 30) -> dict[str, str]:
        """unique_id -> entity_id of the MQTT entities with these unique ids, once all are registered."""
        found: dict[str, str] = {}

        async def listed() -> int:
            seen = self.registry_updates
            found.clear()
            found.update({e["unique_id"]: e["entity_id"] for e in await self.command("config/entity_registry/list")
                          if e["platform"] == "mqtt" and e["unique_id"] in unique_ids})
            return seen
        try:
            async with asyncio.timeout(timeout):
                while len(found) < len(unique_ids):
                    seen = await listed()
                    if len(found) < len(unique_ids):
                        async with self._changed:
                            await self._changed.wait_for(lambda s=seen: self.registry_updates > s)  # type: ignore[misc]
        except TimeoutError:
            raise AssertionError(f"only {len(found)} of {len(unique_ids)} entities registered; missing "
                                 f"{sorted(unique_ids - set(found))}") from None
        return dict(found)
