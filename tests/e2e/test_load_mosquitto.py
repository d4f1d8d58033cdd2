"""`genie load` against a running set-up on a real Mosquitto, configured as `genie broker --export mosquitto`
writes it: every session of a login has the login's name as its client id there, so one session per home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devices.home import parse_home
from genie.app import run_stack
from hub.paths import credentials_path
from hub.security import Credentials
from tests.brokers import mosquitto_broker
from tests.cli import genie
from tests.e2e.test_load import FLAT, check_consistent

pytestmark = pytest.mark.e2e


async def test_against_mosquitto_one_session_per_home(tmp_path: Path) -> None:
    credentials = Credentials.generate()
    credentials.save(credentials_path())  # the load test logs in as genie say does: the data directory's
    ids = [d["id"] for d in FLAT["devices"]]
    async with mosquitto_broker(tmp_path / "mosquitto", credentials, [], homes={"flat": ids}) as broker, \
            run_stack(home=parse_home(FLAT), scope="flat", broker_url=str(broker.url), credentials=credentials,
                      db=tmp_path / "hub.db", ready_timeout=20):
        code, out, err = await genie("load", "--broker", str(broker.url), "--home", "flat", "--clients", "1",
                                     "--rate", "20", "--duration", "1.5", "--seed", "2", "--json", timeout=60)
        assert out, err
        report = json.loads(out)
        assert code == (0 if report["errors"] == 0 else 1), err
        # every command answered on the one session (a device starved of CPU may still answer late: not asserted)
        assert report["sessions"] == 1 and report["sessions_lost"] == 0
        assert report["sent"] == report["answered"] == 30
        check_consistent(report)

        code, out, err = await genie("load", "--broker", str(broker.url), "--home", "flat", "--clients", "4",
                                     "--rate", "20", "--duration", "1", "--timeout", "3", "--json", timeout=60)
        # the broker closes each session as the next connects: while they open (nothing sent, exit 2) or once
        # the run has begun (those commands fail, exit 1); either way the last line says why and what to do
        assert code in (1, 2)
        if code == 1:
            assert json.loads(out)["sessions_lost"] > 0
        assert err.strip().splitlines()[-1].endswith("give --clients 1 (one per home)"), err
