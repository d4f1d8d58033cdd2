"""`genie load` end to end on the real embedded broker: a self-contained run's report holds together (JSON,
file, charts); against a running set-up (mode a) an offline device shows in the errors by code; a home that
is not running, or has no device, is one line."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from devices.home import parse_home
from genie.app import run_stack
from genie.load.run import SEND_FAILED, TIMEOUT
from hub.security import Credentials
from tests.brokers import amqtt_broker
from tests.cli import GENIE, genie
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

FLAT = {
    "id": "flat",
    "rooms": [{"id": "living", "names": {"zh": ["客厅"], "en": ["living room"], "fr": ["salon"]}}],
    "devices": [
        {"id": "lamp", "category": "light", "room": "living",
         "names": {"zh": ["客厅灯"], "en": ["living room lamp"], "fr": ["lampe du salon"]}},
        {"id": "fan", "category": "fan", "room": "living",
         "names": {"zh": ["客厅风扇"], "en": ["living room fan"], "fr": ["ventilateur du salon"]}},
        {"id": "plug", "category": "outlet", "room": "living",
         "names": {"zh": ["客厅插座"], "en": ["living room plug"], "fr": ["prise du salon"]}},
    ],
}


def _running_under(directory: Path) -> list[str]:
    """Command lines of the processes that name ``directory`` (a child left running would)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(str(directory).encode() in w for w in words):
            found.append(b" ".join(words).decode(errors="replace"))
    return found


def _read(path: Path, binary: bool = False) -> Any:
    return path.read_bytes() if binary else path.read_text(encoding="utf-8")


def check_consistent(report: dict[str, Any]) -> None:
    """The figures of a report add up, whatever the run."""
    codes = report["errors_by_code"]
    assert report["answered"] + codes.get(TIMEOUT, 0) + codes.get(SEND_FAILED, 0) == report["sent"]
    assert report["ok"] + report["errors"] == report["sent"]
    assert sum(codes.values()) == report["errors"]
    lat = report["latency_ms"]
    assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"]
    assert sum(row["answered"] for row in report["throughput"]) == report["answered"]
    assert sum(row["sent"] for row in report["throughput"]) == report["sent"]
    assert sum(b["count"] for b in report["histogram"]) == report["answered"]
    for key in ("by_lang", "by_category", "by_kind"):
        assert sum(v["sent"] for v in report[key].values()) == report["sent"], key
        assert sum(v["ok"] for v in report[key].values()) == report["ok"], key
    assert len(report["load_average"]["start"]) == len(report["load_average"]["end"]) == 3


async def test_a_self_contained_run_reports_figures_that_add_up(tmp_path: Path) -> None:
    try:
        import matplotlib  # noqa: F401
        charts = True
    except ImportError:
        charts = False
    saved, drawn = tmp_path / "report.json", tmp_path / "charts"
    code, out, err = await genie("load", "--homes", "2", "--devices", "5", "--rate", "20", "--duration", "2",
                                 "--lang", "zh,fr", "--seed", "3", "--no-warmup", "--json", "--report", str(saved),
                                 *(["--charts", str(drawn)] if charts else []), timeout=60,
                                 env={"TMPDIR": str(tmp_path)})  # the set-up's scratch directory goes here
    assert _running_under(tmp_path) == []  # its broker and homes (`genie broker`, `genie up`) were stopped
    report = json.loads(out)
    assert code == (0 if report["errors"] == 0 else 1), err
    assert report["mode"] == "self-contained"
    assert report["setup"]["homes"] == ["load-1", "load-2"] and report["setup"]["devices"] == 10
    assert report["sent"] == 40 and report["sessions"] == 8
    assert set(report["by_lang"]) <= {"zh", "fr"}
    assert report["rate"]["asked"] == 20 and report["rate"]["sent"] > 0
    assert report["warmup"]["commands"] == 0 and report["asked"]["warmup"] is False
    check_consistent(report)
    assert json.loads(_read(saved)) == report
    if charts:
        assert report["charts"] == [str(drawn / n) for n in ("latency.png", "throughput.png", "histogram.png")]
        for path in report["charts"]:
            assert _read(Path(path), binary=True)[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Traceback" not in err


async def test_against_a_running_set_up_an_offline_device_shows_in_the_errors_by_code(tmp_path: Path) -> None:
    async with run_stack(home=parse_home(FLAT), scope="flat", host="127.0.0.1", port=0, db=tmp_path / "hub.db",
                         ready_timeout=20) as running, \
            run_stack(home=None, scope="empty", broker_url=str(running.broker_url), db=tmp_path / "empty.db",
                      credentials=running.credentials, ready_timeout=20):
        assert running.hub is not None
        lamp = next(r for r in running.runners if r.device.id == "lamp")
        await lamp.crash()
        await wait_for(running.hub.directory, lambda d: not d.get("lamp").online, timeout=10)  # type: ignore[union-attr]
        broker = f"mqtt://127.0.0.1:{running.broker_url.port}"
        code, out, err = await genie("load", "--broker", broker, "--home", "flat", "--rate", "20", "--duration",
                                     "1.5", "--lang", "en", "--seed", "1", "--timeout", "5", "--json", timeout=60)
        report = json.loads(out)
        assert report["mode"] == "running"
        assert report["setup"] == {"broker": broker, "homes": ["flat"], "devices": 3, "offline_at_start": 1}
        assert report["sent"] == 30 and report["sessions"] == 8
        assert set(report["by_lang"]) == {"en"}
        assert report["warmup"]["commands"] == 1  # one per home and language, before the timed run
        check_consistent(report)
        assert report["errors_by_code"].get("IOT_DEVICE_OFFLINE", 0) > 0, report["errors_by_code"]
        assert report["by_category"]["light"]["errors"] > 0  # the lamp is the one offline
        assert code == 1
        assert err.strip().splitlines()[-1].startswith(f"genie load: {report['errors']} of 30 commands failed")

        code, out, err = await genie("load", "--broker", broker, "--home", "nope", "--rate", "5", "--duration", "1",
                                     "--timeout", "1", timeout=30)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and err.startswith("genie: error: home 'nope': no answer from a hub"), err

        code, out, err = await genie("load", "--broker", broker, "--home", "empty", "--rate", "5", "--duration", "1",
                                     timeout=30)
        assert (code, out) == (2, "")
        assert err == "genie: error: no device to drive: the hub lists none that takes on/off, set, step or " \
                      "query commands\n"


async def test_a_self_contained_set_up_that_cannot_start_is_one_line(tmp_path: Path) -> None:
    async with amqtt_broker(Credentials.generate()) as secured:  # a secret the load test's data directory lacks
        code, out, err = await genie("load", "--homes", "1", "--devices", "2", "--rate", "5", "--duration", "1",
                                     "--broker", str(secured.url), "--ready-timeout", "3", timeout=60,
                                     env={"TMPDIR": str(tmp_path)})
    assert (code, out) == (2, "")
    assert err.startswith("genie: error: the self-contained homes (genie up) was not ready within 3.1 s: ")
    assert err.count("\n") == 1, err
    assert _running_under(tmp_path) == []


async def test_a_signal_stops_the_run_and_everything_it_started(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        *GENIE, "load", "--homes", "1", "--devices", "2", "--rate", "5", "--duration", "60",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        assert proc.stderr is not None
        async with asyncio.timeout(30):
            first = await proc.stderr.readline()  # the first progress line: set up, and sending
        assert first.startswith(b"genie load:") and b"sent " in first, first
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            out, err = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 2 and out == b""
    assert err.decode().strip().splitlines()[-1] == "genie load: stopped before the end (a signal); no report"
    assert _running_under(tmp_path) == []
