"""The hub: one MQTT session that discovers devices, tracks them, and serves text commands."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol, cast

from hub.automation.engine import Automation
from hub.automation.models import Automations
from hub.clock import Clock, RealClock
from hub.conversation import DEFAULT_SESSION, Speaker
from hub.conversation.redact import hidden, hide
from hub.conversation.turn import Conversation
from hub.directives import NOT_CONNECTED, Directives
from hub.directory import Directory
from hub.language import Lang
from hub.nlu import load_lexicon
from hub.protocol import (
    Announcement,
    AnnouncePayload,
    CommandResult,
    DeviceTopic,
    DiscoveryRequest,
    ErrorResponse,
    HubRequest,
    HubStatus,
    ProtocolError,
    Request,
    Response,
    Topics,
    decode,
    encode,
    topic_matches,
)
from hub.protocol.codec import clip
from hub.protocol.mqtt import Backoff, Connection, Will
from hub.requests import remove_device, reset_home, serve
from hub.store import Store, StoreError

_LOGGER = logging.getLogger(__name__)

HUB_ID = "genie-hub"
REQUEST_TIMEOUT = 3.0
"""Seconds a device has to answer a directive before the hub says it is offline."""

try:
    VERSION = version("genie-sim")
except PackageNotFoundError:  # running from a source tree that is not installed
    VERSION = "0.0.0"

Connector = Callable[[str, Will | None], Connection]

class Extension(Protocol):
    """Something that rides on the hub's MQTT session (the Home Assistant bridge, Hermes NLU…)."""

    filters: tuple[str, ...]
    """Topic filters it wants; the hub subscribes to them and hands it every matching message."""

    async def on_connect(self, hub: Hub) -> None:
        """Called after every (re)connection, once the hub's own subscriptions are in place."""

    def on_message(self, topic: str, payload: bytes) -> None:
        """A message on one of ``filters`` (must not block; start a task for slow work)."""


def _remembered(store: Store | None) -> Directory:
    """The directory as the store remembers it: every device offline until it answers discovery; every
    change after this saved."""
    directory = Directory()
    if store is not None:
        records = store.load()
        for record in records:
            record.online = False
        directory.load(records)
        directory.listeners.append(store.save)
    return directory


class Hub:
    """The speaker's brain: discovery, availability, state, directives and text commands."""

    def __init__(
        self,
        connect: Connector,
        *,
        store: Store | None = None,
        topics: Topics | None = None,
        hub_id: str = HUB_ID,
        request_timeout: float = REQUEST_TIMEOUT,
        clock: Clock | None = None,
        automations: Automations | None = None,
    ) -> None:
        self.topics = topics or Topics()
        self.hub_id = hub_id
        self.directory = _remembered(store)
        self.store = store
        self.clock = clock or RealClock()
        """The simulation's clock: timers, the speaker's questions expiring, announcements' times."""
        self.speaker = Speaker(self.directory, self.send, connected=lambda: self._conn is not None,
                               clock=self.clock.now)
        self._connect = connect
        self._conn: Connection | None = None
        self.directives = Directives(self.directory, self.topics, lambda: self._conn, self._tap, self.clock.now,
                                     request_timeout)
        """The directives in flight and the locks' lockout (``hub.directives``)."""
        self.lockout = self.directives.lockout
        """Wrong unlock codes per lock, on every channel; see ``hub.lockout``."""
        self.version = VERSION
        self._tasks: set[asyncio.Task[None]] = set()
        self.ready = asyncio.Event()
        """Set once the hub has connected and asked every device to announce itself."""
        self.connections = 0
        self.commands_done = 0
        self.connection_changed = asyncio.Condition()
        """Notified whenever the hub connects or loses its connection (tests and status wait on it)."""
        self.malformed = 0
        """Messages dropped because they did not validate (for tests and status)."""
        self.taps: list[Callable[[str, bytes, str], None]] = []
        """Observers of every message the hub receives or sends: (topic, payload, "in" | "out"); an unlock
        code in it is starred (the hub's own topics here, the neighbours' by ``redactors``)."""
        self.redactors: list[Callable[[str, bytes], bytes]] = []
        """What the taps may see of a message: each gets (topic, payload) and returns the payload with any
        secret it knows of on that topic starred (the payload itself when it has nothing to star). The
        Home Assistant bridge and Hermes NLU add theirs for their topics."""
        self.extensions: list[Extension] = []
        """Add before ``run``; see ``Extension``."""
        self.command_listeners: list[Callable[[CommandResult], None]] = []
        """Observers of every text command the hub has carried out (the conversation); an unlock code in it
        is starred."""
        self.said_listeners: list[Callable[[str, CommandResult], None]] = []
        """Observers of a text command as it was said, code and all, told just before ``command_listeners``:
        only for what holds the home's codes anyway (a recording, which must replay the unlock)."""
        self.announcement_listeners: list[Callable[[AnnouncePayload], None]] = []
        """Observers of what the hub says unasked (timers that fired, routines that ran)."""
        self.automation = Automation(self.directory, clock=self.clock, config=automations, store=store,
                                     announce=self.announce, connected=self.wait_connected, shown=hide)
        self.conversation = Conversation(self.speaker, self.automation)
        """Hears every text command: reads it once, carries it out, answers (``hub.conversation.turn``)."""
        self.automation.perform = self.conversation.schedule  # timers and routines act as spoken orders do

    # ------------------------------------------------------------------ lifecycle
    async def run(self, backoff: Backoff | None = None) -> None:
        """Serve until cancelled, reconnecting with jittered exponential backoff when the broker goes
        away; on cancel, publish ``Offline`` and disconnect cleanly."""
        backoff = backoff or Backoff()
        timers = asyncio.get_running_loop().create_task(self.automation.run(), name="hub.timers")
        self._tasks.add(timers)
        will = Will(self.topics.hub_status, encode(HubStatus.create(self.hub_id, False, "lwt", VERSION)))
        try:
            while True:
                try:
                    await self._session(will, backoff)
                except ConnectionError as exc:
                    log = _LOGGER.warning if backoff.attempt == 0 else _LOGGER.debug
                    log("hub: %s; reconnecting", exc)
                await asyncio.sleep(backoff.next())
        finally:
            self.ready.clear()
            tasks = list(self._tasks)  # the timers, requests being served, a status correction
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.store is not None:
                self.store.flush()

    @property
    def connected(self) -> bool:
        """True while the hub has a live session with the broker."""
        return self._conn is not None

    async def _session(self, will: Will, backoff: Backoff) -> None:
        async with self._connect(self.hub_id, will) as conn:
            try:
                await conn.subscribe(*(self.topics.all_devices(kind) for kind in DeviceTopic
                                       if kind is not DeviceTopic.REQUEST), self.topics.command,
                                     self.topics.hub_status)
                online = encode(HubStatus.create(self.hub_id, True, "connect", VERSION))
                self._tap(self.topics.hub_status, online, "out")
                await conn.publish(self.topics.hub_status, online, retain=True)
                # What the directory says about availability may be stale after an outage: every device
                # that is really there answers the discovery broadcast within moments.
                if self.connections:
                    for record in self.directory.all():
                        self.directory.set_online(record.id, False)
                discover = encode(DiscoveryRequest.create(self.hub_id))
                self._tap(self.topics.discover, discover, "out")
                await conn.publish(self.topics.discover, discover)
                extra = [f for ext in self.extensions for f in ext.filters]
                if extra:
                    await conn.subscribe(*extra)
                self._conn = conn
                for ext in self.extensions:
                    try:
                        await ext.on_connect(self)
                    except Exception:
                        _LOGGER.exception("extension %s failed on connect", type(ext).__name__)
                self.connections += 1
                backoff.reset()
                self.ready.set()
                await self._notify()
                getattr(conn, "hand_to", lambda _: None)(self._dispatch)  # each message handled as it is read
                async for message in conn.messages():
                    self._dispatch(message.topic, message.payload)
            except asyncio.CancelledError:
                self._conn = None
                try:
                    async with asyncio.timeout(2):
                        await conn.publish(self.topics.hub_status,
                                           encode(HubStatus.create(self.hub_id, False, "shutdown", VERSION)),
                                           retain=True)
                except (TimeoutError, ConnectionError):
                    pass
                raise
            finally:
                self._conn = None
                self.directives.disconnected()
                await self._notify()

    async def _notify(self) -> None:
        async with self.connection_changed:
            self.connection_changed.notify_all()

    async def wait_connected(self) -> None:
        """Return once the hub has a live session with the broker."""
        async with self.connection_changed:
            await self.connection_changed.wait_for(lambda: self.connected)

    async def announce(self, payload: AnnouncePayload) -> None:
        """Say something unasked: to the listeners, and on ``hub/announce`` for every client."""
        for listener in list(self.announcement_listeners):
            try:
                listener(payload)
            except Exception:
                _LOGGER.exception("announcement listener failed")
        try:
            await self.publish(self.topics.announce, encode(Announcement.create(payload)))
        except ConnectionError:
            _LOGGER.warning("could not announce %r: %s", payload.text, NOT_CONNECTED)

    # ------------------------------------------------------------------ inbound
    def _tap(self, topic: str, payload: bytes, direction: str) -> None:
        if not self.taps:
            return
        for redactor in list(self.redactors):
            try:
                payload = redactor(topic, payload)
            except Exception:  # never shown unredacted: a redactor that fails hides the whole payload
                _LOGGER.exception("message redactor failed on %s", clip(topic))
                payload = b"(not shown: it could not be redacted)"
        for tap in list(self.taps):
            try:
                tap(topic, payload, direction)
            except Exception:  # an observer must never break the hub
                _LOGGER.exception("message tap failed")

    def _shown(self, payload: bytes) -> bytes:
        """A text command as observers may see it: any unlock code it says starred."""
        try:
            request = decode(payload, HubRequest)
        except ProtocolError:
            return payload  # not read, not carried out: shown as it came
        text = request.payload.text
        if not text:
            return payload
        shown = hide(text, self.conversation.codes_in(text, request.payload.lang))
        if shown == text:
            return payload
        said = request.payload.model_copy(update={"text": shown})
        return encode(request.model_copy(update={"payload": said}))

    async def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish as the hub (and show it to the taps); ConnectionError when not connected."""
        conn = self._conn
        if conn is None:
            raise ConnectionError(NOT_CONNECTED)
        self._tap(topic, payload, "out")
        await conn.publish(topic, payload, retain=retain)

    def _dispatch(self, topic: str, payload: bytes) -> None:
        """Handle one inbound message; a malformed one is logged with its topic and dropped."""
        if self.taps:
            self._tap(topic, self._shown(payload) if topic == self.topics.command else payload, "in")
        for ext in self.extensions:
            if any(topic_matches(topic, f) for f in ext.filters):
                try:
                    ext.on_message(topic, payload)
                except Exception:  # an extension must never take the hub down
                    _LOGGER.exception("extension %s failed on %s", type(ext).__name__, clip(topic))
                return
        try:
            if topic == self.topics.command:
                self._on_command(payload)
                return
            if topic == self.topics.hub_status:
                self._on_own_status(payload)
                return
            parsed = self.topics.parse_device(topic)
            if parsed is None:
                return
            device_id, kind = parsed
            if not payload:  # a cleared retained message: the device was removed
                if kind is DeviceTopic.REGISTER:
                    self.directory.remove(device_id)
                    if self.store is not None:
                        self.store.delete(device_id)
                return
            self.directives.heard(device_id, kind, payload)
        except ProtocolError as exc:
            self.malformed += 1
            _LOGGER.warning("dropped malformed message on %s: %s", clip(topic), exc.reason)
        except Exception:  # a bug must never take the hub down; it is logged in full
            _LOGGER.exception("error handling message on %s", clip(topic))

    def _on_own_status(self, payload: bytes) -> None:
        """Keep our retained status true: a previous incarnation's last will may land after we said ``Online``
        (the broker fires it when it notices the old connection is gone, maybe after we reconnected as the same id)."""
        if not payload or self._conn is None or decode(payload, HubStatus).online:
            return
        conn = self._conn
        task = asyncio.get_running_loop().create_task(conn.publish(
            self.topics.hub_status, encode(HubStatus.create(self.hub_id, True, "connect", VERSION)), retain=True))
        self._tasks.add(task)
        task.add_done_callback(self._status_corrected)

    def _status_corrected(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            _LOGGER.debug("hub: could not correct our status (the session ended): %s", error)

    # ------------------------------------------------------------------ directives
    @property
    def request_timeout(self) -> float:
        """Seconds a device has to answer a directive before the hub says it is offline."""
        return self.directives.timeout

    @request_timeout.setter
    def request_timeout(self, seconds: float) -> None:
        self.directives.timeout = seconds

    async def send(self, request: Request) -> Response | ErrorResponse:
        """Send a directive and await its reply (``Directives.send``: offline, silent or unknown devices
        answer an error; an ``Unlock`` goes through the lockout)."""
        return await self.directives.send(request)

    # ------------------------------------------------------------------ hub requests
    def _on_command(self, payload: bytes) -> None:
        request = decode(payload, HubRequest)
        task = asyncio.get_running_loop().create_task(serve(self, request), name=f"hub.command[{request.header.name}]")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def handle_text(self, text: str, lang: str | None = None, session: str = DEFAULT_SESSION,
                          speaker: str | None = None) -> CommandResult:
        """Carry out a text command (what a TextCommand on MQTT does) said to ``speaker`` (an id of the home
        file's speakers; None: the hub as one speaker with no room); its outcome is committed to the command log,
        with every directory change it caused, before it is returned. A speaker has its own conversation."""
        heard_by = self.automation.speakers.get(speaker) if speaker is not None else None
        if speaker is not None and heard_by is None:
            said = lang or self.automation.language
            known = ", ".join(self.automation.speakers) or "-"
            reply = load_lexicon(said).replies["no_speaker"].format(speaker=speaker, known=known)
            return CommandResult(text=text, lang=cast(Lang, said), reply=reply, ok=False)
        if heard_by is not None and session == DEFAULT_SESSION:
            session = f"speaker:{heard_by.id}"
        result = await self.conversation.hear(text, lang, session, heard_by)
        for listener in list(self.said_listeners):
            try:
                listener(text, result)
            except Exception:
                _LOGGER.exception("said listener failed")
        return await self.logged(result)

    async def logged(self, result: CommandResult) -> CommandResult:
        """Commit ``result`` to the command log and tell the listeners; any code in it starred first."""
        result = hidden(result)
        self.commands_done += 1
        if self.store is not None:
            try:
                self.store.flush(command=result)
            except StoreError:  # logged once by the store; what was done is done, and the reply says both
                key = "not_recorded_done" if result.ok else "not_recorded"
                note = load_lexicon(result.lang).replies[key].format(self.store.failure)
                result = result.model_copy(update={"reply": result.reply + note})
        for listener in list(self.command_listeners):
            try:
                listener(result)
            except Exception:
                _LOGGER.exception("command listener failed")
        return result

    async def remove_device(self, device_id: str) -> CommandResult:
        """Forget a device for good (``hub.requests.remove_device``)."""
        return await remove_device(self, device_id)

    async def reset_home(self) -> CommandResult:
        """Send every online device ``Reset`` (``hub.requests.reset_home``)."""
        return await reset_home(self)
