"""Deliberately broken devices for ``genie certify --self-test``: each is a real simulated light (``Light``, run by
``DeviceRunner``) with one defect a device maker could plausibly ship, and the case that must catch it.

``BROKEN`` maps each name to how to make it and what certify must say: the case id that fails, words of its
reason, and the other cases its defect may drag down (any further failure is certify's own fault).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Self

from devices.categories.light import Light
from devices.config import DeviceConfig
from devices.runner import Connector, DeviceRunner
from hub.protocol import (
    DeviceStatus,
    DeviceTopic,
    ErrorResponse,
    Property,
    Registration,
    Request,
    Response,
    StateSnapshot,
    encode,
)
from hub.protocol.mqtt import Backoff, Connection, Inbound

NEIGHBOUR = "certify-neighbour"
"""The device whose topic the trespassing device publishes on."""


class _SilentOnTurnOff(Light):
    """Never answers TurnOff (the request is carried out; the reply is never sent)."""

    async def handle(self, request: Request) -> Response | ErrorResponse | None:
        reply = await super().handle(request)
        return None if request.action == "TurnOff" else reply


class _NumbersAsText(Light):
    """States every number in its replies as a JSON string ("50" for 50)."""

    async def handle(self, request: Request) -> Response | ErrorResponse | None:
        reply = await super().handle(request)
        if isinstance(reply, Response):
            reply.payload.properties = [
                Property(name=p.name, value=str(p.value) if isinstance(p.value, int | float) and
                         not isinstance(p.value, bool) else p.value) for p in reply.payload.properties]
        return reply


class _FlatEnvelope(DeviceRunner):
    """Publishes its registration with the header's fields beside ``payload`` instead of in ``header``."""

    async def announce(self) -> None:
        """Registration (flattened), status and state, as the real runner announces them."""
        assert self._conn is not None
        dev = self.device
        message = json.loads(encode(Registration.create(dev.info())))
        flat = {**message["header"], "payload": message["payload"]}
        await self._conn.publish(self._topic(DeviceTopic.REGISTER), json.dumps(flat).encode(), retain=True)
        await self._conn.publish(self._topic(DeviceTopic.STATUS), encode(DeviceStatus.create(dev.id, True, "connect")),
                                 retain=True)
        await self._conn.publish(self._topic(DeviceTopic.STATE), encode(StateSnapshot.create(dev.id, dev.properties())),
                                 retain=True)


class _Hammering(DeviceRunner):
    """Reconnects at once, again and again, whenever its broker is away (no backoff at all)."""

    async def run(self, backoff: Backoff | None = None) -> None:
        """The real runner's loop, with every wait between attempts zero."""
        await super().run(Backoff(initial=0.0, maximum=0.0))


class _Trespasser(DeviceRunner):
    """Also publishes its state on a neighbour's state topic every time it announces itself."""

    async def announce(self) -> None:
        """The usual announcement, and its state on the neighbour's topic."""
        await super().announce()
        assert self._conn is not None
        snapshot = StateSnapshot.create(NEIGHBOUR, self.device.properties())
        await self._conn.publish(self.topics.device(NEIGHBOUR, DeviceTopic.STATE), encode(snapshot), retain=True)


class _Deaf:
    """A connection that never subscribes to the discovery broadcast (the device never hears it)."""

    def __init__(self, inner: Connection, discover: str) -> None:
        self._inner, self._discover = inner, discover
        self.client_id = inner.client_id

    async def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """As the real connection."""
        await self._inner.publish(topic, payload, qos=qos, retain=retain)

    async def subscribe(self, *filters: str) -> None:
        """Every filter but the discovery broadcast."""
        await self._inner.subscribe(*(f for f in filters if f != self._discover))

    def messages(self) -> AsyncIterator[Inbound]:
        """As the real connection."""
        return self._inner.messages()

    async def abort(self) -> None:
        """As the real connection."""
        await self._inner.abort()

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._inner.__aexit__(*exc)


def _light(device_id: str, cls: type[Light] = Light) -> Light:
    return cls(DeviceConfig(id=device_id, category="light", brand="Certify", model="broken"))


def _no_will(connect: Connector) -> Connector:
    return lambda client_id, _will: connect(client_id, None)


def _deaf(connect: Connector) -> Connector:
    return lambda client_id, will: _Deaf(connect(client_id, will), "genie/discover")  # type: ignore[return-value]


@dataclass(frozen=True)
class Broken:
    """One broken device: how to make its runner, and the failure certify must report."""

    name: str
    defect: str
    make: Callable[[str, Connector], DeviceRunner]
    case: str
    words: str
    """Words the failed case's reason must contain."""
    may_also_fail: frozenset[str] = frozenset()


BROKEN: tuple[Broken, ...] = (
    Broken("wrong-envelope", "its registration has no header object (the header's fields at the top level)",
           lambda i, c: _FlatEnvelope(_light(i), c), "registration", "header",
           frozenset({"discovery", "actions-valid", "actions-boundary", "actions-out-of-range"})),
    Broken("missing-reply", "never answers TurnOff", lambda i, c: DeviceRunner(_light(i, _SilentOnTurnOff), c),
           "actions-valid", "TurnOff: no reply"),
    Broken("wrong-value-type", "states numbers in its replies as strings",
           lambda i, c: DeviceRunner(_light(i, _NumbersAsText), c), "actions-valid", "its spec says int",
           frozenset({"actions-boundary", "reply-discipline"})),
    Broken("no-last-will", "connects without a last will", lambda i, c: DeviceRunner(_light(i), _no_will(c)),
           "last-will", "no last will", frozenset({"will-fires"})),
    Broken("foreign-topic", f"publishes on {NEIGHBOUR}'s state topic", lambda i, c: _Trespasser(_light(i), c),
           "topic-discipline", f"genie/dev/{NEIGHBOUR}/state"),
    Broken("hammering", "retries a broker that is away at once, without backoff",
           lambda i, c: _Hammering(_light(i), c), "reconnect", "a hammering loop, not a backoff",
           frozenset({"topic-discipline", "soak"})),  # the cases after it may find it still hammering
    Broken("ignores-discover", "never subscribes to the discovery broadcast",
           lambda i, c: DeviceRunner(_light(i), _deaf(c)), "discovery", "after a DiscoveryDevices broadcast"),
)
"""Every broken device of the self-test."""
