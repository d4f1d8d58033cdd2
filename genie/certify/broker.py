"""Certify's own broker: the embedded broker, watching the device under test, that certify can cut and restart.

``WatchingBroker`` is ``GenieBroker`` (the product's authentication and topic ACL, unchanged) that also notes,
for one login, every CONNECT (accepted or refused, with its last will) and every PUBLISH attempt, the ones the
ACL refuses included: what a device does is seen at the broker, not only what gets through.
``OwnBroker`` runs it on 127.0.0.1, drops one client's connection without a DISCONNECT (its will fires), and
restarts it on the same port, counting the connection attempts while it is away.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from dataclasses import dataclass, field
from typing import Any

from amqtt.broker import Action as AmqttAction
from amqtt.session import Session

from hub.broker import EmbeddedBroker, GenieBroker, load_config
from hub.broker.packets import abort_writer
from hub.protocol.mqtt import BrokerURL
from hub.security import HUB_USER, Credentials

_CONNACK_UNAVAILABLE = bytes((0x20, 0x02, 0x00, 0x03))
"""CONNACK, return code 3: server unavailable (MQTT 3.1.1 §3.2.2.3)."""
JOURNAL_LIMIT = 20_000
TOPIC_KEPT = 300
"""Entries of each kind kept, and characters of a topic (a flooding device must not take certify's memory)."""


@dataclass
class ConnectSeen:
    """One CONNECT of the watched login."""

    at: float
    client_id: str
    accepted: bool
    will_topic: str | None
    will_payload: bytes | None
    will_qos: int | None
    will_retain: bool | None
    keepalive: int
    clean: bool


@dataclass
class PublishSeen:
    """One PUBLISH attempt of the watched login, allowed or refused by the ACL."""

    at: float
    client_id: str
    topic: str
    allowed: bool


@dataclass
class Journal:
    """What the broker saw the watched login do."""

    login: str
    connects: list[ConnectSeen] = field(default_factory=list)
    publishes: list[PublishSeen] = field(default_factory=list)
    dropped: int = 0
    """Entries not kept over ``JOURNAL_LIMIT``."""

    def add(self, entries: list[Any], entry: Any) -> None:
        """Keep ``entry`` unless its list is full (then count it)."""
        if len(entries) < JOURNAL_LIMIT:
            entries.append(entry)
        else:
            self.dropped += 1


class WatchingBroker(GenieBroker):
    """``GenieBroker`` that notes the watched login's CONNECTs and PUBLISH attempts in a ``Journal``."""

    def __init__(self, config: dict[str, Any], *, journal: Journal, credentials: Credentials | None = None) -> None:
        super().__init__(config, credentials=credentials)
        self.journal = journal

    async def _authenticate(self, session: Session, listener: Any) -> bool:
        ok = await super()._authenticate(session, listener)
        first = listener is None  # GenieBroker checks a CONNECT first (listener None); amqtt then checks it again
        if first and (session.username == self.journal.login or session.client_id == self.journal.login):
            will = bool(session.will_flag)
            message = session.will_message if will else None
            self.journal.add(self.journal.connects, ConnectSeen(
                time.monotonic(), session.client_id or "", ok, session.will_topic if will else None,
                bytes(message) if message is not None else None, session.will_qos if will else None,
                bool(session.will_retain) if will else None, int(session.keep_alive or 0),
                bool(session.clean_session)))
        return ok

    async def _topic_filtering(self, session: Session, topic: str, action: AmqttAction) -> bool:
        allowed = await super()._topic_filtering(session, topic, action)
        if action == AmqttAction.PUBLISH and session.username == self.journal.login:
            self.journal.add(self.journal.publishes, PublishSeen(time.monotonic(), session.client_id or "",
                                                                 topic[:TOPIC_KEPT], allowed))
        return allowed

    def connected(self, client_id: str) -> bool:
        """Is ``client_id`` connected now?"""
        entry = self._serving.get(client_id)
        return entry is not None and not entry[0].done()

    def drop(self, client_id: str) -> bool:
        """Cut ``client_id``'s connection as a network failure would (no DISCONNECT: its will fires)."""
        entry = self._serving.get(client_id)
        if entry is None or entry[0].done():
            return False
        return abort_writer(entry[1])

    def retained(self, topic: str) -> bytes | None:
        """The message retained on ``topic``, if any."""
        message = self._retained_messages.get(topic)
        return None if message is None else bytes(message.data)


class OwnBroker:
    """Certify's embedded broker on 127.0.0.1: one login for the device under test, the hub's for certify."""

    def __init__(self, device_id: str, *, port: int = 0, password: str | None = None) -> None:
        self.device_id = device_id
        self.credentials = _Credentials.make(device_id, password)
        self.journal = Journal(device_id)
        self.port = port
        self._embedded: EmbeddedBroker | None = None
        self.attempts: list[float] = []
        """The connection attempts met while away, in the current (or last) restart."""
        self.away = asyncio.Event()
        """Set while the broker is away and the counting listener is on its port."""

    @property
    def broker(self) -> WatchingBroker | None:
        """The running broker (None while it is down)."""
        embedded = self._embedded
        broker = getattr(embedded, "_broker", None) if embedded is not None else None
        return broker if isinstance(broker, WatchingBroker) else None

    @property
    def url(self) -> str:
        """Where to connect (no login)."""
        return f"mqtt://127.0.0.1:{self.port}"

    def hub_url(self) -> BrokerURL:
        """The broker, logged in as the hub."""
        return BrokerURL("127.0.0.1", self.port, HUB_USER, self.credentials.hub_password)

    def device_password(self) -> str:
        """The password of the device under test."""
        return self.credentials.device_password(self.device_id)

    async def start(self) -> None:
        """Start (on ``port``; the first start on an ephemeral one if 0, later ones on the same)."""
        factory = functools.partial(WatchingBroker, journal=self.journal)
        embedded = EmbeddedBroker(load_config(None, host="127.0.0.1", port=self.port), credentials=self.credentials,
                                  broker_class=factory)
        await embedded.start()
        self._embedded, self.port = embedded, embedded.port

    async def stop(self) -> None:
        """Stop, cutting every connection."""
        embedded, self._embedded = self._embedded, None
        if embedded is not None:
            await embedded.stop()

    async def restart(self, down: float) -> list[float]:
        """Stop, stay away ``down`` seconds (a listener on the port counts and closes every connection attempt),
        start again on the same port; return the moments (monotonic) of the attempts seen while away. Each attempt
        is answered CONNACK 3 (server unavailable), so that a client learns at once that it must retry."""
        attempts: list[float] = []
        self.attempts = attempts

        async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            attempts.append(time.monotonic())
            with contextlib.suppress(OSError, TimeoutError, asyncio.IncompleteReadError):
                async with asyncio.timeout(1.0):
                    await reader.read(1)  # the CONNECT's first byte: it is an MQTT client, answer it
                writer.write(_CONNACK_UNAVAILABLE)
                await writer.drain()
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

        await self.stop()
        server = await asyncio.start_server(refuse, "127.0.0.1", self.port, reuse_address=True)
        self.away.set()
        try:
            await asyncio.sleep(down)  # the outage itself: its length is what is being measured against
        finally:
            self.away.clear()
            server.close()
            with contextlib.suppress(OSError):
                await server.wait_closed()
        await self.start()
        return attempts


@dataclass(frozen=True)
class _Credentials(Credentials):
    """Fresh credentials for one run; the device's password may be chosen (``--password``)."""

    device_id: str = ""
    fixed: str | None = None

    @classmethod
    def make(cls, device_id: str, password: str | None) -> _Credentials:
        """New random secrets; ``password`` (if given) for ``device_id``."""
        base = Credentials.generate()
        return cls(base.secret, base.hub_password, base.client_password, device_id=device_id, fixed=password)

    def device_password(self, device_id: str) -> str:
        """The chosen password for the device under test, else the derived one."""
        if self.fixed is not None and device_id == self.device_id:
            return self.fixed
        return super().device_password(device_id)
