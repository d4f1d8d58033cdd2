"""Composition root: wires broker, hub and devices together (``genie up`` and the tests)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.categories import device_class
from devices.home import Home
from devices.runner import DeviceRunner, run_fleet
from genie.homes import automations_of
from hub.automation.models import Automations
from hub.broker import EmbeddedBroker, allows_anonymous, default_config_path, load_config
from hub.clock import Clock, RealClock
from hub.interop.wiring import InteropOptions, close_extensions, make_extensions
from hub.paths import credentials_path, default_db_path
from hub.protocol import Topics
from hub.protocol.mqtt import BrokerURL, MqttConnection, Will
from hub.security import HUB_USER, Credentials, home_login
from hub.service import HUB_ID, Hub
from hub.store import Store

__all__ = ["Running", "connector", "default_db_path", "resolve_credentials", "run_stack"]


def connector(url: BrokerURL, credentials: Credentials | None = None, keepalive: int = 30,
              home: str | None = None, bind_address: str = "", timeout: float = 5.0,
              misc_every: float | None = None):
    """A factory of real MQTT connections to ``url``; each client logs in as itself when we hold credentials,
    as a login of home ``home`` (``<home>.<name>``, its client id too) when one is given; ``bind_address``: the
    local address they leave from (default: any); ``timeout``: seconds each connection waits for the broker to
    acknowledge its CONNECT, a publish or a subscription before it gives up; ``misc_every``: seconds between
    keepalive checks (``MqttConnection``'s default when None)."""

    def connect(client_id: str, will: Will | None) -> MqttConnection:
        target = url
        if credentials is not None and url.username is None:
            user = home_login(home, HUB_USER if client_id == HUB_ID else client_id)
            target = BrokerURL(url.host, url.port, user, credentials.password_for(user))
        return MqttConnection(target, home_login(home, client_id), will=will, keepalive=keepalive,
                              timeout=timeout, bind_address=bind_address, misc_every=misc_every)

    return connect


def resolve_credentials(*, embedded: bool, insecure: bool, config: dict | None) -> Credentials | None:
    """The credentials to use: generated on first use for a secured embedded broker; for an external
    broker, those of the data directory if it holds any (e.g. an exported Mosquitto), else none."""
    if embedded:
        if insecure or (config is not None and allows_anonymous(config)):
            return None
        return Credentials.load_or_create(credentials_path())
    path = credentials_path()
    return Credentials.load(path) if path.exists() else None


@dataclass
class Running:
    """What ``run_stack`` started, for whoever needs to talk about it."""

    broker_url: BrokerURL
    embedded: EmbeddedBroker | None
    credentials: Credentials | None
    hub: Hub | None
    runners: list[DeviceRunner] = field(default_factory=list)
    ready_seconds: float = 0.0


async def _wait_directory(hub: Hub, ids: set[str], timeout: float) -> None:
    """Wait until the hub's directory holds every device in ``ids`` as online."""
    complete = asyncio.Event()

    def check(_record: object = None) -> None:
        if all((r := hub.directory.get(i)) is not None and r.online for i in ids):
            complete.set()

    hub.directory.listeners.append(check)
    try:
        check()
        async with asyncio.timeout(timeout):
            await complete.wait()
    finally:
        hub.directory.listeners.remove(check)


async def _all_online(runners: list[DeviceRunner], progress: Callable[[int, int], None] | None) -> None:
    """Wait until every runner is online, reporting the count as it grows."""
    total, online = len(runners), 0

    async def one(runner: DeviceRunner) -> None:
        nonlocal online
        await runner.online.wait()
        online += 1
        if progress is not None:
            progress(online, total)

    await asyncio.gather(*(one(r) for r in runners))


SECONDS_PER_DEVICE = 0.05
"""How long a fleet may take to come online, per device, when that is more than ``ready_timeout``."""


@contextlib.asynccontextmanager
async def run_stack(
    *,
    home: Home | None,
    broker_url: str | None = None,
    broker_config: Path | None = None,
    host: str | None = None,
    port: int | None = None,
    db: Path | str | None = None,
    run_hub: bool = True,
    clock: Clock | None = None,
    topics: Topics | None = None,
    ready_timeout: float = 30.0,
    insecure: bool = False,
    credentials: Credentials | bool | None = True,
    keepalive: int = 30,
    progress: Callable[[int, int], None] | None = None,
    interop: InteropOptions | None = None,
    automations: Automations | None = None,
    scope: str | None = None,
) -> AsyncIterator[Running]:
    """Start (embedded broker unless ``broker_url``), hub and the home's devices; stop all on exit.

    ``progress(online, total)`` is called as the devices come online.
    ``credentials``: True = resolve as ``genie up`` does (generate for a secured embedded broker);
    a Credentials object = use it; None or False = connect without credentials.
    ``scope``: the home id whose own topics and logins hub and devices use (docs/home.md, Several homes).
    """
    started = time.perf_counter()
    topics = topics or Topics().home(scope)
    async with contextlib.AsyncExitStack() as stack:
        url, embedded, creds = await _broker(stack, broker_url, broker_config, host, port, insecure, credentials)
        connect = connector(url, creds, keepalive, scope)
        store: Store | None = None
        if run_hub:
            store = Store(db if db is not None else default_db_path())
            stack.callback(store.close)  # runs after the tasks below have stopped
        tasks: list[asyncio.Task[None]] = []
        extensions: list[Any] = []
        runners: list[DeviceRunner] = []

        async def stop_tasks() -> None:
            for runner in runners:
                runner.stop()
            for task in reversed(tasks):  # devices first, then the hub
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await close_extensions(extensions)

        stack.push_async_callback(stop_tasks)
        hub: Hub | None = None
        clock = clock or RealClock()
        if store is not None:
            hub = Hub(connect, store=store, topics=topics, clock=clock,
                      automations=automations or (automations_of(home) if home is not None else None))
            if interop is not None and interop.any:
                extensions.extend(make_extensions(hub, interop))
                hub.extensions.extend(extensions)
            tasks.append(asyncio.create_task(hub.run(), name="hub"))
            await _connected(hub, tasks[-1], url, ready_timeout)
        if home is not None:
            for device_config in home.device_configs():
                device = device_class(device_config.category)(device_config, clock=clock)
                runners.append(DeviceRunner(device, connect, topics))
            tasks.append(asyncio.create_task(run_fleet(runners), name="devices"))
            await _fleet_online(runners, url, ready_timeout, progress)
            if hub is not None:
                await _wait_directory(hub, {r.device.id for r in runners}, ready_timeout)
        yield Running(url, embedded, creds, hub, runners, time.perf_counter() - started)


_BrokerChoice = tuple[BrokerURL, EmbeddedBroker | None, Credentials | None]
"""Where the broker is, the embedded one if we started it, and the credentials to log in with."""


async def _broker(stack: contextlib.AsyncExitStack, broker_url: str | None, config_path: Path | None,
                  host: str | None, port: int | None, insecure: bool,
                  credentials: Credentials | bool | None) -> _BrokerChoice:
    """The broker to use (an embedded one started now and stopped by ``stack``, unless ``broker_url``), and
    the credentials to log in with (``credentials`` as ``run_stack`` takes it)."""
    creds: Credentials | None
    if broker_url is not None:
        url = BrokerURL.from_env(broker_url)  # BadBrokerURL: the user's --broker or $GENIE_BROKER, one line
        creds = (resolve_credentials(embedded=False, insecure=insecure, config=None)
                 if credentials is True else (credentials or None))
        return url, None, creds
    config = load_config(config_path or default_config_path(), host=host, port=port)
    creds = (resolve_credentials(embedded=True, insecure=insecure, config=config)
             if credentials is True else (credentials or None))
    embedded = EmbeddedBroker(config, credentials=creds)
    await embedded.start()
    stack.push_async_callback(embedded.stop)
    return BrokerURL.parse(embedded.url), embedded, creds


async def _connected(hub: Hub, running: asyncio.Task[None], url: BrokerURL, timeout: float) -> None:
    """Return once the hub is connected; raise its connection error, or TimeoutError after ``timeout``."""
    waiter = asyncio.create_task(hub.ready.wait())
    done, _ = await asyncio.wait({waiter, running}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if waiter not in done:
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
    if running in done:
        running.result()  # raises the hub's connection error
    if waiter not in done:
        raise TimeoutError(f"the hub did not connect to {url} within {timeout:g}s")


async def _fleet_online(runners: list[DeviceRunner], url: BrokerURL, timeout: float,
                        progress: Callable[[int, int], None] | None) -> None:
    """Wait until every device is online, or raise TimeoutError saying how many are."""
    # a big fleet takes longer to connect (amqtt: ~2,000 devices in 25 s on 2 cores)
    allowed = max(timeout, len(runners) * SECONDS_PER_DEVICE)
    try:
        async with asyncio.timeout(allowed):
            await _all_online(runners, progress)
    except TimeoutError:
        online = sum(1 for r in runners if r.online.is_set())
        raise TimeoutError(f"only {online} of {len(runners)} devices were online on {url} after "
                           f"{allowed:g} s; the broker may be overloaded (a large fleet belongs on "
                           f"Mosquitto: docs/scale-out.md)") from None
