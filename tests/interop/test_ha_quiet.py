"""Home Assistant's MQTT integration subscribes, on connect, to the discovery topics of other integrations
(tasmota, esphome…): the product's own broker lets it subscribe there without a warning per filter, and still
delivers it nothing from those topics (issue 20: one warning per refused subscription in the hub's log)."""

from __future__ import annotations

import asyncio
import logging

import aiomqtt
import pytest

from hub.interop.roles import HOMEASSISTANT_USER, NEIGHBOUR_DISCOVERY, homeassistant_role
from hub.security import Action, Credentials
from tests.brokers import amqtt_broker


def test_the_neighbours_discovery_filters_may_be_subscribed_but_never_received() -> None:
    role = homeassistant_role()
    assert "tasmota/discovery/#" in NEIGHBOUR_DISCOVERY and "esphome/discover/#" in NEIGHBOUR_DISCOVERY
    for topic_filter in NEIGHBOUR_DISCOVERY:
        assert role.allowed(Action.SUBSCRIBE, topic_filter)
    assert not role.allowed(Action.RECEIVE, "tasmota/discovery/AABBCC/config")
    assert not role.allowed(Action.SUBSCRIBE, "#") and not role.allowed(Action.SUBSCRIBE, "tasmota/#")
    assert all("tasmota" not in line for line in role.mosquitto_acl().splitlines())


async def test_home_assistant_subscribing_like_the_real_one_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    async with amqtt_broker(Credentials.generate()) as broker:
        ha_url, hub_url = broker.as_user(HOMEASSISTANT_USER), broker.observer()[0]
        async with aiomqtt.Client(ha_url.host, ha_url.port, username=ha_url.username, password=ha_url.password,
                                  identifier=HOMEASSISTANT_USER) as ha, \
                aiomqtt.Client(hub_url.host, hub_url.port, username=hub_url.username, password=hub_url.password,
                               identifier=broker.observer()[1]) as hub:
            for topic_filter in NEIGHBOUR_DISCOVERY:  # one SUBSCRIBE each, as Home Assistant sends them
                await ha.subscribe(topic_filter, qos=1)
            await ha.subscribe("homeassistant/status", qos=1)
            await hub.publish("tasmota/discovery/AABBCC/config", b"probe", qos=1)
            await hub.publish("homeassistant/status", b"marker", qos=1)
            async with asyncio.timeout(5):
                message = await anext(aiter(ha.messages))
    assert (str(message.topic), message.payload) == ("homeassistant/status", b"marker")
    assert not [r for r in caplog.records if "refused" in r.getMessage()], caplog.text
