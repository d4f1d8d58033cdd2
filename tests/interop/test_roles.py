"""The broker users of the neighbours (Home Assistant, a Hermes front end) and the AliGenie gateway token."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.interop.aligenie import TOKEN_ENV, AliGenieGateway, load_or_create_token
from hub.interop.roles import HERMES_USER, HOMEASSISTANT_USER, hermes_role, homeassistant_role, role_password
from hub.protocol import Topics
from hub.security import Action, Credentials

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
