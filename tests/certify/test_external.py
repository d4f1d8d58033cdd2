"""`genie certify --broker URL`: on a broker that is not certify's own (amqtt and Mosquitto, both secured), the
cases that need the broker's own view or a restart are reported "not run" with the reason, never passed, and
the others run as on certify's broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest

from genie.certify.runner import certify
from hub.security import HUB_USER, Credentials
from tests.brokers import BrokerUnderTest, amqtt_broker, mosquitto_broker
from tests.certify.devices import builtin, devices, login

DEVICE = "ext-lamp"
BROKER_LEVEL = {"last-will", "will-fires", "reconnect", "topic-discipline"}


@pytest.fixture(params=["amqtt", "mosquitto"])
async def secured(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BrokerUnderTest]:
    """A secured broker that knows the device's login."""
    credentials = Credentials.generate()
    if request.param == "amqtt":
        async with amqtt_broker(credentials) as running:
            yield running
    else:
        async with mosquitto_broker(tmp_path / "mosquitto", credentials, [DEVICE]) as running:
            yield running


async def test_broker_level_cases_are_not_run_and_the_others_pass(secured: BrokerUnderTest) -> None:
    credentials = secured.credentials
    assert credentials is not None
    hub_url = f"mqtt://{HUB_USER}:{quote(credentials.hub_password, safe='')}@{secured.url.host}:{secured.url.port}"
    async with devices() as started:
        runner = started.start(builtin(DEVICE)(login(secured.url, DEVICE, credentials.device_password(DEVICE))))
        async with asyncio.timeout(20):
            await runner.online.wait()
        result = await certify(DEVICE, broker=hub_url, wait=20)
    outcomes = {c.id: c for c in result.cases}
    assert not result.own_broker and result.connect is None
    assert {i for i, c in outcomes.items() if c.outcome == "not-run"} == BROKER_LEVEL | {"soak"}
    for case_id in BROKER_LEVEL:
        assert "not run with --broker" in outcomes[case_id].reason, outcomes[case_id].reason
    failed = {i: c.reason for i, c in outcomes.items() if c.outcome == "fail"}
    assert failed == {}
    assert result.passed
