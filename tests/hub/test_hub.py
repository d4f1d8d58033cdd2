"""The hub service over the MemoryBroker with the demo home running: discovery, availability, state
reports, directives and their timeout, malformed input, hub requests on genie/hub/command, and the
SQLite store across a restart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devices.runner import DeviceRunner
from hub.protocol import (
    SUCCESS,
    DeviceStatus,
    DeviceTopic,
    ErrorCode,
    ErrorResponse,
    HubRequest,
    HubStatus,
    ListDevicesResponse,
    Property,
    PropertyChanged,
    Registration,
    Request,
    Response,
    StateSnapshot,
    TextCommandResponse,
    decode,
    encode,
)
from hub.protocol.codec import MAX_PAYLOAD_BYTES
from hub.protocol.messages import Namespace
from hub.service import Hub
from hub.store import Store
from tests.hub.conftest import TOPICS, Client, DemoHome, snapshot, until

# ---------------------------------------------------------------------------- discovery and availability


async def test_discovery_fills_the_directory_with_every_device_online(home: DemoHome) -> None:
    directory = home.hub.directory
    assert len(directory) == 19
    assert {r.id for r in directory.all()} == set(home.runners)
    for record in directory.all():
        assert record.online, record.id
        assert record.state == home.state(record.id), record.id
        assert record.room == home.configs[record.id].room
    desk = directory.get("desk-lamp")
    assert desk is not None
    assert (desk.category, desk.name("zh"), desk.name("en"), desk.name("fr")) == (
        "light", "台灯", "desk lamp", "lampe de bureau")
    assert set(directory.rooms()) == {"living", "bedroom", "study", "kitchen", "bathroom", "hallway"}


async def test_a_crashed_device_goes_offline_by_its_will_and_back_online_when_it_reconnects(
        home: DemoHome) -> None:
    await home.runners["tv"].crash()
    await home.offline("tv")
    others = [r for r in home.hub.directory.all() if r.id != "tv"]
    assert all(r.online for r in others)
    status = decode(home.broker.retained[TOPICS.device("tv", DeviceTopic.STATUS)], DeviceStatus)
    assert (status.online, status.payload.reason) == (False, "lwt")

    runner = DeviceRunner(home.device("tv"), home.broker.connect)
    home.runners["tv"] = runner
    home.start(runner.run(), "runner[tv]-again")
    record = home.hub.directory.get("tv")
    assert record is not None
    await until(home.hub.directory, lambda: record.online)
    result = await home.hub.handle_text("打开电视")
    assert (result.reply, result.ok) == ("好的，电视已打开。", True)
    assert home.state("tv")["powerstate"] == "on"


async def test_unsolicited_reports_update_the_directory(home: DemoHome) -> None:
    record = home.hub.directory.get("desk-lamp")
    assert record is not None
    home.device("desk-lamp").apply({"powerstate": "on", "brightness": 33}, cause="physical")  # a wall switch
    await until(home.hub.directory, lambda: record.state.get("brightness") == 33)
    assert record.state["powerstate"] == "on"
    assert record.state == home.state("desk-lamp")


async def test_send_to_an_unknown_device(home: DemoHome) -> None:
    reply = await home.hub.send(Request.control("ghost", "TurnOn"))
    assert isinstance(reply, ErrorResponse)
    assert reply.payload.error_code is ErrorCode.DEVICE_IS_NOT_EXIST


async def test_send_to_a_silent_device_times_out_and_forgets_the_request(home: DemoHome) -> None:
    home.device("floor-lamp").fault = "offline"
    request = Request.control("floor-lamp", "TurnOn", device_type="light")
    loop = asyncio.get_running_loop()
    start = loop.time()
    reply = await home.hub.send(request)
    assert loop.time() - start >= home.hub.request_timeout
    assert isinstance(reply, ErrorResponse)
    assert reply.header.message_id == request.header.message_id
    assert reply.payload.error_code is ErrorCode.IOT_DEVICE_OFFLINE
    assert home.hub.directives.pending == {}
    # Silence is not a disconnection: the directory still has it online, and it answers once healthy.
    assert home.hub.directory.get("floor-lamp").online  # type: ignore[union-attr]
    home.device("floor-lamp").fault = None
    answer = await home.hub.send(Request.control("floor-lamp", "TurnOn", device_type="light"))
    assert isinstance(answer, Response)
    assert home.state("floor-lamp")["powerstate"] == "on"


async def test_stopping_the_hub_announces_it_offline(home: DemoHome) -> None:
    await home.stop_hub()
    status = decode(home.broker.retained[TOPICS.hub_status], HubStatus)
    assert (status.online, status.payload.reason) == (False, "shutdown")
    assert not home.hub.ready.is_set()


# ---------------------------------------------------------------------------- malformed input

def _header(namespace: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"namespace": namespace, "name": name, "messageId": "rogue-1", **extra}


def _json(obj: Any) -> bytes:
    return json.dumps(obj).encode()


Payload = Callable[[DemoHome], bytes]


def _const(data: bytes) -> Payload:
    return lambda _home: data


def _desk_registration(home: DemoHome) -> bytes:
    return encode(Registration.create(home.device("desk-lamp").info()))


MALFORMED: list[Any] = [
    # (topic, payload, counted in hub.malformed)
    pytest.param("genie/dev/tv/register", _const(b"{not json"), True, id="register-not-json"),
    pytest.param("genie/dev/tv/register", _const(b"[1, 2]"), True, id="register-json-array"),
    pytest.param("genie/dev/tv/register", _const(_json({"payload": {}})), True, id="register-no-header"),
    pytest.param("genie/dev/tv/register", _const(_json({"header": _header(Namespace.DISCOVERY, "Register")})),
                 True, id="register-no-payload"),
    pytest.param("genie/dev/tv/register",
                 _const(_json({"header": _header(Namespace.DISCOVERY, "Register"), "payload": {"deviceId": "tv"}})),
                 True, id="register-wrong-schema"),
    pytest.param("genie/dev/tv/register",
                 _const(_json({"header": _header(Namespace.DISCOVERY, "Bogus"), "payload": {}})),
                 True, id="register-unknown-name"),
    pytest.param("genie/dev/tv/register", _desk_registration, True, id="register-deviceid-mismatch"),
    pytest.param("genie/dev/tv/status",
                 _const(_json({"header": _header(Namespace.LIFECYCLE, "Offline"),
                               "payload": {"deviceId": "tv", "status": "maybe"}})),
                 True, id="status-wrong-schema"),
    pytest.param("genie/dev/tv/status", _const(encode(DeviceStatus.create("desk-lamp", False, "lwt"))),
                 True, id="status-deviceid-mismatch"),
    pytest.param("genie/dev/tv/state", _const(b"\xff\xfe\x00"), True, id="state-not-utf8"),
    pytest.param("genie/dev/tv/state", _const(b"loud"), True, id="state-not-json"),
    pytest.param("genie/dev/tv/state",
                 _const(_json({"header": _header(Namespace.REPORT, "StateSnapshot"),
                               "payload": {"deviceId": "tv", "properties": "loud"}})),
                 True, id="state-wrong-schema"),
    pytest.param("genie/dev/tv/state",
                 _const(_json({"header": _header(Namespace.REPORT, "StateSnapshot", payLoadVersion=99),
                               "payload": {"deviceId": "tv", "properties": []}})),
                 True, id="state-newer-version"),
    pytest.param("genie/dev/tv/state",
                 _const(encode(StateSnapshot.create("desk-lamp", [Property(name="brightness", value=1)]))),
                 True, id="state-deviceid-mismatch"),
    pytest.param("genie/dev/tv/state", _const(b"{" + b" " * MAX_PAYLOAD_BYTES + b"}"), True, id="state-oversized"),
    pytest.param("genie/dev/tv/state", _const(b""), False, id="state-empty-ignored"),
    pytest.param("genie/dev/tv/report",
                 _const(encode(PropertyChanged.create("desk-lamp", [Property(name="powerstate", value="on")],
                                                      "physical"))),
                 True, id="report-deviceid-mismatch"),
    pytest.param("genie/dev/tv/reply", _const(b"<reply/>"), True, id="reply-not-json"),
    pytest.param("genie/dev/tv/reply",
                 _const(_json({"header": _header(Namespace.CONTROL, "TurnOnResponse"),
                               "payload": {"properties": []}})),
                 True, id="reply-wrong-schema"),
    pytest.param("genie/dev/tv/reply",
                 _const(_json({"header": _header(Namespace.CONTROL, "TurnOnResponse"),
                               "payload": {"deviceId": "desk-lamp", "properties": []}})),
                 True, id="reply-deviceid-mismatch"),
    pytest.param("genie/dev/BAD!/state",
                 _const(encode(StateSnapshot.create("tv", [Property(name="volume", value=99)]))),
                 False, id="bad-device-id-in-topic"),
    pytest.param("genie/dev/BAD!/state", _const(b"junk"), False, id="bad-device-id-in-topic-junk"),
    pytest.param("genie/hub/command", _const(b"turn on the tv"), True, id="command-not-json"),
    pytest.param("genie/hub/command",
                 _const(_json({"header": _header(Namespace.HUB, "TextCommand"),
                               "payload": {"replyTo": "tester", "text": "   "}})),
                 True, id="command-empty-text"),
    pytest.param("genie/hub/command",
                 _const(_json({"header": _header(Namespace.HUB, "TextCommand"),
                               "payload": {"replyTo": "bad id!", "text": "打开电视"}})),
                 True, id="command-bad-reply-to"),
    pytest.param("genie/hub/command",
                 _const(_json({"header": _header(Namespace.HUB, "Shutdown"), "payload": {"replyTo": "tester"}})),
                 True, id="command-unknown-name"),
    pytest.param("genie/hub/command",
                 _const(_json({"header": _header(Namespace.CONTROL, "TextCommand"),
                               "payload": {"replyTo": "tester", "text": "打开电视"}})),
                 True, id="command-wrong-namespace"),
    pytest.param("genie/hub/command",
                 _const(_json({"header": _header(Namespace.HUB, "TextCommand"),
                               "payload": {"replyTo": "tester", "text": "打开电视", "lang": "de"}})),
                 True, id="command-unsupported-lang"),
]


@pytest.mark.parametrize(("topic", "payload", "counted"), MALFORMED)
async def test_malformed_messages_are_dropped_and_the_hub_carries_on(
        home: DemoHome, client: Client, topic: str, payload: Payload, counted: bool) -> None:
    hub = home.hub
    before = snapshot(hub.directory)
    malformed = hub.malformed
    await client.publish(topic, payload(home))
    # Barrier: the hub handles its inbound messages in order, so once it has answered a request sent
    # after the rogue message, it has dealt with that message.
    barrier = HubRequest.create("ListDevices", client.client_id)
    assert isinstance(await client.ask(barrier, ListDevicesResponse), ListDevicesResponse)

    assert hub.malformed == malformed + (1 if counted else 0)
    assert snapshot(hub.directory) == before
    replies = [t for _s, t, _p in home.broker.log if t.startswith("genie/hub/reply/")]
    assert replies == [TOPICS.command_reply("tester")]  # only the barrier was answered
    assert home.requests_to("tv") == 0
    # ...and the next command is served correctly.
    result = await hub.handle_text("打开电视")
    assert (result.reply, result.ok) == ("好的，电视已打开。", True)
    assert home.state("tv")["powerstate"] == "on"


# ---------------------------------------------------------------------------- hub requests over the bus


async def test_text_command_over_the_bus_is_answered_on_the_reply_topic(home: DemoHome, client: Client) -> None:
    request = HubRequest.create("TextCommand", client.client_id, text="打开台灯")
    reply = await client.ask(request, TextCommandResponse, ErrorResponse)
    assert isinstance(reply, TextCommandResponse)
    assert (reply.header.namespace, reply.header.name, reply.header.message_id) == (
        Namespace.HUB, "TextCommandResponse", request.header.message_id)
    result = reply.payload
    assert (result.text, result.lang, result.reply, result.ok) == ("打开台灯", "zh", "好的，台灯已打开。", True)
    assert [(a.device, a.action, a.result) for a in result.actions] == [("desk-lamp", "TurnOn", SUCCESS)]
    assert home.state("desk-lamp")["powerstate"] == "on"
    assert [t for _s, t, _p in home.broker.log if t.startswith("genie/hub/reply/")] == ["genie/hub/reply/tester"]


async def test_text_command_with_a_forced_language(home: DemoHome, client: Client) -> None:
    request = HubRequest.create("TextCommand", client.client_id, text="Génie", lang="fr")
    reply = await client.ask(request, TextCommandResponse)
    assert isinstance(reply, TextCommandResponse)
    assert (reply.payload.lang, reply.payload.reply, reply.payload.ok) == ("fr", "Oui ? Je vous écoute.", True)


async def test_concurrent_text_commands_each_get_their_own_reply(home: DemoHome, client: Client) -> None:
    first = HubRequest.create("TextCommand", client.client_id, text="打开台灯")
    second = HubRequest.create("TextCommand", client.client_id, text="turn on the tv")
    await client.publish(TOPICS.command, encode(first))
    await client.publish(TOPICS.command, encode(second))
    replies = {}
    for _ in range(2):
        reply = decode(await client.next(), TextCommandResponse)
        replies[reply.header.message_id] = reply.payload
    assert replies[first.header.message_id].reply == "好的，台灯已打开。"
    assert replies[second.header.message_id].reply == "OK, TV turned on."
    assert home.state("desk-lamp")["powerstate"] == home.state("tv")["powerstate"] == "on"


async def test_list_devices_answers_the_directory(home: DemoHome, client: Client) -> None:
    assert (await home.hub.handle_text("打开台灯")).ok
    request = HubRequest.create("ListDevices", client.client_id)
    reply = await client.ask(request, ListDevicesResponse)
    assert isinstance(reply, ListDevicesResponse)
    assert (reply.header.name, reply.header.message_id) == ("ListDevicesResponse", request.header.message_id)
    devices = reply.payload.devices
    assert len(devices) == 19
    assert [(d.room, d.id) for d in devices] == sorted((d.room, d.id) for d in devices)
    assert {d.id for d in devices} == set(home.runners)
    for view in devices:
        record = home.hub.directory.get(view.id)
        assert record is not None
        assert view.online is True
        assert view.state == record.state == home.state(view.id)
        assert (view.category, view.room, view.names) == (record.category, record.room, record.info.names)
    desk = next(d for d in devices if d.id == "desk-lamp")
    assert desk.state["powerstate"] == "on"
    assert desk.room_names.for_lang("fr") == ["bureau"]


async def test_reset_home_puts_changed_devices_back(home: DemoHome, client: Client) -> None:
    initial = {device_id: dict(runner.device.initial_state) for device_id, runner in home.runners.items()}
    assert home.states() == initial
    for text in ("把台灯调到百分之三十", "打开电视然后把音量调到六十", "开锁，密码是123456", "把客厅空调调到二十度"):
        assert (await home.hub.handle_text(text)).ok, text
    assert home.states() != initial
    assert home.state("front-door")["lockstate"] == "unlocked"

    request = HubRequest.create("ResetHome", client.client_id)
    reply = await client.ask(request, TextCommandResponse)
    assert isinstance(reply, TextCommandResponse)
    assert (reply.header.name, reply.header.message_id) == ("ResetHomeResponse", request.header.message_id)
    assert (reply.payload.ok, reply.payload.reply) == (True, "reset 19 of 19 devices")
    assert {a.device for a in reply.payload.actions} == set(home.runners)
    assert all(a.result == SUCCESS for a in reply.payload.actions)
    assert home.states() == initial
    # The directory follows (the devices report their reset state).
    desk = home.hub.directory.get("desk-lamp")
    assert desk is not None
    await until(home.hub.directory, lambda: desk.state == initial["desk-lamp"])


async def test_reset_home_reports_devices_it_could_not_reset(home: DemoHome, client: Client) -> None:
    await home.runners["tv"].crash()
    await home.offline("tv")
    reply = await client.ask(HubRequest.create("ResetHome", client.client_id), TextCommandResponse)
    assert isinstance(reply, TextCommandResponse)
    assert reply.payload.ok is False
    assert reply.payload.reply == "reset 18 of 19 devices; not reset: tv (IOT_DEVICE_OFFLINE)"


# ---------------------------------------------------------------------------- the store


async def test_a_new_hub_on_the_same_database_knows_the_home(home: DemoHome) -> None:
    assert (await home.hub.handle_text("打开台灯")).ok
    await home.stop_hub()  # flushes the store

    store = Store(home.db)
    home.stores.append(store)
    hub = Hub(home.broker.connect, store=store, request_timeout=0.2)
    assert {r.id for r in hub.directory.all()} == set(home.runners)
    assert not any(r.online for r in hub.directory.all())  # until they re-announce
    desk = hub.directory.get("desk-lamp")
    assert desk is not None
    assert desk.state["powerstate"] == "on"
    assert (desk.name("fr"), desk.room, desk.info.zone_names.display("en")) == ("lampe de bureau", "study", "study")
    assert desk.info.spec("brightness") is not None

    # Not connected yet: understood, refused at once with the reason, nothing sent.
    sent = home.requests_to("desk-lamp")
    result = await hub.handle_text("关闭台灯")
    assert (result.reply, result.ok) == ("我现在连不上家里的设备网络（MQTT 代理），请稍后再试。", False)
    assert home.requests_to("desk-lamp") == sent
    assert home.state("desk-lamp")["powerstate"] == "on"

    # Once it runs, the devices answer its discovery and come back online.
    home.start(hub.run(), "hub-2")
    async with asyncio.timeout(2):
        await hub.ready.wait()
    await home.all_online(hub)
    result = await hub.handle_text("关闭台灯")
    assert (result.reply, result.ok) == ("好的，台灯已关闭。", True)
    assert home.state("desk-lamp")["powerstate"] == "off"


async def test_store_round_trips_records(tmp_path: Path, home: DemoHome) -> None:
    home.store.flush()
    other = Store(tmp_path / "hub.db")
    home.stores.append(other)
    records = {r.id: r for r in other.load()}
    assert set(records) == set(home.runners)
    for device_id, record in records.items():
        live = home.hub.directory.get(device_id)
        assert live is not None
        assert record.info == live.info
        assert record.state == live.state


async def test_a_cleared_registration_removes_the_device_from_directory_and_store(
        home: DemoHome, client: Client) -> None:
    await client.publish(TOPICS.device("tv", DeviceTopic.REGISTER), b"", retain=True)
    assert isinstance(await client.ask(HubRequest.create("ListDevices", client.client_id), ListDevicesResponse),
                      ListDevicesResponse)  # barrier
    assert "tv" not in home.hub.directory
    assert len(home.hub.directory) == 18
    home.store.flush()
    other = Store(home.db)
    home.stores.append(other)
    assert "tv" not in {r.id for r in other.load()}
    result = await home.hub.handle_text("打开电视")
    assert (result.reply, result.ok, result.actions) == ("家里没有找到电视。", False, [])
    assert home.hub.malformed == 0
