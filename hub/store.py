"""The hub's durable memory in SQLite (WAL): the directory and the command log.

Durability rules (docs/reliability.md):
- a command's outcome is committed, together with every pending directory change, *before* the hub
  answers it: a reply the user saw is never lost, even to ``kill -9`` right after it;
- registrations are written at the end of the current burst of messages (one transaction per burst),
  other state changes within ``FLUSH_DELAY``;
- the schema is versioned (``PRAGMA user_version``) and migrated step by step; a database from a newer
  hub, or one that is not a database, is reported and never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hub.automation.models import Scene, Timer
from hub.directory import DeviceRecord
from hub.errors import GenieError
from hub.protocol import CommandResult, DeviceInfo
from hub.protocol.codec import clip

_LOGGER = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    # 1: the directory
    """
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        info TEXT NOT NULL,
        online INTEGER NOT NULL,
        state TEXT NOT NULL,
        updated REAL NOT NULL
    );
    """,
    # 2: the command log
    """
    CREATE TABLE commands (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at REAL NOT NULL,
        text TEXT NOT NULL,
        lang TEXT NOT NULL,
        reply TEXT NOT NULL,
        ok INTEGER NOT NULL,
        actions TEXT NOT NULL
    );
    """,
    # 3: scenes made by voice or CLI, timers and schedules
    """
    CREATE TABLE scenes (
        id TEXT PRIMARY KEY,
        scene TEXT NOT NULL
    );
    CREATE TABLE timers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        due REAL NOT NULL,
        timer TEXT NOT NULL
    );
    """,
    # 4: when each device first registered (NULL for those stored before: set at their next registration)
    """
    ALTER TABLE devices ADD COLUMN registered REAL;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
FLUSH_DELAY = 0.2
"""Seconds a change may wait so that a burst (a discovery storm) becomes one transaction."""


QUICK_CHECK_ERRORS = 1
"""How many problems ``PRAGMA quick_check`` looks for before it stops (the first one is all we report)."""


def _create_private(path: Path) -> None:
    """Create an empty database file readable by its owner only (SQLite gives -wal and -shm its mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _make_private(path: Path) -> None:
    """Owner-only modes for the database and its -wal and -shm (a database an older hub left 0644)."""
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except FileNotFoundError:
            continue


class StoreError(GenieError, RuntimeError):
    """The database cannot be used as it is; the message says why and what to do."""


class Store:
    """SQLite store of device records, keyed by device id."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        on_disk = str(path) != ":memory:"
        if on_disk:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(self.path)
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._check_version()  # before anything writes: a database we cannot use stays byte-identical
            self._check_integrity()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"hub database {self.path} is not usable ({exc}); "
                             f"move it aside or pass --db with another path") from None
        if on_disk:
            _make_private(self.path)
        self.failure: str | None = None
        """Why the last write failed (None once a write succeeds again); logged once per failure."""
        self._dirty: dict[str, DeviceRecord | None] = {}
        self._known: set[str] = set()
        self._stored_info: dict[str, DeviceInfo] = {}
        """The registration each stored row holds (the object): a record still holding it is written without
        serialising its registration again (its state changed, not what it is)."""
        self._closed = False
        self._flush_handle: asyncio.TimerHandle | asyncio.Handle | None = None
        self._flush_soon = False

    def _check_version(self) -> int:
        self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads every page header
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            self._db.close()
            raise StoreError(f"hub database {self.path} has schema {version}, newer than this hub "
                             f"({SCHEMA_VERSION}); upgrade genie-sim or use another --db")
        return version

    def _check_integrity(self) -> None:
        """Refuse a damaged file (a torn write, a stray overwrite) before anything writes to it.

        ``quick_check`` reads every page once (5 ms for 1,000 devices and 10,000 commands, 2 MB) and skips
        ``integrity_check``'s index-versus-table comparisons, which grow faster than the file."""
        problems = [row[0] for row in self._db.execute(f"PRAGMA quick_check({QUICK_CHECK_ERRORS})")]
        if problems != ["ok"]:
            self._db.close()
            found = " ".join(problems[0].replace("*** in database main ***", "").split())
            raise StoreError(f"hub database {self.path} is damaged ({found}); it was left as it is: "
                             f"move it aside (or restore a copy) and start again, or pass --db with another path")

    def _migrate(self) -> None:
        version = self._check_version()
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # Each step is one transaction: a crash mid-migration leaves the previous version intact.
            self._db.executescript(f"BEGIN; {MIGRATIONS[target - 1]} PRAGMA user_version = {target}; COMMIT;")
            _LOGGER.info("hub database %s migrated to schema %d", self.path, target)

    def load(self) -> list[DeviceRecord]:
        """Every stored record; a row that no longer validates is skipped with a warning."""
        records = []
        for device_id, info, online, state, updated, registered in self._db.execute(
            "SELECT id, info, online, state, updated, registered FROM devices"
        ):
            try:
                records.append(DeviceRecord(info=DeviceInfo.model_validate_json(info), online=bool(online),
                                            state=json.loads(state), updated=updated, registered=registered))
                self._stored_info[records[-1].id] = records[-1].info
            except (ValidationError, ValueError) as exc:
                _LOGGER.warning("hub database: skipped device %s: %s", clip(str(device_id)), clip(str(exc)))
        return records

    def save(self, record: DeviceRecord) -> None:
        """Queue ``record`` for the next batch (registrations: the end of this burst of messages)."""
        known = record.id in self._known
        self._dirty[record.id] = record
        self._known.add(record.id)
        self._schedule(soon=not known)

    def delete(self, device_id: str) -> None:
        """Forget a device at the next flush."""
        self._dirty[device_id] = None
        self._schedule()

    def _schedule(self, *, soon: bool = False) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        if soon and not self._flush_soon:
            if self._flush_handle is not None:
                self._flush_handle.cancel()
            self._flush_handle, self._flush_soon = loop.call_soon(self.flush_later), True
        elif self._flush_handle is None:
            self._flush_handle = loop.call_later(FLUSH_DELAY, self.flush_later)

    def flush(self, command: CommandResult | None = None) -> None:
        """Write every queued change, and ``command`` if given, in one committed transaction."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        self._flush_handle, self._flush_soon = None, False
        if (not self._dirty and command is None) or self._closed:
            return
        dirty, self._dirty = self._dirty, {}
        try:
            self._write(dirty, command)
        except sqlite3.Error as exc:
            for device_id, record in dirty.items():  # kept for the next write: nothing the hub knows is lost
                self._dirty.setdefault(device_id, record)
            self._failed(exc)
        else:
            if self.failure is not None:
                _LOGGER.warning("hub database writable again (%s); what could not be written before is now",
                                self.path)
                self.failure = None

    def _write(self, dirty: dict[str, DeviceRecord | None], command: CommandResult | None) -> None:
        records = [r for r in dirty.values() if r is not None]
        same = [r for r in records if self._stored_info.get(r.id) is r.info]
        gone = [(device_id,) for device_id, r in dirty.items() if r is None]
        with self._db:
            self._db.execute("BEGIN")
            if same:
                updated = self._db.executemany(
                    "UPDATE devices SET online = ?, state = ?, updated = ?, registered = ? WHERE id = ?",
                    [(int(r.online), json.dumps(r.state, ensure_ascii=False), r.updated, r.registered, r.id)
                     for r in same]).rowcount
                if updated == len(same):
                    records = [r for r in records if self._stored_info.get(r.id) is not r.info]
            self._db.executemany(
                "INSERT OR REPLACE INTO devices (id, info, online, state, updated, registered) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(r.id, r.info.model_dump_json(by_alias=True), int(r.online), json.dumps(r.state, ensure_ascii=False),
                  r.updated, r.registered) for r in records])
            self._db.executemany("DELETE FROM devices WHERE id = ?", gone)
            if command is not None:
                self._db.execute(
                    "INSERT INTO commands (at, text, lang, reply, ok, actions) VALUES (?, ?, ?, ?, ?, ?)",
                    (time.time(), command.text, command.lang, command.reply, int(command.ok),
                     json.dumps([a.model_dump(exclude_none=True) for a in command.actions], ensure_ascii=False)),
                )
        for device_id, record in dirty.items():  # committed: the rows hold these registrations now
            if record is None:
                self._stored_info.pop(device_id, None)
            else:
                self._stored_info[device_id] = record.info

    def _failed(self, exc: sqlite3.Error) -> None:
        """Raise a one-line StoreError; log the first failure of a run of them (not one line per command)."""
        if self.failure is None:
            _LOGGER.error("could not write to hub database %s: %s; the hub goes on, without recording",
                          self.path, exc)
        self.failure = str(exc)
        raise StoreError(f"could not write to hub database {self.path}: {exc}") from None

    def flush_later(self) -> None:
        """``flush`` from a timer: a failure is logged (once) rather than raised into the event loop."""
        with contextlib.suppress(StoreError):
            self.flush()

    def commands(self, limit: int = 100) -> list[CommandResult]:
        """The most recent commands, oldest first."""
        rows = self._db.execute(
            "SELECT text, lang, reply, ok, actions FROM commands ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [CommandResult(text=t, lang=lang, reply=r, ok=bool(ok), actions=json.loads(a))
                for t, lang, r, ok, a in reversed(rows)]

    # ------------------------------------------------------------------ scenes and timers
    # Each write commits at once: a timer the user was told about survives kill -9, and one that fired is
    # gone (or moved to its next time) before its actions are sent, so it never fires twice.
    def scenes(self) -> list[Scene]:
        """Scenes created by voice or CLI; a row that no longer validates is skipped with a warning."""
        return self._rows("SELECT id, scene FROM scenes ORDER BY id", Scene)

    def save_scene(self, scene: Scene) -> None:
        """Store a user scene (replacing one with its id), committed before this returns."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO scenes VALUES (?, ?)", (scene.id, scene.model_dump_json()))

    def delete_scene(self, scene_id: str) -> None:
        """Delete a user scene, committed before this returns."""
        with self._db:
            self._db.execute("DELETE FROM scenes WHERE id = ?", (scene_id,))

    def timers(self) -> list[Timer]:
        """Every pending timer and schedule, soonest first, with its id."""
        return self._rows("SELECT id, timer FROM timers ORDER BY due, id", Timer, with_id=True)

    def add_timer(self, timer: Timer) -> Timer:
        """Store ``timer``; the stored copy, with its new id."""
        with self._db:
            cursor = self._db.execute("INSERT INTO timers (due, timer) VALUES (?, ?)",
                                      (timer.due, timer.model_dump_json()))
        return timer.model_copy(update={"id": int(cursor.lastrowid or 0)})

    def update_timer(self, timer: Timer) -> None:
        """Store a timer's new due time (a schedule moved on), committed before this returns."""
        with self._db:
            self._db.execute("UPDATE timers SET due = ?, timer = ? WHERE id = ?",
                             (timer.due, timer.model_dump_json(), timer.id))

    def delete_timer(self, timer_id: int) -> bool:
        """Remove a timer; False if there was none with that id."""
        with self._db:
            return self._db.execute("DELETE FROM timers WHERE id = ?", (timer_id,)).rowcount > 0

    def _rows(self, query: str, model: type[Any], *, with_id: bool = False) -> list[Any]:
        found = []
        for key, text in self._db.execute(query):
            try:
                item = model.model_validate_json(text)
            except ValidationError as exc:
                _LOGGER.warning("hub database: skipped %s %s: %s", model.__name__.lower(), key, exc)
                continue
            found.append(item.model_copy(update={"id": key}) if with_id else item)
        return found

    def close(self) -> None:
        """Write what is pending and close the database."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        self.flush_later()
        self._closed = True
        self._db.close()
