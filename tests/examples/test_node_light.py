"""The Node.js light of examples/node-light, written from docs/protocol.md alone, against the real hub.

It runs as a subprocess with its own device login on a secured broker (the embedded amqtt and Mosquitto);
text commands in zh, en and fr go through the hub, and direct requests test its answers. Skipped when
node or the example's node_modules is missing, unless GENIE_REQUIRE_NODE=1 (then a failure)."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest

from genie.app import Running, run_stack
from hub.broker import EmbeddedBroker, load_config
from hub.client import say
from hub.protocol import PropertySpec
from hub.protocol.mqtt import BrokerURL
from hub.security import CLIENT_USER, Credentials
from tests.brokers import BrokerUnderTest, amqtt_broker
from tests.conftest import wait_for
from tests.examples.node import EXAMPLE, LIGHT, error, hub_state, node_light, observer, online_in, require_node, values

pytestmark = pytest.mark.e2e

async def test_the_hub_drives_the_node_light_in_zh_en_and_fr(secured: BrokerUnderTest, hub: Running) -> None:
    client = secured.as_user(CLIENT_USER)
    async with node_light(secured) as light:
        await online_in(hub, light)
        record = hub.hub.directory.get(LIGHT)  # type: ignore[union-attr]
        assert record is not None and record.category == "light"

        on = await say(client, "打开节点灯", timeout=5)
        assert on.ok, on.reply
        assert [(a.device, a.action, a.result) for a in on.actions] == [(LIGHT, "TurnOn", "SUCCESS")]
        assert "好的" in on.reply
        assert hub_state(hub)["powerstate"] == "on"

        dim = await say(client, "set the node light to 30%", timeout=5)
        assert dim.ok, dim.reply
        assert dim.lang == "en" and "30%" in dim.reply
        assert hub_state(hub)["brightness"] == 30

        fr = await say(client, "mets la lampe node à 55 %", timeout=5)
        assert fr.ok, fr.reply
        assert fr.lang == "fr" and "55" in fr.reply
        assert hub_state(hub)["brightness"] == 55

        green = await say(client, "mets la lampe node en vert", timeout=5)
        assert green.ok, green.reply
        assert hub_state(hub)["color"] == "#008000"  # CSS green (docs/protocol.md §5)

        asked = await say(client, "is the node light on?", timeout=5)
        assert asked.ok and "on" in asked.reply.lower(), asked.reply
        off = await say(client, "关掉节点灯", timeout=5)
        assert off.ok, off.reply
        assert hub_state(hub)["powerstate"] == "off"
        assert light.proc.returncode is None, light.log()


async def test_a_killed_node_light_is_offline_in_the_hub(secured: BrokerUnderTest, hub: Running) -> None:
    client = secured.as_user(CLIENT_USER)
    async with node_light(secured) as light:
        await online_in(hub, light)
        light.proc.kill()
        await wait_for(hub.hub.directory, lambda d: not d.get(LIGHT).online, timeout=10)  # type: ignore[union-attr]
    result = await say(client, "turn on the node light", timeout=5)
    assert not result.ok
    assert [a.result for a in result.actions] == ["IOT_DEVICE_OFFLINE"]


async def test_the_node_light_answers_each_request_and_survives_bad_ones(secured: BrokerUnderTest) -> None:
    async with observer(secured) as hub, node_light(secured) as light:
        registration, _ = await hub.next("register")
        payload = registration["payload"]
        assert payload["deviceId"] == LIGHT and payload["deviceType"] == "light"
        specs = {s["name"] for s in payload["propertySpecs"]}
        assert specs == {"powerstate", "brightness", "color", "colorTemperature"}
        status, _ = await hub.next("status")
        assert status["payload"] == {"deviceId": LIGHT, "status": "online", "reason": "connect"}

        assert values(await hub.ask("TurnOn")) == {"powerstate": "on"}
        assert values(await hub.ask("SetBrightness", 100)) == {"brightness": 100}  # boundary
        assert values(await hub.ask("SetBrightness", " min ")) == {"brightness": 1}
        assert values(await hub.ask("AdjustUpBrightness")) == {"brightness": 26}  # the default step, 25
        assert values(await hub.ask("AdjustDownBrightness", "100")) == {"brightness": 1}  # clamped
        assert values(await hub.ask("SetColor", "red")) == {"color": "#FF0000"}
        assert values(await hub.ask("SetColorTemperature", "max")) == {"colorTemperature": 6500}
        assert values(await hub.ask("QueryBrightness", query=True)) == {"brightness": 1}
        snapshots = [await hub.next("state") for _ in range(8)]  # the one of the connect, one per change
        assert [s["payload"]["properties"][1]["value"] for s, _ in snapshots] == [80, 80, 100, 1, 26, 1, 1, 1]
        assert snapshots[-1][0]["payload"]["properties"][2:] == [
            {"name": "color", "value": "#FF0000"}, {"name": "colorTemperature", "value": 6500}]
        assert not any(retained for _, retained in snapshots)  # published retained, seen live
        assert hub.inbox["state"].empty()  # a query changes nothing: no snapshot

        assert error(await hub.ask("SetBrightness", 150)) == (
            "INVALIDATE_PARAMS", "brightness must be at most 100%, got 150")
        assert error(await hub.ask("SetBrightness", 50.5))[0] == "INVALIDATE_PARAMS"
        assert error(await hub.ask("SetBrightness", True))[0] == "INVALIDATE_PARAMS"
        assert error(await hub.ask("SetBrightness"))[0] == "INVALIDATE_PARAMS"
        assert error(await hub.ask("SetColorTemperature", 2600)) == (
            "INVALIDATE_PARAMS", "colorTemperature must be at least 2700K, got 2600")
        with pytest.raises(ValueError) as python:  # the reason the product's own spec gives
            PropertySpec(name="color", dataType="color").coerce("bluish")
        assert error(await hub.ask("SetColor", "bluish")) == ("INVALIDATE_PARAMS", str(python.value))
        assert error(await hub.ask("AdjustUpBrightness", -5))[0] == "INVALIDATE_PARAMS"
        assert error(await hub.ask("SetMode", "auto"))[0] == "DEVICE_NOT_SUPPORT_FUNCTION"
        assert error(await hub.ask("Fly"))[0] == "DEVICE_NOT_SUPPORT_FUNCTION"
        assert error(await hub.ask("QueryTemperature", query=True))[0] == "DEVICE_NOT_SUPPORT_FUNCTION"
        assert error(await hub.ask("TurnOff", device_id="another-lamp"))[0] == "DEVICE_IS_NOT_EXIST"

        # Not decodable: dropped, never answered, never fatal.
        for garbage in (b"\xff\xfe", b"not json", b"[1, 2]", b'{"header": {}}', b"{" * 100_000,
                        json.dumps({"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "TurnOff",
                                               "messageId": "m", "payLoadVersion": 2},
                                    "payload": {"deviceId": LIGHT}}).encode(),
                        json.dumps({"header": {"namespace": "AliGenie.Iot.Device.Control", "name": "TurnOff",
                                               "messageId": "m"},
                                    "payload": {"deviceId": LIGHT, "value": [1]}}).encode(),
                        b"x" * 300_000):
            await hub.send(garbage)
        # Nothing changed by any of them, and the light still answers (the replies are in order: no stray one).
        assert values(await hub.ask("Query", query=True)) == {
            "powerstate": "on", "brightness": 1, "color": "#FF0000", "colorTemperature": 6500}
        assert hub.inbox["reply"].empty() and hub.inbox["state"].empty() and hub.inbox["report"].empty()
        assert values(await hub.ask("Reset")) == {
            "powerstate": "off", "brightness": 80, "color": "#FFFFFF", "colorTemperature": 4000}
        assert light.proc.returncode is None, light.log()
        assert any("dropped a message" in line and "newer than this peer" in line for line in light.lines), light.log()


async def test_a_button_press_is_reported_and_the_hub_follows(secured: BrokerUnderTest, hub: Running) -> None:
    async with observer(secured) as watcher, node_light(secured) as light:
        await online_in(hub, light)
        # The hub's retained Online, received on subscribing, is no reason to announce again: one registration
        # before the answer to a later query (the light answers in order).
        assert values(await watcher.ask("QueryPowerState", query=True)) == {"powerstate": "off"}
        assert watcher.inbox["register"].qsize() == 1
        assert hub_state(hub)["powerstate"] == "off"
        light.proc.send_signal(signal.SIGUSR2)
        report, retained = await watcher.next("report")
        assert report["payload"] == {"deviceId": LIGHT, "properties": [{"name": "powerstate", "value": "on"}],
                                     "cause": "physical"}
        assert not retained
        await wait_for(hub.hub.directory, lambda d: d.get(LIGHT).state.get("powerstate") == "on")  # type: ignore[union-attr]


async def test_the_node_light_reannounces_for_a_restarted_hub(
        secured: BrokerUnderTest, tmp_path: Path) -> None:
    client = secured.as_user(CLIENT_USER)
    async with observer(secured) as watcher, node_light(secured) as light:
        async with run_stack(home=None, broker_url=str(secured.url), credentials=secured.credentials,
                             db=tmp_path / "first.db", ready_timeout=20) as first:
            await online_in(first, light)
            assert (await say(client, "turn on the node light", timeout=5)).ok
        watcher.forget()
        async with run_stack(home=None, broker_url=str(secured.url), credentials=secured.credentials,
                             db=tmp_path / "second.db", ready_timeout=20) as second:
            # The new hub's Online and discovery reach the light live: it registers again (not retained).
            registration, retained = await watcher.next("register")
            assert not retained and registration["payload"]["deviceId"] == LIGHT
            status, _ = await watcher.next("status")
            assert status["payload"]["status"] == "online"
            await online_in(second, light)
            await wait_for(second.hub.directory,  # type: ignore[union-attr]
                           lambda d: d.get(LIGHT).state.get("powerstate") == "on")  # type: ignore[union-attr]
            assert (await say(client, "éteins la lampe node", timeout=5)).ok
            assert hub_state(second)["powerstate"] == "off"


async def test_the_node_light_comes_back_after_the_broker_restarts(tmp_path: Path) -> None:
    require_node()
    credentials = Credentials.generate()
    broker = EmbeddedBroker(load_config(None, host="127.0.0.1", port=0), credentials=credentials)
    await broker.start()
    port = broker.port
    try:
        under_test = BrokerUnderTest("amqtt", BrokerURL("127.0.0.1", port), credentials)
        async with node_light(under_test) as light, run_stack(
                home=None, broker_url=str(under_test.url), credentials=credentials, db=tmp_path / "hub.db",
                ready_timeout=20) as running:
            await online_in(running, light)
            async with asyncio.timeout(10):
                await light.online.wait()
            light.online.clear()
            await broker.stop()
            broker = EmbeddedBroker(load_config(None, host="127.0.0.1", port=port), credentials=credentials)
            await broker.start()
            try:  # the light says "online as" once connected and subscribed again
                async with asyncio.timeout(30):
                    await light.online.wait()
            except TimeoutError:
                pytest.fail(f"the node light did not come back; its log:\n{light.log()}")
            hub = running.hub
            assert hub is not None
            async with asyncio.timeout(30), hub.connection_changed:  # the hub is back too
                await hub.connection_changed.wait_for(lambda: hub.connections >= 2 and hub.connected)
            await online_in(running, light, timeout=30)
            result = await say(under_test.as_user(CLIENT_USER), "把节点灯调到百分之四十", timeout=5)
            assert result.ok, result.reply
            assert hub_state(running)["brightness"] == 40
            assert any("reconnecting in" in line for line in light.lines), light.log()
    finally:
        await broker.stop()


async def test_a_wrong_password_is_one_line_and_exit_status_2(secured: BrokerUnderTest) -> None:
    async with node_light(secured, password="not-the-password") as light:
        async with asyncio.timeout(15):
            assert await light.proc.wait() == 2
    assert any("refused the login" in line for line in light.lines), light.log()


async def test_bad_options_are_one_line_and_exit_status_2() -> None:
    node = require_node()
    for args in (["--id", "Bad Id"], ["--broker", "http://x"], ["--keepalive", "0"], ["--colour", "red"]):
        proc = await asyncio.create_subprocess_exec(node, str(EXAMPLE / "light.js"), *args,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        async with asyncio.timeout(10):
            out, err = await proc.communicate()
        assert proc.returncode == 2, (args, err)
        assert len(err.decode().strip().splitlines()) == 1 and err.startswith(b"node-light: "), (args, err)
    proc = await asyncio.create_subprocess_exec(node, str(EXAMPLE / "light.js"), "--help",
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(10):
        out, _ = await proc.communicate()
    assert proc.returncode == 0 and b"--broker URL" in out


async def test_the_node_lights_own_unit_tests_pass() -> None:
    node = require_node()
    proc = await asyncio.create_subprocess_exec(node, "--test", cwd=EXAMPLE, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    async with asyncio.timeout(60):
        out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()
    assert "# pass 4" in out.decode() and "# fail 0" in out.decode()


def test_missing_node_modules_skip_or_fail_under_genie_require_node(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.examples import node

    monkeypatch.setattr(node, "NODE", "node")
    monkeypatch.setattr(node, "EXAMPLE", tmp_path)  # no node_modules there
    monkeypatch.delenv("GENIE_REQUIRE_NODE", raising=False)
    with pytest.raises(pytest.skip.Exception, match="npm ci --prefix"):
        node.require_node()
    monkeypatch.setenv("GENIE_REQUIRE_NODE", "1")
    with pytest.raises(pytest.fail.Exception, match="GENIE_REQUIRE_NODE=1 but"):
        node.require_node()


async def test_the_node_light_joins_a_home_with_an_id(tmp_path: Path) -> None:
    require_node()
    credentials = Credentials.generate()
    async with amqtt_broker(credentials) as broker, run_stack(
            home=None, broker_url=str(broker.url), credentials=credentials, db=tmp_path / "hub.db",
            scope="flat-2", ready_timeout=20) as running, node_light(
            broker, "--home", "flat-2", password=credentials.password_for("flat-2.node-light")) as light:
        await online_in(running, light)
        client = broker.as_user("flat-2.genie-client")
        result = await say(client, "turn on the node light", timeout=5, home="flat-2")
        assert result.ok, result.reply
        assert hub_state(running)["powerstate"] == "on"
    assert any("online as flat-2.node-light" in line for line in light.lines), light.log()
