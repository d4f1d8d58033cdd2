"""One MQTT session carrying the hubs of many homes: each ``Hub`` gets a ``Connection`` view of it.

A shard serves thousands of homes; a session per home would cost a connection, its keepalive and its
subscriptions each. Instead the shard's one session subscribes to every home's hub topics at once (seven
wildcard filters, ``genie/home/+/...``), and ``SharedSession.dispatch`` hands each message to the view of the
home whose tree it is under — or drops it, for a home another shard serves. A view behaves as a session of its
own to the hub on it: ``messages()`` ends with ConnectionError when the shared session drops (the hub then
waits for it to come back, as it would reconnect), and ``abort()`` publishes the view's will.

What a view cannot have is a last will of its own at the broker: if the whole process dies, its homes'
retained ``hub/status`` keeps saying online until the shard that takes each home over says so again
(docs/shards.md, Wills).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Self

from hub.protocol import DeviceTopic, Topics, topic_matches
from hub.protocol.mqtt import Connection, Inbound, Will
from hub.protocol.topics import HOMES_LEVEL

_LOGGER = logging.getLogger(__name__)

SESSION_DOWN = "the shard's MQTT session is down"
_ANY_HOME = "x"
"""A placeholder home id, replaced by ``+`` in the filters built from a home's own topics."""


def home_filters(topics: Topics) -> list[str]:
    """The filters a home's hub subscribes to, for every home of ``topics`` at once (``+`` for the home)."""
    one = topics.home(_ANY_HOME)
    level = len(topics.prefix.split("/")) + 1
    own = [one.all_devices(kind) for kind in DeviceTopic if kind is not DeviceTopic.REQUEST]
    own += [one.command, one.hub_status]
    filters = []
    for topic_filter in own:
        levels = topic_filter.split("/")
        levels[level] = "+"
        filters.append("/".join(levels))
    return filters


class SharedSession:
    """The shard's session as the homes' hubs see it; ``attach`` a live connection, ``dispatch`` what it
    receives, ``detach`` when it drops."""

    def __init__(self, topics: Topics | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.topics = topics or Topics()
        self.clock = clock
        self._head = f"{self.topics.prefix}/{HOMES_LEVEL}/"
        self.filters = home_filters(self.topics)
        self._extra: list[str] = []
        """Filters a hub asked for beyond ``filters`` (subscribed as they come, again on every attach)."""
        self._views: dict[str, HomeView] = {}
        self._conn: Connection | None = None
        self._up = asyncio.Event()
        self.dropped = 0
        """Messages for homes no hub here serves (another shard's)."""

    @property
    def connection(self) -> Connection | None:
        """The live connection, or None while the session is down."""
        return self._conn

    async def attach(self, conn: Connection) -> None:
        """A live connection: subscribe the homes' filters on it, then let the views use it."""
        await conn.subscribe(*self.filters, *self._extra)
        self._conn = conn
        self._up.set()

    def detach(self) -> None:
        """The connection is gone: every view's ``messages()`` ends, as its own session's would."""
        self._conn = None
        self._up.clear()
        for view in list(self._views.values()):
            view.lost()

    def home_of(self, topic: str) -> str | None:
        """The home whose tree ``topic`` is under, or None."""
        if not topic.startswith(self._head):
            return None
        return topic[len(self._head):].split("/", 1)[0]

    def dispatch(self, message: Inbound) -> bool:
        """Hand ``message`` to its home's view; False (and counted) when no hub here serves that home."""
        home = self.home_of(message.topic)
        view = self._views.get(home) if home is not None else None
        if view is None or not view.wants(message.topic):
            self.dropped += 1
            return False
        view.queue.put_nowait(message)
        view.heard_at = self.clock()
        return True

    def heard_at(self, home: str) -> float | None:
        """When (``clock``) a message for ``home``'s hub was last handed to it; None if none yet (or no hub)."""
        view = self._views.get(home)
        return view.heard_at if view is not None else None

    def connector(self, home_id: str) -> Callable[[str, Will | None], HomeView]:
        """What a home's ``Hub`` takes as ``connect``: a view of this session for home ``home_id``."""
        tree = self.topics.home(home_id)
        return lambda client_id, will: HomeView(self, home_id, tree, client_id, will)

    def serving(self) -> list[str]:
        """The homes with a view open now."""
        return sorted(self._views)

    # --- for the views -------------------------------------------------------------------------
    def _open(self, view: HomeView) -> None:
        old = self._views.get(view.home)
        self._views[view.home] = view
        if old is not None and old is not view:
            old.lost()

    def _close(self, view: HomeView) -> None:
        if self._views.get(view.home) is view:
            del self._views[view.home]

    async def _subscribe(self, filters: tuple[str, ...]) -> None:
        new = [f for f in filters
               if not any(topic_matches(f, shared) for shared in (*self.filters, *self._extra))]
        if not new:
            return
        self._extra.extend(new)
        conn = self._conn
        if conn is None:
            raise ConnectionError(SESSION_DOWN)
        await conn.subscribe(*new)


class HomeView:
    """One home's hub's session: a view of the shard's shared session (``Connection``)."""

    def __init__(self, session: SharedSession, home: str, topics: Topics, client_id: str,
                 will: Will | None) -> None:
        self.session = session
        self.home = home
        self.client_id = f"{home}.{client_id}"
        self.will = will
        self._tree = f"{topics.prefix}/"
        self.filters: list[str] = []
        self.queue: asyncio.Queue[Inbound | None] = asyncio.Queue()
        self.heard_at: float | None = None
        """When the last message for this hub came (the shard's clock)."""
        self._open = False

    async def __aenter__(self) -> Self:
        await self.session._up.wait()  # a hub "reconnecting" waits for the shard's session to be back
        self._open = True
        self.session._open(self)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._open = False
        self.session._close(self)

    def lost(self) -> None:
        """The shared session dropped (or a newer view took the home): ``messages()`` ends."""
        self._open = False
        self.queue.put_nowait(None)

    def wants(self, topic: str) -> bool:
        """Is ``topic`` one of this hub's subscriptions?"""
        return any(topic_matches(topic, f) for f in self.filters)

    def _check(self, topic: str) -> None:
        if not topic.startswith(self._tree):
            raise ValueError(f"{self.client_id}: {topic!r} is outside home {self.home}'s topics")

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Publish on the shared session (only within this home's tree)."""
        self._check(topic)
        conn = self.session.connection
        if conn is None or not self._open:
            raise ConnectionError(SESSION_DOWN)
        await conn.publish(topic, payload, qos=qos, retain=retain)

    async def subscribe(self, *filters: str) -> None:
        """Add filters within this home's tree (the shared session already has the hub's own)."""
        for topic_filter in filters:
            self._check(topic_filter)
        self.filters.extend(f for f in filters if f not in self.filters)
        await self.session._subscribe(filters)

    async def messages(self) -> AsyncIterator[Inbound]:
        """This home's messages, in order; ConnectionError when the shared session drops."""
        while True:
            message = await self.queue.get()
            if message is None:
                raise ConnectionError(f"{self.client_id}: {SESSION_DOWN}")
            yield message

    async def abort(self) -> None:
        """As a power cut would: the will goes out (on the shared session) and the view closes."""
        conn = self.session.connection
        if self.will is not None and conn is not None:
            try:
                await conn.publish(self.will.topic, self.will.payload, qos=self.will.qos, retain=self.will.retain)
            except ConnectionError as exc:
                _LOGGER.debug("%s: will not sent: %s", self.client_id, exc)
        self.session._close(self)
        self.lost()
