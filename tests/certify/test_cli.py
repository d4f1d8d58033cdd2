"""`genie certify` as a device maker runs it: a real process, its own broker, the login it prints, the device
connecting with it, exit status, --json, --report, --exec and --soak; bad options in one line."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from genie.certify.runner import CASES
from tests.certify.devices import builtin, devices, login
from tests.cli import GENIE, genie

ROOT = Path(__file__).resolve().parents[2]


async def test_a_device_connecting_with_the_printed_login_is_certified(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    proc = await asyncio.create_subprocess_exec(
        *GENIE, "certify", "--device", "cli-lamp", "--json", "--report", str(report), "--wait", "30",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None and proc.stdout is not None
    printed: dict[str, str] = {}
    err_lines: list[str] = []
    try:
        async with devices() as started, asyncio.timeout(120):
            while "password" not in printed:
                line = (await proc.stderr.readline()).decode()
                assert line, f"certify ended before printing the login: {err_lines}"
                err_lines.append(line)
                key, sep, value = line.partition(": ")
                if sep and key in ("URL", "username", "password"):
                    printed[key] = value.strip()
            started.start(builtin("cli-lamp")(login(printed["URL"], printed["username"], printed["password"])))
            out, err = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, out.decode()[:3000]
    result = json.loads(out)
    assert result["passed"] is True and result["device"] == "cli-lamp"
    assert result["connect"] == {"url": printed["URL"], "username": "cli-lamp", "password": printed["password"]}
    assert [c["id"] for c in result["cases"]] == [c.id for c in CASES]
    assert {c["outcome"] for c in result["cases"] if c["id"] != "soak"} == {"pass"}
    assert all(c["reason"] and c["severity"] in ("critical", "major", "minor") for c in result["cases"])
    assert f"[{len(CASES)}/{len(CASES)}] soak" in err.decode()  # progress, on stderr
    page = report.read_text(encoding="utf-8")
    assert "PASSED" in page and "<script" not in page and "http" not in page.split("<body>")[1].split("<table>")[0]
    assert all(c.id in page for c in CASES)


async def test_exec_starts_the_device_and_the_soak_watches_its_memory(tmp_path: Path) -> None:
    command = f"{sys.executable} -m tests.certify.device_main"
    code, out, err = await genie("certify", "--device", "exec-lamp", "--exec", command, "--soak", "0.1", "--json",
                                 timeout=120, env={"PYTHONPATH": str(ROOT)})
    assert code == 0, err[-3000:]
    result = json.loads(out)
    soak = next(c for c in result["cases"] if c["id"] == "soak")
    assert soak["outcome"] == "pass", soak
    assert "none missed" in soak["reason"] and "memory stable" in soak["reason"], soak
    assert any(line.startswith("RSS ") and "MiB over" in line for line in soak["evidence"]), soak["evidence"]
    assert "started the device (pid" in err


async def test_a_device_that_never_connects_fails_in_one_line() -> None:
    code, out, err = await genie("certify", "--device", "nobody-home", "--wait", "1", timeout=30)
    assert code == 1, err
    assert "The suite did not run: nobody-home did not connect to mqtt://127.0.0.1:" in out
    assert "FAILED" in out


async def test_bad_options_are_one_line() -> None:
    for args, words in ((["--device", "Bad Id"], "--device"), ([], "give --device ID"),
                        (["--device", "genie-hub"], "reserves"), (["--device", "genie-shard-2"], "reserves"),
                        (["--self-test", "--device", "x"], "--self-test runs its own devices"),
                        (["--device", "x", "--broker", "mqtt://h:1", "--port", "5"], "not with --broker"),
                        (["--device", "x", "--soak", "0"], "--soak must be"),
                        (["--self-test", "--only", "toaster"], "--only: unknown toaster")):
        code, out, err = await genie("certify", *args, timeout=30)
        assert code == 3, (args, err)
        assert err.count("\n") == 1 and words in err, (args, err)
        assert out == ""


def test_help_names_every_option() -> None:
    import subprocess

    shown = subprocess.run([*GENIE, "certify", "--help"], capture_output=True, text=True, timeout=30,
                           env={**os.environ}, check=True).stdout
    for option in ("--device", "--broker", "--json", "--report", "--soak", "--pid", "--wait", "--port", "--exec",
                   "--self-test"):
        assert option in shown


async def test_self_test_through_the_command() -> None:
    code, out, err = await genie("certify", "--self-test", "--only", "curtain", "no-last-will", "--json", timeout=120)
    assert code == 0, err[-3000:]
    result = json.loads(out)
    assert result["passed"] is True
    verdicts = {d["device"]: d for d in result["devices"]}
    assert set(verdicts) == {"selftest-curtain", "broken-no-last-will"}
    assert verdicts["selftest-curtain"]["ok"] and verdicts["selftest-curtain"]["failed"] == []
    broken = verdicts["broken-no-last-will"]
    assert broken["ok"] and broken["kind"] == "broken"
    assert broken["failed"][0]["id"] == "last-will"
    assert "the CONNECT sets no last will" in broken["failed"][0]["reason"]
    assert "selftest-curtain [1/15] registration" in err  # progress, on stderr, per device
