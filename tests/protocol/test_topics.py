"""Topic names, device ids, MQTT filter matching and broker URLs (docs/protocol.md, "Topics")."""

from __future__ import annotations

import pytest

from hub.protocol import DeviceTopic, HubRequest, Topics, topic_matches, validate_device_id
from hub.protocol.mqtt import BROKER_ENV, DEFAULT_BROKER_URL, BrokerURL

TOPICS = Topics()

# --------------------------------------------------------------------------- building


def test_hub_topics() -> None:
    assert TOPICS.prefix == "genie"
    assert TOPICS.hub_status == "genie/hub/status"
    assert TOPICS.discover == "genie/discover"
    assert TOPICS.command == "genie/hub/command"
    assert TOPICS.command_reply("genie-cli-1") == "genie/hub/reply/genie-cli-1"


def test_device_topic_kinds() -> None:
    kinds = {kind.value for kind in DeviceTopic}
    assert kinds == {"register", "status", "state", "report", "request", "reply"}


@pytest.mark.parametrize("kind", list(DeviceTopic))
def test_device_topic(kind: DeviceTopic) -> None:
    topic = TOPICS.device("living-lamp", kind)
    assert topic == f"genie/dev/living-lamp/{kind.value}"
    assert TOPICS.parse_device(topic) == ("living-lamp", kind)
    assert TOPICS.all_devices(kind) == f"genie/dev/+/{kind.value}"
    assert topic_matches(topic, TOPICS.all_devices(kind))
    other = next(k for k in DeviceTopic if k is not kind)
    assert not topic_matches(topic, TOPICS.all_devices(other))


def test_custom_prefix() -> None:
    topics = Topics("test42")
    assert topics.hub_status == "test42/hub/status"
    assert topics.discover == "test42/discover"
    assert topics.command_reply("c") == "test42/hub/reply/c"
    topic = topics.device("lamp", DeviceTopic.STATE)
    assert topic == "test42/dev/lamp/state"
    assert topics.parse_device(topic) == ("lamp", DeviceTopic.STATE)
    assert TOPICS.parse_device(topic) is None
    assert topics.parse_device(TOPICS.device("lamp", DeviceTopic.STATE)) is None


def test_multi_level_prefix_round_trips() -> None:
    topics = Topics("site/genie")
    assert topics.parse_device(topics.device("lamp", DeviceTopic.STATE)) == ("lamp", DeviceTopic.STATE)


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "topic",
    [
        "genie/hub/status",
        "genie/discover",
        "genie/hub/command",
        "genie/hub/reply/cli",
        "other/dev/lamp/state",
        "genie/devices/lamp/state",
        "genie/dev/lamp/settings",
        "genie/dev/lamp/State",
        "genie/dev/lamp",
        "genie/dev/lamp/state/extra",
        "genie/dev/a/b/state",
        "genie/dev//state",
        "genie/dev/+/state",
        "genie/dev/Lamp/state",
        "genie/dev/_lamp/state",
        "genie/dev/lamp.1/state",
        "genie/dev/" + "a" * 65 + "/state",
        "/genie/dev/lamp/state",
        "",
    ],
)
def test_parse_device_rejects(topic: str) -> None:
    assert TOPICS.parse_device(topic) is None


@pytest.mark.parametrize(
    "device_id",
    ["a", "0", "lamp", "living-lamp", "lamp_2", "9lives", "a-_-b", "x" * 64, "xiaomi-yeelight-s1"],
)
def test_valid_device_ids(device_id: str) -> None:
    assert validate_device_id(device_id) == device_id
    topic = TOPICS.device(device_id, DeviceTopic.REQUEST)
    assert TOPICS.parse_device(topic) == (device_id, DeviceTopic.REQUEST)


@pytest.mark.parametrize(
    "device_id",
    ["", "Lamp", "LAMP", "_lamp", "-lamp", "a/b", "a+b", "a#", "+", "#", "a.b", "a b", "lämp", "灯",
     "x" * 65],
)
def test_invalid_device_ids(device_id: str) -> None:
    with pytest.raises(ValueError) as err:
        validate_device_id(device_id)
    assert repr(device_id) in str(err.value)
    assert "1-64 characters" in str(err.value)


def test_device_id_with_trailing_newline_is_invalid() -> None:
    with pytest.raises(ValueError):
        validate_device_id("lamp\n")


# --------------------------------------------------------------------------- reply topics


@pytest.mark.parametrize("client_id", ["c", "genie-cli-1", "Bench_7", "A" * 64])
def test_command_reply_valid_client_ids(client_id: str) -> None:
    assert TOPICS.command_reply(client_id) == f"genie/hub/reply/{client_id}"


@pytest.mark.parametrize("client_id", ["", "a/b", "+", "#", "cli+", "a b", "cli.1", "A" * 65, "$SYS"])
def test_command_reply_invalid_client_ids(client_id: str) -> None:
    with pytest.raises(ValueError, match="invalid reply client id"):
        TOPICS.command_reply(client_id)


@pytest.mark.parametrize(
    "client_id",
    [
        "c",
        "genie-cli-1",
        "A" * 64,
        "",
        "a/b",
        "#",
        "A" * 65,
        "cli\n",
    ],
)
def test_reply_to_and_command_reply_agree(client_id: str) -> None:
    """A replyTo the hub accepts on the wire is always one it can build a reply topic for, and back."""
    try:
        HubRequest.create("ListDevices", client_id)
        wire_ok = True
    except ValueError:
        wire_ok = False
    try:
        TOPICS.command_reply(client_id)
        topic_ok = True
    except ValueError:
        topic_ok = False
    assert wire_ok == topic_ok


# --------------------------------------------------------------------------- filter matching


@pytest.mark.parametrize(
    ("topic", "topic_filter", "expected"),
    [
        ("genie/dev/lamp/state", "genie/dev/lamp/state", True),
        ("genie/dev/lamp/state", "genie/dev/lamp/status", False),
        ("genie/dev/lamp/state", "genie/dev/+/state", True),
        ("genie/dev/lamp/state", "genie/dev/+/+", True),
        ("genie/dev/lamp/state", "+/+/+/+", True),
        ("genie/dev/lamp/state", "genie/+/state", False),
        ("genie/dev/lamp/state", "genie/dev/+", False),
        ("genie/dev/lamp", "genie/dev/+/state", False),
        ("genie/dev/lamp/state", "genie/#", True),
        ("genie/dev/lamp/state", "genie/dev/lamp/state/#", True),
        ("genie/dev/lamp/state", "#", True),
        ("genie", "genie/#", True),
        ("genie/", "genie/+", True),
        ("genie/dev/lamp/state", "genie/dev/#/state", True),
        ("other/dev/lamp/state", "genie/#", False),
        ("genie/hub/reply/cli", "genie/hub/reply/+", True),
        ("genie/hub/reply/cli/x", "genie/hub/reply/+", False),
        ("Genie/discover", "genie/discover", False),
        ("$SYS/broker/uptime", "#", False),
        ("$SYS/broker/uptime", "+/broker/uptime", False),
        ("$SYS/broker/uptime", "$SYS/#", True),
        ("$SYS/broker/uptime", "$SYS/+/uptime", True),
        ("$SYS/broker/uptime", "$SYS/broker", False),
    ],
)
def test_topic_matches(topic: str, topic_filter: str, expected: bool) -> None:
    assert topic_matches(topic, topic_filter) is expected


# --------------------------------------------------------------------------- broker URLs


@pytest.mark.parametrize(
    ("url", "host", "port", "username", "password"),
    [
        ("mqtt://127.0.0.1:1883", "127.0.0.1", 1883, None, None),
        ("mqtt://broker.local", "broker.local", 1883, None, None),
        ("mqtt://broker.local:1884", "broker.local", 1884, None, None),
        ("tcp://10.0.0.2:2000", "10.0.0.2", 2000, None, None),
        ("MQTT://broker.local", "broker.local", 1883, None, None),
        ("localhost:1999", "localhost", 1999, None, None),
        ("localhost", "localhost", 1883, None, None),
        ("  mqtt://h:2  ", "h", 2, None, None),
        ("mqtt://genie:s3cret@h:1883", "h", 1883, "genie", "s3cret"),
        ("mqtt://genie@h", "h", 1883, "genie", None),
        ("mqtt://us%40er:p%40ss%3Aw@h", "h", 1883, "us@er", "p@ss:w"),
        ("genie:pw@h:7", "h", 7, "genie", "pw"),
        ("mqtt://[::1]:1884", "::1", 1884, None, None),
        ("mqtt://[::1]", "::1", 1883, None, None),
        ("[fe80::1]:65535", "fe80::1", 65535, None, None),
    ],
)
def test_broker_url_parse(url: str, host: str, port: int, username: str | None, password: str | None) -> None:
    parsed = BrokerURL.parse(url)
    assert (parsed.host, parsed.port, parsed.username, parsed.password) == (host, port, username, password)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://h:1883", "scheme must be mqtt:// (got http://)"),
        ("mqtts://h", "scheme must be mqtt:// (got mqtts://)"),
        ("ws://h", "scheme must be mqtt:// (got ws://)"),
        ("mqtt://h:abc", "port must be a number 1-65535"),
        ("mqtt://h:70000", "port must be a number 1-65535"),
        ("mqtt://h:-1", "port must be a number 1-65535"),
        ("mqtt://", "no host"),
        ("", "no host"),
        ("mqtt://:1883", "no host"),
    ],
)
def test_broker_url_rejects(url: str, reason: str) -> None:
    with pytest.raises(ValueError) as err:
        BrokerURL.parse(url)
    assert str(err.value) == f"broker URL {url!r}: {reason}"


def test_broker_url_port_zero_is_rejected() -> None:
    with pytest.raises(ValueError, match="port"):
        BrokerURL.parse("mqtt://h:0")


def test_broker_url_str_hides_the_password() -> None:
    url = BrokerURL.parse("mqtt://genie:s3cret@h:1884")
    assert str(url) == "mqtt://genie@h:1884"
    assert "s3cret" not in str(url)
    assert str(BrokerURL.parse("mqtt://[::1]:1884")) == "mqtt://[::1]:1884"
    assert BrokerURL.parse(str(BrokerURL.parse("[::1]"))) == BrokerURL(host="::1")


def test_broker_url_default() -> None:
    assert BrokerURL() == BrokerURL.parse(DEFAULT_BROKER_URL) == BrokerURL("127.0.0.1", 1883)


def test_from_env_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BROKER_ENV, raising=False)
    assert BrokerURL.from_env() == BrokerURL("127.0.0.1", 1883)


def test_from_env_empty_variable_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BROKER_ENV, "")
    assert BrokerURL.from_env() == BrokerURL("127.0.0.1", 1883)


def test_from_env_reads_genie_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    assert BROKER_ENV == "GENIE_BROKER"
    monkeypatch.setenv("GENIE_BROKER", "mqtt://u:p@10.1.2.3:1999")
    assert BrokerURL.from_env() == BrokerURL("10.1.2.3", 1999, "u", "p")


def test_from_env_explicit_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENIE_BROKER", "mqtt://10.1.2.3:1999")
    assert BrokerURL.from_env("localhost:2000") == BrokerURL("localhost", 2000)


def test_from_env_bad_variable_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENIE_BROKER", "http://h")
    with pytest.raises(ValueError, match="scheme must be mqtt://"):
        BrokerURL.from_env()
