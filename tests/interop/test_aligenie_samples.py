"""Every AliGenie v1 sample request (tests/interop/aligenie_samples.py, written from Alibaba's published samples)
through the gateway on the running demo home: each answer a well-formed v1 envelope echoing its request, the
expected response or error code, the device in the expected state, values as strings as the samples write
them (colours by name)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from hub.interop.aligenie import AliGenieGateway
from hub.protocol import COLORS
from tests.interop.aligenie_samples import CHANNELS, SAMPLES
from tests.interop.conftest import InteropHome

pytestmark = pytest.mark.e2e

TOKEN = "access token"  # the samples' own placeholder


def request(namespace: str, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"header": {"namespace": f"AliGenie.Iot.Device.{namespace}", "name": name,
                       "messageId": str(uuid.uuid4()), "payLoadVersion": 1},
            "payload": {"accessToken": TOKEN, **payload}}


def strings(properties: list[dict[str, Any]]) -> list[str]:
    """What is wrong with a list of AliGenie properties: every value a string, a colour by name if it has one."""
    wrong = [f"{p['name']}={p['value']!r} is not a string" for p in properties if not isinstance(p["value"], str)]
    wrong += [f"{p['name']}={p['value']!r} instead of its name" for p in properties
              if p["name"] == "color" and p["value"] in COLORS.values()]
    return wrong


def check(sent: dict[str, Any], got: dict[str, Any], expect: str) -> list[str]:
    """What is wrong with one answer."""
    header, name = sent["header"], sent["header"]["name"]
    wrong: list[str] = []
    if set(got) - {"header", "payload", "properties"} or not isinstance(got.get("payload"), dict):
        return [f"not a v1 envelope: {sorted(got)}"]
    echoed = {k: got["header"].get(k) for k in ("namespace", "messageId", "payLoadVersion")}
    if echoed != {k: header[k] for k in echoed}:
        wrong.append(f"header {echoed} does not echo the request's")
    device = sent["payload"].get("deviceId")
    if expect != "Response":
        if (got["header"]["name"], got["payload"].get("errorCode")) != ("ErrorResponse", expect):
            wrong.append(f"expected {expect}, got {got['header']['name']} {got['payload'].get('errorCode')}")
        elif not got["payload"].get("message") or got["payload"].get("deviceId") != (device or ""):
            wrong.append(f"error payload incomplete: {got['payload']}")
        return wrong
    if got["header"]["name"] != name + "Response":
        return [f"expected {name}Response, got {got['header']['name']} {got['payload']}"]
    if header["namespace"].endswith("Discovery"):
        for listed in got["payload"]["devices"]:
            wrong += [f"{listed['deviceId']}: {w}" for w in strings(listed["properties"])]
        return wrong
    if got["payload"] != {"deviceId": device}:
        wrong.append(f"payload {got['payload']} is not {{deviceId}}")
    if header["namespace"].endswith("Query"):
        wrong += strings(got.get("properties", []))
        if not got.get("properties"):
            wrong.append("a query answered no properties")
    return wrong


async def test_every_sample_gets_the_answer_alibaba_documents(interop_home: InteropHome) -> None:
    gateway = AliGenieGateway(interop_home.hub, TOKEN)
    failures = []
    for namespace, name, payload, expect, state in SAMPLES:
        sent = request(namespace, name, payload)
        got = await gateway.handle(sent)
        wrong = check(sent, got, expect)
        if state:
            now = {k: interop_home.state(payload["deviceId"]).get(k) for k in state}
            if now != state:
                wrong.append(f"device state {now}, expected {state}")
        failures += [f"{name} {payload.get('deviceId', '')} {payload.get('value', '')}: {w}" for w in wrong]
    assert not failures, f"{len(failures)} of {len(SAMPLES)} samples:\n" + "\n".join(failures)


async def test_a_header_without_a_payload_keeps_its_message_id(interop_home: InteropHome) -> None:
    gateway = AliGenieGateway(interop_home.hub, TOKEN)
    sent = request("Control", "TurnOn", {})
    del sent["payload"]
    got = await gateway.handle(sent)
    assert got["header"]["messageId"] == sent["header"]["messageId"]
    assert got["header"]["namespace"] == "AliGenie.Iot.Device.Control"
    assert got["payload"]["errorCode"] == "INVALIDATE_CONTROL_ORDER"


def test_the_lineup_knows_the_sample_channels() -> None:
    from hub.interop.aligenie import CHANNEL_LINEUP

    assert {name: CHANNEL_LINEUP[name] for name in CHANNELS} == CHANNELS
