"""The AliGenie cloud-to-cloud gateway against the running demo home on the real embedded broker: v1
discovery, control and query envelopes (reference/protocols.md §1) answered as a vendor cloud would."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from hub.interop.aligenie import GATEWAY_PATH, MAX_BODY, AliGenieGateway
from hub.web import serve_dashboard
from tests.interop.conftest import InteropHome

pytestmark = pytest.mark.e2e

TOKEN = "token-of-the-test-account"


def envelope(namespace: str, name: str, token: str = TOKEN, **payload: Any) -> dict[str, Any]:
    return {"header": {"namespace": f"AliGenie.Iot.Device.{namespace}", "name": name,
                       "messageId": uuid.uuid4().hex, "payLoadVersion": 1},
            "payload": {"accessToken": token, **payload}}


@pytest.fixture
def gateway(interop_home: InteropHome) -> AliGenieGateway:
    return AliGenieGateway(interop_home.hub, TOKEN)


def assert_error(response: dict[str, Any], request: dict[str, Any] | None, code: str) -> None:
    assert response["header"]["name"] == "ErrorResponse"
    assert response["payload"]["errorCode"] == code, response
    assert response["payload"]["message"]
    if request is not None:
        assert response["header"]["messageId"] == request["header"]["messageId"]
        assert response["header"]["namespace"] == request["header"]["namespace"]


async def test_discovery_lists_every_device_as_aligenie_expects(gateway: AliGenieGateway,
                                                               interop_home: InteropHome) -> None:
    request = envelope("Discovery", "DiscoveryDevices")
    response = await gateway.handle(request)
    assert response["header"] == {"namespace": "AliGenie.Iot.Device.Discovery", "name": "DiscoveryDevicesResponse",
                                  "messageId": request["header"]["messageId"], "payLoadVersion": 1}
    devices = {d["deviceId"]: d for d in response["payload"]["devices"]}
    assert set(devices) == set(interop_home.runners)
    lamp = devices["living-light"]
    assert {"deviceId", "deviceName", "deviceType", "zone", "brand", "model", "icon", "properties", "actions",
            "extensions"} == set(lamp)
    assert (lamp["deviceName"], lamp["deviceType"], lamp["zone"], lamp["brand"]) == ("客厅灯", "light", "客厅",
                                                                                      "Yeelight")
    assert lamp["icon"].startswith("https://")
    assert {"name": "powerstate", "value": "off"} in lamp["properties"]
    assert "TurnOn" in lamp["actions"] and "Reset" not in lamp["actions"]


async def test_turn_on_turns_the_simulated_light_on(gateway: AliGenieGateway, interop_home: InteropHome) -> None:
    request = envelope("Control", "TurnOn", deviceId="living-light", deviceType="light", attribute="powerstate",
                       value="on", extensions={})
    response = await gateway.handle(json.dumps(request).encode())  # as the HTTP body arrives
    assert response == {"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "TurnOnResponse",
                                   "messageId": request["header"]["messageId"], "payLoadVersion": 1},
                        "payload": {"deviceId": "living-light"}}
    assert interop_home.state("living-light")["powerstate"] == "on"
    await gateway.handle(envelope("Control", "SetBrightness", deviceId="living-light", attribute="brightness",
                                  value="35"))
    assert interop_home.state("living-light")["brightness"] == 35


async def test_an_unknown_device_is_not_exist(gateway: AliGenieGateway) -> None:
    for namespace, name in (("Control", "TurnOn"), ("Query", "Query")):
        request = envelope(namespace, name, deviceId="garage-door", deviceType="light")
        assert_error(await gateway.handle(request), request, "DEVICE_IS_NOT_EXIST")


async def test_a_bad_token_is_refused_before_anything_happens(gateway: AliGenieGateway,
                                                              interop_home: InteropHome) -> None:
    for token in ("wrong", "", None):
        request = envelope("Control", "TurnOn", token=token, deviceId="tv")  # type: ignore[arg-type]
        assert_error(await gateway.handle(request), request, "ACCESS_TOKEN_INVALIDATE")
    request = envelope("Discovery", "DiscoveryDevices", token="wrong")
    assert_error(await gateway.handle(request), request, "ACCESS_TOKEN_INVALIDATE")
    assert interop_home.state("tv")["powerstate"] == "off"


@pytest.mark.parametrize(("namespace", "name", "payload", "code"), [
    ("Control", "SetBrightness", {"deviceId": "desk-lamp", "value": "150"}, "INVALIDATE_PARAMS"),
    ("Control", "SetBrightness", {"deviceId": "kitchen-switch", "value": "50"}, "DEVICE_NOT_SUPPORT_FUNCTION"),
    ("Control", "Explode", {"deviceId": "tv"}, "INVALIDATE_CONTROL_ORDER"),
    ("Control", "Reset", {"deviceId": "tv"}, "INVALIDATE_CONTROL_ORDER"),
    ("Control", "TurnOn", {}, "INVALIDATE_CONTROL_ORDER"),
    ("Control", "SetVolume", {"deviceId": "tv", "value": {"level": 3}}, "INVALIDATE_PARAMS"),
    ("Control", "Unlock", {"deviceId": "front-door", "value": "000000"}, "INVALIDATE_PARAMS"),
    ("Query", "QueryColor", {"deviceId": "tv"}, "DEVICE_NOT_SUPPORT_FUNCTION"),
    ("Query", "QueryEverything", {"deviceId": "tv"}, "INVALIDATE_CONTROL_ORDER"),
    ("Discovery", "ListThings", {}, "INVALIDATE_CONTROL_ORDER"),
])
async def test_requests_the_device_cannot_take(gateway: AliGenieGateway, namespace: str, name: str,
                                               payload: dict[str, Any], code: str) -> None:
    request = envelope(namespace, name, **payload)
    assert_error(await gateway.handle(request), request, code)


async def test_query_answers_the_properties_beside_header_and_payload(gateway: AliGenieGateway,
                                                                     interop_home: InteropHome) -> None:
    request = envelope("Query", "QueryBrightness", deviceId="desk-lamp", deviceType="light")
    response = await gateway.handle(request)
    assert response["header"]["name"] == "QueryBrightnessResponse"
    assert response["payload"] == {"deviceId": "desk-lamp"}
    assert response["properties"] == [{"name": "brightness",  # a string, as Alibaba's samples write values
                                       "value": str(interop_home.state("desk-lamp")["brightness"])}]
    everything = await gateway.handle(envelope("Query", "Query", deviceId="living-ac"))
    assert {p["name"] for p in everything["properties"]} >= {"powerstate", "temperature", "mode", "windspeed"}


async def test_an_offline_device_is_reported_offline(gateway: AliGenieGateway, interop_home: InteropHome) -> None:
    await interop_home.stop_device("kitchen-plug")
    request = envelope("Control", "TurnOn", deviceId="kitchen-plug")
    assert_error(await gateway.handle(request), request, "IOT_DEVICE_OFFLINE")


@pytest.mark.parametrize("body", [
    b"", b"not json", b"\xff\xfe", b"[]", b"42", b'{"header": 1, "payload": {}}', "{}",
    {"header": {"namespace": "AliGenie.Iot.Device.Control"}, "payload": {}},
    {"header": {"namespace": "Alexa.Discovery", "name": "Discover", "messageId": "1", "payLoadVersion": 1},
     "payload": {"accessToken": TOKEN}},
    {"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "TurnOn", "messageId": "1", "payLoadVersion": 2},
     "payload": {"accessToken": TOKEN, "deviceIds": ["tv"]}},
    {"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "TurnOn", "messageId": "1",
                "payLoadVersion": True}, "payload": {"accessToken": TOKEN}},
    b"{" * 300_000,
    b"[" * 100_000,  # deeper than Python's parser goes: a RecursionError, not a "not JSON"
    b'{"header": {}, "payload": {"x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}}",
])
async def test_malformed_requests_get_an_envelope_never_an_exception(gateway: AliGenieGateway, body: Any,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    response = await gateway.handle(body)
    assert not [r for r in caplog.records if r.exc_info], "a malformed request is no failure of the gateway"
    assert_error(response, None, "INVALIDATE_CONTROL_ORDER")
    assert response["header"]["namespace"].startswith("AliGenie.Iot.Device.")
    json.dumps(response)  # always serialisable as the HTTP answer


async def test_a_failure_inside_the_gateway_is_a_service_error(gateway: AliGenieGateway,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(request: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(gateway.hub, "send", broken)
    request = envelope("Control", "TurnOn", deviceId="tv")
    assert_error(await gateway.handle(request), request, "SERVICE_ERROR")


# ---------------------------------------------------------------------- over HTTP


@contextlib.asynccontextmanager
async def http_gateway(gateway: AliGenieGateway) -> AsyncIterator[httpx.AsyncClient]:
    """The hub's own web server (the dashboard's, as `genie up` runs it) with the gateway, on 127.0.0.1."""
    async with serve_dashboard(gateway.hub, "127.0.0.1", 0, aligenie=gateway) as dashboard, \
            httpx.AsyncClient(base_url=dashboard.base_url, timeout=10) as http:
        yield http


async def test_a_skill_request_replayed_over_http(gateway: AliGenieGateway, interop_home: InteropHome) -> None:
    async with http_gateway(gateway) as http:
        request = envelope("Control", "TurnOn", deviceId="floor-lamp", deviceType="light", attribute="powerstate",
                           value="on")
        response = await http.post(GATEWAY_PATH, content=json.dumps(request).encode())
        assert (response.status_code, response.json()["header"]["name"]) == (200, "TurnOnResponse")
        response = await http.post(GATEWAY_PATH, content=b"garbage")
        assert (response.status_code, response.json()["payload"]["errorCode"]) == (200, "INVALIDATE_CONTROL_ORDER")
    assert interop_home.state("floor-lamp")["powerstate"] == "on"


async def test_a_request_over_the_limit_is_refused_before_it_is_read(gateway: AliGenieGateway,
                                                                   interop_home: InteropHome) -> None:
    """At MAX_BODY a request is answered; one byte more is a 413 from the server, the gateway never sees it."""
    request = envelope("Control", "TurnOn", deviceId="tv")
    data = json.dumps(request).encode()
    async with http_gateway(gateway) as http:
        refused = await http.post(GATEWAY_PATH, content=data + b" " * (MAX_BODY + 1 - len(data)))
        assert refused.status_code == 413
        assert refused.json() == {"detail": f"request body over {MAX_BODY} bytes"}
        assert interop_home.state("tv")["powerstate"] == "off"
        answered = await http.post(GATEWAY_PATH, content=data + b" " * (MAX_BODY - len(data)))
        assert answered.json()["header"]["name"] == "TurnOnResponse", answered.text
    assert interop_home.state("tv")["powerstate"] == "on"
