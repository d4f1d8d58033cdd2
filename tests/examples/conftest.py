"""Fixtures of the examples' tests: a secured broker that knows the node light's login, and a hub alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from genie.app import Running, run_stack
from hub.security import Credentials
from tests.brokers import BrokerUnderTest, amqtt_broker, mosquitto_broker
from tests.examples.node import LIGHT, require_node


@pytest.fixture(params=["amqtt", "mosquitto"])
async def secured(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BrokerUnderTest]:
    """A secured broker that knows the node light's login (Mosquitto needs it in its password file)."""
    require_node()
    credentials = Credentials.generate()
    if request.param == "amqtt":
        async with amqtt_broker(credentials) as running:
            yield running
    else:
        async with mosquitto_broker(tmp_path / "mosquitto", credentials, [LIGHT]) as running:
            yield running


@pytest.fixture
async def hub(secured: BrokerUnderTest, tmp_path: Path) -> AsyncIterator[Running]:
    """The hub alone (no simulated devices) on that broker."""
    async with run_stack(home=None, broker_url=str(secured.url), credentials=secured.credentials,
                         db=tmp_path / "hub.db", ready_timeout=20) as running:
        yield running
