"""Brokers under test: the embedded amqtt broker, and Mosquitto run by hand on an ephemeral port."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.broker import EmbeddedBroker, load_config
from hub.protocol.mqtt import BrokerURL
from hub.security import HUB_USER, Credentials, export_mosquitto, mosquitto_hash

MOSQUITTO = shutil.which("mosquitto") or next(
    (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.path.exists(p)), None
)
REQUIRE_MOSQUITTO = os.environ.get("GENIE_REQUIRE_MOSQUITTO") == "1"
"""Set by .ci/run: a missing Mosquitto is then a failure, not a skip."""
OBSERVER_ID = "genie-hub-observer"
OBSERVER_USER = "genie-test-observer"
"""Mosquitto only: a login of the tests, not of the product, that may read and write everything."""


@dataclass
class BrokerUnderTest:
    """A running broker and the credentials its clients must use (None: anonymous)."""

    kind: str
    url: BrokerURL
    credentials: Credentials | None

    def observer(self) -> tuple[BrokerURL, str]:
        """URL and client id of a test observer that may read and write every topic without taking the
        hub's session: the hub's user under an id of its own prefix on the embedded broker; on Mosquitto
        (where every client id is its user name) a test-only user added to the exported files."""
        if self.credentials is None:
            return self.url, OBSERVER_ID
        if self.kind == "mosquitto":
            return BrokerURL(self.url.host, self.url.port, OBSERVER_USER, self.credentials.secret), OBSERVER_USER
        return self.as_user(HUB_USER), OBSERVER_ID

    def as_user(self, username: str) -> BrokerURL:
        """The broker URL logged in as ``username`` (hub, client or a device id)."""
        if self.credentials is None:
            return self.url
        return BrokerURL(self.url.host, self.url.port, username, self.credentials.password_for(username))


@contextlib.asynccontextmanager
async def amqtt_broker(credentials: Credentials | None) -> AsyncIterator[BrokerUnderTest]:
    embedded = EmbeddedBroker(load_config(None, host="127.0.0.1", port=0), credentials=credentials)
    await embedded.start()
    try:
        yield BrokerUnderTest("amqtt", BrokerURL.parse(embedded.url), credentials)
    finally:
        await embedded.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def mosquitto_broker(directory: Path, credentials: Credentials | None,
                           device_ids: list[str], port: int | None = None,
                           homes: dict[str, list[str]] | None = None,
                           shards: tuple[str, ...] = ()) -> AsyncIterator[BrokerUnderTest]:
    """Mosquitto with the config `genie broker --export mosquitto` writes (``homes``: home id to its device
    ids, each home's logins; ``shards``: hub shards' ids, their logins), stopped by its PID."""
    if MOSQUITTO is None:
        if REQUIRE_MOSQUITTO:
            pytest.fail("Mosquitto is required (GENIE_REQUIRE_MOSQUITTO=1) but not installed")
        pytest.skip("Mosquitto is not installed (apt-get install -y mosquitto)")
    port = port or _free_port()
    conf = export_mosquitto(directory, credentials, device_ids, port=port, homes=homes, shards=shards)[0]
    if credentials is not None:
        with (directory / "passwd").open("a", encoding="utf-8") as file:
            file.write(f"{OBSERVER_USER}:{mosquitto_hash(credentials.secret)}\n")
        with (directory / "acl").open("a", encoding="utf-8") as file:
            file.write(f"\n# added by the tests\nuser {OBSERVER_USER}\ntopic readwrite #\n")
    with conf.open("a", encoding="utf-8") as file:
        file.write("log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n")
    proc = await asyncio.create_subprocess_exec(MOSQUITTO, "-c", str(conf), stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    try:
        log = []
        async with asyncio.timeout(10):
            while True:  # ready when it says so (its own log line), not after a guessed delay
                line = (await proc.stdout.readline()).decode()  # type: ignore[union-attr]
                if not line:
                    pytest.fail("mosquitto exited: " + "".join(log))
                log.append(line)
                if " running" in line:
                    break
        drain = asyncio.create_task(_drain(proc))
        yield BrokerUnderTest("mosquitto", BrokerURL("127.0.0.1", port), credentials)
    finally:
        if proc.returncode is None:
            proc.terminate()
            async with asyncio.timeout(10):
                await proc.wait()
        if "drain" in locals():
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drain


async def _drain(proc: asyncio.subprocess.Process) -> None:
    while await proc.stdout.readline():  # type: ignore[union-attr]
        pass
