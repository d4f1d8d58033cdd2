"""The same fleet and hub on a 2-node RabbitMQ cluster, with no code change (issue 9, item 5).

The hub runs against node A, the demo home's devices are spread over both nodes (half on each), and a
text client talks to node B: every command crosses the cluster (client B -> hub A -> device A or B ->
hub A -> client B). A device killed on node B is marked offline by the hub on node A through its last
will. The cluster (tests/rabbitmq.py) starts once for this module (~15 s) and is stopped by PID at
the end, leaving no process behind.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.home import load_home
from genie.app import Running, run_stack
from hub.client import say
from hub.protocol import ErrorCode, HubRequest, TextCommandResponse, Topics, decode, encode
from hub.protocol.mqtt import BrokerURL, ConnectionFailed, Inbound, MqttConnection
from hub.security import CLIENT_USER, HUB_USER, Credentials
from tests.conftest import wait_for
from tests.rabbitmq import RabbitCluster, rabbitmq_cluster, require_rabbitmq

pytestmark = pytest.mark.e2e

HOME = load_home()
ON_A = [d.id for d in HOME.devices[0::2]]
ON_B = [d.id for d in HOME.devices[1::2]]
FIGURES: dict[str, object] = {}
"""What this module measured; printed by the last test (run with -s to see it)."""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitCluster]:
    """One cluster for the whole module: starting one costs ~15 s."""
    require_rabbitmq()
    with rabbitmq_cluster(tmp_path_factory.mktemp("rabbitmq"), Credentials.generate(),
                          [d.id for d in HOME.devices]) as running:
        FIGURES.update({f"cluster_{k}_s": round(v, 2) for k, v in running.timings.items()})
        yield running


def _device(running: Running, device_id: str):
    return next(r for r in running.runners if r.device.id == device_id)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _round_trips(url: BrokerURL, texts: list[str], count: int) -> list[float]:
    """``count`` text commands over one client session, each awaited before the next; seconds each."""
    topics = Topics()
    client_id = f"rtt-{uuid.uuid4().hex[:8]}"
    took: list[float] = []
    async with MqttConnection(url, client_id) as conn:
        await conn.subscribe(topics.command_reply(client_id))
        replies = conn.messages()
        for i in range(count):
            request = HubRequest.create("TextCommand", client_id, texts[i % len(texts)])
            started = time.perf_counter()
            await conn.publish(topics.command, encode(request))
            async with asyncio.timeout(5):
                while True:
                    reply = decode((await anext(replies)).payload, TextCommandResponse)
                    if reply.header.message_id == request.header.message_id:
                        break
            took.append(time.perf_counter() - started)
            assert reply.payload.ok, reply.payload.reply
    return took


COMMANDS = [
    # text, devices, property, value, words of the reply
    ("Hey Genie, turn on the floor lamp", ("floor-lamp",), "powerstate", "on", "turned on"),
    ("打开客厅的灯", ("living-light", "floor-lamp"), "powerstate", "on", "好的"),  # one room, both nodes
    ("set the desk lamp to 30%", ("desk-lamp",), "brightness", 30, "30%"),
    ("turn on the kitchen switch", ("kitchen-switch",), "powerstate", "on", "turned on"),
    ("Génie, mets le climatiseur de la chambre à 22 degrés", ("bedroom-ac",), "temperature", 22, "22 degrés"),
    ("把客厅空调调到二十度", ("living-ac",), "temperature", 20, "20度"),
]


async def test_the_hub_on_node_a_drives_devices_on_both_nodes(cluster: RabbitCluster, tmp_path: Path) -> None:
    creds = cluster.credentials
    node_a, node_b = str(cluster.url(0)), str(cluster.url(1))
    commanded = {d for _, ds, *_ in COMMANDS for d in ds}
    assert commanded & set(ON_A) and commanded & set(ON_B)
    started = time.perf_counter()
    async with (
        run_stack(home=None, broker_url=node_a, credentials=creds, db=tmp_path / "hub.db",
                  ready_timeout=20) as hub_side,
        run_stack(home=HOME.model_copy(update={"devices": HOME.devices[0::2]}), broker_url=node_a,
                  credentials=creds, run_hub=False, ready_timeout=20) as on_a,
        run_stack(home=HOME.model_copy(update={"devices": HOME.devices[1::2]}), broker_url=node_b,
                  credentials=creds, run_hub=False, ready_timeout=20) as on_b,
    ):
        hub = hub_side.hub
        assert hub is not None
        assert [r.device.id for r in on_a.runners] == ON_A and [r.device.id for r in on_b.runners] == ON_B
        everyone = set(ON_A) | set(ON_B)
        await wait_for(hub.directory, lambda d: all((r := d.get(i)) is not None and r.online for i in everyone),
                       timeout=20)
        FIGURES["fleet_online_s"] = round(time.perf_counter() - started, 2)
        client = cluster.url(1, CLIENT_USER)  # a client as `genie say --broker <node B>` would log in

        said: list[float] = []
        for text, device_ids, prop, value, reply_has in COMMANDS:
            t0 = time.perf_counter()
            result = await say(client, text, timeout=5)
            said.append(time.perf_counter() - t0)
            assert result.ok, (text, result.reply)
            assert reply_has in result.reply, result.reply
            assert sorted((a.device, a.result) for a in result.actions) == [(d, "SUCCESS") for d in sorted(device_ids)]
            for device_id in device_ids:
                runner = _device(on_a if device_id in ON_A else on_b, device_id)
                assert runner.device.state[prop] == value
                assert hub.directory.get(device_id).state[prop] == value  # type: ignore[union-attr]

        # One command, devices on both nodes.
        result = await say(client, "turn off all the lights", timeout=5)
        lights = {"living-light", "floor-lamp", "bedroom-light", "desk-lamp"}
        assert result.ok, result.reply
        assert {a.device for a in result.actions} == lights
        assert lights & set(ON_A) and lights & set(ON_B)
        for light in lights:
            assert _device(on_a if light in ON_A else on_b, light).device.state["powerstate"] == "off"

        # Steady state over one client session on node B: a device on node B, then one on node A.
        to_b = await _round_trips(client, ["turn on the floor lamp", "turn off the floor lamp"], 60)
        to_a = await _round_trips(client, ["turn on the desk lamp", "turn off the desk lamp"], 60)
        FIGURES.update({
            "say_s": [round(s, 4) for s in said],
            "say_p50_ms": round(statistics.median(said) * 1000, 1),
            "command_to_device_on_B_p50_ms": round(statistics.median(to_b[10:]) * 1000, 2),
            "command_to_device_on_B_p95_ms": round(_pct(to_b[10:], 0.95) * 1000, 2),
            "command_to_device_on_A_p50_ms": round(statistics.median(to_a[10:]) * 1000, 2),
            "command_to_device_on_A_p95_ms": round(_pct(to_a[10:], 0.95) * 1000, 2),
        })

        # A power cut on node B: the broker publishes the device's will, the hub on node A hears it.
        victim = _device(on_b, "floor-lamp")
        t0 = time.perf_counter()
        await victim.crash()
        await wait_for(hub.directory, lambda d: not d.get("floor-lamp").online)  # type: ignore[union-attr]
        FIGURES["will_across_nodes_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        assert all(hub.directory.get(i).online for i in everyone - {"floor-lamp"})  # type: ignore[union-attr]
        result = await say(client, "turn on the floor lamp", timeout=5)
        assert not result.ok
        assert [a.result for a in result.actions] == [ErrorCode.IOT_DEVICE_OFFLINE]
        assert "offline" in result.reply
        assert (await say(client, "打开落地灯", timeout=5)).reply.count("离线") == 1


async def _refused(url: BrokerURL, client_id: str, *, subscribe: str | None = None,
                   publish: str | None = None) -> bool:
    """True if the broker refuses the login, or closes the session on the subscription or publication.
    (RabbitMQ reports a denied topic by closing the connection, not with a SUBACK 0x80: the message
    stream ends at once, while the SUBACK or PUBACK would only time out.)"""
    try:
        async with MqttConnection(url, client_id, timeout=5) as conn:
            async def first_message() -> Inbound:
                async for message in conn.messages():  # raises ConnectionFailed once the broker closes us
                    return message
                raise ConnectionFailed("the message stream ended")

            closed = asyncio.create_task(first_message())
            act = asyncio.create_task(conn.subscribe(subscribe) if subscribe else conn.publish(publish or "", b"{}"))
            await asyncio.wait({closed, act}, return_when=asyncio.FIRST_COMPLETED)
            for task in (act, closed):
                task.cancel()
            for outcome in await asyncio.gather(act, closed, return_exceptions=True):
                if isinstance(outcome, ConnectionFailed):
                    return True
    except ConnectionFailed:
        return True
    return False


async def test_the_topic_acl_holds_on_the_cluster(cluster: RabbitCluster) -> None:
    """The definitions express hub/security.py's policy; checked on node B, observed from node A."""
    b = 1
    tv = cluster.url(b, "tv")
    seen: list[str] = []
    marker = asyncio.Event()
    async with MqttConnection(cluster.url(0, HUB_USER), f"observer-{uuid.uuid4().hex[:6]}") as observer:
        await observer.subscribe("genie/#")

        async def watch() -> None:
            async for message in observer.messages():
                seen.append(message.topic)
                if message.payload == b"marker":
                    marker.set()

        watcher = asyncio.create_task(watch())
        try:
            assert await _refused(BrokerURL(tv.host, tv.port, "tv", "wrong"), "tv", subscribe="genie/discover")
            assert await _refused(BrokerURL(tv.host, tv.port), "tv", subscribe="genie/discover")  # anonymous
            # A device speaks only for itself, never sends directives, reads only its own requests.
            assert await _refused(tv, "tv", publish="genie/dev/desk-lamp/state")
            assert await _refused(tv, "tv", publish="genie/dev/tv/request")
            assert await _refused(tv, "tv", subscribe="genie/dev/desk-lamp/request")
            assert await _refused(tv, "tv", subscribe="genie/dev/+/request")
            assert await _refused(tv, "not-tv", publish="genie/dev/tv/state")  # username = client id
            assert not await _refused(tv, "tv", subscribe="genie/dev/tv/request")
            # A text client: commands only; its own reply topic only, also with a regex for a client id.
            client = cluster.url(b, CLIENT_USER)
            assert await _refused(client, "cli-a", subscribe="genie/hub/reply/cli-b")
            assert await _refused(client, ".*", subscribe="genie/hub/reply/cli-b")
            assert await _refused(client, "cli-a", publish="genie/dev/tv/request")
            assert not await _refused(client, "cli-a", subscribe="genie/hub/reply/cli-a")
            async with MqttConnection(tv, "tv") as device:
                await device.publish("genie/dev/tv/report", b"marker")
            async with asyncio.timeout(5):
                await marker.wait()
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
    assert "genie/dev/desk-lamp/state" not in seen and "genie/dev/tv/request" not in seen, seen


def test_the_cluster_stops_by_pid_and_leaves_nothing_behind(cluster: RabbitCluster) -> None:
    running = cluster.processes()
    names = sorted(p.name for p in running)
    assert names.count("beam.smp") == 2 and names.count("epmd") == 1, names
    FIGURES["node_rss_mb"] = [round(_rss(p.pid) / 2**20) for p in running if p.name == "beam.smp"]
    ports = [cluster.epmd_port] + [n.mqtt_port for n in cluster.nodes] + [n.dist_port for n in cluster.nodes]
    leftovers = cluster.stop()
    assert leftovers == []
    assert cluster.processes() == []  # no beam.smp, epmd, erl_child_setup, inet_gethost, sh of ours
    for port in ports:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    FIGURES["cluster_stop_s"] = round(cluster.timings["stop"], 2)
    FIGURES["cli_calls"] = cluster.cli_calls
    print("\nrabbitmq cluster figures:", FIGURES)


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
