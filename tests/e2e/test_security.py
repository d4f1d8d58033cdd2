"""Authentication, topic ACLs and keepalive enforcement on the real embedded broker."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import aiomqtt
import pytest

from devices.home import load_home
from genie.app import Running, run_stack
from hub.broker import EmbeddedBroker, load_config
from hub.client import say
from hub.protocol import DeviceStatus, decode
from hub.security import CLIENT_USER, HUB_USER, Credentials
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
async def creds() -> Credentials:
    return Credentials.generate()


@pytest.fixture
async def secure_broker(creds: Credentials) -> AsyncIterator[EmbeddedBroker]:
    embedded = EmbeddedBroker(load_config(None, host="127.0.0.1", port=0), credentials=creds)
    await embedded.start()
    try:
        yield embedded
    finally:
        await embedded.stop()


@pytest.fixture
async def secure_stack(secure_broker: EmbeddedBroker, creds: Credentials, tmp_path: Path) -> AsyncIterator[Running]:
    async with run_stack(home=load_home(), broker_url=secure_broker.url, credentials=creds,
                         db=tmp_path / "hub.db", ready_timeout=20) as running:
        yield running


def client(running: Running, user: str | None, password: str | None, client_id: str) -> aiomqtt.Client:
    url = running.broker_url
    return aiomqtt.Client(url.host, url.port, username=user, password=password, identifier=client_id)


async def observe_until_marker(observer: aiomqtt.Client, marker_topic: str) -> list[str]:
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
async def test_a_client_without_valid_credentials_is_refused(secure_stack: Running, user: str | None,
                                                             password: str | None) -> None:
    with pytest.raises(aiomqtt.MqttError):
        async with client(secure_stack, user, password, user or "anon"):
            pass


async def test_a_device_cannot_log_in_under_another_id(secure_stack: Running, creds: Credentials) -> None:
    with pytest.raises(aiomqtt.MqttError):
        async with client(secure_stack, "tv", creds.device_password("tv"), "desk-lamp"):
            pass


async def test_a_device_may_not_speak_for_another_or_send_directives(secure_stack: Running,
                                                                     creds: Credentials) -> None:
    async with (
        client(secure_stack, HUB_USER, creds.hub_password, "observer") as observer,
        client(secure_stack, "rogue-plug", creds.device_password("rogue-plug"), "rogue-plug") as rogue,
    ):
        await observer.subscribe("genie/#", qos=1)
        await rogue.publish("genie/dev/tv/state", b'{"spoofed": true}', qos=1)
        await rogue.publish("genie/dev/tv/request", b'{"directive": true}', qos=1)
        await rogue.publish("genie/hub/command", b'{"text": true}', qos=1)
        await rogue.publish("genie/dev/rogue-plug/report", b"marker", qos=1)
        seen = await observe_until_marker(observer, "genie/dev/rogue-plug/report")
    assert "genie/dev/tv/state" not in seen
    assert "genie/dev/tv/request" not in seen
    assert "genie/hub/command" not in seen
    assert seen[-1] == "genie/dev/rogue-plug/report"


async def test_a_device_may_not_read_another_devices_requests(secure_stack: Running, creds: Credentials) -> None:
    async with client(secure_stack, "rogue-plug", creds.device_password("rogue-plug"), "rogue-plug") as rogue:
        granted = await rogue.subscribe("genie/dev/tv/request", qos=1)
        assert [int(getattr(code, "value", code)) for code in granted] == [0x80]
        granted = await rogue.subscribe("genie/dev/rogue-plug/request", qos=1)
        assert [int(getattr(code, "value", code)) for code in granted] == [1]


async def test_a_text_client_may_only_use_the_command_topics(secure_stack: Running, creds: Credentials) -> None:
    async with (
        client(secure_stack, HUB_USER, creds.hub_password, "observer") as observer,
        client(secure_stack, CLIENT_USER, creds.client_password, "script-1") as script,
    ):
        await observer.subscribe("genie/#", qos=1)
        assert [int(getattr(c, "value", c)) for c in await script.subscribe("genie/dev/+/state", qos=1)] == [0x80]
        assert [int(getattr(c, "value", c)) for c in await script.subscribe("genie/hub/reply/other", qos=1)] == [0x80]
        await script.publish("genie/dev/tv/request", b"x", qos=1)
        await script.publish("genie/hub/command", b"marker", qos=1)
        seen = await observe_until_marker(observer, "genie/hub/command")
    assert "genie/dev/tv/request" not in seen


async def test_the_hub_and_its_clients_work_with_credentials(secure_stack: Running, creds: Credentials,
                                                             _private_data_dir: Path) -> None:
    creds.save(_private_data_dir / "credentials.json")  # what `genie up` does on first run
    result = await say(secure_stack.broker_url, "打开电视", timeout=5)
    assert result.ok, result.reply
    assert next(r.device for r in secure_stack.runners if r.device.id == "tv").state["powerstate"] == "on"
    assert oct((_private_data_dir / "credentials.json").stat().st_mode & 0o777) == "0o600"


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


async def test_a_killed_device_is_offline_by_its_will(secure_stack: Running) -> None:
    assert secure_stack.hub is not None
    runner = next(r for r in secure_stack.runners if r.device.id == "humidifier")
    await runner.crash()
    await wait_for(secure_stack.hub.directory, lambda d: not d.get("humidifier").online)  # type: ignore[union-attr]
