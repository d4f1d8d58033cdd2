"""The broker users of the neighbours (Home Assistant, a Hermes front end) and the AliGenie gateway token."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiomqtt
import pytest

from hub.interop.aligenie import TOKEN_ENV, AliGenieGateway, load_or_create_token
from hub.interop.roles import HERMES_USER, HOMEASSISTANT_USER, hermes_role, homeassistant_role, role_password
from hub.protocol import Topics
from hub.protocol.mqtt import BrokerURL
from hub.security import CLIENT_USER, HUB_USER, LISTENER_USER, Action, Credentials
from tests.brokers import BrokerUnderTest

HA = homeassistant_role()


@pytest.mark.parametrize(("action", "topic", "allowed"), [
    (Action.PUBLISH, "genie/ha/desk-lamp/light/set", True),
    (Action.PUBLISH, "genie/ha/desk-lamp/light/brightness/set", True),
    (Action.PUBLISH, "homeassistant/status", True),
    (Action.PUBLISH, "genie/ha/vacuum/vacuum/state", False),  # the bridge's, not Home Assistant's
    (Action.PUBLISH, "genie/dev/desk-lamp/request", False),
    (Action.PUBLISH, "genie/dev/desk-lamp/state", False),
    (Action.PUBLISH, "genie/hub/command", False),
    (Action.PUBLISH, "homeassistant/device/desk-lamp/config", False),
    (Action.SUBSCRIBE, "homeassistant/#", True),
    (Action.SUBSCRIBE, "genie/dev/+/state", True),
    (Action.SUBSCRIBE, "genie/dev/desk-lamp/status", True),
    (Action.SUBSCRIBE, "genie/ha/#", True),
    (Action.SUBSCRIBE, "genie/#", False),
    (Action.SUBSCRIBE, "#", False),
    (Action.SUBSCRIBE, "genie/dev/+/+", False),
    (Action.SUBSCRIBE, "genie/dev/tv/request", False),
    (Action.RECEIVE, "genie/dev/tv/state", True),
    (Action.RECEIVE, "genie/dev/tv/reply", False),
    (Action.RECEIVE, "genie/hub/reply/someone", False),
])
def test_home_assistant_reads_our_state_and_writes_only_its_commands(action: Action, topic: str,
                                                                     allowed: bool) -> None:
    assert HA.allowed(action, topic) is allowed


def test_the_roles_follow_the_topic_prefix_and_discovery_prefix() -> None:
    role = homeassistant_role(Topics("lab/genie"), "ha")
    assert role.allowed(Action.PUBLISH, "lab/genie/ha/tv/power/set")
    assert role.allowed(Action.SUBSCRIBE, "ha/#") and not role.allowed(Action.SUBSCRIBE, "homeassistant/#")


def test_hermes_keeps_to_its_own_topics() -> None:
    role = hermes_role()
    assert role.allowed(Action.PUBLISH, "hermes/nlu/query") and role.allowed(Action.SUBSCRIBE, "hermes/intent/#")
    assert not role.allowed(Action.PUBLISH, "genie/hub/command")
    assert not role.allowed(Action.SUBSCRIBE, "genie/dev/+/state")


def test_role_passwords_are_derived_and_differ_from_a_device_of_the_same_name() -> None:
    credentials = Credentials.generate()
    password = role_password(credentials.secret, HOMEASSISTANT_USER)
    assert password == role_password(credentials.secret, HOMEASSISTANT_USER) and len(password) >= 24
    assert password != credentials.device_password(HOMEASSISTANT_USER)
    assert password != role_password(credentials.secret, HERMES_USER)
    assert password != role_password(Credentials.generate().secret, HOMEASSISTANT_USER)


def test_the_mosquitto_acl_of_a_role() -> None:
    acl = HA.mosquitto_acl().splitlines()
    assert acl[0] == f"user {HOMEASSISTANT_USER}"
    assert "topic write genie/ha/+/+/set" in acl and "topic read genie/dev/+/state" in acl
    assert not [line for line in acl if "genie/dev" in line and line.startswith("topic write")]


def test_the_aligenie_token_is_generated_once_and_kept_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    path = tmp_path / "aligenie-token"
    token = load_or_create_token(path)
    assert len(token) >= 24 and load_or_create_token(path) == token
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv(TOKEN_ENV, "from-the-environment")
    assert load_or_create_token(path) == "from-the-environment"
    with pytest.raises(ValueError, match="token"):
        AliGenieGateway(None, "")  # type: ignore[arg-type]




def test_the_composition_root_helpers() -> None:
    from hub.interop.wiring import InteropOptions, make_extensions, neighbour_logins
    from hub.service import Hub
    from tests.fakes import MemoryBroker

    hub = Hub(MemoryBroker().connect)
    assert make_extensions(hub, InteropOptions()) == []
    made = make_extensions(hub, InteropOptions(ha_discovery=True, ha_prefix="ha", hermes=True))
    assert [type(e).__name__ for e in made] == ["HomeAssistantBridge", "HermesNlu"]
    assert made[0].filters[-1] == "ha/status"
    secret = Credentials.generate().secret
    (line,) = neighbour_logins(InteropOptions(ha_discovery=True), secret)
    assert HOMEASSISTANT_USER in line and role_password(secret, HOMEASSISTANT_USER) in line
    assert neighbour_logins(InteropOptions(hermes=True), None) == ["Rhasspy (Hermes over MQTT): no credentials needed"]


# --- every user's rights, on the product's own broker and on the exported Mosquitto policy ---------------

PROBED = [
    "genie/dev/tv/register", "genie/dev/tv/status", "genie/dev/tv/state", "genie/dev/tv/report", "genie/dev/tv/reply",
    "genie/dev/tv/request", "genie/dev/desk-lamp/register", "genie/dev/desk-lamp/request",
    # a device named after a login: Mosquitto `pattern` lines gave each login these rights (issue 13, item 3)
    "genie/dev/genie-client/register", "genie/dev/genie-client/request", "genie/dev/genie-homeassistant/register",
    "genie/dev/genie-hermes/state",
    "genie/hub/command", "genie/hub/status", "genie/hub/announce", "genie/hub/reply/genie-client-me", "genie/discover",
    "genie/ha/tv/power/set", "genie/ha/tv/power/state", "homeassistant/status", "homeassistant/device/tv/config",
    "hermes/nlu/query", "rhasspy/asr/text",
]
TV_OWN = {f"genie/dev/tv/{kind}" for kind in ("register", "status", "state", "report", "reply")}
RIGHTS: dict[str, tuple[str, set[str], set[str]]] = {
    # user: (client id, may publish, may read) among PROBED
    HUB_USER: (HUB_USER, set(PROBED), set(PROBED)),
    CLIENT_USER: ("genie-client-me", {"genie/hub/command"},
                  {"genie/hub/status", "genie/hub/announce", "genie/hub/reply/genie-client-me"}),
    LISTENER_USER: ("genie-listener-me", set(), {"genie/hub/status", "genie/hub/announce"}),
    HOMEASSISTANT_USER: ("a-random-ha-id", {"genie/ha/tv/power/set", "homeassistant/status"},
                         {"genie/dev/tv/state", "genie/dev/tv/status", "genie/dev/genie-hermes/state",
                          "genie/hub/status", "genie/ha/tv/power/set",
                          "genie/ha/tv/power/state", "homeassistant/status", "homeassistant/device/tv/config"}),
    HERMES_USER: ("rhasspy", {"hermes/nlu/query", "rhasspy/asr/text"}, {"hermes/nlu/query", "rhasspy/asr/text"}),
    "tv": ("tv", TV_OWN, {"genie/dev/tv/request", "genie/discover", "genie/hub/status"}),
}


async def _probes_until_marker(client: aiomqtt.Client) -> set[str]:
    seen: set[str] = set()
    async with asyncio.timeout(5):
        async for message in client.messages:
            if message.payload == b"marker":
                return seen
            if message.payload == b"probe" and not message.retain:
                seen.add(str(message.topic))
    raise AssertionError("the connection ended first")


def _client(url: BrokerURL, client_id: str) -> aiomqtt.Client:
    return aiomqtt.Client(url.host, url.port, username=url.username, password=url.password, identifier=client_id)


@pytest.mark.parametrize("user", list(RIGHTS))
async def test_each_users_rights_on_a_real_broker(any_broker: BrokerUnderTest, user: str) -> None:
    """hub.security's Credentials and Policy in GenieBroker, and the Mosquitto files export_mosquitto writes:
    what each login may publish and read, wrong password refused."""
    client_id, may_publish, may_read = RIGHTS[user]
    assert any_broker.credentials is not None
    with pytest.raises(aiomqtt.MqttError):
        async with _client(BrokerURL(any_broker.url.host, any_broker.url.port, user, "wrong"), client_id):
            pass
    async with _client(*any_broker.observer()) as observer, _client(any_broker.as_user(user), client_id) as login:
        await observer.subscribe("#", qos=1)
        for topic in PROBED:
            await login.publish(topic, b"probe", qos=1)
        # a login that may publish nothing: its probes were acknowledged, the broker's marker comes after them
        await (login if may_publish else observer).publish(sorted(may_publish or may_read)[0], b"marker", qos=1)
        published = await _probes_until_marker(observer)

        for topic_filter in [*PROBED, "#", "genie/#", "genie/dev/+/request"]:
            await login.subscribe(topic_filter, qos=1)
        for topic in PROBED:
            await observer.publish(topic, b"probe", qos=1)
        await observer.publish(sorted(may_read)[0], b"marker", qos=1)
        read = await _probes_until_marker(login)
    assert published == may_publish
    assert read == may_read


@pytest.mark.parametrize(("user", "client_id", "accepted"), [
    (HUB_USER, HUB_USER, True), (HUB_USER, "genie-hub-observer", True), (HUB_USER, "tv", False),
    (HUB_USER, "genie-hub-", False), (CLIENT_USER, "genie-client-4f2a", True), (CLIENT_USER, CLIENT_USER, False),
    (CLIENT_USER, "genie-client-", False), (CLIENT_USER, HUB_USER, False), (CLIENT_USER, "tv", False),
    (CLIENT_USER, "genie-cli-4f2a", False), (HOMEASSISTANT_USER, HOMEASSISTANT_USER, True),
    (HOMEASSISTANT_USER, "tv", False), (HERMES_USER, HUB_USER, False), ("tv", "tv", True), ("tv", "lamp", False),
    ("genie-hub-x", "genie-hub-x", False), ("genie-client-x", "genie-client-x", False),
    (LISTENER_USER, LISTENER_USER, True), (LISTENER_USER, "genie-listener-4f2a", True), (LISTENER_USER, "tv", False),
    (LISTENER_USER, "genie-client-4f2a", False), (CLIENT_USER, "genie-listener-4f2a", False),
    ("genie-listener-x", "genie-listener-x", False),
])
def test_a_client_id_belongs_to_one_user(user: str, client_id: str, accepted: bool) -> None:
    """The rule GenieBroker applies at CONNECT (after giving the neighbours their user name as client id):
    a device may not be named like the hub's or a text client's ids."""
    credentials = Credentials.generate()
    password = credentials.password_for(user)
    assert password is not None
    assert credentials.check(user, password, client_id) is accepted
    assert not credentials.check(user, password + "x", client_id)
