"""Authentication, topic ACLs and keepalive enforcement on the real embedded broker."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import aiomqtt
import pytest

from genie.app import Running
from hub.broker import EmbeddedBroker
from hub.client import say
from hub.protocol import DeviceStatus, decode
from hub.security import CLIENT_USER, HUB_USER
from tests.brokers import BrokerUnderTest
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e


def client(broker: BrokerUnderTest, user: str | None, password: str | None, client_id: str) -> aiomqtt.Client:
    url = broker.url
    return aiomqtt.Client(url.host, url.port, username=user, password=password, identifier=client_id)


def observing(broker: BrokerUnderTest) -> aiomqtt.Client:
    """A client that may read and write every topic, without taking the hub's session."""
    url, client_id = broker.observer()
    return client(broker, url.username, url.password, client_id)


def login(broker: BrokerUnderTest, user: str, client_id: str | None = None) -> aiomqtt.Client:
    assert broker.credentials is not None
    return client(broker, user, broker.credentials.password_for(user), client_id or user)


async def live_until_marker(observer: aiomqtt.Client, marker_topic: str) -> list[str]:
    """Topics of the live (not retained) messages the observer receives, up to the marker."""
    seen = []
    async with asyncio.timeout(5):
        async for message in observer.messages:
            if message.retain:
                continue
            seen.append(str(message.topic))
            if str(message.topic) == marker_topic and message.payload == b"marker":
                return seen
    return seen


@pytest.mark.parametrize(("user", "password"), [(None, None), ("tv", "wrong"), (HUB_USER, "guess"), ("nobody", "x")])
async def test_a_client_without_valid_credentials_is_refused(any_broker: BrokerUnderTest, user: str | None,
                                                             password: str | None) -> None:
    with pytest.raises(aiomqtt.MqttError):
        async with client(any_broker, user, password, user or "anon"):
            pass


async def test_a_device_may_not_speak_for_another_or_send_directives(any_broker: BrokerUnderTest,
                                                                     stack: Running) -> None:
    async with observing(any_broker) as observer, login(any_broker, "rogue-plug") as rogue:
        await observer.subscribe("genie/#", qos=1)
        await rogue.publish("genie/dev/tv/state", b'{"spoofed": true}', qos=1)
        await rogue.publish("genie/dev/tv/request", b'{"directive": true}', qos=1)
        await rogue.publish("genie/hub/command", b'{"text": true}', qos=1)
        await rogue.publish("genie/dev/rogue-plug/report", b"marker", qos=1)
        seen = await live_until_marker(observer, "genie/dev/rogue-plug/report")
    assert "genie/dev/tv/state" not in seen
    assert "genie/dev/tv/request" not in seen
    assert "genie/hub/command" not in seen
    assert seen[-1] == "genie/dev/rogue-plug/report"


async def test_a_device_may_not_read_another_devices_requests(any_broker: BrokerUnderTest, stack: Running) -> None:
    async with login(any_broker, "rogue-plug") as rogue, observing(any_broker) as hub_like:
        await rogue.subscribe("genie/dev/tv/request", qos=1)  # amqtt refuses it; Mosquitto never delivers
        await rogue.subscribe("genie/dev/rogue-plug/request", qos=1)
        result = await say(any_broker.as_user(CLIENT_USER), "打开电视", timeout=5)  # a request goes to the tv
        assert result.ok, result.reply
        await hub_like.publish("genie/dev/rogue-plug/request", b"marker", qos=1)
        seen = await live_until_marker(rogue, "genie/dev/rogue-plug/request")
    assert seen == ["genie/dev/rogue-plug/request"]


async def test_a_text_client_may_only_use_the_command_topics(any_broker: BrokerUnderTest, stack: Running) -> None:
    async with (
        observing(any_broker) as observer,
        login(any_broker, CLIENT_USER, "genie-client-script-1") as script,
    ):
        await observer.subscribe("genie/#", qos=1)
        await script.subscribe("genie/dev/+/state", qos=1)
        await script.subscribe("genie/hub/reply/other", qos=1)
        await script.publish("genie/dev/tv/request", b"x", qos=1)
        await observer.publish("genie/dev/tv/state", b"not for the script", qos=1)
        await observer.publish("genie/hub/reply/other", b"not for the script", qos=1)
        await observer.publish("genie/hub/reply/genie-client-script-1", b"marker", qos=1)
        await script.subscribe("genie/hub/reply/genie-client-script-1", qos=1)
        await observer.publish("genie/hub/reply/genie-client-script-1", b"marker", qos=1)
        seen = await live_until_marker(script, "genie/hub/reply/genie-client-script-1")
        await script.publish("genie/hub/command", b"marker", qos=1)
        seen_by_observer = await live_until_marker(observer, "genie/hub/command")
    # On Mosquitto every text client is the one session `genie-client` (use_username_as_clientid), so the
    # login reads every text client's replies, as it could on the embedded broker by naming their ids.
    others = ["genie/hub/reply/other"] if any_broker.kind == "mosquitto" else []
    assert seen == [*others, "genie/hub/reply/genie-client-script-1"]
    assert "genie/dev/tv/request" not in seen_by_observer


async def test_the_hub_and_its_clients_work_with_credentials(any_broker: BrokerUnderTest, stack: Running,
                                                             _private_data_dir: Path) -> None:
    assert any_broker.credentials is not None
    any_broker.credentials.save(_private_data_dir / "credentials.json")  # what `genie up` does on first run
    result = await say(any_broker.url, "打开电视", timeout=5)  # no user given: found in the data directory
    assert result.ok, result.reply
    assert next(r.device for r in stack.runners if r.device.id == "tv").state["powerstate"] == "on"
    assert oct((_private_data_dir / "credentials.json").stat().st_mode & 0o777) == "0o600"


async def test_a_killed_device_is_offline_by_its_will(stack: Running) -> None:
    assert stack.hub is not None
    runner = next(r for r in stack.runners if r.device.id == "humidifier")
    await runner.crash()
    await wait_for(stack.hub.directory, lambda d: not d.get("humidifier").online)  # type: ignore[union-attr]


def _connect_packet(client_id: str, keepalive: int, will_topic: str, will_payload: bytes) -> bytes:
    def text(value: bytes) -> bytes:
        return struct.pack("!H", len(value)) + value

    flags = 0x02 | 0x04 | 0x08 | 0x20  # clean session, will, will QoS 1, will retain
    body = text(b"MQTT") + bytes([4, flags]) + struct.pack("!H", keepalive)
    body += text(client_id.encode()) + text(will_topic.encode()) + text(will_payload)
    length, remaining = bytearray(), len(body)
    while True:  # MQTT's variable-length "remaining length"
        digit, remaining = remaining % 128, remaining // 128
        length.append(digit | (0x80 if remaining else 0))
        if not remaining:
            return bytes([0x10]) + bytes(length) + body


async def test_a_hung_client_is_dropped_after_one_and_a_half_keepalives(broker: EmbeddedBroker) -> None:
    """amqtt 0.12.1 never enforces keepalive; our broker does, and the last will fires."""
    will = DeviceStatus.create("hung-device", False, "lwt").model_dump_json(by_alias=True).encode()
    host, port = broker.host, broker.port
    async with aiomqtt.Client(host, port, identifier="watcher") as watcher:
        await watcher.subscribe("genie/dev/hung-device/status", qos=1)
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(_connect_packet("hung-device", 1, "genie/dev/hung-device/status", will))
            async with asyncio.timeout(5):
                assert (await reader.readexactly(4))[:1] == b"\x20"  # CONNACK; then silence, no PINGREQ ever
            loop = asyncio.get_running_loop()
            started = loop.time()
            async with asyncio.timeout(6):
                message = await anext(aiter(watcher.messages))
            elapsed = loop.time() - started
        finally:
            writer.close()
    assert not decode(message.payload, DeviceStatus).online  # type: ignore[arg-type]
    assert elapsed < 1.5 * 1 + 1.0  # 1.5 x keepalive, rounded up to the broker's whole seconds


async def test_no_one_but_the_hub_may_take_the_hubs_client_id() -> None:
    """A broker drops the older of two sessions with one client id: a client logging in as `genie-hub`
    would kick the hub off. The embedded broker refuses it (on Mosquitto every client id is its user's name;
    tests/e2e/test_sessions.py covers both)."""
    from hub.security import Credentials
    from tests.brokers import amqtt_broker

    credentials = Credentials.generate()
    async with amqtt_broker(credentials) as broker:
        for user in (CLIENT_USER, "tv"):
            with pytest.raises(aiomqtt.MqttError):
                async with login(broker, user, HUB_USER):
                    pass
        async with login(broker, HUB_USER):
            pass
