"""An authenticated login abusing the broker itself (issue 13, second red-team run, findings 1, 4 and 5).

Last wills on topics the login may not publish on, packets over the protocol's size limit, QoS 2 messages
never released, persistent text-client sessions, one SUBSCRIBE of many refused filters, and TCP connections
that never say CONNECT. Packets are written by hand on a raw socket, as an attacker would; each rule is the
product's own (hub.broker, hub.security) on a real broker: the embedded amqtt one and, where it applies,
Mosquitto with the exported configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
import uuid
from collections.abc import AsyncIterator

import pytest

import hub.broker.packets
import hub.broker.server
from genie.app import Running
from hub.interop.roles import HOMEASSISTANT_USER
from hub.protocol import DeviceTopic, HubRequest, Topics, encode
from hub.protocol.mqtt import Inbound, MqttConnection
from hub.security import CLIENT_USER, HUB_USER, LISTENER_USER, Credentials
from tests.brokers import BrokerUnderTest, amqtt_broker

pytestmark = pytest.mark.e2e

ACCEPTED, IDENTIFIER_REJECTED, SERVER_UNAVAILABLE, REFUSED = 0, 2, 3, 5
TOPICS = Topics()
ROGUE = "rogue-plug"  # a device login the Mosquitto password file knows (tests/conftest.py EXTRA_DEVICE_IDS)
OTHER = "newcomer"
CODE = "123456"  # the front door's code in the demo home
UNRELEASED = 250
"""QoS 2 messages a test leaves unreleased: well over the broker's cap (hub.broker.MAX_UNRELEASED_QOS2)."""
BOUND = 10.0
"""Seconds any single wait of these tests may take."""


def _text(value: bytes) -> bytes:
    return struct.pack("!H", len(value)) + value


def _packet(first: int, body: bytes, length: int | None = None) -> bytes:
    """An MQTT packet: ``first`` byte, the remaining length (``length``, else the body's), the body."""
    encoded, remaining = bytearray(), len(body) if length is None else length
    while True:
        digit, remaining = remaining % 128, remaining // 128
        encoded.append(digit | (0x80 if remaining else 0))
        if not remaining:
            return bytes([first]) + bytes(encoded) + body


def connect_packet(client_id: str, user: str | None, password: str | None, *, clean: bool = True,
                   will: tuple[str, bytes] | None = None, keepalive: int = 60) -> bytes:
    flags = (0x02 if clean else 0) | (0x04 | 0x08 if will else 0)  # will at QoS 1
    flags |= (0x80 if user is not None else 0) | (0x40 if password is not None else 0)
    body = _text(b"MQTT") + bytes([4, flags]) + struct.pack("!H", keepalive) + _text(client_id.encode())
    if will:
        body += _text(will[0].encode()) + _text(will[1])
    body += (_text(user.encode()) if user is not None else b"") + (_text(password.encode()) if password else b"")
    return _packet(0x10, body)


def publish_packet(topic: str, payload: bytes, *, qos: int, packet_id: int = 1, length: int | None = None) -> bytes:
    variable = _text(topic.encode()) + (struct.pack("!H", packet_id) if qos else b"")
    return _packet(0x30 | qos << 1, variable + payload,
                   None if length is None else len(variable) + length)


class RawClient:
    """One hand-written MQTT connection to the broker under test."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        async with asyncio.timeout(BOUND):
            await self.writer.drain()

    async def read_packet(self) -> tuple[int, bytes]:
        """The next packet from the broker: its first byte and its body."""
        async with asyncio.timeout(BOUND):
            first = (await self.reader.readexactly(1))[0]
            length, shift = 0, 0
            while True:
                digit = (await self.reader.readexactly(1))[0]
                length |= (digit & 0x7F) << shift
                shift += 7
                if not digit & 0x80:
                    break
            return first, await self.reader.readexactly(length)

    async def closed_by_broker(self) -> None:
        """Await the broker closing this connection, reading and dropping what it sends until then; fail if it
        is still open after BOUND seconds."""
        try:
            async with asyncio.timeout(BOUND):
                while await self.reader.read(65536):
                    pass
        except ConnectionError:
            pass
        except TimeoutError:
            raise AssertionError(f"the broker kept the connection open for {BOUND:g} s") from None

    def abort(self) -> None:
        """Drop the connection without DISCONNECT, as a network failure would: a will fires."""
        self.writer.transport.abort()


@contextlib.asynccontextmanager
async def raw_client(broker: BrokerUnderTest, client_id: str, user: str | None, *, clean: bool = True,
                     will: tuple[str, bytes] | None = None) -> AsyncIterator[tuple[RawClient, int]]:
    """A connection that has sent its CONNECT, and the CONNACK's return code."""
    password = broker.credentials.password_for(user) if broker.credentials and user else None
    reader, writer = await asyncio.open_connection(broker.url.host, broker.url.port)
    client = RawClient(reader, writer)
    try:
        await client.send(connect_packet(client_id, user, password, clean=clean, will=will))
        first, body = await client.read_packet()
        assert first == 0x20 and len(body) == 2, f"not a CONNACK: {first:#x} {body!r}"
        yield client, body[1]
    finally:
        writer.transport.abort()


@contextlib.asynccontextmanager
async def observer_on_everything(broker: BrokerUnderTest) -> AsyncIterator[AsyncIterator[Inbound]]:
    """A test observer subscribed to '#': its live (not retained) messages."""
    url, client_id = broker.observer()
    async with MqttConnection(url, client_id) as observer:
        await observer.subscribe("#")

        async def live() -> AsyncIterator[Inbound]:
            async for message in observer.messages():
                if not message.retain:
                    yield message

        yield live()


async def seen_until(messages: AsyncIterator[Inbound], topic: str, payload: bytes) -> list[Inbound]:
    """Every live message up to and including the first of ``topic`` carrying ``payload``."""
    seen = []
    async with asyncio.timeout(BOUND):
        async for message in messages:
            seen.append(message)
            if message.topic == topic and message.payload == payload:
                return seen
    raise AssertionError("the observer's messages ended")


def _unlock_directive() -> bytes:
    return json.dumps({"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "Unlock",
                                  "messageId": uuid.uuid4().hex, "payLoadVersion": 1},
                       "payload": {"deviceId": "front-door", "deviceType": "fingerprintlock", "attribute": "code",
                                   "value": CODE, "extensions": {}}}).encode()


FORBIDDEN_WILLS = {
    "another device's request topic": (TOPICS.device("front-door", DeviceTopic.REQUEST), _unlock_directive),
    "the hub's command topic": (TOPICS.command, lambda: encode(HubRequest.create(
        "TextCommand", "genie-client-rogue", f"unlock the front door, code {CODE}"))),
}


def _lockstate(stack: Running) -> object:
    return next(r.device for r in stack.runners if r.device.id == "front-door").state["lockstate"]


# --------------------------------------------------------------------------- finding 1: last wills


@pytest.mark.parametrize("target", list(FORBIDDEN_WILLS))
async def test_a_will_on_a_topic_the_login_may_not_publish_on_never_fires(
        any_broker: BrokerUnderTest, stack: Running, target: str) -> None:
    """With one device's password the red team unlocked the front door through a last will (80 codes/s, no
    lockout) and gave the hub commands: amqtt published wills with no permission check. The embedded broker
    now refuses such a CONNECT (CONNACK 5); Mosquitto accepts it and drops the will when it would fire."""
    topic, payload = FORBIDDEN_WILLS[target]
    own_status = TOPICS.device(ROGUE, DeviceTopic.STATUS)
    legitimate = b'{"rogue": "gone"}'
    async with observer_on_everything(any_broker) as messages:
        async with raw_client(any_broker, ROGUE, ROGUE, will=(topic, payload())) as (forbidden, code):
            assert code == (REFUSED if any_broker.kind == "amqtt" else ACCEPTED)
            forbidden.abort()
        # the same client id again, with a will it may use: whatever became of the first will (published,
        # dropped, or the CONNECT refused) happened before this CONNECT was answered, so before this will
        async with raw_client(any_broker, ROGUE, ROGUE, will=(own_status, legitimate)) as (allowed, code):
            assert code == ACCEPTED
            allowed.abort()
        seen = await seen_until(messages, own_status, legitimate)
    assert [m.topic for m in seen if m.topic == topic] == []
    assert all(CODE.encode() not in m.payload for m in seen)
    assert _lockstate(stack) == "locked"


@pytest.mark.parametrize(("user", "topic"), [("tv", TOPICS.device("tv", DeviceTopic.STATUS)),
                                             (HUB_USER, TOPICS.hub_status),
                                             (HOMEASSISTANT_USER, "homeassistant/status")])
async def test_a_will_its_login_may_publish_fires(any_broker: BrokerUnderTest, user: str, topic: str) -> None:
    """The wills the product relies on still fire: a device's offline status, the hub's, and Home
    Assistant's own homeassistant/status."""
    async with observer_on_everything(any_broker) as messages:
        async with raw_client(any_broker, user, user, will=(topic, b"offline")) as (client, code):
            assert code == ACCEPTED
            client.abort()
        seen = await seen_until(messages, topic, b"offline")
    assert seen[-1].topic == topic


async def test_fifty_will_attempts_cut_off_at_once_are_fifty_refusals_and_no_traceback(
        caplog: pytest.LogCaptureFixture) -> None:
    """The red team's brute force: CONNECT with a will on the front door's request topic, then a reset
    without waiting for the CONNACK, fifty times. Each is refused; none leaves a traceback in the log."""
    attempts = 50
    refused = asyncio.Event()
    count = 0

    class Counter(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            nonlocal count
            if "a last will on" in record.getMessage():
                count += 1
                if count == attempts:
                    refused.set()

    counter = Counter()
    logging.getLogger("hub.broker").addHandler(counter)
    try:
        async with amqtt_broker(Credentials.generate()) as target:
            assert target.credentials is not None
            connect = connect_packet(ROGUE, ROGUE, target.credentials.password_for(ROGUE),
                                     will=(TOPICS.device("front-door", DeviceTopic.REQUEST), _unlock_directive()))
            for _ in range(attempts):
                client = RawClient(*await asyncio.open_connection(target.url.host, target.url.port))
                await client.send(connect)
                client.abort()
            async with asyncio.timeout(BOUND):
                await refused.wait()
            async with raw_client(target, ROGUE, ROGUE) as (_client, code):  # the broker still serves
                assert code == ACCEPTED
    finally:
        logging.getLogger("hub.broker").removeHandler(counter)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


# --------------------------------------------------------------------------- finding 4: message size


async def test_a_publish_over_the_size_limit_is_refused_before_its_body_is_read(
        any_broker: BrokerUnderTest) -> None:
    """A 100 MB publish by a device login took the hub to 356 MB RSS (Mosquitto) and a retained one left the
    embedded broker at 401 MB. The broker now drops the connection on the fixed header of a 1 MB PUBLISH: only
    its first 64 KiB are ever sent here, and the broker closes without waiting for the rest."""
    state = TOPICS.device(ROGUE, DeviceTopic.STATE)
    async with observer_on_everything(any_broker) as messages:
        async with raw_client(any_broker, ROGUE, ROGUE) as (big, code):
            assert code == ACCEPTED
            head = publish_packet(state, b"", qos=1, length=1024 * 1024)
            await big.send(head + b"x" * 65536)
            await big.closed_by_broker()
        async with raw_client(any_broker, ROGUE, ROGUE) as (fresh, code):  # the broker still serves
            assert code == ACCEPTED
            await fresh.send(publish_packet(state, b'{"small": true}', qos=1, packet_id=7))
            assert await fresh.read_packet() == (0x40, struct.pack("!H", 7))  # PUBACK
        seen = await seen_until(messages, state, b'{"small": true}')
    assert [len(m.payload) for m in seen if m.topic == state] == [len(b'{"small": true}')]


async def test_a_whole_publish_over_the_size_limit_never_reaches_anyone(any_broker: BrokerUnderTest) -> None:
    """The same with the whole 1 MB sent, retained: nothing is delivered or kept, the broker stays up."""
    state = TOPICS.device(ROGUE, DeviceTopic.STATE)
    async with observer_on_everything(any_broker) as messages:
        async with raw_client(any_broker, ROGUE, ROGUE) as (big, code):
            assert code == ACCEPTED
            with contextlib.suppress(ConnectionError):  # the broker may close while the body is still going
                await big.send(_packet(0x33, _text(state.encode()) + struct.pack("!H", 1) + b"x" * 1024 * 1024))
            await big.closed_by_broker()
        async with raw_client(any_broker, ROGUE, ROGUE) as (fresh, code):
            assert code == ACCEPTED
            await fresh.send(publish_packet(state, b"after", qos=1, packet_id=2))
            assert await fresh.read_packet() == (0x40, struct.pack("!H", 2))
        seen = await seen_until(messages, state, b"after")
    assert [len(m.payload) for m in seen if m.topic == state] == [len(b"after")]
    url, client_id = any_broker.observer()
    async with MqttConnection(url, client_id + "-late") as late:  # nothing over the limit was retained
        await late.subscribe(state)
        async with raw_client(any_broker, ROGUE, ROGUE) as (marker, _code):
            await marker.send(publish_packet(state, b"marker", qos=1, packet_id=3))
            assert (await marker.read_packet())[0] == 0x40
        got = [m async for m in _until(late.messages(), b"marker")]
    assert [len(m.payload) for m in got] == [len(b"marker")]


async def _until(messages: AsyncIterator[Inbound], payload: bytes) -> AsyncIterator[Inbound]:
    async with asyncio.timeout(BOUND):
        async for message in messages:
            yield message
            if message.payload == payload:
                return


# --------------------------------------------------------------------------- finding 5: resources


async def test_qos2_messages_never_released_are_capped(caplog: pytest.LogCaptureFixture) -> None:
    """4,000 QoS 2 PUBLISHes without PUBREL took the embedded broker from 122 to 639 MB. Past the cap of
    unreleased messages the connection is dropped, with one log line; a client that releases its messages
    is never."""
    async with amqtt_broker(Credentials.generate()) as target:
        state = TOPICS.device(ROGUE, DeviceTopic.REPORT)
        async with raw_client(target, ROGUE, ROGUE) as (polite, code):
            assert code == ACCEPTED
            for packet_id in range(1, UNRELEASED + 1):
                await polite.send(publish_packet(state, b"{}", qos=2, packet_id=packet_id))
                assert await polite.read_packet() == (0x50, struct.pack("!H", packet_id))  # PUBREC
                await polite.send(_packet(0x62, struct.pack("!H", packet_id)))  # PUBREL
                assert await polite.read_packet() == (0x70, struct.pack("!H", packet_id))  # PUBCOMP
        async with raw_client(target, ROGUE, ROGUE) as (hoarder, code):
            assert code == ACCEPTED
            with contextlib.suppress(ConnectionError):
                for packet_id in range(1, UNRELEASED + 1):
                    await hoarder.send(publish_packet(state, b"y" * 1000, qos=2, packet_id=packet_id))
            await hoarder.closed_by_broker()
        async with raw_client(target, ROGUE, ROGUE) as (_after, code):
            assert code == ACCEPTED
    dropped = [r for r in caplog.records if r.name == "hub.broker" and "never released" in r.getMessage()]
    assert len(dropped) == 1, [r.getMessage() for r in dropped[:3]]


@pytest.mark.parametrize("user", [CLIENT_USER, LISTENER_USER])
async def test_a_text_client_may_not_keep_a_persistent_session(user: str) -> None:
    """3,000 persistent genie-client-* sessions kept 117 MB, forever: the text clients' ids are unbounded."""
    async with amqtt_broker(Credentials.generate()) as target:
        async with raw_client(target, f"{user}-p1", user, clean=False) as (_client, code):
            assert code == IDENTIFIER_REJECTED
        async with raw_client(target, f"{user}-p1", user, clean=True) as (_client, code):
            assert code == ACCEPTED
        async with raw_client(target, ROGUE, ROGUE, clean=False) as (_device, code):
            assert code == ACCEPTED  # a device's ids are bounded by its login: it may


async def test_one_subscribe_of_many_refused_filters_is_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    """One 1.2 MB SUBSCRIBE with 100,000 refused filters wrote 100,000 WARNING lines."""
    filters = [f"x/{n}/\x1b[2J" + "A" * 20 for n in range(2000)]
    body = struct.pack("!H", 1) + b"".join(_text(f.encode()) + b"\x01" for f in filters)
    async with amqtt_broker(Credentials.generate()) as target:
        with caplog.at_level(logging.INFO, logger="hub.broker"):
            async with raw_client(target, ROGUE, ROGUE) as (client, code):
                assert code == ACCEPTED
                await client.send(_packet(0x82, body))
                first, suback = await client.read_packet()
    assert first == 0x90 and suback == struct.pack("!H", 1) + b"\x80" * len(filters)
    refusals = [r.getMessage() for r in caplog.records if r.name == "hub.broker" and "refused" in r.getMessage()]
    assert len(refusals) == 1, refusals[:3]
    assert "2000" in refusals[0] and "x/0/" in refusals[0] and "\x1b" not in refusals[0]
    assert len(refusals[0]) < 1000


async def test_a_connection_that_never_says_connect_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 TCP connections that never sent CONNECT stayed open forever. One that sends nothing, and one that
    sends half a CONNECT, are closed after the CONNECT timeout; a connected client is not."""
    monkeypatch.setattr(hub.broker.server, "CONNECT_TIMEOUT", 0.5)
    async with amqtt_broker(Credentials.generate()) as target, raw_client(target, ROGUE, ROGUE) as (connected, code):
        assert code == ACCEPTED
        silent = RawClient(*await asyncio.open_connection(target.url.host, target.url.port))
        half = RawClient(*await asyncio.open_connection(target.url.host, target.url.port))
        try:
            await half.send(connect_packet(OTHER, OTHER, "x")[:12])
            await silent.closed_by_broker()
            await half.closed_by_broker()
        finally:
            silent.abort()
            half.abort()
        await connected.send(b"\xc0\x00")  # PINGREQ
        assert await connected.read_packet() == (0xD0, b"")  # PINGRESP: still connected


# --------------------------------------------------------------------------- third red-team run: slow connections


def _stalled_publish(topic: str, size: int) -> bytes:
    """A QoS 0 PUBLISH whose fixed header announces ``size`` bytes of payload, with the last byte held back."""
    return publish_packet(topic, b"x" * size, qos=0)[:-1]


async def test_a_publish_body_that_stalls_is_cut_off(monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """800 text clients (keepalive 0), each one byte short of a 327,000-byte PUBLISH, held 312 MB of the
    embedded broker for ever. Once a packet's fixed header is read its body must arrive within BODY_TIMEOUT;
    a client whose packets arrive whole is not touched."""
    monkeypatch.setattr(hub.broker.packets, "BODY_TIMEOUT", 0.5)
    async with amqtt_broker(Credentials.generate()) as target:
        with caplog.at_level(logging.INFO, logger="hub.broker"):
            async with raw_client(target, f"{CLIENT_USER}-slow", CLIENT_USER) as (slow, code), \
                    raw_client(target, ROGUE, ROGUE) as (steady, steady_code):
                assert (code, steady_code) == (ACCEPTED, ACCEPTED)
                await slow.send(_stalled_publish(TOPICS.command, 20_000))
                await slow.closed_by_broker()
                await steady.send(b"\xc0\x00")  # PINGREQ
                assert await steady.read_packet() == (0xD0, b"")
    cut = [r.getMessage() for r in caplog.records if r.name == "hub.broker" and "body" in r.getMessage()]
    assert len(cut) == 1 and CLIENT_USER in cut[0], cut


@pytest.mark.parametrize("user", [CLIENT_USER, LISTENER_USER])
async def test_a_text_login_has_a_bounded_number_of_connections(monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture, user: str) -> None:
    """Text clients' and the listener's ids are unbounded, so one password held any number of connections.
    The connection over MAX_TEXT_CONNECTIONS of one login gets CONNACK 3 (server unavailable) with one log
    line; a slot frees when a connection leaves; devices are not counted."""
    monkeypatch.setattr(hub.broker.server, "MAX_TEXT_CONNECTIONS", 3)
    async with amqtt_broker(Credentials.generate()) as target, contextlib.AsyncExitStack() as stack:
        held = []
        for n in range(3):
            client, code = await stack.enter_async_context(raw_client(target, f"{user}-{n}", user))
            assert code == ACCEPTED
            held.append(client)
        with caplog.at_level(logging.INFO, logger="hub.broker"):
            async with raw_client(target, f"{user}-extra", user) as (_extra, code):
                assert code == SERVER_UNAVAILABLE
        refusals = [r.getMessage() for r in caplog.records if "connections" in r.getMessage()]
        assert len(refusals) == 1 and user in refusals[0], refusals
        async with raw_client(target, ROGUE, ROGUE) as (_device, code):
            assert code == ACCEPTED
        await held[0].send(b"\xe0\x00")  # DISCONNECT
        await held[0].closed_by_broker()
        async with asyncio.timeout(BOUND):
            while True:  # the slot frees once the broker has ended that connection's task
                async with raw_client(target, f"{user}-again", user) as (_again, code):
                    if code == ACCEPTED:
                        break
                    assert code == SERVER_UNAVAILABLE


async def test_connects_cut_short_by_a_reset_leave_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """A CONNECT whose password field is one byte short, then a reset, wrote a 2.6 KB 'Unhandled exception in
    client_connected_cb' traceback per connection, with no credentials at all."""
    attempts = 20
    seen = asyncio.Event()
    count = 0

    class Counter(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            nonlocal count
            if "no valid CONNECT" in record.getMessage() or "client_connected_cb" in record.getMessage():
                count += 1
                if count == attempts:
                    seen.set()

    counter = Counter()
    for name in ("hub.broker", "asyncio"):
        logging.getLogger(name).addHandler(counter)
    try:
        with caplog.at_level(logging.INFO):
            async with amqtt_broker(Credentials.generate()) as target:
                for n in range(attempts):
                    client = RawClient(*await asyncio.open_connection(target.url.host, target.url.port))
                    await client.send(connect_packet(f"x{n}", "u", "p" * 100)[:-1])
                    client.abort()
                async with asyncio.timeout(BOUND):
                    await seen.wait()
                async with raw_client(target, ROGUE, ROGUE) as (_client, code):  # the broker still serves
                    assert code == ACCEPTED
    finally:
        for name in ("hub.broker", "asyncio"):
            logging.getLogger(name).removeHandler(counter)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
