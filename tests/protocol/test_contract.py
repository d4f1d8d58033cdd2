"""Contract tests of the Genie wire protocol (docs/protocol.md): every message round-trips,
every malformed payload is refused with a reason naming the field, replies correlate.

Every class in ``hub.protocol.ALL_MESSAGES`` must have an entry in ``FACTORIES``; a new message
type without one fails ``test_every_message_class_has_a_factory`` and its round-trip test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from hub.protocol import (
    ALL_MESSAGES,
    COLORS,
    PROTOCOL_VERSION,
    SUCCESS,
    ActionResult,
    Announcement,
    AnnouncePayload,
    AutomationsResponse,
    CommandResult,
    DeviceInfo,
    DeviceStatus,
    DeviceView,
    DiscoveryRequest,
    ErrorCode,
    ErrorResponse,
    Header,
    HubInfoResponse,
    HubRequest,
    HubStatus,
    ListDevicesResponse,
    Message,
    Names,
    Property,
    PropertyChanged,
    PropertySpec,
    ProtocolError,
    Registration,
    Request,
    Response,
    StateSnapshot,
    TextCommandResponse,
    decode,
    encode,
)
from hub.protocol.codec import MAX_PAYLOAD_BYTES
from hub.protocol.messages import ERROR_MESSAGES, reply_header

# --------------------------------------------------------------------------- representative messages


def light_info() -> DeviceInfo:
    return DeviceInfo(
        device_id="living-lamp",
        device_name="台灯",
        device_type="light",
        zone="客厅",
        brand="Genie",
        model="sim-light",
        icon="https://example.invalid/lamp.png",
        properties=[Property(name="powerstate", value="on"), Property(name="brightness", value=80)],
        actions=["TurnOn", "TurnOff", "SetBrightness", "Query"],
        extensions={"vendorKey": "42"},
        names=Names(zh=["台灯"], en=["desk lamp", "lamp"], fr=["lampe"]),
        zone_id="living",
        zone_names=Names(zh=["客厅"], en=["living room"], fr=["salon"]),
        property_specs=[
            PropertySpec(name="powerstate", data_type="enum", enum_values=["on", "off"]),
            PropertySpec(name="brightness", data_type="int", min=1, max=100, step=1, unit="%"),
            PropertySpec(name="color", data_type="color"),
            PropertySpec(name="temperature", data_type="float", min=-20, max=50, unit="°C", access_mode="r"),
        ],
        firmware="2.1.0",
    )


def control_request() -> Request:
    return Request.control("living-lamp", "SetBrightness", "brightness", 50, device_type="light")


def command_result() -> CommandResult:
    return CommandResult(
        text="打开客厅的灯",
        lang="zh",
        reply="好的，客厅的灯已打开",
        ok=True,
        actions=[
            ActionResult(device="living-lamp", action="TurnOn", params={"powerstate": "on"}),
            ActionResult(device="hall-lamp", action="TurnOn", result=ErrorCode.IOT_DEVICE_OFFLINE.value,
                         message="device is offline"),
        ],
    )


def device_view() -> DeviceView:
    return DeviceView(
        id="living-lamp",
        names=Names(zh=["台灯"], en=["desk lamp"]),
        room="living",
        room_names=Names(zh=["客厅"], en=["living room"], fr=["salon"]),
        brand="Genie",
        model="sim-light",
        category="light",
        online=True,
        state={"powerstate": "on", "brightness": 80, "temperature": 21.5, "child_lock": False},
    )


def text_command_response() -> TextCommandResponse:
    request = HubRequest.create("TextCommand", "genie-cli-1", text="打开客厅的灯", lang="zh")
    return TextCommandResponse(header=reply_header(request), payload=command_result())


def list_devices_response() -> ListDevicesResponse:
    request = HubRequest.create("ListDevices", "genie-cli-1")
    return ListDevicesResponse(header=reply_header(request), payload={"devices": [device_view()]})


def hub_info_response() -> HubInfoResponse:
    request = HubRequest.create("HubInfo", "genie-cli-1")
    return HubInfoResponse(header=reply_header(request), payload={
        "hubId": "genie-hub", "version": "0.1.0", "connected": True, "devices": 19, "online": 18, "commands": 7})


Factory = Callable[[], Message]

FACTORIES: dict[type[Message], list[Factory]] = {
    DiscoveryRequest: [DiscoveryRequest.create, lambda: DiscoveryRequest.create(hub_id="hub-2")],
    Registration: [
        lambda: Registration.create(light_info()),
        lambda: Registration.create(DeviceInfo(device_id="x", device_name="开关", device_type="switch",
                                               brand="B", model="M")),
    ],
    DeviceStatus: [
        lambda: DeviceStatus.create("living-lamp", True, "connect"),
        lambda: DeviceStatus.create("living-lamp", False, "lwt"),
        lambda: DeviceStatus.create("living-lamp", False, "shutdown"),
    ],
    HubStatus: [
        lambda: HubStatus.create("genie-hub", True, "connect", version="0.1.0"),
        lambda: HubStatus.create("genie-hub", False, "lwt"),
    ],
    Request: [
        control_request,
        lambda: Request.control("living-lamp", "TurnOn", "powerstate", "on"),
        lambda: Request.control("living-lamp", "SetColor", "color", "Red"),
        lambda: Request.control("living-lamp", "AdjustUpTemperature", "temperature", 0.5),
        lambda: Request.control("living-lamp", "SetMute", "mute", True),
        lambda: Request.control("living-lamp", "Reset"),
        lambda: Request.query("living-lamp"),
        lambda: Request.query("living-lamp", "QueryBrightness", device_type="light"),
    ],
    Response: [
        lambda: Response.to(control_request(), [Property(name="brightness", value=50)]),
        lambda: Response.to(Request.query("living-lamp"), [Property(name="powerstate", value="on"),
                                                         Property(name="temperature", value=21.5)]),
        lambda: Response.to(Request.control("living-lamp", "Reset"), []),
    ],
    ErrorResponse: [
        lambda: ErrorResponse.to(control_request(), ErrorCode.INVALIDATE_PARAMS,
                                 "brightness must be at most 100%, got 150"),
        lambda: ErrorResponse.to(Request.query("living-lamp"), ErrorCode.IOT_DEVICE_OFFLINE),
        lambda: ErrorResponse.to(HubRequest.create("ListDevices", "genie-cli-1"), ErrorCode.SERVICE_ERROR),
    ],
    PropertyChanged: [
        lambda: PropertyChanged.create("living-lamp", [Property(name="powerstate", value="off")], "physical"),
        lambda: PropertyChanged.create("sensor-1", [Property(name="temperature", value=21.5),
                                                    Property(name="motion", value=True)], "sensor"),
    ],
    StateSnapshot: [
        lambda: StateSnapshot.create("living-lamp", [Property(name="powerstate", value="on"),
                                                     Property(name="brightness", value=80),
                                                     Property(name="color", value="#FFFFFF")]),
        lambda: StateSnapshot.create("empty-device", []),
    ],
    HubRequest: [
        lambda: HubRequest.create("TextCommand", "genie-cli-1", text="turn on the lamp", lang="en"),
        lambda: HubRequest.create("TextCommand", "genie-cli-1", text="allume la lampe"),
        lambda: HubRequest.create("ListDevices", "genie-cli-1"),
        lambda: HubRequest.create("ResetHome", "bench_7"),
        lambda: HubRequest.create("ListAutomations", "genie-cli-1"),
        lambda: HubRequest.create("RunScene", "genie-cli-1", target="good-night", lang="en"),
        lambda: HubRequest.create("SaveScene", "genie-cli-1", text="打开台灯，关上窗帘", target="阅读模式"),
        lambda: HubRequest.create("DeleteScene", "genie-cli-1", target="reading-time"),
        lambda: HubRequest.create("CancelTimer", "genie-cli-1", target="3"),
    ],
    TextCommandResponse: [
        text_command_response,
        lambda: TextCommandResponse(
            header=reply_header(HubRequest.create("ResetHome", "genie-cli-1")),
            payload=CommandResult(text="", lang="en", reply="The home is back to its initial state.",
                                  ok=True),
        ),
        lambda: TextCommandResponse(
            header=reply_header(HubRequest.create("RunScene", "genie-cli-1", target="good-night", lang="zh")),
            payload=CommandResult(text="good-night", lang="zh",
                                  reply="睡眠模式已开启，8/9项完成；卧室窗帘离线了，暂时无法控制。", ok=False,
                                  actions=[ActionResult(device="bedroom-curtain", action="TurnOff",
                                                        result="IOT_DEVICE_OFFLINE")]),
        ),
    ],
    HubInfoResponse: [hub_info_response],
    AutomationsResponse: [
        lambda: AutomationsResponse(header=reply_header(HubRequest.create("ListAutomations", "c")), payload={
            "scenes": [{"id": "good-night", "names": {"zh": ["睡眠模式", "晚安"], "en": ["good night"]},
                        "source": "home", "actions": ["light: off", "bedroom-ac: set temperature 26"]}],
            "timers": [{"id": 3, "due": 1767232800.0, "at": "2026-01-01T10:00:00+08:00", "text": "关灯",
                        "lang": "zh"},
                       {"id": 4, "due": 1767308400.0, "at": "2026-01-02T07:00:00+08:00", "repeat": "weekdays 07:00",
                        "text": "open the bedroom curtains", "lang": "en"}],
            "routines": [{"id": "door-unlocked", "names": {}, "when": "front-door.lockstate becomes unlocked"}],
            "now": "2026-01-01T09:50:00+08:00"}),
        lambda: AutomationsResponse(header=reply_header(HubRequest.create("ListAutomations", "c")), payload={}),
    ],
    Announcement: [
        lambda: Announcement.create(AnnouncePayload(
            source="timer", id="3", lang="zh", text="定时任务：客厅灯已关闭。", at=1767232800.0,
            actions=[ActionResult(device="living-light", action="TurnOff", params={"powerstate": "off"})])),
        lambda: Announcement.create(AnnouncePayload(source="routine", id="door-unlocked", lang="en",
                                                    text="The front door is unlocked. Welcome home")),
    ],
    ListDevicesResponse: [
        list_devices_response,
        lambda: ListDevicesResponse(header=reply_header(HubRequest.create("ListDevices", "c")),
                                    payload={"devices": []}),
    ],
}


def _cases() -> list[Any]:
    return [
        pytest.param(cls, i, id=f"{cls.__name__}-{i}")
        for cls in ALL_MESSAGES
        for i in range(max(1, len(FACTORIES.get(cls, []))))
    ]


def wire(message: Message) -> dict[str, Any]:
    return json.loads(encode(message))


def raw(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


# --------------------------------------------------------------------------- round trip


def test_every_message_class_has_a_factory() -> None:
    missing = [cls.__name__ for cls in ALL_MESSAGES if not FACTORIES.get(cls)]
    assert not missing, f"add a factory to FACTORIES for: {', '.join(missing)}"
    stale = [cls.__name__ for cls in FACTORIES if cls not in ALL_MESSAGES]
    assert not stale, f"FACTORIES has classes not in ALL_MESSAGES: {', '.join(stale)}"


def test_all_messages_lists_each_class_once() -> None:
    assert len(set(ALL_MESSAGES)) == len(ALL_MESSAGES)
    assert all(issubclass(cls, Message) for cls in ALL_MESSAGES)


@pytest.mark.parametrize(("cls", "index"), _cases())
def test_round_trip(cls: type[Message], index: int) -> None:
    factories = FACTORIES.get(cls)
    assert factories, f"no factory for {cls.__name__} in FACTORIES"
    message = factories[index]()
    assert type(message) is cls
    data = encode(message)
    decoded = decode(data, cls)
    assert type(decoded) is cls
    assert decoded.model_dump() == message.model_dump()
    assert encode(decoded) == data


@pytest.mark.parametrize(("cls", "index"), _cases())
def test_wire_shape(cls: type[Message], index: int) -> None:
    message = FACTORIES[cls][index]()
    data = encode(message)
    obj = json.loads(data)
    assert data == json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()  # compact UTF-8
    assert set(obj) == {"header", "payload"}
    header = obj["header"]
    assert set(header) == {"namespace", "name", "messageId", "payLoadVersion", "timestamp"}
    assert header["payLoadVersion"] == PROTOCOL_VERSION
    assert re.fullmatch(r"[0-9a-f]{32}", header["messageId"])
    assert isinstance(header["timestamp"], int) and header["timestamp"] > 1_600_000_000_000
    assert isinstance(obj["payload"], dict)


def _keys(node: Any, skip: frozenset[str] = frozenset({"extensions", "params", "state"})) -> list[str]:
    """Every object key of a wire document, not descending into free-form maps."""
    keys: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            keys.append(key)
            if key not in skip:
                keys += _keys(value, skip)
    elif isinstance(node, list):
        for item in node:
            keys += _keys(item, skip)
    return keys


@pytest.mark.parametrize(("cls", "index"), _cases())
def test_wire_field_names_are_camel_case(cls: type[Message], index: int) -> None:
    keys = _keys(wire(FACTORIES[cls][index]()))
    snake = [k for k in keys if "_" in k]
    assert not snake, f"snake_case on the wire: {snake}"


def test_header_identifies_the_class() -> None:
    """The header alone picks the class, except the status pair that only the topic tells apart."""
    for cls, factories in FACTORIES.items():
        for factory in factories:
            header = factory().header
            accepting = {other for other in ALL_MESSAGES if other.accepts(header)}
            if cls in (DeviceStatus, HubStatus):
                assert accepting == {DeviceStatus, HubStatus}
            else:
                assert accepting == {cls}, f"{header.namespace}/{header.name}"


def test_decode_picks_the_matching_expected_class() -> None:
    response = Response.to(control_request(), [Property(name="brightness", value=50)])
    error = ErrorResponse.to(control_request(), ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION)
    assert type(decode(encode(response), Response, ErrorResponse)) is Response
    assert type(decode(encode(error), Response, ErrorResponse)) is ErrorResponse


def test_decode_falls_through_to_the_next_expected_class() -> None:
    hub = HubStatus.create("genie-hub", True, "connect")
    assert type(decode(encode(hub), DeviceStatus, HubStatus)) is HubStatus


def test_decode_accepts_str_and_bytearray() -> None:
    message = control_request()
    data = encode(message)
    assert decode(data.decode(), Request).model_dump() == message.model_dump()
    assert decode(bytearray(data), Request).model_dump() == message.model_dump()


def test_new_messages_get_fresh_ids() -> None:
    ids = {control_request().header.message_id for _ in range(20)}
    assert len(ids) == 20


# --------------------------------------------------------------------------- correlation


def test_response_echoes_control_request() -> None:
    request = control_request()
    reply = Response.to(request, [Property(name="brightness", value=50)])
    assert reply.header.message_id == request.header.message_id
    assert reply.header.namespace == "AliGenie.Iot.Device.Control"
    assert reply.header.name == "SetBrightnessResponse"
    assert reply.payload.device_id == "living-lamp"
    assert decode(encode(reply), Response).header.message_id == request.header.message_id


def test_response_echoes_query_request() -> None:
    request = Request.query("living-lamp", "QueryBrightness")
    assert request.is_query and request.action == "QueryBrightness"
    reply = Response.to(request, [Property(name="brightness", value=80)])
    assert reply.header.message_id == request.header.message_id
    assert reply.header.namespace == "AliGenie.Iot.Device.Query"
    assert reply.header.name == "QueryBrightnessResponse"


def test_error_response_echoes_request() -> None:
    request = control_request()
    reply = ErrorResponse.to(request, ErrorCode.INVALIDATE_PARAMS)
    assert reply.header.message_id == request.header.message_id
    assert reply.header.namespace == request.header.namespace
    assert reply.header.name == "ErrorResponse"
    assert reply.payload.device_id == "living-lamp"
    assert reply.payload.error_code is ErrorCode.INVALIDATE_PARAMS
    assert reply.payload.message == "invalidate params"
    wire_payload = wire(reply)["payload"]
    assert wire_payload == {"deviceId": "living-lamp", "errorCode": "INVALIDATE_PARAMS",
                            "message": "invalidate params"}


def test_error_response_keeps_a_given_message() -> None:
    reply = ErrorResponse.to(Request.query("x"), ErrorCode.IOT_DEVICE_OFFLINE, "lamp did not answer in 3 s")
    assert reply.header.namespace == "AliGenie.Iot.Device.Query"
    assert reply.payload.message == "lamp did not answer in 3 s"


def test_error_response_to_a_hub_request() -> None:
    request = HubRequest.create("TextCommand", "cli", text="hello")
    reply = ErrorResponse.to(request, ErrorCode.SERVICE_ERROR)
    assert reply.header.namespace == "Genie.Hub"
    assert reply.header.message_id == request.header.message_id
    assert reply.payload.device_id == ""


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_has_a_default_message(code: ErrorCode) -> None:
    assert ERROR_MESSAGES[code]
    reply = ErrorResponse.to(control_request(), code)
    assert decode(encode(reply), ErrorResponse).payload.error_code is code


def test_error_codes_are_aligenies() -> None:
    assert {c.value for c in ErrorCode} == {
        "INVALIDATE_CONTROL_ORDER", "SERVICE_ERROR", "DEVICE_NOT_SUPPORT_FUNCTION", "INVALIDATE_PARAMS",
        "DEVICE_IS_NOT_EXIST", "IOT_DEVICE_OFFLINE", "ACCESS_TOKEN_INVALIDATE",
    }
    assert SUCCESS not in {c.value for c in ErrorCode}


def test_reply_header_echoes_hub_request() -> None:
    request = HubRequest.create("ListDevices", "cli")
    header = reply_header(request)
    assert (header.namespace, header.name, header.message_id) == (
        "Genie.Hub", "ListDevicesResponse", request.header.message_id)
    assert reply_header(request, "ErrorResponse").name == "ErrorResponse"


def test_status_helpers() -> None:
    assert DeviceStatus.create("d", True, "connect").online
    offline = DeviceStatus.create("d", False, "lwt")
    assert not offline.online
    assert offline.header.name == "Offline"
    assert wire(offline)["payload"] == {"deviceId": "d", "status": "offline", "reason": "lwt"}
    assert not HubStatus.create("genie-hub", False, "shutdown").online


# --------------------------------------------------------------------------- missing fields

MISSING_CASES: list[tuple[Factory, str]] = [
    (control_request, "header"),
    (control_request, "payload"),
    (control_request, "header.namespace"),
    (control_request, "header.name"),
    (control_request, "header.messageId"),
    (control_request, "payload.deviceId"),
    (lambda: Registration.create(light_info()), "payload.deviceId"),
    (lambda: Registration.create(light_info()), "payload.deviceName"),
    (lambda: Registration.create(light_info()), "payload.brand"),
    (lambda: Registration.create(light_info()), "payload.propertySpecs.1.dataType"),
    (lambda: DeviceStatus.create("d", True, "connect"), "payload.status"),
    (lambda: HubStatus.create("genie-hub", True, "connect"), "payload.hubId"),
    (lambda: ErrorResponse.to(control_request(), ErrorCode.SERVICE_ERROR), "payload.errorCode"),
    (lambda: Response.to(control_request(), [Property(name="brightness", value=5)]), "payload.deviceId"),
    (lambda: Response.to(control_request(), [Property(name="brightness", value=5)]),
     "payload.properties.0.value"),
    (lambda: PropertyChanged.create("d", [Property(name="x", value=1)], "sensor"), "payload.properties"),
    (lambda: StateSnapshot.create("d", [Property(name="x", value=1)]), "payload.properties.0.name"),
    (lambda: HubRequest.create("ListDevices", "cli"), "payload.replyTo"),
    (text_command_response, "payload.reply"),
    (text_command_response, "payload.actions.0.action"),
    (list_devices_response, "payload.devices"),
    (list_devices_response, "payload.devices.0.online"),
]


def _delete(obj: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    node: Any = obj
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[last]


@pytest.mark.parametrize(("factory", "path"), MISSING_CASES,
                         ids=[f"{i}-{p}" for i, (_, p) in enumerate(MISSING_CASES)])
def test_missing_required_field_is_named(factory: Factory, path: str) -> None:
    message = factory()
    obj = wire(message)
    _delete(obj, path)
    with pytest.raises(ProtocolError) as err:
        decode(raw(obj), type(message))
    assert err.value.reason.startswith(f"{path}: "), err.value.reason
    assert "Field required" in err.value.reason
    assert str(err.value) == err.value.reason


def test_every_header_error_is_prefixed() -> None:
    obj = wire(control_request())
    del obj["header"]["name"], obj["header"]["messageId"]
    with pytest.raises(ProtocolError) as err:
        decode(raw(obj), Request)
    assert "header.messageId" in err.value.reason


# --------------------------------------------------------------------------- malformed payloads


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "message: not valid UTF-8 JSON"),
        (b"not json", "message: not valid UTF-8 JSON"),
        (b'{"header": {', "message: not valid UTF-8 JSON"),
        (b"\xff\xfe{}", "message: not valid UTF-8 JSON"),
        (b"[]", "message: expected a JSON object, got list"),
        (b'[{"header": {}}]', "message: expected a JSON object, got list"),
        (b'"TurnOn"', "message: expected a JSON object, got str"),
        (b"42", "message: expected a JSON object, got int"),
        (b"null", "message: expected a JSON object, got NoneType"),
        (b"{}", "header: Field required"),
        (b'{"header": null, "payload": {}}', "header: Field required"),
        (b'{"header": [], "payload": {}}', "header: Input should be a valid dictionary"),
    ],
)
def test_not_a_message(data: bytes, expected: str) -> None:
    with pytest.raises(ProtocolError) as err:
        decode(data, Request)
    assert err.value.reason.startswith(expected), err.value.reason


def _padded(size: int) -> bytes:
    """A valid Request encoded to exactly ``size`` bytes (padding in ``extensions``)."""
    message = control_request()
    message.payload.extensions["pad"] = ""
    base = len(encode(message))
    message.payload.extensions["pad"] = "x" * (size - base)
    data = encode(message)
    assert len(data) == size
    return data


def test_payload_at_the_size_limit_is_accepted() -> None:
    assert decode(_padded(MAX_PAYLOAD_BYTES), Request).payload.device_id == "living-lamp"


def test_oversize_payload_is_rejected() -> None:
    with pytest.raises(ProtocolError) as err:
        decode(_padded(MAX_PAYLOAD_BYTES + 1), Request)
    size = MAX_PAYLOAD_BYTES + 1
    assert err.value.reason == f"message: payload of {size} bytes exceeds {MAX_PAYLOAD_BYTES}"


def test_oversize_str_payload_is_measured_in_bytes() -> None:
    text = _padded(MAX_PAYLOAD_BYTES).decode().replace('"pad":"x', '"pad":"中', 1)
    assert len(text.encode()) > MAX_PAYLOAD_BYTES
    with pytest.raises(ProtocolError):
        decode(text, Request)


def _mutate(factory: Factory, path: str, value: Any) -> bytes:
    obj = wire(factory())
    *parents, last = path.split(".")
    node: Any = obj
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return raw(obj)


def _registration() -> Registration:
    return Registration.create(light_info())


BAD_VALUES: list[tuple[Factory, str, Any, str, str]] = [
    # factory, field, bad value, reason prefix, text the reason contains
    (control_request, "payload.value", [50], "payload.value", "valid"),
    (control_request, "payload.value", {"v": 50}, "payload.value", "valid"),
    (control_request, "payload.deviceId", 7, "payload.deviceId", "valid string"),
    (control_request, "payload.extensions", ["a"], "payload.extensions", "dictionary"),
    (control_request, "header.messageId", 12345, "header.messageId", "valid string"),
    (control_request, "header.messageId", "", "header.messageId", "at least 1 character"),
    (control_request, "header.messageId", "m" * 65, "header.messageId", "at most 64 characters"),
    (control_request, "header.name", "", "header.name", "at least 1 character"),
    (control_request, "header.timestamp", "yesterday", "header.timestamp", "valid integer"),
    (control_request, "header.payLoadVersion", 2, "header.payLoadVersion", "newer than this peer"),
    (control_request, "header.payLoadVersion", 0, "header.payLoadVersion", "greater than or equal to 1"),
    (control_request, "header.payLoadVersion", "two", "header.payLoadVersion", "valid integer"),
    (control_request, "payload", [], "payload", "dictionary"),
    (lambda: ErrorResponse.to(control_request(), ErrorCode.SERVICE_ERROR), "payload.errorCode", "NOT_A_CODE",
     "payload.errorCode", "'IOT_DEVICE_OFFLINE'"),
    (lambda: ErrorResponse.to(control_request(), ErrorCode.SERVICE_ERROR), "payload.errorCode", "SUCCESS",
     "payload.errorCode", "Input should be"),
    (lambda: DeviceStatus.create("d", True, "connect"), "payload.status", "maybe", "payload.status",
     "'online' or 'offline'"),
    (lambda: DeviceStatus.create("d", True, "connect"), "payload.reason", "crash", "payload.reason", "'lwt'"),
    (lambda: PropertyChanged.create("d", [], "physical"), "payload.cause", "magic", "payload.cause",
     "'sensor'"),
    (_registration, "payload.deviceId", "Living Lamp", "payload.deviceId", "invalid device id"),
    (_registration, "payload.deviceId", "a/b", "payload.deviceId", "invalid device id"),
    (_registration, "payload.deviceType", "", "payload.deviceType", "at least 1 character"),
    (_registration, "payload.propertySpecs.0.enumValues", [], "payload.propertySpecs.0",
     "needs enumValues"),
    (_registration, "payload.propertySpecs.1.min", 500, "payload.propertySpecs.1", "min 500.0 > max 100.0"),
    (_registration, "payload.propertySpecs.1.dataType", "integer", "payload.propertySpecs.1.dataType",
     "'int'"),
    (_registration, "payload.propertySpecs.1.accessMode", "w", "payload.propertySpecs.1.accessMode", "'rw'"),
    (_registration, "payload.names", {"zh": "台灯"}, "payload.names.zh", "valid list"),
    (lambda: HubRequest.create("ListDevices", "cli"), "payload.replyTo", "a/b", "payload.replyTo",
     "should match pattern"),
    (lambda: HubRequest.create("ListDevices", "cli"), "payload.replyTo", "#", "payload.replyTo",
     "should match pattern"),
    (lambda: HubRequest.create("ListDevices", "cli"), "payload.replyTo", "", "payload.replyTo",
     "at least 1 character"),
    (lambda: HubRequest.create("ListDevices", "cli"), "payload.replyTo", "c" * 65, "payload.replyTo",
     "at most 64 characters"),
    (lambda: HubRequest.create("TextCommand", "cli", text="hi"), "payload.lang", "de", "payload.lang",
     "'zh', 'en' or 'fr'"),
    (lambda: HubRequest.create("TextCommand", "cli", text="hi"), "payload.text", "x" * 1001, "payload.text",
     "at most 1000 characters"),
    (text_command_response, "payload.ok", "perhaps", "payload.ok", "valid boolean"),
    (list_devices_response, "payload.devices.0.state", {"brightness": [1]},
     "payload.devices.0.state.brightness", "valid"),
]


@pytest.mark.parametrize(
    ("factory", "path", "value", "prefix", "contains"),
    BAD_VALUES,
    ids=[f"{i}-{case[1]}" for i, case in enumerate(BAD_VALUES)],
)
def test_bad_value_is_rejected_with_its_field(factory: Factory, path: str, value: Any, prefix: str,
                                              contains: str) -> None:
    cls = type(factory())
    with pytest.raises(ProtocolError) as err:
        decode(_mutate(factory, path, value), cls)
    reason = err.value.reason
    assert reason.startswith(prefix), reason
    assert contains in reason, reason


@pytest.mark.parametrize("text", ["", "   ", None])
def test_text_command_needs_text(text: str | None) -> None:
    obj = wire(HubRequest.create("TextCommand", "cli", text="placeholder"))
    if text is None:
        del obj["payload"]["text"]
    else:
        obj["payload"]["text"] = text
    with pytest.raises(ProtocolError) as err:
        decode(raw(obj), HubRequest)
    assert "payload.text" in err.value.reason
    assert "non-empty text" in err.value.reason


def test_list_devices_needs_no_text() -> None:
    assert decode(encode(HubRequest.create("ListDevices", "cli")), HubRequest).payload.text is None


@pytest.mark.parametrize("spelling", ["payloadVersion", "payload_version"])
def test_newer_version_is_rejected_in_any_spelling(spelling: str) -> None:
    obj = wire(control_request())
    del obj["header"]["payLoadVersion"]
    obj["header"][spelling] = PROTOCOL_VERSION + 1
    with pytest.raises(ProtocolError) as err:
        decode(raw(obj), Request)
    assert err.value.reason.startswith("header.")
    assert f"payLoadVersion {PROTOCOL_VERSION + 1} is newer" in err.value.reason


def test_header_name_mismatch_names_header_name() -> None:
    with pytest.raises(ProtocolError) as err:
        decode(encode(control_request()), Response)
    assert err.value.reason == "header.name: AliGenie.Iot.Device.Control/SetBrightness is not a Response"


def test_header_name_mismatch_lists_every_expected_class() -> None:
    with pytest.raises(ProtocolError) as err:
        decode(encode(DiscoveryRequest.create()), Response, ErrorResponse)
    reason = err.value.reason
    assert reason.startswith("header.name: AliGenie.Iot.Device.Discovery/DiscoveryDevices is not a ")
    assert reason.endswith("Response, ErrorResponse")


@pytest.mark.parametrize(
    ("namespace", "name", "cls"),
    [
        ("AliGenie.Iot.Device.Control", "TurnOnResponse", Request),
        ("AliGenie.Iot.Device.Control", "ErrorResponse", Response),
        ("AliGenie.Iot.Device.Discovery", "TurnOn", Request),
        ("AliGenie.Iot.Device.Report", "ErrorResponse", ErrorResponse),
        ("AliGenie.Iot.Device.Report", "Register", Registration),
        ("AliGenie.Iot.Lifecycle", "Restart", DeviceStatus),
        ("Genie.Hub", "Shutdown", HubRequest),
        ("Genie.Hub", "TextCommand", TextCommandResponse),
    ],
)
def test_header_not_of_the_expected_class(namespace: str, name: str, cls: type[Message]) -> None:
    obj = wire(control_request())
    obj["header"].update(namespace=namespace, name=name)
    with pytest.raises(ProtocolError) as err:
        decode(raw(obj), cls)
    assert err.value.reason.startswith(f"header.name: {namespace}/{name} is not a {cls.__name__}")


def test_constructing_with_a_foreign_header_fails() -> None:
    header = Header(namespace="AliGenie.Iot.Device.Control", name="TurnOn", message_id="m1")
    with pytest.raises(ValueError, match="not a StateSnapshot"):
        StateSnapshot(header=header, payload={"deviceId": "d", "properties": []})


# --------------------------------------------------------------------------- compatibility


def test_unknown_fields_are_ignored() -> None:
    message = Registration.create(light_info())
    obj = wire(message)
    obj["newTopLevel"] = {"anything": [1, 2]}
    obj["properties"] = [{"name": "powerstate", "value": "on"}]  # AliGenie's top-level query properties
    obj["header"]["priority"] = "high"
    obj["payload"]["accessToken"] = "token"
    obj["payload"]["properties"][0]["unit"] = "none"
    obj["payload"]["propertySpecs"][1]["precision"] = 0
    obj["payload"]["names"]["de"] = ["Lampe"]
    decoded = decode(raw(obj), Registration)
    assert decoded.model_dump() == message.model_dump()
    assert encode(decoded) == encode(message)


def test_payload_version_spelling_accepted_and_payLoadVersion_emitted() -> None:
    obj = wire(control_request())
    obj["header"]["payloadVersion"] = obj["header"].pop("payLoadVersion")
    decoded = decode(raw(obj), Request)
    assert decoded.header.payload_version == PROTOCOL_VERSION
    header = wire(decoded)["header"]
    assert header["payLoadVersion"] == PROTOCOL_VERSION
    assert "payloadVersion" not in header


def test_missing_payload_version_means_version_1() -> None:
    obj = wire(control_request())
    del obj["header"]["payLoadVersion"], obj["header"]["timestamp"]
    decoded = decode(raw(obj), Request)
    assert decoded.header.payload_version == 1
    assert decoded.header.timestamp > 0


def test_optional_fields_absent_on_the_wire() -> None:
    payload = wire(Request.control("d", "Reset"))["payload"]
    assert "attribute" not in payload and "value" not in payload
    assert decode(encode(Request.control("d", "Reset")), Request).payload.value is None


@pytest.mark.parametrize("value", [True, False, 0, 50, -3, 21.5, "on", "max", "", "50"])
def test_property_values_keep_their_json_type(value: Any) -> None:
    message = Request.control("d", "SetX", "x", value)
    decoded = decode(encode(message), Request)
    assert decoded.payload.value == value
    assert type(decoded.payload.value) is type(value)


# --------------------------------------------------------------------------- property specs

BRIGHTNESS = PropertySpec(name="brightness", data_type="int", min=1, max=100, step=1, unit="%")
TEMPERATURE = PropertySpec(name="temperature", data_type="float", min=16, max=30.5, unit="°C")
UNBOUNDED = PropertySpec(name="channel", data_type="int")
POWER = PropertySpec(name="powerstate", data_type="enum", enum_values=["on", "off"])
MODE = PropertySpec(name="mode", data_type="enum", enum_values=["auto", "cool", "heat"])
MUTE = PropertySpec(name="mute", data_type="bool")
COLOR = PropertySpec(name="color", data_type="color")
LABEL = PropertySpec(name="label", data_type="text")


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        (BRIGHTNESS, 50, 50),
        (BRIGHTNESS, "50", 50),
        (BRIGHTNESS, 50.0, 50),
        (BRIGHTNESS, " 7 ", 7),
        (BRIGHTNESS, 1, 1),
        (BRIGHTNESS, 100, 100),
        (BRIGHTNESS, "max", 100),
        (BRIGHTNESS, " MAX ", 100),
        (BRIGHTNESS, "Min", 1),
        (UNBOUNDED, -5, -5),
        (UNBOUNDED, 10**9, 10**9),
        (TEMPERATURE, 21.456, 21.46),
        (TEMPERATURE, "21.5", 21.5),
        (TEMPERATURE, 16, 16.0),
        (TEMPERATURE, "max", 30.5),
        (MUTE, True, True),
        (MUTE, False, False),
        (MUTE, "on", True),
        (MUTE, "YES", True),
        (MUTE, "true", True),
        (MUTE, 1, True),
        (MUTE, "off", False),
        (MUTE, " No ", False),
        (MUTE, 0, False),
        (MUTE, "false", False),
        (POWER, "on", "on"),
        (POWER, "OFF", "off"),
        (MODE, "Auto", "auto"),
        (MODE, "HEAT", "heat"),
        (COLOR, "Red", "#FF0000"),
        (COLOR, "red", "#FF0000"),
        (COLOR, " blue ", "#0000FF"),
        (COLOR, "WARM", "#FFB46B"),
        (COLOR, "#ff8800", "#FF8800"),
        (COLOR, "#00FF7f", "#00FF7F"),
        (LABEL, "reading corner", "reading corner"),
        (LABEL, 5, "5"),
        (LABEL, 1.5, "1.5"),
        (LABEL, "", ""),
    ],
)
def test_coerce_accepts(spec: PropertySpec, value: Any, expected: Any) -> None:
    result = spec.coerce(value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        (BRIGHTNESS, 0, "brightness must be at least 1%, got 0"),
        (BRIGHTNESS, 101, "brightness must be at most 100%, got 101"),
        (BRIGHTNESS, "150", "brightness must be at most 100%, got 150"),
        (BRIGHTNESS, 50.5, "brightness must be a whole number, got 50.5"),
        (BRIGHTNESS, "bright", "brightness must be a number, got 'bright'"),
        (BRIGHTNESS, True, "brightness must be a number, got True"),
        (BRIGHTNESS, None, "brightness must be a number, got None"),
        (BRIGHTNESS, [50], "brightness must be a number, got [50]"),
        (BRIGHTNESS, "nan", "brightness must be a finite number, got 'nan'"),
        (BRIGHTNESS, "inf", "brightness must be a finite number, got 'inf'"),
        (UNBOUNDED, "max", "channel has no maximum"),
        (UNBOUNDED, "min", "channel has no minimum"),
        (TEMPERATURE, 15.9, "temperature must be at least 16°C, got 15.9"),
        (TEMPERATURE, 31, "temperature must be at most 30.5°C, got 31"),
        (MUTE, "maybe", "mute must be true or false, got 'maybe'"),
        (MUTE, 2, "mute must be true or false, got 2"),
        (MODE, "fan", "mode must be one of auto, cool, heat, got 'fan'"),
        (POWER, True, "powerstate must be one of on, off, got True"),
        (COLOR, "chartreuse",
         "color must be a colour name (" + ", ".join(COLORS) + ") or #RRGGBB, got 'chartreuse'"),
        (COLOR, "#FFF", "or #RRGGBB, got '#FFF'"),
        (COLOR, "#GG0000", "or #RRGGBB, got '#GG0000'"),
        (LABEL, True, "label must be text, got True"),
        (LABEL, None, "label must be text, got None"),
        (LABEL, ["a"], "label must be text, got ['a']"),
    ],
)
def test_coerce_rejects(spec: PropertySpec, value: Any, message: str) -> None:
    with pytest.raises(ValueError) as err:
        spec.coerce(value)
    assert message in str(err.value)


def test_int_spec_unit_missing_is_not_printed() -> None:
    with pytest.raises(ValueError, match=r"^volume must be at most 10, got 11$"):
        PropertySpec(name="volume", data_type="int", min=0, max=10).coerce(11)


def test_spec_validation() -> None:
    with pytest.raises(ValueError, match="needs enumValues"):
        PropertySpec(name="mode", data_type="enum")
    with pytest.raises(ValueError, match=r"min 10\.0 > max 1\.0"):
        PropertySpec(name="x", data_type="int", min=10, max=1)
    with pytest.raises(ValueError):
        PropertySpec(name="", data_type="int")
    with pytest.raises(ValueError):
        PropertySpec(name="x", data_type="integer")  # type: ignore[arg-type]


def test_spec_access_mode() -> None:
    assert BRIGHTNESS.writable
    assert not PropertySpec(name="pm2.5", data_type="int", access_mode="r").writable


def test_spec_wire_names() -> None:
    obj = json.loads(BRIGHTNESS.model_dump_json(by_alias=True, exclude_none=True))
    assert obj == {"name": "brightness", "dataType": "int", "min": 1, "max": 100, "step": 1, "unit": "%",
                   "accessMode": "rw", "enumValues": []}


def test_device_info_spec_lookup() -> None:
    info = light_info()
    spec = info.spec("brightness")
    assert spec is not None and spec.max == 100
    assert info.spec("volume") is None


def test_colors_are_rgb() -> None:
    assert all(re.fullmatch(r"#[0-9A-F]{6}", rgb) for rgb in COLORS.values())
    assert COLORS["Red"] == "#FF0000"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("names", "lang", "expected"),
    [
        (Names(zh=["台灯", "灯"], en=["desk lamp"], fr=["lampe"]), "zh", "台灯"),
        (Names(zh=["台灯"], en=["desk lamp", "lamp"], fr=["lampe"]), "en", "desk lamp"),
        (Names(zh=["台灯"], en=["desk lamp"], fr=["lampe"]), "fr", "lampe"),
        (Names(zh=["台灯"], en=["desk lamp"]), "fr", "台灯"),
        (Names(en=["desk lamp"], fr=["lampe"]), "zh", "desk lamp"),
        (Names(en=["desk lamp"], fr=["lampe"]), "fr", "lampe"),
        (Names(fr=["lampe"]), "en", "lampe"),
        (Names(zh=["台灯"]), "de", "台灯"),
        (Names(), "en", ""),
    ],
)
def test_names_display_fallbacks(names: Names, lang: str, expected: str) -> None:
    assert names.display(lang) == expected


def test_names_for_lang_and_all() -> None:
    names = Names(zh=["台灯"], en=["desk lamp", "lamp"])
    assert names.for_lang("en") == ["desk lamp", "lamp"]
    assert names.for_lang("fr") == []
    assert names.for_lang("de") == []
    names.for_lang("en").append("x")
    assert names.en == ["desk lamp", "lamp"]
    assert names.all() == [("zh", "台灯"), ("en", "desk lamp"), ("en", "lamp")]
