"""The dashboard's live view of the hub: state history, the MQTT message log and batched events.

``LiveFeed`` listens to the hub (directory listeners, message taps, command listeners) and keeps:

- a bounded ring of changes per device (``history``), in memory only: it starts when the dashboard
  starts and is lost when the hub stops (the SQLite store keeps the current state, not its history);
- the last messages the hub received or sent, overall and per device (``messages``);
- subscribers (the page's event streams), to which it sends what changed at most every ``interval``
  seconds, coalesced: a device that changed ten times in a batch is sent once, as it is now. A
  subscriber that falls far behind is dropped; its browser reconnects and starts from a snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

from hub.directory import DeviceRecord
from hub.protocol import AnnouncePayload, CommandResult, PropertyValue
from hub.service import VERSION, Hub
from hub.web.models import (
    CommandEvent,
    DeviceBatch,
    HistoryEntry,
    HubView,
    MessageBatch,
    MessageEntry,
    RoomView,
    Snapshot,
    Suggestions,
)

_LOGGER = logging.getLogger(__name__)

HISTORY_LENGTH = 100
"""Changes kept per device."""
MESSAGES_LENGTH = 500
"""Messages kept overall."""
DEVICE_MESSAGES_LENGTH = 25
"""Messages kept per device (so that filtering by a quiet device still shows something)."""
MESSAGES_PER_BATCH = 200
"""At most this many messages per batch; the rest are counted as skipped."""
PAYLOAD_LIMIT = 4096
"""Bytes of a payload kept for the inspector."""
INTERVAL = 0.1
"""Seconds between batches while things change (nothing is sent while nothing changes)."""
QUEUE_LENGTH = 256
"""Batches a subscriber may fall behind before it is dropped."""
RECENT_COMMANDS = 30
"""Commands of the log sent in a snapshot."""

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("genie_web_request_id", default=None)
"""Set by the API around a command it carries out, so the live event can name the request."""


def sse(event: str, model: BaseModel) -> str:
    """One server-sent event frame (fields that are None are left out, as in every API answer)."""
    return f"event: {event}\ndata: {model.model_dump_json(by_alias=True, exclude_none=True)}\n\n"


@dataclass(eq=False)
class Subscriber:
    """One live stream: frames to send, or None once it must end."""

    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_LENGTH))
    dropped: bool = False

    def put(self, frame: str | None) -> None:
        """Queue ``frame``; a subscriber too slow to keep up is dropped (its stream then ends)."""
        if self.dropped:
            return
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.dropped = True  # too slow: end its stream; the browser reconnects to a fresh snapshot
            _LOGGER.info("dashboard: a live stream fell %d batches behind; dropping it", QUEUE_LENGTH)
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class LiveFeed:
    """Everything the dashboard shows that changes, fed by the hub's listeners."""

    def __init__(self, hub: Hub, *, suggest: Callable[[], Suggestions], auth: bool = False,
                 history: int = HISTORY_LENGTH, interval: float = INTERVAL) -> None:
        self.hub = hub
        self.suggest = suggest
        self.auth = auth
        self.interval = interval
        self._history_length = history
        self._history: dict[str, deque[HistoryEntry]] = {}
        self._last: dict[str, tuple[bool, dict[str, PropertyValue]]] = {}
        self._messages: deque[MessageEntry] = deque(maxlen=MESSAGES_LENGTH)
        self._device_messages: dict[str, deque[MessageEntry]] = {}
        self._seq = 0
        self._subscribers: set[Subscriber] = set()
        self.subscribers_changed = asyncio.Event()
        """Set (and cleared by whoever waits) whenever a stream starts or ends; tests wait on it."""
        # what changed since the last batch
        self._dirty: set[str] = set()
        self._new_messages: deque[MessageEntry] = deque(maxlen=MESSAGES_PER_BATCH)
        self._skipped = 0
        self._commands: list[CommandEvent] = []
        self._announcements: list[AnnouncePayload] = []
        self._hub_sent: HubView | None = None
        self._hub_dirty = False
        self._flush_handle: asyncio.TimerHandle | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._closed = False

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Start listening to the hub (call from its event loop)."""
        for record in self.hub.directory.all():
            self._record(record)
        self.hub.directory.listeners.append(self._on_device)
        self.hub.taps.append(self._on_message)
        self.hub.command_listeners.append(self._on_command)
        self.hub.announcement_listeners.append(self._on_announcement)
        self._watcher = asyncio.get_running_loop().create_task(self._watch_connection(), name="dashboard.connection")

    async def close(self) -> None:
        """Stop listening and end every live stream."""
        self._closed = True
        for listeners, listener in ((self.hub.directory.listeners, self._on_device), (self.hub.taps, self._on_message),
                                    (self.hub.command_listeners, self._on_command),
                                    (self.hub.announcement_listeners, self._on_announcement)):
            with contextlib.suppress(ValueError):
                listeners.remove(listener)  # type: ignore[arg-type]
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        for subscriber in list(self._subscribers):
            subscriber.put(None)

    async def _watch_connection(self) -> None:
        while True:
            async with self.hub.connection_changed:
                await self.hub.connection_changed.wait()
            self._hub_dirty = True
            self._schedule()

    # ------------------------------------------------------------------ listeners (synchronous, cheap)
    def _on_device(self, record: DeviceRecord) -> None:
        self._record(record)
        self._dirty.add(record.id)
        self._schedule()

    def _record(self, record: DeviceRecord) -> None:
        previous = self._last.get(record.id)
        if previous is None:
            changes = dict(record.state)
        else:
            changes = {k: v for k, v in record.state.items() if previous[1].get(k) != v}
            if not changes and previous[0] == record.online:
                return
        self._last[record.id] = (record.online, dict(record.state))
        ring = self._history.get(record.id)
        if ring is None:
            ring = self._history[record.id] = deque(maxlen=self._history_length)
        ring.append(HistoryEntry(at=record.updated, online=record.online, changes=changes))

    def _on_message(self, topic: str, payload: bytes, direction: str) -> None:
        self._seq += 1
        parsed = self.hub.topics.parse_device(topic)
        device, kind = (parsed[0], parsed[1].value) if parsed else (None, _hub_kind(topic))
        cut = payload[:PAYLOAD_LIMIT]
        entry = MessageEntry(seq=self._seq, at=time.time(), direction="out" if direction == "out" else "in",
                             topic=topic, device=device, kind=kind, size=len(payload),
                             payload=cut.decode("utf-8", "replace"), truncated=len(payload) > len(cut))
        self._messages.append(entry)
        if device is not None:
            ring = self._device_messages.get(device)
            if ring is None:
                ring = self._device_messages[device] = deque(maxlen=DEVICE_MESSAGES_LENGTH)
            ring.append(entry)
        if len(self._new_messages) == self._new_messages.maxlen:
            self._skipped += 1
        self._new_messages.append(entry)
        if self._subscribers:
            self._schedule()

    def _on_command(self, result: CommandResult) -> None:
        self._commands.append(CommandEvent(request_id=request_id.get(), result=result))
        self._hub_dirty = True
        self._schedule()

    def _on_announcement(self, payload: AnnouncePayload) -> None:
        self._announcements.append(payload)
        self._schedule()

    # ------------------------------------------------------------------ batches
    def _schedule(self) -> None:
        if self._flush_handle is None and not self._closed:
            self._flush_handle = asyncio.get_running_loop().call_later(self.interval, self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        frames = []
        if self._dirty:
            batch = DeviceBatch()
            for device_id in sorted(self._dirty):
                record = self.hub.directory.get(device_id)
                if record is None:
                    batch.removed.append(device_id)
                else:
                    batch.devices.append(record.view())
            self._dirty.clear()
            frames.append(sse("devices", batch))
            self._hub_dirty = True
        if self._new_messages:
            frames.append(sse("messages", MessageBatch(messages=list(self._new_messages), skipped=self._skipped)))
            self._new_messages.clear()
            self._skipped = 0
        for command in self._commands:
            frames.append(sse("command", command))
        self._commands.clear()
        frames += [sse("announce", said) for said in self._announcements]
        self._announcements.clear()
        if self._hub_dirty:
            self._hub_dirty = False
            view = self.hub_view()
            if view != self._hub_sent:
                self._hub_sent = view
                frames.append(sse("hub", view))
        if frames:
            frame = "".join(frames)
            for subscriber in list(self._subscribers):
                subscriber.put(frame)

    # ------------------------------------------------------------------ reading
    def hub_view(self) -> HubView:
        """The hub: broker connection, device and command counts."""
        records = self.hub.directory.all()
        return HubView(hub_id=self.hub.hub_id, version=VERSION, connected=self.hub.connected, devices=len(records),
                       online=sum(1 for r in records if r.online), commands=self.hub.commands_done)

    def rooms(self) -> list[RoomView]:
        """Rooms, most populated first."""
        counts: dict[str, list[int]] = {}
        for record in self.hub.directory.all():
            count = counts.setdefault(record.room, [0, 0])
            count[0] += 1
            count[1] += record.online
        names = self.hub.directory.rooms()
        rooms = [RoomView(id=room, names=names[room], devices=n, online=on)
                 for room, (n, on) in counts.items() if room in names]
        return sorted(rooms, key=lambda r: (-r.devices, r.id))

    def history(self, device_id: str, limit: int = HISTORY_LENGTH) -> list[HistoryEntry]:
        """The device's last ``limit`` changes, oldest first."""
        ring = self._history.get(device_id, ())
        return list(ring)[-limit:]

    def messages(self, device: str | None = None, limit: int = MESSAGES_LENGTH) -> list[MessageEntry]:
        """The last ``limit`` messages (of ``device`` only, if given), oldest first."""
        ring = self._messages if device is None else self._device_messages.get(device, ())
        return list(ring)[-limit:]

    def recent_commands(self, limit: int = RECENT_COMMANDS) -> list[CommandResult]:
        """The last ``limit`` commands of the hub's log, oldest first (none without a store)."""
        store = self.hub.store
        return store.commands(limit) if store is not None else []

    def snapshot(self) -> Snapshot:
        """Everything the page shows, for a stream's first frame."""
        devices = sorted((r.view() for r in self.hub.directory.all()), key=lambda v: (v.room, v.id))
        return Snapshot(hub=self.hub_view(), devices=devices, rooms=self.rooms(), messages=self.messages(limit=200),
                        commands=self.recent_commands(), suggestions=self.suggest(), auth=self.auth)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[tuple[str, Subscriber]]:
        """A live stream: its first frame (the snapshot) and the subscriber that receives every batch after."""
        if self._closed:
            raise RuntimeError("the dashboard is stopping")
        subscriber = Subscriber()
        first = sse("snapshot", self.snapshot())  # no await between this and joining: nothing is missed
        self._subscribers.add(subscriber)
        self.subscribers_changed.set()
        try:
            yield first, subscriber
        finally:
            self._subscribers.discard(subscriber)
            self.subscribers_changed.set()

    @property
    def subscriber_count(self) -> int:
        """How many live streams are open."""
        return len(self._subscribers)


def _hub_kind(topic: str) -> str:
    """A name for a non-device topic: command, reply, status (the hub's), discover, or its last level."""
    parts = topic.split("/")
    if len(parts) >= 3 and parts[-3:-1] == ["hub", "reply"]:
        return "reply"
    return parts[-1] if parts else topic

