"""Where a load test sends its commands: a running set-up (``genie up``, one home or several), or one it
starts itself — homes of registry devices run by ``genie.homes.run_homes``, as ``genie up`` runs them — and
stops at the end. Either way: each home's broker URL, logged in as that home's text client."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from hub.protocol.mqtt import BrokerURL
from hub.security import CLIENT_USER, Credentials, home_login

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
    from hub.paths import credentials_path

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


@contextlib.asynccontextmanager
async def self_contained(homes: int, devices: int, *, seed: int, broker: str | None = None, latency: bool = True,
                         ready_timeout: float = 60.0) -> AsyncIterator[tuple[dict[str | None, BrokerURL], str]]:
    """Mode (b): start ``homes`` homes of ``devices`` registry devices each, a hub per home, on an embedded
    broker (a loopback port of the system's choosing, a throwaway secret) unless ``broker``; yield each home's
    URL and the broker's, and stop everything on exit."""
    from genie.homes import run_homes

    made = fleet_homes(homes, devices, seed, latency)
    credentials: Credentials | bool = Credentials.generate() if broker is None else True
    with tempfile.TemporaryDirectory(prefix="genie-load-") as scratch:
        async with run_homes(made, db=Path(scratch) / "hub.db", broker_url=broker, host="127.0.0.1", port=0,
                             credentials=credentials, ready_timeout=ready_timeout) as running:
            first = running[0]
            urls = {home.id: client_url(first.broker_url, first.credentials, home.id) for home in made}
            yield urls, str(first.broker_url)
