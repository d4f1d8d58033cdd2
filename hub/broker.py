"""The embedded MQTT broker: amqtt, configured by ``broker.conf``, with our fixes for its bugs.

``GenieBroker`` is amqtt's Broker with:

- **retained messages only for one's own subscriptions**: amqtt 0.12.1, on every CONNECT, replays
  every retained message matching *any* client's subscription to the new client (reference/brokers.md,
  finding 4), so a device would receive other devices' registrations and states;
- **keepalive enforced**: amqtt 0.12.1 notices a silent client's read timeout and ignores it
  (Yakifo/amqtt#308), so a hung device would never be declared dead; we drop a client that is silent for
  1.5 × its keepalive (the MQTT spec's limit), and its last will fires;
- **our authentication and topic ACL** (``hub.security``) instead of amqtt's plugins, whose ACL config
  is broken in 0.12.1 and has no per-client patterns;
- **authentication before the session lookup**: amqtt 0.12.1 looks a CONNECT's client id up — deleting
  the live session of that id (clean session) or overwriting its credentials and taking it over
  (persistent session) — before it checks the password, so a refused CONNECT left the live session dead
  while both ends believed they were connected (issue 13). Ours refuses first, with CONNACK 5, touching
  nothing; an accepted CONNECT that names a live session closes that connection first (its client sees
  it and reconnects, its will fires), where amqtt left it open but cut off;
- **last wills under the topic ACL**: amqtt 0.12.1 publishes a will with no permission check, so one
  device's password unlocked the front door through wills on its request topic (issue 13, second red-team
  run). A CONNECT whose will its login may not publish is refused (CONNACK 5), and a will is checked again
  when it fires;
- **bounded packets and sessions**: a packet whose remaining length is over ``MAX_PACKET_BYTES`` drops
  the connection on its fixed header, before its body is read; a session holds at most
  ``MAX_UNRELEASED_QOS2`` QoS 2 messages awaiting PUBREL; text clients (unbounded ids) may not keep a
  persistent session; a connection must send its CONNECT within ``CONNECT_TIMEOUT`` seconds, and each
  packet's body within ``BODY_TIMEOUT`` seconds of its fixed header; a text login (unbounded client ids)
  holds at most ``MAX_TEXT_CONNECTIONS`` connections (CONNACK 3 beyond); the refused filters of one
  SUBSCRIBE are one log line; a client gone mid-CONNECT (a reset) is one INFO line, not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import math
import os
import socket
from pathlib import Path
from typing import Any, NoReturn

import yaml
from amqtt.adapters import ReaderAdapter, WriterAdapter
from amqtt.broker import Action as AmqttAction
from amqtt.broker import Broker
from amqtt.errors import AMQTTError, MQTTError, NoDataError
from amqtt.mqtt.connack import IDENTIFIER_REJECTED, NOT_AUTHORIZED, SERVER_UNAVAILABLE, ConnackPacket
from amqtt.mqtt.constants import QOS_2
from amqtt.mqtt.packet import MQTTFixedHeader
from amqtt.mqtt.protocol import handler as amqtt_handler
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.mqtt.publish import PublishPacket
from amqtt.session import Session
from amqtt.utils import gen_client_id

from hub.errors import GenieError
from hub.protocol.codec import quote
from hub.protocol.topics import topic_matches
from hub.security import (
    CLIENT_USER,
    LISTENER_USER,
    MAX_PACKET_BYTES,
    Action,
    Credentials,
    Policy,
    session_client_id,
)

_LOGGER = logging.getLogger(__name__)

CONFIG_ENV = "GENIE_BROKER_CONF"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 1883


class BrokerConfigError(GenieError, ValueError):
    """broker.conf is missing, unreadable or wrong; the message says where."""


class BrokerStartError(GenieError, RuntimeError):
    """The broker could not start (port in use, address not available...)."""


TAKEOVER_TIMEOUT = 5.0
"""Seconds an accepted CONNECT waits for the connection it replaces to close (it takes milliseconds)."""

KEEPALIVE_FACTOR = 1.5
"""MQTT 3.1.1 §3.1.2.10: the server drops a client silent for one and a half keepalive periods."""

MAX_UNRELEASED_QOS2 = 100
"""QoS 2 messages a session may have received and not yet released (PUBREL); one more drops the connection."""

CONNECT_TIMEOUT = 10.0
"""Seconds a new connection has to send its CONNECT before it is closed."""

BODY_TIMEOUT = 10.0
"""Seconds a packet's body has to arrive once its fixed header is read, before the connection is closed."""

MAX_TEXT_CONNECTIONS = 64
"""Connections a text login (PERSISTENT_REFUSED: text clients, the listener) may hold at once; one more is
refused with CONNACK 3. Their client ids are unbounded; a device's, the hub's and a neighbour's are not."""

PERSISTENT_REFUSED = frozenset({CLIENT_USER, LISTENER_USER})
"""Logins that may not keep a persistent session (clean_session=False): their client ids are unbounded
(genie-client-<anything>), so each would be a session kept forever."""

REFUSALS_QUOTED = 3
"""Refused filters of one SUBSCRIBE that its log line quotes (it counts them all)."""

_ACTIONS = {AmqttAction.PUBLISH: Action.PUBLISH, AmqttAction.SUBSCRIBE: Action.SUBSCRIBE,
            AmqttAction.RECEIVE: Action.RECEIVE}


def _drop_silent_client(self: BrokerProtocolHandler) -> None:
    """Close the link of a client whose keepalive expired; the reader then ends and the will fires."""
    writer = getattr(self, "writer", None)
    if writer is not None:
        _LOGGER.info("%s: keepalive expired, dropping the connection", getattr(self.session, "client_id", "?"))
        task = asyncio.ensure_future(writer.close())
        _DROPS.add(task)
        task.add_done_callback(_DROPS.discard)


_DROPS: set[asyncio.Future[None]] = set()
# amqtt 0.12.1's BrokerProtocolHandler.handle_read_timeout is a no-op (Yakifo/amqtt#308).
BrokerProtocolHandler.handle_read_timeout = _drop_silent_client  # type: ignore[method-assign]


class PacketTooLarge(Exception):
    """A packet's remaining length is over the connection's limit; amqtt's reader loop ends on it (an
    MQTTError would only discard the packet and go on reading its body as packets)."""


class SlowPacket(Exception):
    """A packet's body did not arrive within ``BODY_TIMEOUT`` of its fixed header; amqtt's reader loop ends on it."""


class _BoundedReader(ReaderAdapter):
    """A client's reader that carries the largest packet its connection may send (checked by
    ``_CheckedFixedHeader``) and a name for the log."""

    def __init__(self, inner: ReaderAdapter, max_packet_bytes: int, who: str) -> None:
        self.inner = inner
        self.max_packet_bytes = max_packet_bytes
        self.who = who
        self.deadline: float | None = None
        """When the body of the packet whose fixed header was read last must have arrived (None: between packets)."""

    async def read(self, n: int = -1) -> bytes:
        if self.deadline is None:
            return await self.inner.read(n)
        try:
            async with asyncio.timeout_at(self.deadline):
                return await self.inner.read(n)
        except TimeoutError:
            _LOGGER.warning("%s: a packet's body did not arrive within %g s: dropping the connection", self.who,
                            BODY_TIMEOUT)
            raise SlowPacket(f"{self.who}: packet body not received within {BODY_TIMEOUT:g} s") from None

    def feed_eof(self) -> None:
        self.inner.feed_eof()


class _CheckedFixedHeader(MQTTFixedHeader):
    """amqtt's fixed header, refused on the spot when its remaining length is over the reader's limit."""

    @classmethod
    async def from_stream(cls, reader: ReaderAdapter) -> _CheckedFixedHeader | None:
        if isinstance(reader, _BoundedReader):
            reader.deadline = None  # between packets: the keepalive bounds the wait
        header = await super().from_stream(reader)
        limit = getattr(reader, "max_packet_bytes", None)
        if header is not None and limit is not None and header.remaining_length > limit:
            who = getattr(reader, "who", "?")
            _LOGGER.warning("%s: a packet of %d bytes (type %d), over the limit of %d: dropping the connection",
                            who, header.remaining_length, header.packet_type, limit)
            raise PacketTooLarge(f"{who}: packet of {header.remaining_length} bytes, over {limit}")
        if header is not None and header.remaining_length and isinstance(reader, _BoundedReader):
            reader.deadline = asyncio.get_running_loop().time() + BODY_TIMEOUT
        return header


# amqtt 0.12.1's reader loop reads every packet whole (a 100 MB PUBLISH, 100 MB in memory). Packets over
# MAX_PACKET_BYTES (hub.security) are refused on their fixed header; a CONNECT, read otherwise, is bounded
# by its own fields (each at most 64 KiB: a will's payload too, under the protocol's 256 KiB). Only readers
# that carry a limit (our broker's) are checked, an amqtt client's are not.
amqtt_handler.MQTTFixedHeader = _CheckedFixedHeader  # type: ignore[misc]


class _GenieHandler(BrokerProtocolHandler):
    """amqtt's broker-side protocol handler with a cap on unreleased inbound QoS 2 messages."""

    dropped = False
    """Set when the cap was passed: the packets still buffered before the connection's end are ignored."""

    async def handle_publish(self, publish_packet: PublishPacket) -> None:
        session = self.session
        packet_id = publish_packet.variable_header.packet_id if publish_packet.variable_header else None
        if self.dropped:
            return
        if (session is not None and publish_packet.qos == QOS_2 and packet_id not in session.inflight_in
                and len(session.inflight_in) >= MAX_UNRELEASED_QOS2):
            self.dropped = True
            _LOGGER.warning("%s: over %d QoS 2 messages never released (PUBREL): dropping the connection",
                            quote(session.client_id or ""), MAX_UNRELEASED_QOS2)
            if not _abort(self.writer):
                with contextlib.suppress(Exception):  # already closing
                    await self.writer.close()  # type: ignore[union-attr]
            return
        await super().handle_publish(publish_packet)


class GenieBroker(Broker):
    """amqtt's Broker with our retained-delivery, keepalive and access-control fixes."""

    def __init__(self, config: dict[str, Any], *, credentials: Credentials | None = None,
                 policy: Policy | None = None) -> None:
        super().__init__(config)
        self.credentials = credentials
        self.policy = policy or Policy()
        self._wildcards: set[str] = set()
        """Subscription filters with + or # (few: the hub's); every other filter is found by dict lookup."""
        self._serving: dict[str, tuple[asyncio.Task[Any], Any]] = {}
        """The task serving each client id's accepted connection, and that connection's writer."""
        self._connecting: dict[str, tuple[asyncio.Lock, int]] = {}
        """Accepted CONNECTs of one client id are handled one at a time (the lock, and how many hold or await it)."""
        self._refused_filters: dict[int, list[str]] = {}
        self._text_connections: dict[str, int] = {}
        """Connections each text login (PERSISTENT_REFUSED) holds now, accepted or being accepted."""
        """The refused filters of the SUBSCRIBE each session (by id()) is being answered."""

    async def _client_connected(self, listener_name: str, reader: ReaderAdapter, writer: WriterAdapter) -> None:
        peer = writer.get_peer_info()
        who = f"{peer[0]}:{peer[1]}" if peer else "a client"
        await super()._client_connected(listener_name, _BoundedReader(reader, MAX_PACKET_BYTES, who), writer)

    # amqtt 0.12.1 matches every published message against every subscription filter in turn (with a
    # debug f-string each): O(subscriptions) per message, 3,000 filters with 1,000 devices. Devices
    # subscribe to exact topics, so an exact lookup plus the few wildcard filters finds the same set.
    async def add_subscription(self, subscription: tuple[str, int], session: Session) -> int:
        code = await super().add_subscription(subscription, session)
        if "+" in subscription[0] or "#" in subscription[0]:
            self._wildcards.add(subscription[0])
        return code

    def _matching_filters(self, topic: str) -> list[str]:
        found = [topic] if topic in self._subscriptions else []
        found += [f for f in self._wildcards if f in self._subscriptions and topic_matches(topic, f)]
        return found

    async def _run_broadcast(self, running_tasks: Any) -> None:
        broadcast = await self._broadcast_queue.get()
        topic, data = broadcast["topic"], broadcast["data"]
        for topic_filter in self._matching_filters(topic):
            for target, sub_qos in list(self._subscriptions.get(topic_filter, ())):
                qos = broadcast.get("qos", sub_qos)
                if not await self._topic_filtering(target, topic=topic, action=AmqttAction.RECEIVE):
                    continue
                connected = target.transitions.state == "connected"
                if not connected:
                    # MQTT 3.1.2.4: keep QoS 1/2 messages for a persistent session that is away
                    if not target.clean_session and qos in (1, 2) and not target.is_anonymous:
                        await self._retain_broadcast_message(broadcast, qos, target)
                    continue
                handler = self._get_handler(target)
                if handler is not None:
                    running_tasks.append(asyncio.ensure_future(handler.mqtt_publish(topic, data, qos, retain=False)))

    async def _publish_retained_messages_for_subscription(
        self, subscription: tuple[str, int], session: Session
    ) -> None:
        topic_filter = subscription[0]
        holders = self._subscriptions.get(topic_filter, [])
        if not any(holder is session for holder, _qos in holders):
            return  # amqtt replays retained messages to every new client, subscribed or not
        if "+" in topic_filter or "#" in topic_filter:
            await super()._publish_retained_messages_for_subscription(subscription, session)
            return
        retained = self._retained_messages.get(topic_filter)  # exact filter: one lookup, not a scan
        handler = self._get_handler(session)
        if retained is not None and handler is not None:
            qos = subscription[1] if retained.qos is None else min(subscription[1], retained.qos)
            await handler.mqtt_publish(retained.topic, retained.data, qos,
                                       retain=True)

    def _will_allowed(self, session: Session) -> bool:
        """May this session's last will be published: a topic name (no wildcard) its login may publish on."""
        topic = session.will_topic or ""
        if not topic or "+" in topic or "#" in topic or topic.startswith("$"):
            return False
        return self.credentials is None or self.policy.allowed(session.username, session.client_id, Action.PUBLISH,
                                                               topic)

    async def _handle_disconnect(self, client_session: Session, handler: BrokerProtocolHandler,
                                 disconnect_waiter: asyncio.Future[Any]) -> None:
        if client_session.will_flag and not self._will_allowed(client_session):  # refused at CONNECT: never here
            _LOGGER.warning("%s: its last will on %s is not allowed, dropped", quote(client_session.client_id or ""),
                            quote(client_session.will_topic or ""))
            client_session.will_flag = False
        await super()._handle_disconnect(client_session, handler, disconnect_waiter)

    async def _handle_subscription(self, client_session: Session, handler: BrokerProtocolHandler,
                                   subscribe_waiter: asyncio.Future[Any]) -> None:
        refused: list[str] = []
        self._refused_filters[id(client_session)] = refused
        try:
            await super()._handle_subscription(client_session, handler, subscribe_waiter)
        finally:
            del self._refused_filters[id(client_session)]
        if refused:
            shown = ", ".join(quote(f, 80) for f in refused[:REFUSALS_QUOTED])
            more = f" and {len(refused) - REFUSALS_QUOTED} more" if len(refused) > REFUSALS_QUOTED else ""
            _LOGGER.warning("refused %d subscription filter(s) of %s: %s%s", len(refused),
                            quote(client_session.client_id or ""), shown, more)

    async def _authenticate(self, session: Session, listener: Any) -> bool:
        if self.credentials is None:
            return True
        ok = self.credentials.check(session.username, session.password, session.client_id)
        if not ok:
            _LOGGER.warning("refused connection of %s (user %s): bad credentials", quote(session.client_id or ""),
                            quote(session.username or ""))
        return ok

    async def _topic_filtering(self, session: Session, topic: str, action: AmqttAction) -> bool:
        if self.credentials is None:
            return True
        allowed = self.policy.allowed(session.username, session.client_id, _ACTIONS[action], topic)
        if allowed or action == AmqttAction.RECEIVE:
            return allowed
        refused = self._refused_filters.get(id(session)) if action == AmqttAction.SUBSCRIBE else None
        if refused is not None:
            refused.append(topic)  # one line for the whole SUBSCRIBE (_handle_subscription)
        else:
            _LOGGER.warning("refused %s of %s by %s", _ACTIONS[action].value, quote(topic),
                            quote(session.client_id or ""))
        return allowed

    async def _initialize_client_session(self, reader: Any, writer: Any, remote_address: str,
                                         remote_port: int) -> tuple[BrokerProtocolHandler, Session]:
        """Read the CONNECT, authenticate it, and only then look its client id up (see the module's doc)."""
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                handler, session = await _GenieHandler.init_from_connect(reader, writer, self.plugins_manager)
        except (AMQTTError, MQTTError, NoDataError, TimeoutError, OSError) as exc:  # amqtt logs, closes, re-raises
            # OSError: a client gone mid-CONNECT (a reset) while amqtt answers it; not an error of ours
            if isinstance(exc, TimeoutError):
                exc = AMQTTError(f"no CONNECT within {CONNECT_TIMEOUT:g} s")
            _LOGGER.info("connection from %s:%s: no valid CONNECT (%s)", remote_address, remote_port, exc)
            if not isinstance(exc, NoDataError):
                await _close(writer)
            raise AMQTTError(exc) from exc
        if self.credentials is not None and session.client_id:
            session.client_id = session_client_id(session.username, session.client_id)
        if isinstance(reader, _BoundedReader):
            reader.who = quote(session.client_id or "")
        if not await self._authenticate(session, None):
            await self._refuse(writer, NOT_AUTHORIZED, session)
        if session.will_flag and not self._will_allowed(session):
            _LOGGER.warning("refused connection of %s (user %s): a last will on %s, where it may not publish",
                            quote(session.client_id or ""), quote(session.username or ""),
                            quote(session.will_topic or ""))
            await self._refuse(writer, NOT_AUTHORIZED, session)
        if not session.clean_session and session.username in PERSISTENT_REFUSED:
            _LOGGER.warning("refused connection of %s (user %s): a persistent session (clean session 0)",
                            quote(session.client_id or ""), quote(session.username or ""))
            await self._refuse(writer, IDENTIFIER_REJECTED, session)
        if session.username in PERSISTENT_REFUSED and not self._hold_text_slot(session):
            await self._refuse(writer, SERVER_UNAVAILABLE, session)
        client_id = session.client_id
        if client_id:
            lock, waiting = self._connecting.get(client_id, (asyncio.Lock(), 0))
            self._connecting[client_id] = (lock, waiting + 1)
            try:
                async with lock:
                    await self._close_previous(client_id)
                    task = asyncio.current_task()
                    if task is not None:
                        self._serving[client_id] = (task, writer)
                        task.add_done_callback(lambda done: self._forget(client_id, done))
            finally:
                lock, waiting = self._connecting[client_id]
                if waiting > 1:
                    self._connecting[client_id] = (lock, waiting - 1)
                else:
                    del self._connecting[client_id]
        return await self._lookup_session(handler, session)

    def _hold_text_slot(self, session: Session) -> bool:
        """Count this connection of a text login until its task ends; False (one log line) over the cap."""
        user = session.username or ""
        held = self._text_connections.get(user, 0)
        task = asyncio.current_task()
        if held >= MAX_TEXT_CONNECTIONS or task is None:
            _LOGGER.warning("refused connection of %s (user %s): %d connections of that login already",
                            quote(session.client_id or ""), quote(user), held)
            return False
        self._text_connections[user] = held + 1
        task.add_done_callback(lambda _done: self._release_text_slot(user))
        return True

    def _release_text_slot(self, user: str) -> None:
        held = self._text_connections.get(user, 0) - 1
        if held > 0:
            self._text_connections[user] = held
        else:
            self._text_connections.pop(user, None)

    @staticmethod
    async def _refuse(writer: WriterAdapter, code: int, session: Session) -> NoReturn:
        """Answer a CONNECT with CONNACK ``code`` and close; no session is touched. A client gone already
        (a reset right after its CONNECT, as a brute force does) is refused all the same, without a traceback."""
        with contextlib.suppress(OSError):
            await ConnackPacket.build(0, code).to_stream(writer)
        await _close(writer)
        raise AMQTTError(f"refused {session.client_id!r}")  # amqtt's caller logs it and lets the socket go

    async def _close_previous(self, client_id: str) -> None:
        """Close the live connection of ``client_id``, if any, and wait until its session has ended."""
        entry = self._serving.get(client_id)
        if entry is None or entry[0].done() or entry[0] is asyncio.current_task():
            return
        previous, writer = entry
        _LOGGER.info("%s: connected again, closing the previous connection", client_id)
        if not _abort(writer):  # a WebSocket listener: no transport to cut, close it
            with contextlib.suppress(Exception):  # already closing: the wait below is all there is to do
                await writer.close()
        done, _pending = await asyncio.wait({previous}, timeout=TAKEOVER_TIMEOUT)
        if not done:
            _LOGGER.warning("%s: the previous connection did not close within %gs", client_id, TAKEOVER_TIMEOUT)

    def _forget(self, client_id: str, task: asyncio.Task[Any]) -> None:
        if self._serving.get(client_id, (None, None))[0] is task:
            del self._serving[client_id]

    async def _lookup_session(self, handler: BrokerProtocolHandler,
                              session: Session) -> tuple[BrokerProtocolHandler, Session]:
        """amqtt 0.12.1's session lookup (Broker._initialize_client_session after reading the CONNECT),
        run once the CONNECT is authenticated and any previous connection of its id is closed."""
        if session.clean_session:
            if session.client_id:
                await self._delete_session(session.client_id)
            else:
                session.client_id = gen_client_id()
            session.parent = 0
        elif session.client_id in self._sessions:
            existing, _handler = self._sessions[session.client_id]
            for name in ("will_flag", "will_message", "will_topic", "will_qos", "keep_alive", "username",
                         "password"):
                setattr(existing, name, getattr(session, name))
            session = existing
            session.parent = 1
        else:
            session.parent = 0
        delay = self.config.get("timeout-disconnect-delay", 0)
        if session.keep_alive > 0:
            session.keep_alive = math.ceil(session.keep_alive * KEEPALIVE_FACTOR) + (delay if isinstance(delay, int)
                                                                                     else 0)
        return handler, session


async def _close(writer: WriterAdapter) -> None:
    """Close a client's connection, also when its peer is gone already (amqtt's close then stops half-way)."""
    try:
        await writer.close()
    except OSError:
        _abort(writer)


def _abort(writer: Any) -> bool:
    """Cut a client's TCP connection (amqtt's writer adapter) at once, as if its network went: its reader
    ends and its will fires. False if it is not a TCP stream."""
    stream = getattr(writer, "_writer", None)
    transport = getattr(stream, "transport", None)
    if transport is None:
        return False
    transport.abort()
    return True


def default_config_path() -> Path | None:
    """``$GENIE_BROKER_CONF``, else ./broker.conf, else the broker.conf beside the source tree."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    for candidate in (Path.cwd() / "broker.conf", Path(__file__).resolve().parent.parent / "broker.conf"):
        if candidate.is_file():
            return candidate
    return None


BUILTIN_CONFIG: dict[str, Any] = {
    "listeners": {"default": {"type": "tcp", "bind": f"{DEFAULT_HOST}:{DEFAULT_PORT}"}},
    "genie": {"allow_anonymous": False},
    "plugins": {},
}


def load_config(path: Path | None, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """Read broker.conf at ``path`` (built-in defaults if None) and apply host/port overrides."""
    if path is None:
        config: Any = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BUILTIN_CONFIG.items()}
        config["listeners"] = {"default": dict(BUILTIN_CONFIG["listeners"]["default"])}
        config["genie"] = dict(BUILTIN_CONFIG["genie"])
    else:
        try:
            config = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BrokerConfigError(f"broker config {path}: cannot read it ({exc.strerror})") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark else ""
            raise BrokerConfigError(f"broker config {path}{where}: not valid YAML") from None
    where = str(path) if path else "built-in broker config"
    if not isinstance(config, dict):
        raise BrokerConfigError(f"{where}: expected a mapping with a 'listeners' section")
    listeners = config.get("listeners")
    if not isinstance(listeners, dict) or not isinstance(listeners.get("default"), dict):
        raise BrokerConfigError(f"{where}: 'listeners.default' is required (a mapping with type and bind)")
    default = listeners["default"]
    if default.setdefault("type", "tcp") not in ("tcp", "ws"):
        raise BrokerConfigError(f"{where}: listeners.default.type must be tcp or ws, got {default['type']!r}")
    bind_host, bind_port = _split_bind(str(default.get("bind", f"{DEFAULT_HOST}:{DEFAULT_PORT}")), where)
    if host is not None:
        bind_host = host
    if port is not None:
        if not 0 <= port <= 65535:
            raise BrokerConfigError(f"port must be 0-65535, got {port}")
        bind_port = port
    default["bind"] = f"[{bind_host}]:{bind_port}" if ":" in bind_host else f"{bind_host}:{bind_port}"
    plugins = config.get("plugins")
    if plugins is not None and not isinstance(plugins, dict):
        raise BrokerConfigError(f"{where}: 'plugins' must be a mapping of plugin name to its settings")
    genie = config.setdefault("genie", {})
    if not isinstance(genie, dict) or not isinstance(genie.setdefault("allow_anonymous", False), bool):
        raise BrokerConfigError(f"{where}: 'genie.allow_anonymous' must be true or false")
    unknown = set(genie) - {"allow_anonymous"}
    if unknown:
        raise BrokerConfigError(f"{where}: unknown setting genie.{sorted(unknown)[0]}")
    return config


def allows_anonymous(config: dict[str, Any]) -> bool:
    """True if the broker config lets clients in without credentials."""
    return bool(config.get("genie", {}).get("allow_anonymous", False))


def _split_bind(bind: str, where: str) -> tuple[str, int]:
    host, sep, port_text = bind.rpartition(":")
    if not sep:
        raise BrokerConfigError(f"{where}: listeners.default.bind must be HOST:PORT, got {bind!r}")
    try:
        port = int(port_text)
    except ValueError:
        raise BrokerConfigError(f"{where}: listeners.default.bind port must be a number, got {bind!r}") from None
    return host.strip("[]") or DEFAULT_HOST, port


class EmbeddedBroker:
    """Runs the embedded broker in the current event loop: ``async with EmbeddedBroker(...) as b``."""

    def __init__(self, config: dict[str, Any], *, credentials: Credentials | None = None) -> None:
        self._config = config
        self.credentials = credentials
        self._broker: GenieBroker | None = None
        self.host, self.port = _split_bind(config["listeners"]["default"]["bind"], "broker config")

    @property
    def url(self) -> str:
        """The broker's URL, with the port actually bound (also when 0 was asked for)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"mqtt://{host}:{self.port}"

    async def start(self) -> None:
        """Bind and serve; raise BrokerStartError with one clear line if that fails."""
        _check_bindable(self.host, self.port)
        amqtt_config = {k: v for k, v in self._config.items() if k != "genie"}
        try:
            broker = GenieBroker(amqtt_config, credentials=self.credentials)
        except Exception as exc:  # amqtt raises dacite/plugin errors of many types for bad config
            raise BrokerConfigError(f"broker config rejected by amqtt: {exc}") from None
        amqtt_logger = logging.getLogger("amqtt")
        level = amqtt_logger.level
        amqtt_logger.setLevel(max(level, logging.CRITICAL))  # amqtt logs a traceback before raising
        try:
            await broker.start()
        except Exception as exc:
            raise BrokerStartError(f"cannot start the MQTT broker on {self.host}:{self.port}: {exc}") from None
        finally:
            amqtt_logger.setLevel(level)
        self._broker = broker
        server = broker._servers.get("default")
        sockets = getattr(getattr(server, "instance", None), "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        _LOGGER.info("embedded broker listening on %s", self.url)

    async def stop(self) -> None:
        """Close the listener and every client connection, then shut amqtt down.

        amqtt's own shutdown can wait forever on a session's in-flight messages when many clients are
        connected (seen with a home of 19 devices), so connections are cut first, as a process exit would.
        """
        if self._broker is not None:
            broker, self._broker = self._broker, None
            for server in broker._servers.values():
                instance = getattr(server, "instance", None)
                if instance is not None:
                    instance.close()
            for _session, handler in list(broker._sessions.values()):
                _abort(getattr(handler, "writer", None))
            try:
                await asyncio.wait_for(broker.shutdown(), timeout=5)
            except (TimeoutError, Exception) as exc:  # shutting down: report, never mask the caller's error
                _LOGGER.warning("broker shutdown: %s", exc)

    async def __aenter__(self) -> EmbeddedBroker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def _check_bindable(host: str, port: int) -> None:
    """Fail early, with one line, when the address cannot be bound (amqtt's own error is a traceback)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise BrokerStartError(
                    f"port {port} on {host} is already in use: is another broker running? "
                    f"Use --port N (or --broker URL to use that broker)"
                ) from None
            raise BrokerStartError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
