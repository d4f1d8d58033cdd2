"""Record a session and replay it: a regression test a user makes by just using the system.

``genie up --record FILE`` writes JSON lines, each with the simulated time ``t`` (seconds since the
start of the recording):

- the first line: ``{"kind": "home", "home": {...}, "wall": ...}`` (the home that ran and the simulated
  Unix time at t = 0, so a replay needs nothing else and "at seven" means the same moment);
- ``command``: a text command and its outcome (reply, ok, per-device results);
- ``announce``: what the hub said unasked (a timer that fired, a routine that ran) and its results;
- ``directive`` / ``reply``: every message the hub sent to or received from a device's request/reply topic;
- ``state``: every change of a device's state or availability, as the hub saw it.

``genie replay FILE`` starts a fresh simulation of that home (its own broker, a fresh database, a clock
that only moves as the recording says), sends the recorded commands at their recorded times, and
reports every command or announcement whose outcome differs (an announcement missing or extra too).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from devices.home import Home, HomeFileError, parse_home
from genie.homes import automations_of
from hub.clock import Clock, ManualClock
from hub.directory import DeviceRecord
from hub.errors import GenieError
from hub.protocol import AnnouncePayload, CommandResult, DeviceTopic, Topics
from hub.service import Hub


class RecordingError(GenieError, ValueError):
    """A recording that cannot be replayed; the message says which line and why."""


class Recorder:
    """Writes what a running hub does to a JSON-lines file."""

    def __init__(self, path: Path, hub: Hub, home: Home, clock: Clock, topics: Topics | None = None) -> None:
        self.path = path
        self.hub = hub
        self.clock = clock
        self.topics = topics or Topics()
        self.origin = clock.now()
        self.lines = 0
        # private (0600), like the credentials: it holds the home file, codes included, and the commands
        # as said (a replay must unlock); an existing file is made private before anything is written
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            self._file: IO[str] = os.fdopen(fd, "w", encoding="utf-8")
        except OSError:
            os.close(fd)
            raise
        self.wall = clock.wall() - (clock.now() - self.origin)
        self._write({"kind": "home", "home": home.model_dump(mode="json", exclude_defaults=True),
                     "wall": round(self.wall, 3)})
        hub.command_listeners.append(self._on_command)
        hub.said_listeners.append(self._on_said)
        self._said: tuple[CommandResult, str] | None = None
        hub.announcement_listeners.append(self._on_announcement)
        hub.taps.append(self._on_message)
        hub.directory.listeners.append(self._on_record)
        self._seen: dict[str, tuple[bool, str]] = {}

    def _write(self, entry: dict[str, Any], t: float | None = None) -> None:
        entry = {"t": round(self.clock.now() - self.origin if t is None else t, 3), **entry}
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._file.flush()
        self.lines += 1

    def _on_said(self, text: str, result: CommandResult) -> None:
        self._said = (result, text)

    def _on_command(self, result: CommandResult) -> None:
        entry = result.model_dump(mode="json", exclude_none=True)
        if self._said is not None and self._said[0] is result:  # as said, code and all: the replay unlocks
            entry["text"] = self._said[1]  # (the file holds the home, codes included, anyway)
        self._said = None
        self._write({"kind": "command", **entry})

    def _on_announcement(self, said: AnnouncePayload) -> None:
        # at the simulated moment it is about (the timer's due time), not when the directives came back
        self._write({"kind": "announce", **said.model_dump(mode="json", exclude_none=True, exclude={"at"})},
                    t=said.at - self.wall)

    def _on_message(self, topic: str, payload: bytes, direction: str) -> None:
        parsed = self.topics.parse_device(topic)
        if parsed is None or parsed[1] not in (DeviceTopic.REQUEST, DeviceTopic.REPLY):
            return
        kind = "directive" if parsed[1] is DeviceTopic.REQUEST else "reply"
        try:
            message = json.loads(payload)
        except ValueError:
            message = payload.decode(errors="replace")
        self._write({"kind": kind, "device": parsed[0], "message": message})

    def _on_record(self, record: DeviceRecord) -> None:
        snapshot = (record.online, json.dumps(record.state, sort_keys=True, ensure_ascii=False))
        if self._seen.get(record.id) == snapshot:
            return
        self._seen[record.id] = snapshot
        self._write({"kind": "state", "device": record.id, "online": record.online, "state": record.state})

    def close(self) -> None:
        """Stop recording and close the file."""
        self.hub.command_listeners.remove(self._on_command)
        self.hub.said_listeners.remove(self._on_said)
        self.hub.announcement_listeners.remove(self._on_announcement)
        self.hub.taps.remove(self._on_message)
        self.hub.directory.listeners.remove(self._on_record)
        self._file.close()


@dataclass
class Recording:
    """What a recording file holds that a replay needs."""

    home: Home
    commands: list[dict[str, Any]] = field(default_factory=list)
    announcements: list[dict[str, Any]] = field(default_factory=list)
    wall: float | None = None
    """Simulated Unix time at t = 0 (recordings made before timers existed have none)."""

    @classmethod
    def load(cls, path: Path) -> Recording:
        """Read a recording; RecordingError says which line is wrong and why."""
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise RecordingError(f"recording {path}: cannot read it ({exc.strerror})") from None
        entries = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                raise RecordingError(f"recording {path} line {number}: not JSON") from None
            if not isinstance(entry, dict) or "kind" not in entry or not isinstance(entry.get("t"), int | float):
                raise RecordingError(f"recording {path} line {number}: needs 'kind' and a numeric 't'")
            entries.append(entry)
        if not entries or entries[0]["kind"] != "home":
            raise RecordingError(f"recording {path}: the first line must be the home (kind 'home')")
        try:
            home = parse_home(entries[0].get("home"), f"recording {path} line 1")
            automations_of(home, f"recording {path} line 1")
        except HomeFileError as exc:
            raise RecordingError(str(exc)) from None
        commands = [e for e in entries if e["kind"] == "command"]
        for entry in commands:
            if not isinstance(entry.get("text"), str):
                raise RecordingError(f"recording {path}: a command without text at t={entry['t']}")
        announcements = [e for e in entries if e["kind"] == "announce"]
        for entry in announcements:
            if not isinstance(entry.get("text"), str):
                raise RecordingError(f"recording {path}: an announcement without text at t={entry['t']}")
        wall = entries[0].get("wall")
        if wall is not None and not isinstance(wall, int | float):
            raise RecordingError(f"recording {path} line 1: 'wall' must be a number")
        return cls(home, commands, announcements, wall)


@dataclass
class Difference:
    """One command whose outcome changed."""

    t: float
    text: str
    field: str
    recorded: Any
    replayed: Any


def outcome(result: dict[str, Any]) -> dict[str, Any]:
    """What must match between a recording and its replay."""
    return {
        "reply": result.get("reply"),
        "ok": result.get("ok"),
        # directives go out concurrently: their order is not part of the outcome
        "actions": sorted((a.get("device"), a.get("action"), json.dumps(a.get("params"), sort_keys=True),
                           a.get("result")) for a in result.get("actions", [])),
    }


ANNOUNCEMENT_WAIT = 10.0
"""Seconds a replay waits (wall time) for an announcement the recording says came at this point."""


async def replay(recording: Recording, progress: Callable[[int, int], None] | None = None) -> list[Difference]:
    """Re-run the recorded commands against a fresh simulation, at their simulated times; return every
    difference in the outcome of a command or of an announcement (timers firing, routines)."""
    from genie.app import run_stack

    clock = ManualClock(epoch=recording.wall) if recording.wall is not None else ManualClock()
    differences: list[Difference] = []
    said: list[AnnouncePayload] = []
    heard = asyncio.Event()

    def on_announcement(payload: AnnouncePayload) -> None:
        said.append(payload)
        heard.set()

    events = sorted([(float(e["t"]), 0, e) for e in recording.commands]
                    + [(float(e["t"]), 1, e) for e in recording.announcements], key=lambda item: item[:2])
    with tempfile.TemporaryDirectory(prefix="genie-replay-") as scratch:
        async with run_stack(home=recording.home, host="127.0.0.1", port=0, db=Path(scratch) / "hub.db",
                             clock=clock, credentials=None) as running:
            hub = running.hub
            assert hub is not None
            hub.announcement_listeners.append(on_announcement)
            matched: set[int] = set()
            for index, (t, kind, entry) in enumerate(events, start=1):
                await clock.advance(max(0.0, t - clock.now()))
                got: dict[str, Any] | None
                if kind == 0:
                    result = await hub.handle_text(entry["text"], entry.get("lang"))
                    got = result.model_dump(mode="json", exclude_none=True)
                else:
                    got = await _announcement(said, heard, matched, entry)
                differences += _compare(t, entry, got, announcement=kind == 1)
                if progress is not None:
                    progress(index, len(events))
            extra = [p for i, p in enumerate(said) if i not in matched]
            differences += [Difference(clock.now(), p.text, "announcement", None, p.text) for p in extra]
    return differences


async def _announcement(said: list[AnnouncePayload], heard: asyncio.Event, matched: set[int],
                        entry: dict[str, Any]) -> dict[str, Any] | None:
    """The replay's announcement from the same timer or routine as ``entry``, once made (None if it
    does not come within ``ANNOUNCEMENT_WAIT``)."""
    def find() -> int | None:
        return next((i for i, p in enumerate(said) if i not in matched and p.source == entry.get("source")
                     and p.id == str(entry.get("id"))), None)

    try:
        async with asyncio.timeout(ANNOUNCEMENT_WAIT):
            while (found := find()) is None:
                heard.clear()
                await heard.wait()
    except TimeoutError:
        return None
    matched.add(found)
    return {"reply": said[found].text, **said[found].model_dump(mode="json", exclude_none=True)}


def _compare(t: float, entry: dict[str, Any], got: dict[str, Any] | None, *, announcement: bool) -> list[Difference]:
    if announcement:
        entry = {**entry, "reply": entry.get("text")}
        if got is None:
            return [Difference(t, entry["text"], "announcement", entry["text"], None)]
    assert got is not None
    want, have = outcome(entry), outcome(got)
    return [Difference(t, entry["text"], key, want[key], have[key]) for key in ("reply", "ok", "actions")
            if want[key] != have[key]]
