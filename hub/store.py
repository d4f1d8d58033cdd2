"""The hub's durable memory: the directory in SQLite (WAL), written in small batches."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path

from pydantic import ValidationError

from hub.directory import DeviceRecord
from hub.protocol import DeviceInfo

_LOGGER = logging.getLogger(__name__)

SCHEMA_VERSION = 1
FLUSH_DELAY = 0.2
"""Seconds a change may wait so that a burst (a discovery storm) becomes one transaction."""


class StoreError(RuntimeError):
    """The database cannot be used as it is; the message says why and what to do."""


class Store:
    """SQLite store of device records, keyed by device id."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"hub database {self.path} is not usable ({exc}); "
                             f"move it aside or pass --db with another path") from None
        self._dirty: dict[str, DeviceRecord | None] = {}
        self._closed = False
        self._flush_handle: asyncio.TimerHandle | None = None

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"hub database {self.path} has schema {version}, newer than this hub "
                             f"({SCHEMA_VERSION}); upgrade genie-sim or use another --db")
        if version < 1:
            self._db.executescript(
                """
                BEGIN;
                CREATE TABLE IF NOT EXISTS devices (
                    id TEXT PRIMARY KEY,
                    info TEXT NOT NULL,
                    online INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    updated REAL NOT NULL
                );
                PRAGMA user_version = 1;
                COMMIT;
                """
            )

    def load(self) -> list[DeviceRecord]:
        """Every stored record; a row that no longer validates is skipped with a warning."""
        records = []
        for device_id, info, online, state, updated in self._db.execute(
            "SELECT id, info, online, state, updated FROM devices"
        ):
            try:
                records.append(DeviceRecord(info=DeviceInfo.model_validate_json(info), online=bool(online),
                                            state=json.loads(state), updated=updated))
            except (ValidationError, ValueError) as exc:
                _LOGGER.warning("hub database: skipped device %s: %s", device_id, exc)
        return records

    def save(self, record: DeviceRecord) -> None:
        """Queue ``record`` for the next batch."""
        self._dirty[record.id] = record
        self._schedule()

    def delete(self, device_id: str) -> None:
        self._dirty[device_id] = None
        self._schedule()

    def _schedule(self) -> None:
        if self._flush_handle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self.flush()
                return
            self._flush_handle = loop.call_later(FLUSH_DELAY, self.flush)

    def flush(self) -> None:
        """Write every queued change in one transaction."""
        self._flush_handle = None
        if not self._dirty or self._closed:
            return
        dirty, self._dirty = self._dirty, {}
        rows = [
            (r.id, r.info.model_dump_json(by_alias=True), int(r.online), json.dumps(r.state, ensure_ascii=False),
             r.updated)
            for r in dirty.values() if r is not None
        ]
        gone = [(device_id,) for device_id, r in dirty.items() if r is None]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO devices VALUES (?, ?, ?, ?, ?)", rows)
            self._db.executemany("DELETE FROM devices WHERE id = ?", gone)

    def close(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        self.flush()
        self._closed = True
        self._db.close()
