"""One shard: its MQTT session, the members it hears, and the homes it takes and lets go (docs/shards.md).

The rules, each shard applying them to its own view of the members:

- a home belongs to ``assign.owner(home, live shards)``;
- a shard that (re)connects first listens for ``settle`` seconds (the others answer its first beat at once),
  then takes the homes it owns;
- a home it no longer owns (a newcomer wins it) is let go at once: its hub says offline, its database is closed
  and its lock released;
- a home it now owns is taken at once when its previous owner is gone (a will, or beats stopped), after
  ``grace`` seconds when that owner is alive and letting go; and never before its lock is free; at most
  ``start_rate`` hubs start per second, and at most ``window`` hubs are warming up at once (thousands of homes
  are taken in waves: each hub's discovery makes every device of its home answer, three messages each, all on
  the shard's one session). A hub is warming up from its start until it has heard something and then nothing
  for ``quiet`` seconds (its devices have answered), or for ``WARM_MAX`` seconds at most: when the broker or the
  devices fall behind, answers come later, hubs stay warming longer and fewer start - the pace follows what the
  whole path can carry instead of a fixed rate;
- a shard whose beat the broker does not acknowledge within twice ``expiry`` (cut off) lets every home go and
  starts over, as it does when its session drops: by then the others have taken its homes;
- silence is counted on the shard's own inbound timeline (``membership``): a shard that hears everything late
  does not take the others for dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.automation.models import Automations
from hub.protocol import ProtocolError, Topics
from hub.protocol.mqtt import Backoff, Connection, Will
from hub.service import REQUEST_TIMEOUT, Connector, Hub
from hub.shards.access import shard_login
from hub.shards.assign import owner
from hub.shards.membership import DEFAULT_EXPIRY, Membership
from hub.shards.mux import SharedSession
from hub.shards.places import HomeLock, Places
from hub.shards.wire import Beat, decode_beat, homes_digest, shard_of, shard_topic, shards_filter, validate_shard_id
from hub.store import Store, StoreError

_LOGGER = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.0
DEFAULT_GRACE = 1.0
TICK = 0.1
"""Seconds between two looks at pending homes (a lock still held, a grace not over)."""
START_RATE = 100.0
"""Hubs started per second, at most (a burst of as many): 100 homes of 10 devices is ~3,000 answers a second."""
WINDOW = 100
"""Hubs warming up at once, at most (``window``)."""
QUIET = 1.0
"""Seconds without a message after which a started hub has heard its devices' answers (warm)."""
WARM_MAX = 30.0
"""Seconds after which a started hub counts as warm whatever it hears (a chatty home is not waited for)."""
RETRY_FAILED = 5.0
"""Seconds before a home whose hub could not start (its database unusable) is tried again."""

Event = Callable[[dict[str, Any]], None]


def shard_client_id(shard_id: str) -> str:
    """The client id (and login) of shard ``shard_id``."""
    return shard_login(validate_shard_id(shard_id))


@dataclass
class Served:
    """A home this shard serves now."""

    hub: Hub
    task: asyncio.Task[None]
    store: Store
    lock: HomeLock
    since: float


class Shard:
    """A hub process's share of the homes; ``run()`` until cancelled."""

    def __init__(self, shard_id: str, connect: Connector, homes: Mapping[str, Automations | None],
                 data_dir: Path, *, topics: Topics | None = None, interval: float = DEFAULT_INTERVAL,
                 expiry: float = DEFAULT_EXPIRY, grace: float = DEFAULT_GRACE, settle: float | None = None,
                 request_timeout: float = REQUEST_TIMEOUT, start_rate: float = START_RATE,
                 window: int = WINDOW, quiet: float = QUIET, on_event: Event | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.id = validate_shard_id(shard_id)
        self.homes = dict(homes)
        self.topics = topics or Topics()
        self.places = Places(data_dir)
        self.interval, self.expiry, self.grace = interval, expiry, grace
        self.settle = settle if settle is not None else 1.5 * interval
        self.request_timeout = request_timeout
        self.start_rate = start_rate
        self.window, self.quiet = window, quiet
        self._budget = start_rate
        self._budget_at = clock()
        self.clock = clock
        self.session = SharedSession(self.topics, clock)
        self.run_id = secrets.token_hex(8)
        self.membership = Membership(self.id, run=self.run_id, expiry=expiry, clock=clock)
        self.served: dict[str, Served] = {}
        self.pending: dict[str, float] = {}
        """Homes this shard owns and has not taken yet: when it may take each."""
        self.warming: dict[str, float] = {}
        """Homes whose hubs are warming up (their devices still answering): when each started."""
        self.digest = homes_digest(self.homes)
        self.connections = 0
        self.changed = asyncio.Event()
        """Set whenever the members may have changed (the shard looks again at once)."""
        self._connect = connect
        self._on_event = on_event
        self._conn: Connection | None = None
        self._view: tuple[str, ...] | None = None
        self._joined = 0.0
        self._seq = 0

    # ------------------------------------------------------------------ life
    async def run(self, backoff: Backoff | None = None) -> None:
        """Serve until cancelled; reconnect (as a newcomer, every home let go) when the session drops. A first
        connection that fails raises its ConnectionError (a wrong URL or login is said at once)."""
        backoff = backoff or Backoff(maximum=2.0)
        while True:
            try:
                await self._session(backoff)
            except ConnectionError as exc:
                if self.connections == 0:
                    raise
                if backoff.attempt == 0:  # the session dropped (said once, not at every failed retry)
                    self._emit("lost", reason=str(exc))
                    _LOGGER.warning("shard %s: %s; reconnecting", self.id, exc)
                else:
                    _LOGGER.debug("shard %s: %s; reconnecting", self.id, exc)
            await asyncio.sleep(backoff.next())

    async def _session(self, backoff: Backoff) -> None:
        will = Will(shard_topic(self.topics, self.id), self._beat(alive=False).encode(), retain=False)
        async with self._connect(shard_client_id(self.id), will) as conn:
            self.membership = Membership(self.id, run=self.run_id, expiry=self.expiry, clock=self.clock)
            self._view, self._joined = None, self.clock()
            ticker: asyncio.Task[None] | None = None
            try:
                await conn.subscribe(shards_filter(self.topics))
                await self.session.attach(conn)
                self._conn = conn
                await self._send_beat()
                self.connections += 1
                backoff.reset()
                self._emit("connected", members=self.membership.live())
                ticker = asyncio.get_running_loop().create_task(self._tick(conn), name=f"shard[{self.id}].tick")
                ticker.add_done_callback(functools.partial(self._tick_ended, conn))
                async for message in conn.messages():
                    if shard_of(self.topics, message.topic) is not None:
                        self._on_beat(message.payload)
                    else:
                        self.session.dispatch(message)
            except asyncio.CancelledError:
                if ticker is not None:
                    ticker.cancel()
                await self._release(list(self.served))  # each hub says offline while the session is up
                with contextlib.suppress(TimeoutError, ConnectionError):
                    async with asyncio.timeout(2):
                        await conn.publish(shard_topic(self.topics, self.id), self._beat(alive=False).encode())
                raise
            finally:
                if ticker is not None:
                    ticker.cancel()
                    await asyncio.gather(ticker, return_exceptions=True)
                self._conn = None
                self.session.detach()
                self.pending.clear()
                await self._release(list(self.served))

    def _beat(self, *, alive: bool = True) -> Beat:
        return Beat(shard=self.id, alive=alive, seq=self._seq, run=self.run_id, homes=len(self.homes),
                    digest=self.digest, owned=len(self.served), interval=self.interval)

    async def _send_beat(self) -> None:
        conn = self._conn
        if conn is None:
            return
        beat = self._beat()
        self._seq += 1
        self.membership.sent(beat.seq)
        await conn.publish(shard_topic(self.topics, self.id), beat.encode())

    def _on_beat(self, payload: bytes) -> None:
        try:
            beat = decode_beat(payload)
        except ProtocolError as exc:
            _LOGGER.warning("shard %s: dropped a malformed beat: %s", self.id, exc.reason)
            return
        if self.membership.heard(beat):
            if beat.digest != self.digest:
                self._emit("mismatch", shard=beat.shard, digest=beat.digest, own=self.digest)
            task = asyncio.get_running_loop().create_task(self._send_beat())  # let the newcomer know us now
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
        self.changed.set()

    async def _tick(self, conn: Connection) -> None:
        """Beat every ``interval``; drop silent members; follow the members with the homes."""
        next_beat = self.clock() + self.interval
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(TICK):
                    await self.changed.wait()
            self.changed.clear()
            now = self.clock()
            if now >= next_beat:
                next_beat = now + self.interval
                try:
                    async with asyncio.timeout(2 * self.expiry):
                        await self._send_beat()
                except TimeoutError:  # the broker has not taken our beat: the others have dropped us
                    self._emit("cut_off")
                    await conn.abort()  # the session ends: every home is let go, and the shard starts over
                    return
            for shard in self.membership.expire():
                self._emit("expired", shard=shard)
            if now - self._joined >= self.settle:
                await self._follow(now)

    def _tick_ended(self, conn: Connection, task: asyncio.Task[None]) -> None:
        """The beats stopped on an error (a publish refused, a bug): end the session, so that no home is served
        by a shard the others no longer hear; it starts over."""
        if task.cancelled() or task.exception() is None:
            return
        _LOGGER.warning("shard %s: heartbeats stopped (%s); starting over", self.id, task.exception())
        ending = asyncio.get_running_loop().create_task(conn.abort())
        ending.add_done_callback(lambda t: t.cancelled() or t.exception())

    # ------------------------------------------------------------------ homes
    async def _follow(self, now: float) -> None:
        """Take and let go of homes as the members say."""
        live = tuple(self.membership.live())
        if live != self._view:
            previous, self._view = self._view, live
            wanted = {home for home in self.homes if owner(home, live) == self.id}
            leaving = [home for home in self.served if home not in wanted]
            for home in [h for h in self.pending if h not in wanted]:
                del self.pending[home]
            for home in wanted:
                if home in self.served or home in self.pending:
                    continue
                before = owner(home, previous) if previous is not None else None
                alive = before is not None and before != self.id and before in live
                self.pending[home] = now + self.grace if alive else now
            self._emit("members", members=list(live), owned=len(wanted))
            if leaving:
                await self._release(leaving)
                self._emit("released", homes=sorted(leaving))
        self._budget = min(self.start_rate, self._budget + (now - self._budget_at) * self.start_rate)
        self._budget_at = now
        self._warmed(now)
        due = sorted(home for home, at in self.pending.items() if at <= now)
        taken: list[str] = []
        for home in due:
            if self._budget < 1 or len(self.warming) >= self.window:
                break
            if self._take(home, now):
                taken.append(home)
                self._budget -= 1
        if taken:
            self._emit("took", homes=taken, warming=len(self.warming))

    def _take(self, home: str, now: float) -> bool:
        """Start home ``home``'s hub if its lock is free (else it stays pending); True when started."""
        lock = self.places.try_lock(home)
        if lock is None:
            return False
        del self.pending[home]
        try:
            store = Store(self.places.db(home))
        except StoreError as exc:
            lock.release()
            self.pending[home] = now + RETRY_FAILED
            self._emit("failed", home=home, reason=str(exc))
            return False
        hub = Hub(self.session.connector(home), store=store, topics=self.topics.home(home),
                  request_timeout=self.request_timeout, automations=self.homes[home])
        task = asyncio.get_running_loop().create_task(hub.run(), name=f"shard[{self.id}].hub[{home}]")
        self.served[home] = Served(hub, task, store, lock, now)
        self.warming[home] = now
        task.add_done_callback(functools.partial(self._hub_ended, home))
        return True

    def _warmed(self, now: float) -> None:
        """Drop from ``warming`` the hubs that are warm now (or gone), and say which."""
        warm = []
        for home, since in list(self.warming.items()):
            heard = self.session.heard_at(home)
            if home not in self.served or now - since >= WARM_MAX or (heard is not None and now - heard >= self.quiet):
                del self.warming[home]
                warm.append(home)
        if warm:
            self._emit("warm", homes=warm, warming=len(self.warming))

    def _hub_ended(self, home: str, task: asyncio.Task[None]) -> None:
        """A hub stopped without being let go (a bug): free the home and try it again later."""
        served = self.served.get(home)
        if served is None or served.task is not task or task.cancelled():
            return
        _LOGGER.error("shard %s: the hub of %s stopped: %r", self.id, home, task.exception())
        del self.served[home]
        served.store.close()
        served.lock.release()
        self.pending[home] = self.clock() + RETRY_FAILED

    async def _release(self, homes: list[str]) -> None:
        """Let go of ``homes``: stop each hub (it says offline), close its database, release its lock."""
        leaving = [self.served.pop(home) for home in homes if home in self.served]
        for home in homes:
            self.warming.pop(home, None)
        for served in leaving:
            served.task.cancel()
        await asyncio.gather(*(s.task for s in leaving), return_exceptions=True)
        for served in leaving:
            try:
                served.store.close()
            finally:
                served.lock.release()

    def owner_of(self, home: str) -> str | None:
        """Who owns ``home`` in this shard's view of the members."""
        return owner(home, self.membership.live())

    def _emit(self, event: str, **fields: Any) -> None:
        if self._on_event is not None:
            try:
                self._on_event({"event": event, "shard": self.id, **fields})
            except Exception:
                _LOGGER.exception("shard event listener failed")
