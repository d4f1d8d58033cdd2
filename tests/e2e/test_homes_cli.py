"""Several homes from the command line (issue 16, part 2): `genie up --home A --home B`, `genie say --home ID`,
`genie devices list --home ID [--json]`, `genie devices spawn --home FILE` joining its home; real processes on
the embedded broker, secured."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.cli import GENIE, genie

pytestmark = pytest.mark.e2e

BOUND = 30.0


def _write_home(path: Path, home_id: str | None, devices: list[dict[str, Any]]) -> Path:
    document: dict[str, Any] = {"rooms": [{"id": "living", "names": {"en": ["living room"], "zh": ["客厅"]}}],
                                "devices": devices}
    if home_id is not None:
        document["id"] = home_id
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


LAMP = {"id": "lamp", "category": "light", "room": "living", "names": {"en": ["lamp"], "zh": ["台灯"]}}
FAN = {"id": "fan", "category": "fan", "room": "living", "names": {"en": ["fan"], "zh": ["风扇"]}}


@contextlib.asynccontextmanager
async def _running(*args: str, ready: bytes) -> AsyncIterator[tuple[asyncio.subprocess.Process, bytes]]:
    """A long-running `genie` process, once it printed a line containing ``ready``; stopped with SIGTERM."""
    proc = await asyncio.create_subprocess_exec(*GENIE, *args, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(BOUND):
            while True:
                line = await proc.stdout.readline()  # type: ignore[union-attr]
                assert line, (await proc.stderr.read()).decode()  # type: ignore[union-attr]
                if ready in line:
                    break
        yield proc, line
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            code = await proc.wait()
        stderr = (await proc.stderr.read()).decode()  # type: ignore[union-attr]
        assert code == 0 and "Traceback" not in stderr, stderr
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _devices(url: str, home: str) -> dict[str, dict[str, Any]]:
    code, out, err = await genie("devices", "list", "--home", home, "--json", "--broker", url)
    assert code == 0, err
    return {d["id"]: d for d in json.loads(out)}


async def test_one_process_serves_two_homes_and_a_spawn_joins_one(tmp_path: Path) -> None:
    alpha = _write_home(tmp_path / "alpha.yaml", "alpha", [LAMP])
    beta = _write_home(tmp_path / "beta.yaml", "beta", [LAMP])
    async with _running("up", "--home", str(alpha), "--home", str(beta), "--port", "0", "--http", "0", "--json",
                        "--db", str(tmp_path / "hub.db"), ready=b'"broker"') as (_up, line):
        summary = json.loads(line)
        assert [(h["id"], h["devices"]) for h in summary["homes"]] == [("alpha", 1), ("beta", 1)]
        assert summary["homes"][1]["database"] == str(tmp_path / "hub-beta.db")
        boards = [h["dashboard"].rstrip("/") for h in summary["homes"]]
        assert summary["dashboard"].rstrip("/") == boards[0] and boards[0] != boards[1]
        async with httpx.AsyncClient(base_url=boards[1]) as web:
            listed = (await web.get("/api/homes")).json()
        assert listed == [{"id": "alpha", "url": boards[0], "current": False},
                          {"id": "beta", "url": boards[1], "current": True}]
        url = summary["broker"]
        code, out, err = await genie("say", "--home", "alpha", "--json", "--broker", url, "turn on the lamp")
        assert code == 0 and json.loads(out)["actions"][0]["device"] == "lamp", err
        assert (await _devices(url, "alpha"))["lamp"]["state"]["powerstate"] == "on"
        assert (await _devices(url, "beta"))["lamp"]["state"]["powerstate"] == "off"
        code, out, _ = await genie("say", "--home", "beta", "--broker", url, "打开风扇")
        assert code == 1, out  # beta has no fan
        code, out, err = await genie("scenes", "add", "--home", "beta", "--broker", url, "reading", "turn on the lamp")
        assert code == 0, out + err
        for home_id, scenes in (("alpha", []), ("beta", ["reading"])):
            code, out, err = await genie("scenes", "list", "--home", home_id, "--json", "--broker", url)
            assert code == 0 and [s["names"]["en"][0] for s in json.loads(out)["scenes"]] == scenes, out + err
        code, out, err = await genie("home", "reset", "--home", "alpha", "--json", "--broker", url)
        assert code == 0 and json.loads(out)["ok"], err
        assert (await _devices(url, "alpha"))["lamp"]["state"]["powerstate"] == "off"
        # a spawn of a file with alpha's id joins alpha, and only alpha
        extra = _write_home(tmp_path / "alpha-more.yaml", "alpha", [FAN])
        async with _running("devices", "spawn", "--home", str(extra), "--broker", url, ready=b"devices online"):
            assert set(await _devices(url, "alpha")) == {"lamp", "fan"}
            assert set(await _devices(url, "beta")) == {"lamp"}
            code, out, err = await genie("say", "--home", "alpha", "--broker", url, "打开风扇")
            assert code == 0, out + err
        # no hub serves the broker's default tree here: a plain `genie say` finds none
        code, out, err = await genie("say", "--broker", url, "--timeout", "1", "turn on the lamp")
        assert code == 2 and "no answer" in err


@pytest.mark.parametrize(("homes", "expected"), [
    ([("alpha", [LAMP]), (None, [LAMP])], "no id: give each home an `id`"),
    ([("alpha", [LAMP]), ("alpha", [FAN])], "id 'alpha' is also the id of home file"),
])
async def test_several_homes_each_need_their_own_id(tmp_path: Path, homes: list[Any], expected: str) -> None:
    files = [_write_home(tmp_path / f"h{i}.yaml", home_id, devices) for i, (home_id, devices) in enumerate(homes)]
    code, out, err = await genie("up", *(a for f in files for a in ("--home", str(f))), "--port", "0", "--no-http")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err and str(files[1]) in err


async def test_a_bad_home_id_or_a_neighbour_for_several_homes_is_one_line(tmp_path: Path) -> None:
    code, _out, err = await genie("say", "--home", "a/b", "hello")
    assert code == 2 and "invalid home id 'a/b'" in err and "Traceback" not in err
    code, _out, err = await genie("devices", "list", "--home", "Alpha")
    assert code == 2 and "invalid home id 'Alpha'" in err and "Traceback" not in err
    files = [_write_home(tmp_path / f"{h}.yaml", h, [LAMP]) for h in ("alpha", "beta")]
    code, _out, err = await genie("up", "--home", str(files[0]), "--home", str(files[1]), "--ha-discovery",
                                  "--port", "0", "--no-http")
    assert code == 2 and err.count("\n") == 1 and "--ha-discovery and --hermes serve one home" in err
