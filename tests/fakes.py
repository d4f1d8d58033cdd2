"""An in-memory bus with the same interface as hub.protocol.mqtt.MqttConnection.

Delivers in order, keeps retained messages (delivered only to matching subscriptions, as a
correct broker does), fires a client's will on ``abort``. For unit tests of hub logic; anything
that crosses MQTT is tested against the real embedded broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Self

from hub.protocol import topic_matches
from hub.protocol.mqtt import Inbound, Will


class MemoryBroker:
    """The shared message switch of MemoryConnections."""

    def __init__(self) -> None:
        self.clients: dict[str, MemoryConnection] = {}
        self.retained: dict[str, bytes] = {}
        self.log: list[tuple[str, str, bytes]] = []  # (sender, topic, payload)

    def connect(self, client_id: str, will: Will | None = None) -> MemoryConnection:
        return MemoryConnection(self, client_id, will)

    def route(self, sender: str, topic: str, payload: bytes, retain: bool) -> None:
        self.log.append((sender, topic, payload))
        if retain:
            if payload:
                self.retained[topic] = payload
            else:
                self.retained.pop(topic, None)
        for client in list(self.clients.values()):
            if any(topic_matches(topic, f) for f in client.filters):
                client.queue.put_nowait(Inbound(topic, payload, False))


class MemoryConnection:
    """One client session on a MemoryBroker."""

    def __init__(self, broker: MemoryBroker, client_id: str, will: Will | None) -> None:
        self.broker = broker
        self.client_id = client_id
        self.will = will
        self.filters: list[str] = []
        self.queue: asyncio.Queue[Inbound | None] = asyncio.Queue()
        self.connected = False

    async def __aenter__(self) -> Self:
        old = self.broker.clients.get(self.client_id)
        if old is not None:
            old._drop(fire_will=False)
        self.broker.clients[self.client_id] = self
        self.connected = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._drop(fire_will=False)

    def _drop(self, *, fire_will: bool) -> None:
        if not self.connected:
            return
        self.connected = False
        if self.broker.clients.get(self.client_id) is self:
            del self.broker.clients[self.client_id]
        self.queue.put_nowait(None)
        if fire_will and self.will is not None:
            self.broker.route(self.client_id, self.will.topic, self.will.payload, self.will.retain)

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        if not self.connected:
            raise ConnectionError(f"{self.client_id}: not connected")
        self.broker.route(self.client_id, topic, payload, retain)
        await asyncio.sleep(0)

    async def subscribe(self, *filters: str) -> None:
        if not self.connected:
            raise ConnectionError(f"{self.client_id}: not connected")
        for topic_filter in filters:
            if topic_filter not in self.filters:
                self.filters.append(topic_filter)
                for topic, payload in list(self.broker.retained.items()):
                    if topic_matches(topic, topic_filter):
                        self.queue.put_nowait(Inbound(topic, payload, True))

    async def messages(self) -> AsyncIterator[Inbound]:
        while True:
            message = await self.queue.get()
            if message is None:
                if self.connected:
                    continue
                raise ConnectionError(f"{self.client_id}: connection lost")
            yield message

    async def abort(self) -> None:
        self._drop(fire_will=True)
