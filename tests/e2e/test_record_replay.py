"""Simulated time and record/replay: a recorded session replays with no difference; a change shows."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from devices.home import load_home
from genie.app import run_stack
from genie.record import Recorder, Recording, RecordingError, replay
from hub.clock import ManualClock

pytestmark = pytest.mark.e2e

SESSION = [(0, "打开客厅的灯"), (5, "set the desk lamp to 30%"), (65, "卧室温度多少"), (70, "打开客厅窗帘"),
           (71, "客厅窗帘开到一半了吗"), (90, "allume la télé"), (100, "十分钟后关闭电视"), (120, "开门，密码123456"),
           (200, "晚安"), (300, "turn off all the lights"), (301, "blah blah"), (720, "我有哪些定时")]
"""Commands, a timer that fires at t=700 (an announcement), a door unlocked (a routine's announcement)."""
ANNOUNCED = 2


async def record_session(path: Path, tmp: Path) -> None:
    clock = ManualClock()
    home = load_home()
    async with run_stack(home=home, host="127.0.0.1", port=0, db=tmp / "hub.db", clock=clock,
                         credentials=None) as running:
        assert running.hub is not None
        recorder = Recorder(path, running.hub, home, clock)
        try:
            for t, text in SESSION:
                await clock.advance(t - clock.now())
                await running.hub.handle_text(text)
        finally:
            recorder.close()


async def test_a_recorded_session_replays_with_no_difference(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    await record_session(path, tmp_path)
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kinds = {e["kind"] for e in entries}
    assert {"home", "command", "directive", "reply", "state", "announce"} <= kinds
    said = [(e["t"], e["source"], e["text"]) for e in entries if e["kind"] == "announce"]
    assert said == [(120.0, "routine", "门锁已打开，欢迎回家"), (700.0, "timer", "定时任务：电视已关闭。")]
    assert [e["text"] for e in entries if e["kind"] == "command"] == [text for _, text in SESSION]
    assert [e["t"] for e in entries if e["kind"] == "command"] == [float(t) for t, _ in SESSION]
    recording = Recording.load(path)
    assert await replay(recording) == []


async def test_a_changed_outcome_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    await record_session(path, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        entry = json.loads(line)
        if entry.get("text") == "set the desk lamp to 30%":
            entry["reply"] = "OK, desk lamp brightness set to 40%."
            lines[i] = json.dumps(entry, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    differences = await replay(Recording.load(path))
    assert [(d.text, d.field, d.replayed) for d in differences] == [
        ("set the desk lamp to 30%", "reply", "OK, desk lamp brightness set to 30%.")]


@pytest.mark.parametrize(("content", "message"), [
    ("", "the first line must be the home"),
    ('{"kind": "command", "t": 0, "text": "x"}\n', "the first line must be the home"),
    ("not json\n", "line 1: not JSON"),
    ('{"kind": "home", "t": 0, "home": {"rooms": [], "devices": [{"id": "x"}]}}\n', "line 1"),
])
def test_a_bad_recording_is_refused_with_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RecordingError, match=message):
        Recording.load(path)


async def test_genie_replay_command(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    await record_session(path, tmp_path)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "genie", "replay", "--json", str(path),
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                env=dict(os.environ))
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert json.loads(out) == {"commands": len(SESSION), "announcements": ANNOUNCED, "differences": []}


async def test_a_missing_announcement_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("genie.record.ANNOUNCEMENT_WAIT", 0.5)  # how long to wait for one that never comes
    path = tmp_path / "session.jsonl"
    await record_session(path, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if '"timer"' not in line or json.loads(line)["kind"] != "announce"]
    kept.insert(1, json.dumps({"t": 50, "kind": "announce", "source": "timer", "id": "9", "lang": "en",
                               "text": "Timer: nothing", "ok": True}))
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    differences = await replay(Recording.load(path))
    assert [(d.t, d.field, d.recorded, d.replayed) for d in differences] == [
        (50.0, "announcement", "Timer: nothing", None),  # the replay says nothing at t=50 …
        (720.0, "announcement", None, "定时任务：电视已关闭。"),  # … and one the recording does not have
    ]


async def test_sped_up_time_moves_the_curtain_faster(tmp_path: Path) -> None:
    """`genie up --speed 60`: a curtain that takes 10 s to open does it in about a sixth of a second."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "genie", "up", "--speed", "60", "--http", "0", "--port", "0",
        "--db", str(tmp_path / "hub.db"), "--json", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=dict(os.environ))
    try:
        async with asyncio.timeout(30):
            summary = json.loads(await proc.stdout.readline())  # type: ignore[union-attr]
        assert summary["speed"] == 60
        from hub.client import list_devices, say
        from hub.protocol.mqtt import BrokerURL

        url = BrokerURL.parse(summary["broker"])
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert (await say(url, "打开客厅窗帘", timeout=10)).ok
        for _ in range(200):  # each round is one request/response to the hub, not a sleep
            curtain = next(d for d in await list_devices(url, timeout=10) if d.id == "living-curtain")
            if curtain.state["position"] == 100:
                break
        elapsed = loop.time() - started
        assert curtain.state["position"] == 100
        assert elapsed < 5  # at real speed it takes 10 s

        # timers run on the same clock: "in 2 minutes" comes 2 real seconds later
        from hub.client import announcements

        listening = asyncio.Event()
        said = asyncio.get_running_loop().create_future()

        async def listen() -> None:
            async for payload in announcements(url, listening=listening.set):
                said.set_result(payload)
                return

        listener = asyncio.create_task(listen())
        try:
            async with asyncio.timeout(10):
                await listening.wait()
            assert (await say(url, "in 2 minutes turn off the living room curtains", timeout=10)).ok
            async with asyncio.timeout(20):  # 120 s of simulated time; at real speed this would time out
                payload = await said
            assert payload.source == "timer" and payload.ok
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
    finally:
        proc.terminate()
        await proc.wait()
