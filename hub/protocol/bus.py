"""The bus: what a session of the MQTT broker is to the rest of the code, and where a broker is.

``Connection`` is the interface hub, devices and clients are written against; ``hub.protocol.mqtt`` has the
real one (``MqttConnection``), tests an in-memory one (``tests/fakes.py``). ``BrokerURL`` says where a broker
is, ``Will`` what it publishes for a session that vanishes, ``Backoff`` how long to wait before trying again.
"""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol, Self
from urllib.parse import unquote, urlsplit

from hub.errors import GenieError

DEFAULT_BROKER_URL = "mqtt://127.0.0.1:1883"
BROKER_ENV = "GENIE_BROKER"


class Backoff:
    """Jittered exponential backoff ("equal jitter"): wait a random time between half a doubling ceiling and it.

    Spreads a fleet's reconnections after a broker restart instead of a thundering herd.
    """

    def __init__(self, initial: float = 0.05, maximum: float = 10.0, rng: random.Random | None = None) -> None:
        self.initial = initial
        self.maximum = maximum
        self.attempt = 0
        self._rng = rng or random.Random()

    def next(self) -> float:
        """Seconds to wait before the next attempt."""
        ceiling = min(self.maximum, self.initial * (2 ** self.attempt))
        self.attempt += 1
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        """A connection succeeded: start again from the shortest wait."""
        self.attempt = 0


class ConnectionFailed(GenieError, ConnectionError):
    """The broker could not be reached or refused us; the message says which and where."""


class BadBrokerURL(GenieError, ValueError):
    """A broker URL that cannot be used (``--broker``, ``$GENIE_BROKER``); the message says why."""


@dataclass(frozen=True, slots=True)
class BrokerURL:
    """Where a broker is: ``mqtt://[user[:password]@]host[:port]``."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> BrokerURL:
        """Parse ``url``; BadBrokerURL (a ValueError) with a clear reason if it is not a broker URL."""
        text = url.strip()
        if "://" not in text:
            text = "mqtt://" + text
        parts = urlsplit(text)
        if parts.scheme not in ("mqtt", "tcp"):
            raise BadBrokerURL(f"broker URL {url!r}: scheme must be mqtt:// (got {parts.scheme}://)")
        if not parts.hostname:
            raise BadBrokerURL(f"broker URL {url!r}: no host")
        try:
            port = parts.port if parts.port is not None else 1883
        except ValueError:
            port = -1
        if not 1 <= port <= 65535:
            raise BadBrokerURL(f"broker URL {url!r}: port must be a number 1-65535")
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    @classmethod
    def from_env(cls, url: str | None = None) -> BrokerURL:
        """``url`` if given, else ``$GENIE_BROKER``, else the default local broker."""
        return cls.parse(url or os.environ.get(BROKER_ENV) or DEFAULT_BROKER_URL)

    def __str__(self) -> str:
        user = f"{self.username}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"mqtt://{user}{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Will:
    """The message the broker publishes for us if we vanish without a DISCONNECT."""

    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = True


@dataclass(frozen=True, slots=True)
class Inbound:
    """A received message."""

    topic: str
    payload: bytes
    retain: bool = False


class Connection(Protocol):
    """The bus interface: one MQTT session."""

    client_id: str

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Publish ``payload`` on ``topic``."""

    async def subscribe(self, *filters: str) -> None:
        """Subscribe to topic filters (QoS 1)."""

    def messages(self) -> AsyncIterator[Inbound]:
        """Received messages, in order; ends (raising ConnectionError) when the session drops."""

    async def abort(self) -> None:
        """Drop the connection without DISCONNECT, as a power cut would (the will fires)."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None: ...


