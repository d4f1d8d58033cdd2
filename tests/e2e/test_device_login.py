"""`genie devices login ID`: the login a device written elsewhere joins the secured broker with (issue 17: a device
maker's own device, certified or not, must be able to join `genie up`'s home). Through the real command, on the real
secured embedded broker: the printed login connects as that device and only as it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from hub.paths import credentials_path
from hub.protocol import DeviceStatus, DeviceTopic, Topics, encode
from hub.protocol.mqtt import BrokerURL, ConnectionFailed, MqttConnection
from hub.security import Credentials
from tests.brokers import BrokerUnderTest, amqtt_broker
from tests.cli import genie

pytestmark = pytest.mark.e2e


@pytest.fixture
async def secured() -> AsyncIterator[BrokerUnderTest]:
    """The embedded broker with the data directory's credentials (those `genie up` makes)."""
    async with amqtt_broker(Credentials.load_or_create(credentials_path())) as running:
        yield running


async def test_the_printed_login_connects_as_that_device_and_only_as_it(secured: BrokerUnderTest) -> None:
    broker = f"mqtt://{secured.url.host}:{secured.url.port}"
    code, out, err = await genie("devices", "login", "my-lamp", "--broker", broker, "--json")
    assert code == 0, err
    login = json.loads(out)
    assert login["broker"] == broker and login["username"] == login["clientId"] == "my-lamp"
    url = BrokerURL(secured.url.host, secured.url.port, login["username"], login["password"])
    async with MqttConnection(url, "my-lamp") as conn:  # accepted: it may publish its own status
        await conn.publish(Topics().device("my-lamp", DeviceTopic.STATUS),
                           encode(DeviceStatus.create("my-lamp", True, "connect")), retain=True)
    for other in ("other-lamp", "genie-hub"):  # the same password is no one else's
        wrong = BrokerURL(secured.url.host, secured.url.port, other, login["password"])
        with pytest.raises(ConnectionFailed):
            async with MqttConnection(wrong, other):
                pass
    code, out, _ = await genie("devices", "login", "my-lamp", "--home", "flat-2", "--broker", broker)
    assert code == 0 and "username:  flat-2.my-lamp" in out and "client id: flat-2.my-lamp" in out


@pytest.mark.parametrize(("device", "words"), [
    ("genie-hub", "reserves"), ("genie-shard-1", "reserves"), ("genie-homeassistant", "reserves"),
    ("genie-client-9", "reserves"), ("Bad Id", "is not a device id"),
])
async def test_names_that_are_not_a_devices_get_one_line(device: str, words: str) -> None:
    Credentials.load_or_create(credentials_path())
    code, out, err = await genie("devices", "login", device)
    assert code != 0 and out == "" and words in err and len(err.strip().splitlines()) == 1


async def test_no_credentials_yet_says_how_to_make_them() -> None:
    code, _, err = await genie("devices", "login", "my-lamp")
    assert code != 0 and "genie up" in err and "Traceback" not in err
