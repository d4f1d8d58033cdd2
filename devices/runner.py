"""Puts simulated devices on the broker: one MQTT session each, many per event loop."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence

from devices.base import SimulatedDevice
from hub.protocol import (
    DeviceStatus,
    DeviceTopic,
    DiscoveryRequest,
    HubStatus,
    Property,
    PropertyChanged,
    ProtocolError,
    Registration,
    Request,
    Response,
    StateSnapshot,
    Topics,
    decode,
    encode,
)
from hub.protocol.mqtt import Backoff, Connection, Will

_LOGGER = logging.getLogger(__name__)

Connector = Callable[[str, Will | None], Connection]

"""Makes a (not yet entered) connection for a client id with a last will."""

SNAPSHOT_DELAY = 0.2
"""Seconds after a change before the retained state snapshot is refreshed (changes in between coalesce)."""
ONE_WAVE_S = 2.0
"""A hub's DiscoveryDevices this soon after the start of the announcement that answered the same hub's
``Online`` is answered by it: a hub starting sends both back to back, and one announcement serves both."""

_JITTER = random.Random()
"""One generator for every device's reconnection backoff: a Mersenne Twister is 2.5 KB, a tenth of an idle
device's memory, and the devices' jitter needs no stream of its own."""

Outgoing = tuple[str, bytes, bool]
"""A message waiting to be published: topic, payload, retain."""


class DeviceRunner:
    """Runs one device's MQTT session: last will, retained announcements, requests by messageId."""

    def __init__(self, device: SimulatedDevice, connect: Connector, topics: Topics | None = None) -> None:
        self.device = device
        self.topics = topics or Topics()
        self._connect = connect
        self._conn: Connection | None = None
        self.online = asyncio.Event()
        self.connections = 0
        """How many times this device has connected (reconnects included)."""
        self._outbox: list[Outgoing] = []
        """Reports and snapshots to publish, in order; one task sends them while there are any (an idle
        device holds no queue and no task for this: at 100,000 devices that is ~4 KB each)."""
        self._sender: asyncio.Task[None] | None = None
        self._group: asyncio.TaskGroup | None = None
        self._dead = False
        self._stopping = False
        self._snapshot_due: asyncio.TimerHandle | None = None
        self._answering = 0
        self._answered: tuple[str, float] = ("", -ONE_WAVE_S)
        """The hub whose ``Online`` the last announcement answered, and when that announcement started."""
        self._after_reply: list[list[Property]] = []
        """Changes a request made, held until its reply is out: what the reply does not say is reported then."""
        device.listeners.append(self._on_change)

    def _topic(self, kind: DeviceTopic) -> str:
        return self.topics.device(self.device.id, kind)

    def _on_change(self, properties: list[Property], cause: str) -> None:
        if not self.online.is_set():
            return  # nobody to tell: the full state is announced again on reconnect
        if cause == "command" and self._answering:
            self._after_reply.append(properties)
        else:
            self._report(properties, cause)
        # The retained snapshot only serves whoever connects later: one per burst of changes is enough
        # (a moving curtain or a group command would otherwise double the traffic on the hot path).
        if self._snapshot_due is None:
            self._snapshot_due = asyncio.get_running_loop().call_later(SNAPSHOT_DELAY, self._queue_snapshot)

    def _report(self, properties: list[Property], cause: str) -> None:
        self._send((self._topic(DeviceTopic.REPORT),
                    encode(PropertyChanged.create(self.device.id, properties, cause)), False))

    def _queue_snapshot(self) -> None:
        self._snapshot_due = None
        if self.online.is_set():
            dev = self.device
            self._send((self._topic(DeviceTopic.STATE), encode(StateSnapshot.create(dev.id, dev.properties())), True))

    def _send(self, message: Outgoing) -> None:
        """Queue ``message`` for the session's connection; start the sender unless it is running."""
        self._outbox.append(message)
        if self._sender is not None or self._group is None or self._conn is None:
            return  # sent by the running sender; or dropped with the outbox when the next session starts
        sender = self._send_outbox(self._conn)
        try:
            self._sender = self._group.create_task(sender, name=f"device[{self.id}].outbox")
        except RuntimeError:  # the session is ending: the next one announces the whole state again
            sender.close()  # never started: close it, or it is reported as never awaited

    async def _send_outbox(self, conn: Connection) -> None:
        """Publish the outbox in order until it is empty (a failure ends the session, as any connection error)."""
        try:
            while self._outbox:
                topic, payload, retain = self._outbox.pop(0)
                await conn.publish(topic, payload, qos=1 if retain else 0, retain=retain)
        finally:
            self._sender = None

    @property
    def id(self) -> str:
        """The device's id."""
        return self.device.id

    async def announce(self) -> None:
        """Publish registration, online status and state (all retained)."""
        assert self._conn is not None
        dev = self.device
        await self._conn.publish(self._topic(DeviceTopic.REGISTER), encode(Registration.create(dev.info())),
                                 retain=True)
        await self._conn.publish(self._topic(DeviceTopic.STATUS),
                                 encode(DeviceStatus.create(dev.id, True, "connect")), retain=True)
        await self._conn.publish(self._topic(DeviceTopic.STATE),
                                 encode(StateSnapshot.create(dev.id, dev.properties())), retain=True)

    async def run(self, backoff: Backoff | None = None) -> None:
        """Connect, announce and serve until cancelled, reconnecting with jittered exponential
        backoff whenever the broker goes away; on cancel, say ``offline`` and disconnect."""
        dev = self.device
        will = Will(self._topic(DeviceTopic.STATUS), encode(DeviceStatus.create(dev.id, False, "lwt")))
        backoff = backoff or Backoff(rng=_JITTER)
        await dev.start()  # the appliance keeps working while its network is down
        if dev.config.faults.offline_after is not None:
            dev.spawn(self._drop_off(dev.config.faults.offline_after))
        try:
            while not self._dead:
                try:
                    await self._session(will, backoff)
                except* ConnectionError as group:
                    _LOGGER.info("%s: %s", dev.id, group.exceptions[0])
                if self._stopping:  # its cancellation may have been lost with the connection (see ``stop``)
                    return
                if not self._dead:
                    await asyncio.sleep(backoff.next())
        finally:
            await dev.close()

    async def _session(self, will: Will, backoff: Backoff) -> None:
        dev = self.device
        async with self._connect(dev.id, will) as conn:
            self._conn = conn
            try:
                await conn.subscribe(self._topic(DeviceTopic.REQUEST), self.topics.discover, self.topics.hub_status)
                await self.announce()
                backoff.reset()
                self.connections += 1
                self._outbox = []
                self.online.set()
                async with asyncio.TaskGroup() as group:  # the outbox's sender runs in it while there is one
                    self._group = group
                    await self._serve(conn)
            except asyncio.CancelledError:
                await self._goodbye(conn)
                raise
            finally:
                self.online.clear()
                self._conn, self._group = None, None
                if self._snapshot_due is not None:
                    self._snapshot_due.cancel()
                    self._snapshot_due = None

    async def _goodbye(self, conn: Connection) -> None:
        try:
            async with asyncio.timeout(2):
                await conn.publish(self._topic(DeviceTopic.STATUS),
                                   encode(DeviceStatus.create(self.device.id, False, "shutdown")), retain=True)
        except (TimeoutError, ConnectionError) as exc:
            _LOGGER.debug("%s: could not say offline: %s", self.device.id, exc)

    async def _serve(self, conn: Connection) -> None:
        pending: set[asyncio.Task[None]] = set()
        try:
            await self._read(conn, pending)
        finally:  # the connection is gone: the answers under way can no longer be sent
            for task in list(pending):
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _read(self, conn: Connection, pending: set[asyncio.Task[None]]) -> None:
        """Handle every message the device receives; a request is answered in a task kept in ``pending``."""
        request_topic = self._topic(DeviceTopic.REQUEST)
        async for message in conn.messages():
            try:
                if message.topic == request_topic:
                    request = decode(message.payload, Request)
                    task = asyncio.create_task(self._answer(conn, request))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                elif message.topic == self.topics.discover:
                    asker = decode(message.payload, DiscoveryRequest).payload.hub_id
                    hub, started = self._answered
                    if asker != hub or asyncio.get_running_loop().time() - started > ONE_WAVE_S:
                        await self.announce()
                elif message.topic == self.topics.hub_status:
                    if not message.payload:
                        continue
                    status = decode(message.payload, HubStatus)
                    if status.online and not message.retain:
                        self._answered = (status.payload.hub_id, asyncio.get_running_loop().time())
                        await self.announce()
            except ProtocolError as exc:
                _LOGGER.warning("%s: ignored malformed message on %s: %s", self.device.id, message.topic, exc)

    async def _answer(self, conn: Connection, request: Request) -> None:
        """Carry out a request and reply. A change the reply states is not reported again (as AliGenie
        devices do: a report is for what the platform did not ask); one it does not state is reported
        after the reply, which is what the user is waiting for."""
        self._answering += 1
        said: dict[str, object] = {}
        try:
            reply = await self.device.handle(request)
            if isinstance(reply, Response):
                said = {p.name: p.value for p in reply.payload.properties}
            if reply is not None:
                await conn.publish(self._topic(DeviceTopic.REPLY), encode(reply))
        finally:
            self._answering -= 1
            if not self._answering:
                held, self._after_reply = self._after_reply, []
                for properties in held:
                    unsaid = [p for p in properties if p.name not in said or said[p.name] != p.value]
                    if unsaid:
                        self._report(unsaid, "command")

    async def _drop_off(self, after: float) -> None:
        """The injected fault ``offline_after``: vanish from the network at that moment, for good."""
        await self.device.clock.sleep(after)
        _LOGGER.info("%s: dropping offline (injected fault)", self.device.id)
        await self.crash()

    def stop(self) -> None:
        """Mark the cancellation of ``run`` that follows as a stop. Without this, a stop that comes as the
        broker goes away can be lost: Python 3.11's TaskGroup then raises only the connection error and drops
        the cancellation, and ``run`` would reconnect for ever (`genie devices spawn` ignoring SIGTERM)."""
        self._stopping = True

    async def crash(self) -> None:
        """Simulate a power cut: drop the connection without a DISCONNECT (the last will fires),
        and stay dead (no reconnection)."""
        self._dead = True
        if self._conn is not None:
            await self._conn.abort()


async def run_fleet(runners: Sequence[DeviceRunner]) -> None:
    """Run many devices in one event loop until cancelled: one task group owns them all, so cancelling this
    cancels and awaits every device (call each runner's ``stop`` first)."""
    async with asyncio.TaskGroup() as group:
        for runner in runners:
            group.create_task(runner.run(), name=f"device[{runner.device.id}]")
