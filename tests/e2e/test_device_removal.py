"""A device removed with `genie devices remove` (or DELETE /api/devices/{id}) is gone for good: from the
directory, the store and the broker's retained messages, across restarts; it comes back only by registering
again. The directory records when each device first registered."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from devices.home import Home, load_home, parse_home
from genie.app import Running, run_stack
from hub.security import Credentials
from hub.web import new_token, serve_dashboard
from tests.brokers import BrokerUnderTest
from tests.cli import genie
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

ROGUE = "rogue-plug"


def rogue_home() -> Home:
    """One more door lock with the front door's names: what a device posing as another registers."""
    return parse_home({
        "rooms": [{"id": "hallway", "names": {"zh": ["玄关"], "en": ["hallway"]}}],
        "devices": [{"id": ROGUE, "category": "fingerprintlock", "brand": "Xiaomi", "room": "hallway",
                     "names": {"zh": ["大门"], "en": ["front door"]}, "code": "0000"}],
    })


@asynccontextmanager
async def rogue(broker: BrokerUnderTest) -> AsyncIterator[Running]:
    """The rogue device on the broker with its own valid credentials (its clean exit publishes offline)."""
    async with run_stack(home=rogue_home(), broker_url=str(broker.url), credentials=broker.credentials,
                         run_hub=False, ready_timeout=10) as running:
        yield running


def stored_ids(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT id FROM devices")}


async def test_genie_devices_remove_removes_a_rogue_for_good(any_broker: BrokerUnderTest, tmp_path: Path,
                                                             _private_data_dir: Path) -> None:
    assert any_broker.credentials is not None
    any_broker.credentials.save(_private_data_dir / "credentials.json")  # what `genie` commands log in with
    db = tmp_path / "hub.db"
    url = str(any_broker.url)
    async with run_stack(home=load_home(), broker_url=url, credentials=any_broker.credentials, db=db,
                         ready_timeout=20) as stack:
        hub = stack.hub
        assert hub is not None
        async with rogue(any_broker):
            await wait_for(hub.directory, lambda d: (r := d.get(ROGUE)) is not None and r.online)
        await wait_for(hub.directory, lambda d: not d.get(ROGUE).online)  # type: ignore[union-attr]
        code, out, err = await genie("devices", "list", "--json", "--broker", url)
        assert code == 0, err
        listed = {d["id"]: d for d in json.loads(out)}
        assert ROGUE in listed and listed[ROGUE]["firstRegistered"] > 0

        code, out, err = await genie("devices", "remove", ROGUE, "--json", "--broker", url)
        assert code == 0, err
        result = json.loads(out)
        assert result["ok"] and result["actions"] == [{"device": ROGUE, "action": "Remove", "result": "SUCCESS",
                                                       "params": {}}]
        assert "not a ban" in result["reply"]
        assert ROGUE not in hub.directory
        assert ROGUE not in stored_ids(db)  # committed before the answer

        code, out, err = await genie("devices", "remove", ROGUE, "--broker", url)
        assert code == 1 and out == f"no device {ROGUE!r} in the hub's directory; `genie devices list` shows the ids\n"
        code, out, _ = await genie("devices", "remove", "--help")
        assert code == 0 and "not a ban" in out

    # A restart on the same broker and database: neither the store nor a retained registration brings it back.
    async with run_stack(home=load_home(), broker_url=url, credentials=any_broker.credentials, db=db,
                         ready_timeout=20) as stack:
        hub = stack.hub
        assert hub is not None
        assert len(hub.directory) == 19 and ROGUE not in hub.directory  # every retained message arrived before
        # the demo home's devices answered discovery (they are subscribed before the broadcast is sent)
        code, _, _ = await genie("home", "reset", "--json", "--broker", url)
        assert code == 0 and ROGUE not in hub.directory

        # Removal is not a ban: the device registering again is back, first registered anew.
        before = time.time()
        async with rogue(any_broker):
            await wait_for(hub.directory, lambda d: (r := d.get(ROGUE)) is not None and r.online)
            back = hub.directory.get(ROGUE)
            assert back is not None and back.registered is not None and back.registered >= before


async def test_first_registration_is_kept_across_registrations_and_restarts(secured_broker: BrokerUnderTest,
                                                                            tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    url = str(secured_broker.url)
    async with run_stack(home=load_home(), broker_url=url, credentials=secured_broker.credentials, db=db,
                         ready_timeout=20) as stack:
        assert stack.hub is not None
        first = {r.id: r.registered for r in stack.hub.directory.all()}
        assert all(isinstance(at, float) for at in first.values())
        lamp = next(r for r in stack.runners if r.device.id == "desk-lamp")
        await lamp.announce()  # registers again
        await wait_for(stack.hub.directory, lambda d: d.get("desk-lamp").updated > first["desk-lamp"])  # type: ignore[operator,union-attr]
        assert stack.hub.directory.get("desk-lamp").registered == first["desk-lamp"]  # type: ignore[union-attr]
    async with run_stack(home=load_home(), broker_url=url, credentials=secured_broker.credentials, db=db,
                         ready_timeout=20) as stack:
        assert stack.hub is not None
        assert {r.id: r.registered for r in stack.hub.directory.all()} == first
        assert {v.id: v.first_registered for v in (r.view() for r in stack.hub.directory.all())} == first


async def test_the_api_removes_a_device_with_the_token(secured_broker: BrokerUnderTest, tmp_path: Path) -> None:
    async with run_stack(home=load_home(), broker_url=str(secured_broker.url),
                         credentials=secured_broker.credentials, db=tmp_path / "hub.db", ready_timeout=20) as stack:
        hub = stack.hub
        assert hub is not None
        async with rogue(secured_broker):
            await wait_for(hub.directory, lambda d: (r := d.get(ROGUE)) is not None and r.online)
        token = new_token()
        async with serve_dashboard(hub, "127.0.0.1", 0, token=token) as dashboard, \
                httpx.AsyncClient(base_url=dashboard.base_url) as http:
            assert (await http.delete(f"/api/devices/{ROGUE}")).status_code == 401
            assert ROGUE in hub.directory
            auth = {"Authorization": f"Bearer {token}"}
            view = (await http.get(f"/api/devices/{ROGUE}", headers=auth)).json()
            assert view["firstRegistered"] == hub.directory.get(ROGUE).registered  # type: ignore[union-attr]
            missing = await http.delete("/api/devices/no-such-device", headers=auth)
            assert missing.status_code == 404 and "no device 'no-such-device'" in missing.json()["detail"]
            removed = await http.delete(f"/api/devices/{ROGUE}", headers=auth)
            assert removed.status_code == 200, removed.text
            assert removed.json()["ok"] and "not a ban" in removed.json()["reply"]
            assert ROGUE not in hub.directory
            assert (await http.get(f"/api/devices/{ROGUE}", headers=auth)).status_code == 404


@pytest.fixture
async def secured_broker() -> AsyncIterator[BrokerUnderTest]:
    from tests.brokers import amqtt_broker

    async with amqtt_broker(Credentials.generate()) as running:
        yield running
