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
from hub.conversation.redact import hidden, hide, star
from hub.conversation.turn import Conversation
from hub.directory import Directory
from hub.language import Lang
from hub.lockout import Lockout, refusal
from hub.nlu import detect_language
from hub.protocol import (
    SUCCESS,
    ActionResult,
    Announcement,
    AnnouncePayload,
    AutomationsPayload,
    AutomationsResponse,
    CommandResult,
    DeviceStatus,
    DeviceTopic,
    DiscoveryRequest,
    ErrorCode,
    ErrorResponse,
    HubInfoPayload,
    HubInfoResponse,
    HubRequest,
    HubStatus,
    ListDevicesResponse,
    Message,
    PropertyChanged,
    ProtocolError,
    Registration,
    Request,
    Response,
    StateSnapshot,
    TextCommandResponse,
    Topics,
    decode,
    encode,
    topic_matches,
)
from hub.protocol.codec import clip
from hub.protocol.messages import DirectoryPayload, reply_header
from hub.protocol.mqtt import Backoff, Connection, Will
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

MQTT_SESSION = "mqtt:"
"""What every conversation named in a request over MQTT is filed under: a client on the bus can go on with its own
conversation (``genie say --session``) but never answer one held by the dashboard or another in-process caller."""


def mqtt_session(name: str) -> str:
    """The conversation a TextCommand over MQTT that names ``name`` belongs to: "local" -> "mqtt:local"."""
    return MQTT_SESSION + name


class Extension(Protocol):
    """Something that rides on the hub's MQTT session (the Home Assistant bridge, Hermes NLU…)."""

    filters: tuple[str, ...]
    """Topic filters it wants; the hub subscribes to them and hands it every matching message."""

    async def on_connect(self, hub: Hub) -> None:
        """Called after every (re)connection, once the hub's own subscriptions are in place."""

    def on_message(self, topic: str, payload: bytes) -> None:
        """A message on one of ``filters`` (must not block; start a task for slow work)."""

NOT_CONNECTED = "the hub is not connected to the broker"


class _WentOffline(Exception):
    """A pending directive's device went offline before it answered."""


def _starred(request: Request) -> bytes:
    """An Unlock directive as observers may see it: its code as stars (the device gets the real one)."""
    value = request.payload.value
    shown = request.payload.model_copy(update={"value": None if value is None else star(value)})
    return encode(request.model_copy(update={"payload": shown}))


NOT_RECORDED: dict[str, dict[bool, str]] = {
    "zh": {True: "（已执行，但未能记入记录：{}）", False: "（未能记入记录：{}）"},
    "en": {True: " (done, but the hub could not record it: {})", False: " (the hub could not record this: {})"},
    "fr": {True: " (fait, mais le hub n'a pas pu l'enregistrer : {})",
           False: " (le hub n'a pas pu l'enregistrer : {})"},
}
"""Added to a reply when the command log could not be written (the store says why, and logs it once)."""


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
        self.request_timeout = request_timeout
        self.directory = Directory()
        self.store = store
        if store is not None:
            records = store.load()
            for record in records:
                record.online = False  # until the device answers discovery
            self.directory.load(records)
            self.directory.listeners.append(store.save)
        self.clock = clock or RealClock()
        """The simulation's clock: timers, the speaker's questions expiring, announcements' times."""
        self.speaker = Speaker(self.directory, self.send, connected=lambda: self._conn is not None,
                               clock=self.clock.now)
        self._connect = connect
        self._conn: Connection | None = None
        self._pending: dict[str, asyncio.Future[Response | ErrorResponse]] = {}
        self._pending_for: dict[str, str] = {}
        """messageId -> the device a pending directive went to (its last will answers them all at once)."""
        self.lockout = Lockout(self.clock.now)
        """Wrong unlock codes per lock, on every channel; see ``hub.lockout``."""
        self._unlocking: dict[str, asyncio.Lock] = {}
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
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(timers, return_exceptions=True)
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
                for future in self._pending.values():
                    if not future.done():
                        future.set_exception(ConnectionError("the hub lost its connection to the broker"))
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
            self._on_device(device_id, kind, payload)
        except ProtocolError as exc:
            self.malformed += 1
            _LOGGER.warning("dropped malformed message on %s: %s", clip(topic), exc.reason)
        except Exception:  # a bug must never take the hub down; it is logged in full
            _LOGGER.exception("error handling message on %s", clip(topic))

    def _on_device(self, device_id: str, kind: DeviceTopic, payload: bytes) -> None:
        message: Message
        if kind is DeviceTopic.REGISTER:
            message = decode(payload, Registration)
            self._same_device(device_id, message.payload.device_id, kind)
            self.directory.register(message.payload)
        elif kind is DeviceTopic.STATUS:
            message = decode(payload, DeviceStatus)
            self._same_device(device_id, message.payload.device_id, kind)
            self.directory.set_online(device_id, message.online)
            if not message.online:
                self._went_offline(device_id)
        elif kind is DeviceTopic.STATE:
            message = decode(payload, StateSnapshot)
            self._same_device(device_id, message.payload.device_id, kind)
            self.directory.update_state(device_id, message.payload.properties, replace=True)
        elif kind is DeviceTopic.REPORT:
            message = decode(payload, PropertyChanged)
            self._same_device(device_id, message.payload.device_id, kind)
            self.directory.update_state(device_id, message.payload.properties)
        elif kind is DeviceTopic.REPLY:
            reply = decode(payload, Response, ErrorResponse)
            self._same_device(device_id, reply.payload.device_id or device_id, kind)
            future = self._pending.pop(reply.header.message_id, None)
            if future is None:
                _LOGGER.debug("reply %s from %s matches no pending request", reply.header.message_id, device_id)
                return
            if isinstance(reply, Response):
                self.directory.update_state(device_id, reply.payload.properties)
            if not future.done():
                future.set_result(cast(Response | ErrorResponse, reply))

    def _on_own_status(self, payload: bytes) -> None:
        """Keep our retained status true: a previous incarnation's last will may land after we said
        ``Online`` (the broker fires it when it notices the old connection is gone, which can be after
        we reconnected under the same client id)."""
        if not payload or self._conn is None or decode(payload, HubStatus).online:
            return
        conn = self._conn
        task = asyncio.get_running_loop().create_task(conn.publish(
            self.topics.hub_status, encode(HubStatus.create(self.hub_id, True, "connect", VERSION)), retain=True))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    def _same_device(topic_id: str, payload_id: str, kind: DeviceTopic) -> None:
        if topic_id != payload_id:
            raise ProtocolError(f"payload.deviceId: {payload_id!r} does not match the topic's device {topic_id!r}")

    def _went_offline(self, device_id: str) -> None:
        """A device said goodbye or its last will came: what it was asked will never be answered."""
        for message_id, target in list(self._pending_for.items()):
            future = self._pending.get(message_id)
            if target == device_id and future is not None and not future.done():
                future.set_exception(_WentOffline(device_id))

    # ------------------------------------------------------------------ directives
    async def send(self, request: Request) -> Response | ErrorResponse:
        """Send a directive and await its reply; offline, silent or unknown devices answer an error.

        An ``Unlock`` with a code, from whatever channel, goes through ``lockout``: one try at a time per
        lock, and none at all (nothing sent) while the lock is locked out after too many wrong codes."""
        device_id = request.payload.device_id
        if request.action != "Unlock" or request.payload.value is None or device_id not in self.directory:
            return await self._send(request)
        async with self._unlocking.setdefault(device_id, asyncio.Lock()):
            wait = self.lockout.wait(device_id)
            if wait > 0:
                return ErrorResponse.to(request, ErrorCode.INVALIDATE_PARAMS, refusal(device_id, wait))
            response = await self._send(request)
            if isinstance(response, Response):
                self.lockout.succeeded(device_id)
            elif response.payload.error_code == ErrorCode.INVALIDATE_PARAMS:
                wait = self.lockout.failed(device_id)
                if wait:
                    _LOGGER.warning("%s: %d wrong unlock codes in a row; refusing tries for %gs", device_id,
                                    self.lockout.free_tries, wait)
            return response

    async def _send(self, request: Request) -> Response | ErrorResponse:
        device_id = request.payload.device_id
        record = self.directory.get(device_id)
        if record is None:
            return ErrorResponse.to(request, ErrorCode.DEVICE_IS_NOT_EXIST)
        if not record.online:
            return ErrorResponse.to(request, ErrorCode.IOT_DEVICE_OFFLINE)
        conn = self._conn
        if conn is None:
            return ErrorResponse.to(request, ErrorCode.SERVICE_ERROR, NOT_CONNECTED)
        future: asyncio.Future[Response | ErrorResponse] = asyncio.get_running_loop().create_future()
        self._pending[request.header.message_id] = future
        self._pending_for[request.header.message_id] = device_id
        try:
            payload = encode(request)
            topic = self.topics.device(device_id, DeviceTopic.REQUEST)
            if self.taps:
                self._tap(topic, _starred(request) if request.action == "Unlock" else payload, "out")
            await conn.publish(topic, payload)
            async with asyncio.timeout(self.request_timeout):
                return await future
        except TimeoutError:
            _LOGGER.info("%s did not answer %s within %.1fs", device_id, request.action, self.request_timeout)
            return ErrorResponse.to(request, ErrorCode.IOT_DEVICE_OFFLINE,
                                    f"no answer within {self.request_timeout:g}s")
        except _WentOffline:
            return ErrorResponse.to(request, ErrorCode.IOT_DEVICE_OFFLINE, f"{device_id} went offline")
        except ConnectionError:
            return ErrorResponse.to(request, ErrorCode.SERVICE_ERROR, NOT_CONNECTED)
        finally:
            self._pending.pop(request.header.message_id, None)
            self._pending_for.pop(request.header.message_id, None)

    # ------------------------------------------------------------------ hub requests
    def _on_command(self, payload: bytes) -> None:
        request = decode(payload, HubRequest)
        task = asyncio.get_running_loop().create_task(self._serve(request), name=f"hub.command[{request.header.name}]")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, request: HubRequest) -> None:
        reply: Message
        name = request.header.name
        try:
            if name == "TextCommand":
                payload = request.payload
                result = await self.handle_text(payload.text or "", payload.lang,
                                                mqtt_session(payload.session or payload.reply_to))
                reply = TextCommandResponse(header=reply_header(request), payload=result)
            elif name == "HubInfo":
                records = self.directory.all()
                reply = HubInfoResponse(header=reply_header(request), payload=HubInfoPayload(
                    hub_id=self.hub_id, version=VERSION, connected=self.connected, devices=len(records),
                    online=sum(1 for r in records if r.online), commands=self.commands_done))
            elif name == "ListAutomations":
                scenes, timers, routines = self.automation.views()
                reply = AutomationsResponse(header=reply_header(request), payload=AutomationsPayload(
                    scenes=scenes, timers=timers, routines=routines,
                    now=self.automation.now().isoformat(timespec="seconds")))
            elif name in ("RunScene", "SaveScene", "DeleteScene", "CancelTimer"):
                result = await self._automation_request(request)
                reply = TextCommandResponse(header=reply_header(request), payload=result)
            elif name == "RemoveDevice":
                result = await self.remove_device((request.payload.target or "").strip())
                reply = TextCommandResponse(header=reply_header(request), payload=result)
            elif name == "ListDevices":
                devices = sorted((r.view() for r in self.directory.all()), key=lambda v: (v.room, v.id))
                reply = ListDevicesResponse(header=reply_header(request), payload=DirectoryPayload(devices=devices))
            else:  # ResetHome
                reply = TextCommandResponse(header=reply_header(request), payload=await self.reset_home())
        except Exception as exc:
            _LOGGER.exception("error serving %s", name)
            reply = ErrorResponse.to(request, ErrorCode.SERVICE_ERROR, f"the hub failed: {exc}")
        try:
            await self.publish(self.topics.command_reply(request.payload.reply_to), encode(reply))
        except ConnectionError:
            _LOGGER.warning("could not answer %s: %s", request.header.name, NOT_CONNECTED)

    async def _automation_request(self, request: HubRequest) -> CommandResult:
        """RunScene, SaveScene, DeleteScene, CancelTimer (what ``genie scenes`` / ``genie timers`` send)."""
        payload, name = request.payload, request.header.name
        target = (payload.target or "").strip()
        said = payload.text if name == "SaveScene" else target  # the reply's language, unless one is asked for
        lang = cast(Lang, payload.lang or (detect_language(said or "") if name != "CancelTimer" else "en"))
        conversation = self.conversation
        if name == "SaveScene":
            return await self._logged(conversation.save_scene(target, payload.text or "", lang, payload.text or ""))
        if name == "CancelTimer":
            found = target.isdigit() and self.automation.cancel(int(target))
            reply = f"timer {target} cancelled" if found else f"no timer with id {target!r}"
            return CommandResult(text=f"cancel timer {target}", lang=lang, reply=reply, ok=bool(found))
        scene = conversation.scene_named(target)
        if scene is None:
            return CommandResult(text=target, lang=lang, reply=f"no scene {target!r}; see genie scenes list", ok=False)
        if name == "DeleteScene":
            return conversation.schedule.delete_scene(scene.id, scene, lang, target)
        return await self._logged(await conversation.schedule.run_scene(scene, lang, target))

    async def handle_text(self, text: str, lang: str | None = None, session: str = DEFAULT_SESSION) -> CommandResult:
        """Carry out a text command (what a TextCommand on MQTT does); its outcome is committed to the
        command log, with every directory change it caused, before it is returned."""
        result = await self.conversation.hear(text, lang, session)
        for listener in list(self.said_listeners):
            try:
                listener(text, result)
            except Exception:
                _LOGGER.exception("said listener failed")
        return await self._logged(result)

    async def _logged(self, result: CommandResult) -> CommandResult:
        """Commit ``result`` to the command log and tell the listeners; any code in it starred first."""
        result = hidden(result)
        self.commands_done += 1
        if self.store is not None:
            try:
                self.store.flush(command=result)
            except StoreError:  # logged once by the store; what was done is done, and the reply says both
                note = NOT_RECORDED[result.lang][result.ok].format(self.store.failure)
                result = result.model_copy(update={"reply": result.reply + note})
        for listener in list(self.command_listeners):
            try:
                listener(result)
            except Exception:
                _LOGGER.exception("command listener failed")
        return result

    async def remove_device(self, device_id: str) -> CommandResult:
        """Forget a device for good: from the directory and the store (committed before this returns), and
        its retained registration, status and state cleared on the broker so that no restart brings it
        back. Not a ban: a device that registers again is back (``ok`` False: it was not in the directory)."""
        text = f"remove device {device_id}"
        if device_id not in self.directory:
            return CommandResult(text=text, lang="en", ok=False,
                                 reply=f"no device {device_id!r} in the hub's directory; "
                                       f"`genie devices list` shows the ids")
        self.directory.remove(device_id)
        notes = []
        if self.store is not None:
            self.store.delete(device_id)
            try:
                self.store.flush()
            except StoreError:
                notes.append(f"the hub database could not record it ({self.store.failure})")
        try:
            for kind in (DeviceTopic.REGISTER, DeviceTopic.STATUS, DeviceTopic.STATE):
                await self.publish(self.topics.device(device_id, kind), b"", retain=True)
        except ConnectionError:
            notes.append(f"its retained messages could not be cleared: {NOT_CONNECTED}")
        reply = (f"removed {device_id} from the hub's directory" + "".join(f"; but {n}" for n in notes)
                 + ". This is not a ban: if the device is still running it comes back when it registers again "
                   "(at its next reconnection or the hub's next start); stop it, or change its credentials.")
        return CommandResult(text=text, lang="en", ok=True, reply=reply,
                             actions=[ActionResult(device=device_id, action="Remove")])

    async def reset_home(self) -> CommandResult:
        """Send every online device ``Reset`` (back to the home file's initial state)."""
        records = [r for r in self.directory.all() if "Reset" in r.info.actions]
        responses = await asyncio.gather(*(self.send(Request.control(r.id, "Reset", device_type=r.category))
                                           for r in records))
        actions = [
            ActionResult(device=r.id, action="Reset",
                         result=SUCCESS if isinstance(resp, Response) else str(resp.payload.error_code),
                         message=None if isinstance(resp, Response) else resp.payload.message)
            for r, resp in zip(records, responses, strict=True)
        ]
        failed = [a for a in actions if a.result != SUCCESS]
        reply = f"reset {len(actions) - len(failed)} of {len(actions)} devices"
        if failed:
            reply += "; not reset: " + ", ".join(f"{a.device} ({a.result})" for a in failed)
        return CommandResult(text="reset", lang="en", reply=reply, ok=not failed and bool(actions),
                             actions=actions)
