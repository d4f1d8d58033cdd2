"""The HTTP API over a real socket, against the demo home on a real secured broker."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from genie.app import Running
from hub.client import say
from hub.security import CLIENT_USER
from hub.web import Dashboard, DashboardError, new_token, serve_dashboard
from hub.web.server import STOP_TIMEOUT
from tests.brokers import BrokerUnderTest

pytestmark = pytest.mark.e2e


@pytest.fixture
async def client(dashboard: Dashboard) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=dashboard.base_url, timeout=10) as http:
        yield http


async def events(response: httpx.Response) -> AsyncIterator[tuple[str, Any]]:
    """The server-sent events of a streaming response, as (name, decoded data)."""
    name, data = "message", []
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield name, json.loads("\n".join(data))
            name, data = "message", []


async def test_devices_rooms_and_hub(client: httpx.AsyncClient) -> None:
    devices = (await client.get("/api/devices")).json()
    assert len(devices) == 19
    light = next(d for d in devices if d["id"] == "living-light")
    assert light["room"] == "living" and light["roomNames"]["zh"] == ["客厅"]
    assert light["online"] is True and light["state"]["powerstate"] == "off"
    assert [d["id"] for d in (await client.get("/api/devices", params={"room": "study"})).json()] == \
        ["desk-lamp", "study-fan"]
    assert {d["id"] for d in (await client.get("/api/devices", params={"category": "curtain"})).json()} == \
        {"living-curtain", "bedroom-curtain"}
    rooms = (await client.get("/api/rooms")).json()
    assert rooms[0] == {"id": "living", "names": {"zh": ["客厅"], "en": ["living room", "lounge"], "fr": ["salon"]},
                        "devices": 8, "online": 8}
    assert sum(r["devices"] for r in rooms) == 19
    hub = (await client.get("/api/hub")).json()
    assert hub["connected"] is True and hub["devices"] == 19 and hub["online"] == 19


async def test_an_unknown_device_is_a_clear_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/devices/no-such-thing")
    assert response.status_code == 404
    assert response.json()["detail"] == "no device 'no-such-thing' in the hub's directory"
    assert (await client.get("/api/devices/no-such-thing/history")).status_code == 404


async def test_a_posted_command_answers_what_genie_say_json_prints(
        client: httpx.AsyncClient, home: Running, secured_broker: BrokerUnderTest) -> None:
    via_mqtt = await say(secured_broker.as_user(CLIENT_USER), "关掉电视", timeout=5)  # what `genie say --json` does
    response = await client.post("/api/commands", json={"text": "关掉电视"})
    assert response.status_code == 200
    assert response.json() == via_mqtt.model_dump(by_alias=True, exclude_none=True)

    response = await client.post("/api/commands", json={"text": "set the desk lamp to 30%"})
    result = response.json()
    assert result["ok"] is True and result["lang"] == "en"
    assert result["actions"] == [{"device": "desk-lamp", "action": "SetBrightness", "params": {"brightness": 30},
                                  "result": "SUCCESS"}]
    assert home.hub is not None
    assert home.hub.directory.get("desk-lamp").state["brightness"] == 30  # type: ignore[union-attr]
    log = (await client.get("/api/commands", params={"limit": 2})).json()
    assert [c["text"] for c in log] == ["关掉电视", "set the desk lamp to 30%"]
    assert log[-1] == result


async def test_a_bad_command_request_is_refused_with_the_reason(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/commands", json={"text": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "text"]
    response = await client.post("/api/commands", json={"text": "hi", "lang": "de"})
    assert response.status_code == 422
    response = await client.post("/api/commands", content="打开客厅的灯", headers={"content-type": "text/plain"})
    assert response.status_code == 422  # JSON only: a cross-site form post cannot send a command


async def test_history_and_messages_follow_a_command(client: httpx.AsyncClient) -> None:
    before = (await client.get("/api/devices/floor-lamp/history")).json()
    assert before[0]["changes"]["powerstate"] == "off" and before[0]["online"] is True

    await client.post("/api/commands", json={"text": "turn on the floor lamp"})

    history = (await client.get("/api/devices/floor-lamp/history")).json()
    assert history[-1]["changes"] == {"powerstate": "on"}
    assert history[-1]["at"] >= before[-1]["at"]
    messages = (await client.get("/api/messages", params={"device": "floor-lamp"})).json()
    kinds = [(m["direction"], m["kind"]) for m in messages]
    assert ("out", "request") in kinds and ("in", "reply") in kinds
    request = next(m for m in messages if m["kind"] == "request")
    assert request["topic"] == "genie/dev/floor-lamp/request"
    assert json.loads(request["payload"])["header"]["name"] == "TurnOn"
    assert request["size"] == len(request["payload"].encode())
    everything = (await client.get("/api/messages", params={"limit": 500})).json()
    assert [m["seq"] for m in everything] == sorted(m["seq"] for m in everything)


async def test_reset_puts_the_home_back(client: httpx.AsyncClient, home: Running) -> None:
    assert (await client.post("/api/commands", json={"text": "turn on the floor lamp"})).json()["ok"]
    result = (await client.post("/api/reset")).json()
    count = len(result["actions"])
    assert result["ok"] is True and result["reply"] == f"reset {count} of {count} devices"
    assert "floor-lamp" in {a["device"] for a in result["actions"]}
    assert home.hub is not None
    assert home.hub.directory.get("floor-lamp").state["powerstate"] == "off"  # type: ignore[union-attr]


async def test_the_live_stream_starts_with_a_snapshot_then_sends_changes(
        client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    async with client.stream("GET", "/api/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = events(response)
        name, snapshot = await anext(stream)
        assert name == "snapshot"
        assert len(snapshot["devices"]) == 19 and snapshot["hub"]["connected"] is True
        assert "打开客厅的灯" in snapshot["suggestions"]["zh"] and snapshot["auth"] is False

        posted = await client.post("/api/commands", json={"text": "打开台灯", "requestId": "page-42"})
        assert posted.status_code == 200

        seen: dict[str, Any] = {}
        async for name, data in stream:
            if name == "devices":
                for device in data["devices"]:
                    seen[device["id"]] = device
            elif name == "command":
                seen["command"] = data
            if "command" in seen and seen.get("desk-lamp", {}).get("state", {}).get("powerstate") == "on":
                break
        assert seen["command"] == {"requestId": "page-42", "result": posted.json()}
    async with asyncio.timeout(5):  # the server notices the browser has gone and drops its stream
        while dashboard.feed.subscriber_count:
            dashboard.feed.subscribers_changed.clear()
            await dashboard.feed.subscribers_changed.wait()


async def test_stopping_the_dashboard_ends_open_streams_and_leaves_the_hub_running(home: Running) -> None:
    hub = home.hub
    assert hub is not None
    taps, listeners = list(hub.taps), list(hub.directory.listeners)
    async with httpx.AsyncClient(timeout=10) as http:
        async with serve_dashboard(hub, "127.0.0.1", 0) as dashboard:
            response = await http.send(http.build_request("GET", f"{dashboard.base_url}/api/events"), stream=True)
            stream = events(response)
            assert (await anext(stream))[0] == "snapshot"
            port = dashboard.port
            stopping = time.perf_counter()
        stopped = time.perf_counter() - stopping
        assert [name async for name, _ in stream] == []  # the stream ended cleanly when the server stopped
        await response.aclose()
    assert stopped < STOP_TIMEOUT  # ended, not waited out
    with socket.socket() as probe:  # nothing listens there any more (connections may linger in TIME_WAIT)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        probe.listen()
    assert hub.taps == taps and hub.directory.listeners == listeners
    assert hub.connected and (await hub.handle_text("turn on the tv")).ok


async def test_the_openapi_schema_describes_the_api(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/api/openapi.json")).json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/devices", "/api/devices/{device_id}", "/api/devices/{device_id}/history", "/api/rooms",
                 "/api/messages", "/api/events", "/api/brands", "/api/brands/categories", "/api/brands/{brand_id}",
                 "/api/suggestions", "/api/hub", "/api/automations"):
        assert "get" in paths[path], path
    assert "post" in paths["/api/commands"] and "get" in paths["/api/commands"]
    posted = paths["/api/commands"]["post"]
    assert posted["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/CommandRequest")
    assert posted["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/CommandResult")
    assert "text/event-stream" in paths["/api/events"]["get"]["responses"]["200"]["content"]
    components = schema["components"]
    assert {"DeviceView", "CommandResult", "HistoryEntry", "MessageEntry", "BrandPage"} <= set(components["schemas"])
    assert {"HTTPBearer", "APIKeyHeader", "APIKeyQuery"} <= set(components["securitySchemes"])
    assert "roomNames" in components["schemas"]["DeviceView"]["properties"]


async def test_the_brand_registry_by_category_and_search(client: httpx.AsyncClient) -> None:
    from devices.registry import load_registry

    registry = load_registry()
    catalogue = (await client.get("/api/brands/categories")).json()
    assert catalogue["brands"] == len(registry.brands) and catalogue["products"] == len(registry.products)
    light = next(c for c in catalogue["categories"] if c["id"] == "light")
    assert light == {"id": "light", "brands": len(registry.brands_in("light")),
                     "products": sum(1 for p in registry.products if p.category == "light")}
    page = (await client.get("/api/brands", params={"category": "curtain", "limit": 5, "offset": 5})).json()
    assert page["total"] == len(registry.brands_in("curtain")) and page["offset"] == 5 and len(page["items"]) == 5
    assert all("curtain" in b["categories"] for b in page["items"])
    found = (await client.get("/api/brands", params={"q": "小米"})).json()["items"]
    xiaomi = next(b for b in found if b["id"] == "xiaomi")
    assert xiaomi["inHome"] is True and xiaomi["products"] == len(registry.products_of("xiaomi"))
    detail = (await client.get("/api/brands/xiaomi")).json()
    assert len(detail["products"]) == xiaomi["products"] and detail["brand"]["name"] == "Xiaomi"
    missing = await client.get("/api/brands/no-such-brand")
    assert missing.status_code == 404 and "no-such-brand" in missing.json()["detail"]


async def test_without_a_registry_the_brands_api_says_so(home: Running) -> None:
    assert home.hub is not None
    async with serve_dashboard(home.hub, "127.0.0.1", 0) as dashboard, \
            httpx.AsyncClient(base_url=dashboard.base_url) as http:
        response = await http.get("/api/brands/categories")
        assert response.status_code == 503
        assert response.json()["detail"] == "this hub was started without the brand registry"

    def broken() -> Any:
        raise ValueError("brands.json: brands[3] ('acme'): latency: min above max")

    async with serve_dashboard(home.hub, "127.0.0.1", 0, brands=broken) as dashboard, \
            httpx.AsyncClient(base_url=dashboard.base_url) as http:
        for path in ("/api/brands/categories", "/api/brands"):
            response = await http.get(path)
            assert response.status_code == 503
            assert response.json()["detail"] == ("the brand registry could not be read: "
                                                 "brands.json: brands[3] ('acme'): latency: min above max")
        assert (await http.get("/api/devices")).status_code == 200  # the rest of the dashboard works


# --------------------------------------------------------------------------- access


async def test_with_a_token_every_api_request_needs_it(home: Running) -> None:
    assert home.hub is not None
    token = new_token()
    async with serve_dashboard(home.hub, "127.0.0.1", 0, token=token) as dashboard, \
            httpx.AsyncClient(base_url=dashboard.base_url, timeout=10) as http:
        assert dashboard.url == f"{dashboard.base_url}/?token={token}"
        for path in ("/api/devices", "/api/hub", "/api/openapi.json", "/api/events", "/api/brands/categories"):
            refused = await http.get(path)
            assert refused.status_code == 401, path
            assert refused.headers["www-authenticate"] == "Bearer"
            assert "access token" in refused.json()["detail"]
        refused = await http.post("/api/commands", json={"text": "打开客厅的灯"})
        assert refused.status_code == 401
        assert home.hub.directory.get("living-light").state["powerstate"] == "off"  # type: ignore[union-attr]
        wrong = await http.get("/api/devices", headers={"Authorization": "Bearer " + "x" * 32})
        assert wrong.status_code == 401 and wrong.json()["detail"] == "wrong access token"

        assert (await http.get("/api/devices", headers={"Authorization": f"Bearer {token}"})).status_code == 200
        assert (await http.get("/api/devices", headers={"X-Genie-Token": token})).status_code == 200
        assert (await http.get("/api/devices", params={"token": token})).status_code == 200
        async with http.stream("GET", "/api/events", params={"token": token}) as response:
            name, snapshot = await anext(events(response))
            assert name == "snapshot" and snapshot["auth"] is True
        page = await http.get("/")  # the page itself holds no data; it asks for the token
        assert page.status_code == 200 and "<title>Genie Sim</title>" in page.text


async def test_beyond_loopback_a_token_is_required(home: Running) -> None:
    assert home.hub is not None
    for host in ("0.0.0.0", "::", "192.0.2.10", ""):
        with pytest.raises(DashboardError, match="without an access token"):
            async with serve_dashboard(home.hub, host, 0):
                pass
    with pytest.raises(DashboardError, match="at least 16 characters"):
        async with serve_dashboard(home.hub, "0.0.0.0", 0, token="secret"):
            pass
    token = new_token()
    async with serve_dashboard(home.hub, "0.0.0.0", 0, token=token) as dashboard, \
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{dashboard.port}") as http:
        assert (await http.get("/api/hub")).status_code == 401
        answered = await http.get("/api/hub", headers={"Authorization": f"Bearer {token}", "Host": "genie.lan"})
        assert answered.status_code == 200  # any name will do: the token is what counts
        assert dashboard.url == f"http://{socket.gethostname()}:{dashboard.port}/?token={token}"


async def test_a_loopback_dashboard_only_answers_to_loopback_names(client: httpx.AsyncClient) -> None:
    rebound = await client.get("/api/devices", headers={"Host": "evil.example:8321"})
    assert rebound.status_code == 421 and "only answers to localhost" in rebound.text
    assert (await client.get("/", headers={"Host": "evil.example"})).status_code == 421
    for host in ("localhost:8321", "127.0.0.1", "[::1]:8321"):
        assert (await client.get("/api/hub", headers={"Host": host})).status_code == 200, host


async def test_a_port_in_use_is_a_clear_error(home: Running) -> None:
    assert home.hub is not None
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DashboardError, match=f"on 127.0.0.1:{port}: .*; pick another port"):
            async with serve_dashboard(home.hub, "127.0.0.1", port):
                pass


async def test_the_page_and_its_assets_are_served_from_the_package(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for asset, kind in (("app.js", "javascript"), ("cards.js", "javascript"), ("i18n.js", "javascript"),
                        ("app.css", "text/css"), ("favicon.svg", "image/svg+xml")):
        response = await client.get(f"/static/{asset}")
        assert response.status_code == 200 and kind in response.headers["content-type"], asset
        text = response.text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # a namespace name, not a load
        assert "http://" not in text and "https://" not in text, f"{asset} loads something from outside the machine"


async def test_the_dashboard_speaks_a_reply_in_its_language(client: httpx.AsyncClient) -> None:
    import os
    import shutil

    if shutil.which("espeak-ng") is None:
        if os.environ.get("GENIE_REQUIRE_ESPEAK") == "1":
            pytest.fail("espeak-ng is required (GENIE_REQUIRE_ESPEAK=1) but not installed")
        response = await client.get("/api/speech", params={"text": "好的", "lang": "zh"})
        assert response.status_code == 503 and "espeak-ng" in response.json()["detail"]
        return
    for text, lang in (("好的，台灯已打开。", "zh"), ("OK, desk lamp turned on.", "en"), ("D'accord.", "fr")):
        response = await client.get("/api/speech", params={"text": text, "lang": lang})
        assert response.status_code == 200
        assert response.headers["content-type"] == "audio/wav"
        assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"
    assert (await client.get("/api/speech", params={"text": "x", "lang": "de"})).status_code == 422


async def test_scenes_and_timers_are_listed_and_a_timer_cancelled(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/api/automations")).json()
    assert [s["id"] for s in listed["scenes"]] == ["coming-home", "good-night", "movie-time", "leaving-home"]
    assert listed["timers"] == [] and len(listed["routines"]) == 4 and listed["now"]
    made = (await client.post("/api/commands", json={"text": "十分钟后关闭台灯"})).json()
    assert made["ok"], made
    (timer,) = (await client.get("/api/automations")).json()["timers"]
    assert (timer["text"], timer["lang"]) == ("关闭台灯", "zh")
    assert (await client.delete(f"/api/timers/{timer['id']}")).status_code == 204
    assert (await client.get("/api/automations")).json()["timers"] == []
    gone = await client.delete(f"/api/timers/{timer['id']}")
    assert gone.status_code == 404 and "no pending timer" in gone.json()["detail"]


async def test_a_command_speaks_as_a_speaker_of_the_home(client: httpx.AsyncClient, home: Running) -> None:
    listed = (await client.get("/api/automations")).json()
    assert [(s["id"], s["room"], s["roomNames"]["en"][0]) for s in listed["speakers"]] == [
        ("living-speaker", "living", "living room"), ("bedroom-speaker", "bedroom", "bedroom")]
    assert (await client.post("/api/commands", json={"text": "打开所有的灯"})).json()["ok"]
    result = (await client.post("/api/commands", json={"text": "关灯", "speaker": "bedroom-speaker"})).json()
    assert result["ok"] and [a["device"] for a in result["actions"]] == ["bedroom-light"]
    refused = await client.post("/api/commands", json={"text": "关灯", "speaker": "Not A Speaker"})
    assert refused.status_code == 422 and "speaker" in refused.text
    unknown = (await client.post("/api/commands", json={"text": "关灯", "speaker": "garage-speaker"})).json()
    assert not unknown["ok"] and "garage-speaker" in unknown["reply"] and unknown["actions"] == []
