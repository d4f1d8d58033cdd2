"""Two homes on one broker, kept apart by the broker (issue 16, part 2): the embedded one and Mosquitto with
the exported configuration.

Each home's hub and devices run with the product's own logins (``alpha.genie-hub``, ``alpha.lamp``...) on its
own topic tree (``genie/home/alpha/``); both homes have a ``lamp`` and a ``front-door``. Every login of home
alpha — and the default tree's own text client and a device of it — then attacks home beta as an outsider
would: subscriptions to ``#`` and other wildcards, ``$SYS``, beta's retained messages, publishes on beta's
requests, commands and announcements, another home's client ids and passwords.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devices.home import Home, parse_home
from genie.app import Running, run_stack
from hub.broker.server import MAX_TEXT_CONNECTIONS
from hub.client import announcements, say
from hub.protocol import AnnouncePayload, HubRequest, Topics, encode
from hub.protocol.mqtt import BrokerURL, ConnectionFailed, Inbound, MqttConnection
from hub.security import CLIENT_USER, HUB_USER, LISTENER_USER, Credentials, home_login
from tests.brokers import BrokerUnderTest, amqtt_broker, mosquitto_broker
from tests.e2e.test_broker_abuse import raw_client

pytestmark = pytest.mark.e2e

BOUND = 10.0
DEFAULT_DEVICE = "newcomer"
CODES = {"alpha": "111111", "beta": "222222"}
ACCEPTED, REFUSED = 0, 5
SPY = "spy-plug"
"""A device login of alpha that no running device uses (the running lamp would take its client id back)."""


def home_of(home_id: str) -> Home:
    """A small home with a lamp and a front door; the two homes' devices share their ids."""
    return parse_home({
        "id": home_id,
        "rooms": [{"id": "living", "names": {"en": ["living room"], "zh": ["客厅"]}}],
        "devices": [
            {"id": "lamp", "category": "light", "room": "living", "names": {"en": ["lamp"], "zh": ["台灯"]}},
            {"id": "front-door", "category": "fingerprintlock", "room": "living", "code": CODES[home_id],
             "names": {"en": ["front door"], "zh": ["大门"]}},
        ],
    }, f"home {home_id}")


@dataclass
class Homes:
    broker: BrokerUnderTest
    stacks: dict[str, Running]

    def login(self, home: str | None, name: str, password_of: str | None = None) -> BrokerURL:
        """The broker URL as ``name`` of ``home`` (with the password of ``password_of``'s same login if given)."""
        assert self.broker.credentials is not None
        user = home_login(home, name)
        password = self.broker.credentials.password_for(home_login(password_of, name) if password_of else user)
        return BrokerURL(self.broker.url.host, self.broker.url.port, user, password)

    def state(self, home: str, device_id: str) -> dict[str, Any]:
        return next(r.device for r in self.stacks[home].runners if r.device.id == device_id).state


@contextlib.asynccontextmanager
async def _two_homes(kind: str, tmp_path: Path, *, alpha_hub: bool) -> AsyncIterator[Homes]:
    credentials = Credentials.generate()
    owned = {h: [d.id for d in home_of(h).devices] + [SPY] for h in CODES}
    async with contextlib.AsyncExitStack() as stack:
        if kind == "amqtt":
            broker = await stack.enter_async_context(amqtt_broker(credentials))
        else:
            broker = await stack.enter_async_context(
                mosquitto_broker(tmp_path / "mosquitto", credentials, [DEFAULT_DEVICE], homes=owned))
        stacks = {}
        for home_id in CODES:
            stacks[home_id] = await stack.enter_async_context(run_stack(
                home=home_of(home_id), broker_url=str(broker.url), credentials=credentials,
                db=tmp_path / f"{home_id}.db", scope=home_id, ready_timeout=20,
                run_hub=alpha_hub or home_id != "alpha"))
        yield Homes(broker, stacks)


@pytest.fixture(params=["amqtt", "mosquitto"])
async def homes(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Homes]:
    """Homes alpha and beta, each its hub and devices, on one secured broker (amqtt, then Mosquitto)."""
    async with _two_homes(request.param, tmp_path, alpha_hub=True) as running:
        yield running


@pytest.fixture(params=["amqtt", "mosquitto"])
async def beta_attacked(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Homes]:
    """Home beta (hub and devices) and alpha's devices, whose hub login the attacks use: on Mosquitto every
    client id is its login's name, so alpha's own hub and an attacker with its login would take turns."""
    async with _two_homes(request.param, tmp_path, alpha_hub=False) as running:
        yield running


async def test_each_home_hears_only_its_own_commands(homes: Homes) -> None:
    alpha = homes.login("alpha", CLIENT_USER)
    result = await say(alpha, "turn on the lamp", home="alpha", timeout=BOUND)
    assert result.ok, result.reply
    assert homes.state("alpha", "lamp")["powerstate"] == "on"
    assert homes.state("beta", "lamp")["powerstate"] == "off"
    beta = await say(homes.login("beta", CLIENT_USER), "is the lamp on?", home="beta", timeout=BOUND)
    assert beta.ok and "off" in beta.reply.lower(), beta.reply
    assert homes.stacks["alpha"].hub is not None and homes.stacks["beta"].hub is not None
    assert {r.id for r in homes.stacks["alpha"].hub.directory.all()} == {"lamp", "front-door"}


OUTSIDERS = {
    "alpha's hub": ("alpha", HUB_USER, "genie/home/alpha/zz-marker"),
    "alpha's text client": ("alpha", CLIENT_USER, "genie/home/alpha/hub/announce"),
    "alpha's listener": ("alpha", LISTENER_USER, "genie/home/alpha/hub/announce"),
    "a device of alpha": ("alpha", SPY, "genie/home/alpha/discover"),
    "the default tree's text client": (None, CLIENT_USER, "genie/hub/announce"),
    "a device of the default tree": (None, DEFAULT_DEVICE, "genie/discover"),
}
"""Who attacks home beta: (their home, their login, a topic they may read, on which the test sends a marker)."""

WILDCARDS = ("#", "+/#", "genie/#", "genie/+/#", "genie/home/#", "genie/home/+/#", "genie/home/beta/#",
             "genie/home/beta/dev/+/state", "genie/home/beta/hub/reply/+", "+/home/beta/#", "$SYS/#")


def _client_id(home: str | None, name: str) -> str:
    local = f"{name}-{uuid.uuid4().hex[:8]}" if name in (CLIENT_USER, LISTENER_USER, HUB_USER) else name
    return home_login(home, local)


@pytest.mark.parametrize("outsider", list(OUTSIDERS))
async def test_a_client_of_another_home_subscribed_to_everything_receives_nothing_of_it(
        beta_attacked: Homes, outsider: str) -> None:
    homes = beta_attacked
    home, name, readable = OUTSIDERS[outsider]
    marker = f"marker {uuid.uuid4().hex}".encode()
    url, observer_id = homes.broker.observer()
    seen: list[Inbound] = []
    async with MqttConnection(homes.login(home, name), _client_id(home, name)) as spy:
        for pattern in (*WILDCARDS, readable):
            with contextlib.suppress(ConnectionFailed):  # a refused filter is the broker's answer; go on
                await spy.subscribe(pattern)
        # beta lives: a command, its directive, the lamp's report and state, the hub's reply
        result = await say(homes.login("beta", CLIENT_USER), "turn on the lamp", home="beta", timeout=BOUND)
        assert result.ok and homes.state("beta", "lamp")["powerstate"] == "on"
        async with MqttConnection(url, observer_id) as observer:
            await observer.publish(readable, marker)
        async with asyncio.timeout(BOUND):
            async for message in spy.messages():
                if message.topic == readable and message.payload == marker:
                    break
                seen.append(message)
    leaks = [m.topic for m in seen if "beta" in m.topic or b"beta" in m.payload or CODES["beta"].encode() in m.payload]
    assert leaks == []
    assert all(m.topic.startswith(readable.rsplit("/", 2)[0]) for m in seen), [m.topic for m in seen]


def _directive(device_id: str, name: str, code: str | None = None) -> bytes:
    payload: dict[str, Any] = {"deviceId": device_id, "deviceType": "light", "attribute": "powerstate",
                               "value": "on", "extensions": {}}
    if code is not None:
        payload.update(deviceType="fingerprintlock", attribute="code", value=code)
    return json.dumps({"header": {"namespace": "AliGenie.Iot.Device.Control", "name": name,
                                  "messageId": uuid.uuid4().hex, "payLoadVersion": 1},
                       "payload": payload}).encode()


BETA = Topics().home("beta")
ATTACKS = [
    ("genie/home/beta/dev/lamp/request", _directive("lamp", "TurnOn")),
    ("genie/home/beta/dev/front-door/request", _directive("front-door", "Unlock", CODES["beta"])),
    (BETA.command, encode(HubRequest.create("TextCommand", "genie-client-x", "turn on the lamp", "en"))),
    (BETA.command, encode(HubRequest.create("TextCommand", "genie-client-x",
                                            f"unlock the front door, code {CODES['beta']}", "en"))),
    (BETA.hub_status, b'{"header": {}, "payload": {"online": false}}'),
    (BETA.announce, b'{"forged": true}'),
    (BETA.discover, b"{}"),
    ("genie/home/beta/dev/lamp/state", b'{"forged": true}'),
    ("genie/dev/lamp/request", _directive("lamp", "TurnOn")),
]
"""What an outsider publishes into beta (retained too): its devices' requests, its hub's command topic, the
hub's status and announcements, a forged state; the default tree's lamp request last."""

PUBLISHERS = {k: v for k, v in OUTSIDERS.items() if v[1] != LISTENER_USER}
"""The listener may publish nothing at all, anywhere (tests/e2e/test_security.py)."""


@pytest.mark.parametrize("outsider", list(PUBLISHERS))
async def test_a_client_of_another_home_cannot_command_it(beta_attacked: Homes, outsider: str) -> None:
    homes = beta_attacked
    home, name, _readable = OUTSIDERS[outsider]
    own_tree = "genie/home/alpha" if home else "genie"
    marker_topic = {HUB_USER: f"{own_tree}/zz-marker", CLIENT_USER: f"{own_tree}/hub/command"}.get(
        name, f"{own_tree}/dev/{name}/report")
    marker = f"marker {uuid.uuid4().hex}".encode()
    url, observer_id = homes.broker.observer()
    async with MqttConnection(url, observer_id) as observer:
        await observer.subscribe("#")
        async with MqttConnection(homes.login(home, name), _client_id(home, name)) as attacker:
            for topic, payload in ATTACKS:
                with contextlib.suppress(ConnectionFailed):
                    await attacker.publish(topic, payload, qos=1, retain=True)
            await attacker.publish(marker_topic, marker, qos=1)  # after every attack, on the same connection
            seen: list[Inbound] = []
            async with asyncio.timeout(BOUND):
                async for message in observer.messages():
                    if message.topic == marker_topic and message.payload == marker:
                        break
                    if not message.retain:
                        seen.append(message)
    forged = {(t, p) for t, p in ATTACKS}
    assert [m.topic for m in seen if (m.topic, m.payload) in forged] == []
    assert homes.state("beta", "lamp")["powerstate"] == "off"
    assert homes.state("beta", "front-door")["lockstate"] == "locked"
    beta_hub = homes.stacks["beta"].hub
    assert beta_hub is not None and all(r.online for r in beta_hub.directory.all())


async def test_a_login_of_one_home_cannot_take_another_home_s_client_ids() -> None:
    """On the embedded broker a client id is its login's (Mosquitto makes every client id the login's name)."""
    credentials = Credentials.generate()
    async with amqtt_broker(credentials) as broker:
        cases = [("alpha.genie-client", "beta.genie-client-x"), ("alpha.lamp", "beta.lamp"), ("alpha.lamp", "lamp"),
                 ("alpha.genie-hub", "genie-hub"), ("alpha.genie-hub", "beta.genie-hub"),
                 ("alpha.genie-client", "genie-client-x"), ("genie-client", "alpha.genie-client-x"),
                 ("alpha.lamp", "alpha.front-door"), ("alpha.genie-listener", "beta.genie-listener")]
        for user, client_id in cases:
            async with raw_client(broker, client_id, user) as (_client, code):
                assert code == REFUSED, (user, client_id)
        for user, client_id in [("alpha.genie-client", "alpha.genie-client-x"), ("alpha.lamp", "alpha.lamp")]:
            async with raw_client(broker, client_id, user) as (_client, code):
                assert code == ACCEPTED, (user, client_id)


@pytest.mark.parametrize("broker_kind", ["amqtt", "mosquitto"])
async def test_one_home_s_password_opens_no_other_home(broker_kind: str, tmp_path: Path) -> None:
    credentials = Credentials.generate()
    owned = {h: [d.id for d in home_of(h).devices] for h in CODES}
    async with contextlib.AsyncExitStack() as stack:
        if broker_kind == "amqtt":
            broker = await stack.enter_async_context(amqtt_broker(credentials))
        else:
            broker = await stack.enter_async_context(mosquitto_broker(tmp_path / "m", credentials, [], homes=owned))
        for name in (HUB_USER, CLIENT_USER, LISTENER_USER, "lamp"):
            password = credentials.password_for(home_login("alpha", name))
            assert password != credentials.password_for(home_login("beta", name))
            for user in (home_login("beta", name), name, f"beta.alpha.{name}", f"Beta.{name}"):
                with pytest.raises(ConnectionFailed):
                    async with MqttConnection(BrokerURL(broker.url.host, broker.url.port, user, password),
                                              home_login("beta", name) if "." in user else name):
                        pass


@pytest.mark.parametrize("target", ["genie/home/beta/dev/front-door/request", "genie/home/beta/hub/command"])
async def test_a_last_will_into_another_home_never_fires(beta_attacked: Homes, target: str) -> None:
    """A device of alpha asks for a will on beta's lock or hub: the embedded broker refuses the CONNECT,
    Mosquitto drops the will when it would fire."""
    payload = _directive("front-door", "Unlock", CODES["beta"]) if "dev" in target else ATTACKS[3][1]
    own_status = f"genie/home/alpha/dev/{SPY}/status"
    legitimate = f'{{"gone": "{uuid.uuid4().hex}"}}'.encode()
    homes = beta_attacked
    url, observer_id = homes.broker.observer()
    seen: list[Inbound] = []
    async with MqttConnection(url, observer_id) as observer:
        await observer.subscribe("#")
        async with raw_client(homes.broker, f"alpha.{SPY}", f"alpha.{SPY}", will=(target, payload)) as (rogue, code):
            assert code == (REFUSED if homes.broker.kind == "amqtt" else ACCEPTED)
            rogue.abort()
        # the same client id again with a will it may use: the first will's fate was settled before this CONNECT
        async with raw_client(homes.broker, f"alpha.{SPY}", f"alpha.{SPY}", will=(own_status, legitimate)) as (ok,
                                                                                                          code):
            assert code == ACCEPTED
            ok.abort()
        async with asyncio.timeout(BOUND):
            async for message in observer.messages():
                if message.topic == own_status and message.payload == legitimate:
                    break
                if not message.retain:
                    seen.append(message)
    assert [m.topic for m in seen if m.topic == target] == []
    assert homes.state("beta", "front-door")["lockstate"] == "locked"


async def test_each_home_s_listener_hears_only_its_own_hub(homes: Homes) -> None:
    """`genie listen --home ID`: a listener of alpha hears alpha's announcements, never beta's."""
    heard: list[str] = []
    listening = asyncio.Event()

    async def listen() -> None:
        async for said in announcements(homes.login("alpha", LISTENER_USER), home="alpha", listening=listening.set):
            heard.append(said.id)
            if said.id == "alpha-timer":
                return

    task = asyncio.create_task(listen())
    try:
        async with asyncio.timeout(BOUND):
            await listening.wait()
        for home_id in ("beta", "alpha"):  # beta's first: if it crossed over, it would come before alpha's
            hub = homes.stacks[home_id].hub
            assert hub is not None
            await hub.announce(AnnouncePayload(source="timer", id=f"{home_id}-timer", lang="en", text=home_id))
        async with asyncio.timeout(BOUND):
            await task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert heard == ["alpha-timer"]


async def test_a_home_s_text_logins_keep_the_text_clients_limits() -> None:
    """A home's text client and listener are text logins like the default tree's (issue 13's guards): no
    persistent session (CONNACK 2), and at most MAX_TEXT_CONNECTIONS connections at once (CONNACK 3 beyond)."""
    credentials = Credentials.generate()
    async with amqtt_broker(credentials) as broker:
        for name in (CLIENT_USER, LISTENER_USER):
            user = home_login("alpha", name)
            async with raw_client(broker, f"{user}-kept", user, clean=False) as (_client, code):
                assert code == 2, user
        user = home_login("alpha", CLIENT_USER)
        async with contextlib.AsyncExitStack() as stack:
            codes = [(await stack.enter_async_context(raw_client(broker, f"{user}-{i}", user)))[1]
                     for i in range(MAX_TEXT_CONNECTIONS + 1)]
        assert codes == [ACCEPTED] * MAX_TEXT_CONNECTIONS + [3]
