"""The hub's side of the device protocol: what devices say, and directives sent to them.

``Directives.heard`` files a device's registration, status, state, report or reply in the directory (a reply
completes the directive of its ``messageId``).

Every directive the hub sends — a spoken order, a scene, a timer, the dashboard, Home Assistant — goes through
``Directives.send``: an unknown or offline device is answered at once, a silent one after ``timeout``, one
whose last will arrives meanwhile at that moment; an ``Unlock`` with a code goes through the lockout (one try
at a time per lock, none while it is locked out after too many wrong codes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import cast

from hub.conversation.redact import star
from hub.directory import Directory
from hub.lockout import Lockout, refusal
from hub.protocol import (
    DeviceStatus,
    DeviceTopic,
    ErrorCode,
    ErrorResponse,
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
from hub.protocol.mqtt import Connection

_LOGGER = logging.getLogger(__name__)

NOT_CONNECTED = "the hub is not connected to the broker"
Tap = Callable[[str, bytes, str], None]


class _WentOffline(Exception):
    """A pending directive's device went offline before it answered."""


def starred(request: Request) -> bytes:
    """An Unlock directive as observers may see it: its code as stars (the device gets the real one)."""
    value = request.payload.value
    shown = request.payload.model_copy(update={"value": None if value is None else star(value)})
    return encode(request.model_copy(update={"payload": shown}))


def _same_device(topic_id: str, payload_id: str) -> None:
    if topic_id != payload_id:
        raise ProtocolError(f"payload.deviceId: {payload_id!r} does not match the topic's device {topic_id!r}")


class Directives:
    """The directives in flight on the hub's connection, and the lockout of every lock."""

    def __init__(self, directory: Directory, topics: Topics, connection: Callable[[], Connection | None],
                 tap: Tap | None, clock: Callable[[], float], timeout: float) -> None:
        self.directory = directory
        self.topics = topics
        self._connection = connection
        self._tap = tap
        self.timeout = timeout
        """Seconds a device has to answer before the hub says it is offline."""
        self.lockout = Lockout(clock)
        """Wrong unlock codes per lock, on every channel; see ``hub.lockout``."""
        self.pending: dict[str, asyncio.Future[Response | ErrorResponse]] = {}
        self._pending_for: dict[str, str] = {}
        """messageId -> the device a pending directive went to (its last will answers them all at once)."""
        self._unlocking: dict[str, asyncio.Lock] = {}

    async def send(self, request: Request) -> Response | ErrorResponse:
        """Send a directive and await its reply; offline, silent or unknown devices answer an error."""
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
        conn = self._connection()
        if conn is None:
            return ErrorResponse.to(request, ErrorCode.SERVICE_ERROR, NOT_CONNECTED)
        message_id = request.header.message_id
        future: asyncio.Future[Response | ErrorResponse] = asyncio.get_running_loop().create_future()
        self.pending[message_id] = future
        self._pending_for[message_id] = device_id
        try:
            payload = encode(request)
            topic = self.topics.device(device_id, DeviceTopic.REQUEST)
            if self._tap is not None:
                self._tap(topic, starred(request) if request.action == "Unlock" else payload, "out")
            await conn.publish(topic, payload)
            async with asyncio.timeout(self.timeout):
                return await future
        except TimeoutError:
            _LOGGER.info("%s did not answer %s within %.1fs", device_id, request.action, self.timeout)
            return ErrorResponse.to(request, ErrorCode.IOT_DEVICE_OFFLINE, f"no answer within {self.timeout:g}s")
        except _WentOffline:
            return ErrorResponse.to(request, ErrorCode.IOT_DEVICE_OFFLINE, f"{device_id} went offline")
        except ConnectionError:
            return ErrorResponse.to(request, ErrorCode.SERVICE_ERROR, NOT_CONNECTED)
        finally:
            self.pending.pop(message_id, None)
            self._pending_for.pop(message_id, None)

    def heard(self, device_id: str, kind: DeviceTopic, payload: bytes) -> None:
        """A message a device published on its topic ``kind``; ProtocolError if it does not validate."""
        if kind is DeviceTopic.REGISTER:
            registration = decode(payload, Registration)
            _same_device(device_id, registration.payload.device_id)
            self.directory.register(registration.payload)
        elif kind is DeviceTopic.STATUS:
            status = decode(payload, DeviceStatus)
            _same_device(device_id, status.payload.device_id)
            self.directory.set_online(device_id, status.online)
            if not status.online:
                self.went_offline(device_id)
        elif kind is DeviceTopic.STATE:
            snapshot = decode(payload, StateSnapshot)
            _same_device(device_id, snapshot.payload.device_id)
            self.directory.update_state(device_id, snapshot.payload.properties, replace=True)
        elif kind is DeviceTopic.REPORT:
            report = decode(payload, PropertyChanged)
            _same_device(device_id, report.payload.device_id)
            self.directory.update_state(device_id, report.payload.properties)
        elif kind is DeviceTopic.REPLY:
            reply = decode(payload, Response, ErrorResponse)
            _same_device(device_id, reply.payload.device_id or device_id)
            self.answered(device_id, cast(Response | ErrorResponse, reply))

    def answered(self, device_id: str, reply: Response | ErrorResponse) -> None:
        """A device's reply: it completes the directive of its ``messageId`` (if one still waits)."""
        future = self.pending.pop(reply.header.message_id, None)
        if future is None:
            _LOGGER.debug("reply %s from %s matches no pending request", reply.header.message_id, device_id)
            return
        if isinstance(reply, Response):
            self.directory.update_state(device_id, reply.payload.properties)
        if not future.done():
            future.set_result(reply)

    def went_offline(self, device_id: str) -> None:
        """A device said goodbye or its last will came: what it was asked will never be answered."""
        for message_id, target in list(self._pending_for.items()):
            future = self.pending.get(message_id)
            if target == device_id and future is not None and not future.done():
                future.set_exception(_WentOffline(device_id))

    def disconnected(self) -> None:
        """The hub lost its connection: no directive in flight will be answered."""
        for future in self.pending.values():
            if not future.done():
                future.set_exception(ConnectionError("the hub lost its connection to the broker"))
