"""Faults injected into real device processes and sessions, seen by a real hub over the broker."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
import yaml

from devices.home import parse_home
from genie.app import run_stack
from hub.security import Credentials
from tests.brokers import amqtt_broker
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

TINY = {
    "rooms": [{"id": "study", "names": {"zh": ["书房"], "en": ["study"]}}],
    "devices": [
        {"id": "desk-lamp", "category": "light", "room": "study", "names": {"en": ["desk lamp"]}},
        {"id": "fan", "category": "fan", "room": "study", "names": {"en": ["fan"]}},
    ],
}


async def test_a_device_told_to_drop_offline_does_so_and_its_will_tells_the_hub(tmp_path: Path) -> None:
    home = dict(TINY)
    home["devices"] = [dict(TINY["devices"][0], faults={"offline_after": 0.3}), TINY["devices"][1]]
    credentials = Credentials.generate()
    async with amqtt_broker(credentials) as broker, run_stack(
        home=parse_home(home), broker_url=str(broker.url), credentials=credentials, db=tmp_path / "hub.db"
    ) as running:
        assert running.hub is not None
        await wait_for(running.hub.directory, lambda d: not d.get("desk-lamp").online, timeout=10)  # type: ignore[union-attr]
        assert running.hub.directory.get("fan").online  # type: ignore[union-attr]
        result = await running.hub.handle_text("turn on the desk lamp")
        assert [a.result for a in result.actions] == ["IOT_DEVICE_OFFLINE"]


async def test_a_hung_device_process_is_declared_offline_within_one_and_a_half_keepalives(
    tmp_path: Path, _private_data_dir: Path
) -> None:
    """SIGSTOP: the process is frozen with its socket open; only keepalive enforcement can notice."""
    credentials = Credentials.generate()
    credentials.save(_private_data_dir / "credentials.json")
    home_file = tmp_path / "tiny.yaml"
    home_file.write_text(yaml.safe_dump(TINY, allow_unicode=True), encoding="utf-8")
    async with amqtt_broker(credentials) as broker, run_stack(
        home=None, broker_url=str(broker.url), credentials=credentials, db=tmp_path / "hub.db"
    ) as running:
        hub = running.hub
        assert hub is not None
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "genie", "devices", "spawn", "--home", str(home_file), "--keepalive", "1",
            "--broker", f"mqtt://127.0.0.1:{broker.url.port}",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=dict(os.environ),
        )
        try:
            async with asyncio.timeout(20):
                line = await proc.stdout.readline()  # type: ignore[union-attr]
            assert b"2 devices online" in line, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
            await wait_for(hub.directory, lambda d: len(d) == 2 and all(r.online for r in d.all()), timeout=10)
            proc.send_signal(signal.SIGSTOP)
            loop = asyncio.get_running_loop()
            frozen_at = loop.time()
            await wait_for(hub.directory, lambda d: not any(r.online for r in d.all()), timeout=6)
            elapsed = loop.time() - frozen_at
            # 1.5 x keepalive (rounded up to whole seconds by the broker) after the last packet, which was
            # at most one keepalive before the freeze
            assert elapsed <= 1 + 2 + 0.5
        finally:
            proc.kill()
            await proc.wait()


async def test_spawn_applies_injected_faults_to_every_device(tmp_path: Path) -> None:
    home_file = tmp_path / "tiny.yaml"
    home_file.write_text(yaml.safe_dump(TINY, allow_unicode=True), encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "genie", "devices", "spawn", "--home", str(home_file), "--slow", "250",
        "--flaky", "0.2", "--jammed", "--print", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    printed = parse_home(yaml.safe_load(out))
    faults = [c.faults for c in printed.device_configs()]
    assert all(f.slow_ms == 250 and f.flaky == 0.2 and f.jammed for f in faults) and len(faults) == 2
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "genie", "devices", "spawn", "--home", str(home_file), "--flaky", "2",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 2 and err.decode().startswith("genie: error: fault injection:")
