"""``GenieBroker``: amqtt's Broker with our retained-delivery, keepalive, access-control and session fixes.

The package's docstring (``hub.broker``) lists each fix and why; the guards on one connection's packets are
in ``hub.broker.packets``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
from typing import Any, NoReturn

from amqtt.adapters import ReaderAdapter, WriterAdapter
from amqtt.broker import Action as AmqttAction
from amqtt.broker import Broker
from amqtt.errors import AMQTTError, MQTTError, NoDataError
from amqtt.mqtt.connack import IDENTIFIER_REJECTED, NOT_AUTHORIZED, SERVER_UNAVAILABLE, ConnackPacket
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.session import Session
from amqtt.utils import gen_client_id

from hub.broker.packets import BoundedReader, GenieHandler, abort_writer, close_writer
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
    split_login,
)

_LOGGER = logging.getLogger("hub.broker")  # one log for the whole broker: its operators filter on it

TAKEOVER_TIMEOUT = 5.0
"""Seconds an accepted CONNECT waits for the connection it replaces to close (it takes milliseconds)."""

KEEPALIVE_FACTOR = 1.5
"""MQTT 3.1.1 §3.1.2.10: the server drops a client silent for one and a half keepalive periods."""

CONNECT_TIMEOUT = 10.0
"""Seconds a new connection has to send its CONNECT before it is closed."""

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
        """The refused filters of the SUBSCRIBE each session (by id()) is being answered."""
        self._text_connections: dict[str, int] = {}
        """Connections each text login (PERSISTENT_REFUSED) holds now, accepted or being accepted."""
        self._closing: set[asyncio.Task[None]] = set()
        """Connections being closed for an expired keepalive (``GenieHandler``); awaited at shutdown."""
        self._replays: dict[int, set[asyncio.Future[Any]]] = {}
        """Retained messages being replayed at QoS 1 or 2, by connection (id() of its handler)."""

    async def shutdown(self) -> None:
        """amqtt's shutdown; then the connections still being closed for an expired keepalive are awaited."""
        try:
            await super().shutdown()
        finally:
            replays = [task for tasks in self._replays.values() for task in tasks]
            for task in [*self._closing, *replays]:
                task.cancel()
            await asyncio.gather(*self._closing, *replays, return_exceptions=True)

    async def _client_connected(self, listener_name: str, reader: ReaderAdapter, writer: WriterAdapter) -> None:
        peer = writer.get_peer_info()
        who = f"{peer[0]}:{peer[1]}" if peer else "a client"
        await super()._client_connected(listener_name, BoundedReader(reader, MAX_PACKET_BYTES, who), writer)

    # amqtt 0.12.1 matches every published message against every subscription filter in turn (with a
    # debug f-string each): O(subscriptions) per message, 3,000 filters with 1,000 devices. Devices
    # subscribe to exact topics, so an exact lookup plus the few wildcard filters finds the same set.
    async def add_subscription(self, subscription: tuple[str, int], session: Session) -> int:
        """amqtt's subscription, with a wildcard filter also noted for ``_matching_filters``."""
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
        """Replay the retained messages ``subscription`` matches to ``session`` alone, each at the lower of the
        subscription's QoS and its own: QoS 0 written at once, QoS 1 and 2 awaited in tasks of that connection
        (``_replays``), so a client that stops answering never holds its client id (issue 20, item 5)."""
        topic_filter, sub_qos = subscription
        holders = self._subscriptions.get(topic_filter, [])
        if not any(holder is session for holder, _qos in holders):
            return  # amqtt replays retained messages to every new client, subscribed or not
        handler = self._get_handler(session)
        if handler is None or handler.session is not session:
            return  # that client id is another connection's now
        if "+" in topic_filter or "#" in topic_filter:
            found = [r for topic, r in list(self._retained_messages.items()) if topic_matches(topic, topic_filter)]
        else:  # exact filter: one lookup, not a scan
            exact = self._retained_messages.get(topic_filter)
            found = [exact] if exact is not None else []
        key = id(handler)
        for retained in found:
            # amqtt 0.12.1 takes ``retained.qos or qos``: a QoS 0 message went out at the subscription's QoS
            qos = sub_qos if retained.qos is None else min(sub_qos, retained.qos)
            if qos == 0:
                await handler.mqtt_publish(retained.topic, retained.data, 0, retain=True)
                continue
            task = asyncio.ensure_future(handler.mqtt_publish(retained.topic, retained.data, qos, retain=True))
            self._replays.setdefault(key, set()).add(task)
            task.add_done_callback(functools.partial(self._replayed, key))

    def _replayed(self, key: int, task: asyncio.Future[Any]) -> None:
        """One retained message replayed at QoS 1 or 2 (or given up: its client went or never acknowledged)."""
        replays = self._replays.get(key)
        if replays is not None:
            replays.discard(task)
            if not replays:
                del self._replays[key]
        if not task.cancelled() and task.exception() is not None:
            _LOGGER.info("a retained message was not acknowledged: %s", task.exception())

    def _cancel_replays(self, handler: BrokerProtocolHandler) -> None:
        for task in self._replays.pop(id(handler), set()):
            task.cancel()

    def _will_allowed(self, session: Session) -> bool:
        """May this session's last will be published: a topic name (no wildcard) its login may publish on."""
        topic = session.will_topic or ""
        if not topic or "+" in topic or "#" in topic or topic.startswith("$"):
            return False
        return self.credentials is None or self.policy.allowed(session.username, session.client_id, Action.PUBLISH,
                                                               topic)

    async def _handle_disconnect(self, client_session: Session, handler: BrokerProtocolHandler,
                                 disconnect_waiter: asyncio.Future[Any]) -> None:
        self._cancel_replays(handler)
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
                handler, session = await GenieHandler.init_from_connect(reader, writer, self.plugins_manager)
        except (AMQTTError, MQTTError, NoDataError, TimeoutError, OSError) as exc:  # amqtt logs, closes, re-raises
            # OSError: a client gone mid-CONNECT (a reset) while amqtt answers it; not an error of ours
            if isinstance(exc, TimeoutError):
                exc = AMQTTError(f"no CONNECT within {CONNECT_TIMEOUT:g} s")
            _LOGGER.info("connection from %s:%s: no valid CONNECT (%s)", remote_address, remote_port, exc)
            if not isinstance(exc, NoDataError):
                await close_writer(writer)
            raise AMQTTError(exc) from exc
        if isinstance(handler, GenieHandler):
            handler.closing = self._closing
        if self.credentials is not None and session.client_id:
            session.client_id = session_client_id(session.username, session.client_id)
        if isinstance(reader, BoundedReader):
            reader.who = quote(session.client_id or "")
        if not await self._authenticate(session, None):
            await self._refuse(writer, NOT_AUTHORIZED, session)
        if session.will_flag and not self._will_allowed(session):
            _LOGGER.warning("refused connection of %s (user %s): a last will on %s, where it may not publish",
                            quote(session.client_id or ""), quote(session.username or ""),
                            quote(session.will_topic or ""))
            await self._refuse(writer, NOT_AUTHORIZED, session)
        text_login = split_login(session.username)[1] in PERSISTENT_REFUSED  # a home's text logins too
        if not session.clean_session and text_login:
            _LOGGER.warning("refused connection of %s (user %s): a persistent session (clean session 0)",
                            quote(session.client_id or ""), quote(session.username or ""))
            await self._refuse(writer, IDENTIFIER_REJECTED, session)
        if text_login and not self._hold_text_slot(session):
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
        await close_writer(writer)
        raise AMQTTError(f"refused {session.client_id!r}")  # amqtt's caller logs it and lets the socket go

    async def _close_previous(self, client_id: str) -> None:
        """Close the live connection of ``client_id``, if any, and wait until its session has ended."""
        entry = self._serving.get(client_id)
        if entry is None or entry[0].done() or entry[0] is asyncio.current_task():
            return
        previous, writer = entry
        _LOGGER.info("%s: connected again, closing the previous connection", client_id)
        if not abort_writer(writer):  # a WebSocket listener: no transport to cut, close it
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
