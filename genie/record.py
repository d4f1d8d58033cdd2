"""Record a session and replay it: a regression test a user makes by just using the system.

``genie up --record FILE`` writes JSON lines, each with the simulated time ``t`` (seconds since the
start of the recording):

- the first line: ``{"kind": "home", "home": {...}}`` (the home that ran, so a replay needs nothing else);
- ``command``: a text command and its outcome (reply, ok, per-device results);
- ``directive`` / ``reply``: every message the hub sent to or received from a device's request/reply topic;
- ``state``: every change of a device's state or availability, as the hub saw it.

``genie replay FILE`` starts a fresh simulation of that home (its own broker, a fresh database, a clock
that only moves as the recording says), sends the recorded commands at their recorded times, and
reports every command whose outcome differs.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from devices.clock import Clock, ManualClock
from devices.home import Home, HomeFileError, parse_home
from hub.directory import DeviceRecord
from hub.protocol import CommandResult, DeviceTopic, Topics
from hub.service import Hub


class RecordingError(ValueError):
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
        self._file: IO[str] = path.open("w", encoding="utf-8")
        self._write({"kind": "home", "home": home.model_dump(mode="json", exclude_defaults=True)})
        hub.command_listeners.append(self._on_command)
        hub.taps.append(self._on_message)
        hub.directory.listeners.append(self._on_record)
        self._seen: dict[str, tuple[bool, str]] = {}

    def _write(self, entry: dict[str, Any]) -> None:
        entry = {"t": round(self.clock.now() - self.origin, 3), **entry}
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._file.flush()
        self.lines += 1

    def _on_command(self, result: CommandResult) -> None:
        self._write({"kind": "command", **result.model_dump(mode="json", exclude_none=True)})

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
        self.hub.command_listeners.remove(self._on_command)
        self.hub.taps.remove(self._on_message)
        self.hub.directory.listeners.remove(self._on_record)
        self._file.close()


@dataclass
class Recording:
    """What a recording file holds that a replay needs."""

    home: Home
    commands: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Recording:
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
        except HomeFileError as exc:
            raise RecordingError(str(exc)) from None
        commands = [e for e in entries if e["kind"] == "command"]
        for entry in commands:
            if not isinstance(entry.get("text"), str):
                raise RecordingError(f"recording {path}: a command without text at t={entry['t']}")
        return cls(home, commands)


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


async def replay(recording: Recording, progress: Callable[[int, int], None] | None = None) -> list[Difference]:
    """Re-run the recorded commands against a fresh simulation; return every difference in outcome."""
    from genie.app import run_stack

    clock = ManualClock()
    differences: list[Difference] = []
    with tempfile.TemporaryDirectory(prefix="genie-replay-") as scratch:
        async with run_stack(home=recording.home, host="127.0.0.1", port=0, db=Path(scratch) / "hub.db",
                             clock=clock, credentials=None) as running:
            assert running.hub is not None
            for index, entry in enumerate(recording.commands, start=1):
                await clock.advance(max(0.0, float(entry["t"]) - clock.now()))
                result = await running.hub.handle_text(entry["text"], entry.get("lang"))
                want, got = outcome(entry), outcome(result.model_dump(mode="json", exclude_none=True))
                for key in ("reply", "ok", "actions"):
                    if want[key] != got[key]:
                        differences.append(Difference(float(entry["t"]), entry["text"], key, want[key], got[key]))
                if progress is not None:
                    progress(index, len(recording.commands))
    return differences
