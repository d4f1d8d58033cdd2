"""End to end over the real embedded broker: text in, devices move, replies out, failures handled."""

from __future__ import annotations

import asyncio
import uuid

import aiomqtt
import pytest

from genie.app import Running
from hub.client import list_devices, reset_home, say
from hub.protocol import ErrorCode, HubRequest, Topics, encode
from hub.protocol.mqtt import BrokerURL, MqttConnection
from hub.security import CLIENT_USER
from tests.brokers import BrokerUnderTest
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def client_url(any_broker: BrokerUnderTest) -> BrokerURL:
    """The broker as a text-command client (`genie say`) logs in."""
    return any_broker.as_user(CLIENT_USER)


def device(running: Running, device_id: str):
    return next(r.device for r in running.runners if r.device.id == device_id)


@pytest.mark.parametrize(
    ("text", "lang", "device_id", "prop", "value", "reply_has"),
    [
        ("打开客厅的灯", "zh", "living-light", "powerstate", "on", "好的"),
        ("天猫精灵，把卧室空调调到二十六度", "zh", "bedroom-ac", "temperature", 26, "26度"),
        ("set the desk lamp to 30%", "en", "desk-lamp", "brightness", 30, "30%"),
        ("Hey Genie, turn on the floor lamp", "en", "floor-lamp", "powerstate", "on", "turned on"),
        ("allume la lumière du salon", "fr", "living-light", "powerstate", "on", "allumé"),
        ("Génie, mets le climatiseur de la chambre à 22 degrés", "fr", "bedroom-ac", "temperature", 22, "22 degrés"),
    ],
)
async def test_a_command_in_each_language_moves_the_right_device(
    client_url: BrokerURL, stack: Running, text: str, lang: str, device_id: str, prop: str, value: object,
    reply_has: str,
) -> None:
    result = await say(client_url, text, timeout=5)
    assert result.ok, result.reply
    assert result.lang == lang
    assert reply_has in result.reply
    assert device(stack, device_id).state[prop] == value
    assert any(a.device == device_id and a.result == "SUCCESS" for a in result.actions)
    assert stack.hub is not None
    assert stack.hub.directory.get(device_id).state[prop] == value  # type: ignore[union-attr]


async def test_killed_device_goes_offline_by_its_last_will(
    client_url: BrokerURL, stack: Running) -> None:
    assert stack.hub is not None
    runner = next(r for r in stack.runners if r.device.id == "tv")
    await runner.crash()
    await wait_for(stack.hub.directory, lambda d: not d.get("tv").online)  # type: ignore[union-attr]
    result = await say(client_url, "turn on the tv", timeout=5)
    assert not result.ok
    assert [a.result for a in result.actions] == [ErrorCode.IOT_DEVICE_OFFLINE]
    assert "offline" in result.reply
    zh = await say(client_url, "打开电视", timeout=5)
    assert "离线" in zh.reply


async def test_a_silent_device_answers_offline_not_a_hang(
    client_url: BrokerURL, stack: Running) -> None:
    assert stack.hub is not None
    stack.hub.request_timeout = 0.3
    device(stack, "desk-lamp").fault = "offline"
    result = await say(client_url, "turn on the desk lamp", timeout=5)
    assert [a.result for a in result.actions] == [ErrorCode.IOT_DEVICE_OFFLINE]
    assert device(stack, "desk-lamp").state["powerstate"] == "off"


MALFORMED = [
    ("genie/dev/tv/register", b"not json"),
    ("genie/dev/tv/state", b'{"header": {"namespace": "AliGenie.Iot.Device.Report"}}'),
    ("genie/dev/tv/status", b"[1, 2, 3]"),
    ("genie/dev/tv/reply", b'{"header": {"namespace": "x", "name": "y", "messageId": "z"}, "payload": {}}'),
    ("genie/dev/tv/report", b'{"header": {"namespace": "AliGenie.Iot.Device.Report", "name": "PropertyChanged", '
                            b'"messageId": "m"}, "payload": {"deviceId": "lamp", "properties": []}}'),
    ("genie/dev/Bad!Id/state", b"{}"),
    ("genie/hub/command", b'{"header": {"namespace": "Genie.Hub", "name": "TextCommand", "messageId": "m"}, '
                          b'"payload": {"replyTo": "x", "text": ""}}'),
    ("genie/hub/command", bytes(range(256))),
]


async def test_malformed_payloads_are_dropped_and_the_hub_keeps_serving(
    client_url: BrokerURL, any_broker: BrokerUnderTest, stack: Running) -> None:
    assert stack.hub is not None
    before = {r.id: (r.online, dict(r.state)) for r in stack.hub.directory.all()}
    async with MqttConnection(*any_broker.observer()) as rogue:
        for topic, payload in MALFORMED:
            await rogue.publish(topic, payload)
    # The hub handles messages in order; a command sent afterwards is answered after all of them.
    result = await say(client_url, "关掉电视", timeout=5)
    assert result.ok
    assert stack.hub.malformed >= 6
    after = {r.id: (r.online, dict(r.state)) for r in stack.hub.directory.all() if r.id != "tv"}
    assert after == {k: v for k, v in before.items() if k != "tv"}


async def test_text_command_protocol_correlates_by_message_id(
    client_url: BrokerURL, stack: Running) -> None:
    topics = Topics()
    client_id = f"genie-client-t{uuid.uuid4().hex[:8]}"  # a text client's ids are genie-client-…
    request = HubRequest.create("TextCommand", client_id, "turn off the kitchen switch")
    async with MqttConnection(client_url, client_id) as conn:
        await conn.subscribe(topics.command_reply(client_id))
        await conn.publish(topics.command, encode(request))
        async with asyncio.timeout(5):
            async for message in conn.messages():
                assert message.topic == topics.command_reply(client_id)
                assert request.header.message_id.encode() in message.payload
                break


async def test_directory_and_reset(
    client_url: BrokerURL, stack: Running) -> None:
    await say(client_url, "打开台灯", timeout=5)
    devices = await list_devices(client_url, timeout=5)
    assert {d.id for d in devices} == {r.device.id for r in stack.runners}
    lamp = next(d for d in devices if d.id == "desk-lamp")
    assert lamp.online and lamp.state["powerstate"] == "on" and lamp.brand == "Yeelight"
    assert lamp.names.display("fr") == "lampe de bureau" and lamp.room == "study"
    result = await reset_home(client_url, timeout=5)
    assert result.ok
    assert device(stack, "desk-lamp").state["powerstate"] == "off"


async def test_a_device_never_receives_another_devices_messages(
    any_broker: BrokerUnderTest, stack: Running) -> None:
    """amqtt 0.12.1 replays other clients' retained messages on CONNECT; our broker must not."""
    url = any_broker.as_user("newcomer")
    own = "genie/dev/newcomer/request"
    received: list[str] = []
    async with aiomqtt.Client(url.host, url.port, username=url.username, password=url.password,
                              identifier="newcomer") as client:
        await client.subscribe(own, qos=1)
        await client.subscribe("genie/discover", qos=1)
        async with MqttConnection(*any_broker.observer()) as hub_like:
            await hub_like.publish(own, b"marker")
        async with asyncio.timeout(5):
            async for message in client.messages:
                received.append(str(message.topic))
                if message.payload == b"marker":
                    break
    assert set(received) <= {own, "genie/discover"}, received
    assert received[-1] == own
