"""Two homes on a 2-node RabbitMQ cluster, kept apart by its topic permissions (issue 16, part 2).

The definitions are those ``python -m tests.rabbitmq definitions`` writes (``tests/rabbitmq.py``), with each
home's logins. RabbitMQ closes the connection of a client that subscribes or publishes where it may not (no
SUBACK 0x80, no PUBACK: docs/scale-out.md, caveat 2), so every attempt runs on a connection of its own and
must end with that connection closed. The cluster starts once for this module (~15 s).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from genie.app import Running, run_stack
from hub.client import say
from hub.protocol.mqtt import BrokerURL, ConnectionFailed, MqttConnection
from hub.security import CLIENT_USER, HUB_USER, LISTENER_USER, Credentials, home_login
from tests.brokers import BrokerUnderTest
from tests.e2e.test_broker_abuse import publish_packet, raw_client
from tests.e2e.test_broker_retained import subscribe_packet
from tests.e2e.test_homes_isolation import ATTACKS, CODES, SPY, WILDCARDS, home_of
from tests.rabbitmq import RabbitCluster, rabbitmq_cluster, require_rabbitmq

pytestmark = pytest.mark.e2e

BOUND = 10.0
ALPHA_LOGINS = [HUB_USER, CLIENT_USER, LISTENER_USER, SPY]
OWN_READ = {HUB_USER: "genie/home/alpha/#", CLIENT_USER: "genie/home/alpha/hub/status",
            LISTENER_USER: "genie/home/alpha/hub/announce", SPY: f"genie/home/alpha/dev/{SPY}/request"}
OWN_WRITE = {HUB_USER: "genie/home/alpha/zz-own", CLIENT_USER: "genie/home/alpha/hub/command",
             SPY: f"genie/home/alpha/dev/{SPY}/report"}
"""What each login of alpha may do in its own home: granted on the same path, so a refusal above is the ACL's."""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitCluster]:
    require_rabbitmq()
    homes = {h: [d.id for d in home_of(h).devices] + [SPY] for h in CODES}
    with rabbitmq_cluster(tmp_path_factory.mktemp("rabbitmq"), Credentials.generate(), [], homes) as running:
        yield running


@pytest.fixture
async def stacks(cluster: RabbitCluster, tmp_path: Path) -> AsyncIterator[dict[str, Running]]:
    """Home alpha on node A, home beta on node B, each its hub and devices."""
    async with contextlib.AsyncExitStack() as stack:
        running = {}
        for node, home_id in enumerate(CODES):
            running[home_id] = await stack.enter_async_context(run_stack(
                home=home_of(home_id), broker_url=str(cluster.url(node)), credentials=cluster.credentials,
                db=tmp_path / f"{home_id}.db", scope=home_id, ready_timeout=20))
        yield running


def _login(cluster: RabbitCluster, node: int, home: str, name: str) -> BrokerURL:
    return cluster.url(node, home_login(home, name))


def _client_id(home: str, name: str) -> str:
    return home_login(home, f"{name}-spy" if name in (HUB_USER, CLIENT_USER, LISTENER_USER) else name)


def _state(stacks: dict[str, Running], home: str, device_id: str) -> dict[str, object]:
    return next(r.device for r in stacks[home].runners if r.device.id == device_id).state


async def test_two_homes_on_the_cluster_each_do_only_their_own(cluster: RabbitCluster,
                                                                 stacks: dict[str, Running]) -> None:
    result = await say(_login(cluster, 1, "alpha", CLIENT_USER), "turn on the lamp", home="alpha", timeout=BOUND)
    assert result.ok, result.reply
    assert _state(stacks, "alpha", "lamp")["powerstate"] == "on"
    assert _state(stacks, "beta", "lamp")["powerstate"] == "off"


async def _refused(cluster: RabbitCluster, node: int, name: str, packet: bytes) -> bool:
    """Send ``packet`` (a SUBSCRIBE or a QoS 1 PUBLISH, id 1) as alpha's login ``name``: True if the broker
    refuses it (closes the connection, or answers SUBACK 0x80), False if it grants or acknowledges it."""
    broker = BrokerUnderTest("rabbitmq", cluster.url(node), cluster.credentials)
    user = home_login("alpha", name)
    async with raw_client(broker, _client_id("alpha", name), user) as (client, code):
        assert code == 0
        await client.send(packet)
        try:
            first, body = await client.read_packet()
        except (asyncio.IncompleteReadError, ConnectionError):
            return True
        return first >> 4 == 9 and body[2:] == b"\x80"


@pytest.mark.parametrize("name", ALPHA_LOGINS)
async def test_a_login_of_another_home_may_subscribe_to_nothing_of_it(cluster: RabbitCluster,
                                                                     stacks: dict[str, Running], name: str) -> None:
    granted = [p for p in WILDCARDS if not await _refused(cluster, 1, name, subscribe_packet(p, 1))]
    assert granted == []
    assert not await _refused(cluster, 1, name, subscribe_packet(OWN_READ[name], 1))


@pytest.mark.parametrize("name", [n for n in ALPHA_LOGINS if n != LISTENER_USER])
async def test_a_login_of_another_home_may_publish_nothing_into_it(cluster: RabbitCluster,
                                                                  stacks: dict[str, Running], name: str) -> None:
    accepted = []
    for topic, payload in ATTACKS:
        packet = bytearray(publish_packet(topic, payload, qos=1))
        packet[0] |= 0x01  # retained too
        if not await _refused(cluster, 0, name, bytes(packet)):
            accepted.append(topic)
    assert accepted == []
    assert not await _refused(cluster, 0, name, publish_packet(OWN_WRITE[name], b"{}", qos=1))
    assert _state(stacks, "beta", "lamp")["powerstate"] == "off"
    assert _state(stacks, "beta", "front-door")["lockstate"] == "locked"


async def test_one_home_s_password_opens_no_other_home_on_the_cluster(cluster: RabbitCluster) -> None:
    for name in (HUB_USER, CLIENT_USER, "lamp"):
        password = cluster.credentials.password_for(home_login("alpha", name))
        with pytest.raises(ConnectionFailed):
            async with MqttConnection(BrokerURL("127.0.0.1", cluster.nodes[0].mqtt_port, home_login("beta", name),
                                                password), _client_id("beta", name)):
                pass
