"""The SQLite store: versioned migrations, refusal of what it cannot read, the command log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hub.directory import DeviceRecord
from hub.protocol import ActionResult, CommandResult, DeviceInfo
from hub.store import SCHEMA_VERSION, Store, StoreError


def record(device_id: str = "lamp") -> DeviceRecord:
    info = DeviceInfo(device_id=device_id, device_name="灯", device_type="light", brand="Yeelight", model="m")
    return DeviceRecord(info=info, online=True, state={"powerstate": "on"})


def test_a_new_database_gets_the_current_schema(tmp_path: Path) -> None:
    store = Store(tmp_path / "hub.db")
    store.close()
    with sqlite3.connect(tmp_path / "hub.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_version_1_database_is_migrated_and_keeps_its_devices(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE devices (id TEXT PRIMARY KEY, info TEXT NOT NULL, online INTEGER NOT NULL, "
            "state TEXT NOT NULL, updated REAL NOT NULL); PRAGMA user_version = 1;"
        )
        rec = record()
        db.execute("INSERT INTO devices VALUES (?, ?, 1, ?, 0)",
                   (rec.id, rec.info.model_dump_json(by_alias=True), '{"powerstate": "off"}'))
    store = Store(path)
    assert [(r.id, r.state) for r in store.load()] == [("lamp", {"powerstate": "off"})]
    assert store.commands() == []
    store.close()


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 2000])
def test_a_corrupt_database_is_reported_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hub.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="is not usable") as error:
        Store(path)
    assert str(path) in str(error.value)
    assert path.read_bytes() == content


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match=f"schema {SCHEMA_VERSION + 1}, newer than this hub"):
        Store(path)
    assert path.read_bytes() == before


def test_a_command_and_the_changes_before_it_commit_together(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    store = Store(path)
    store.save(record())
    result = CommandResult(text="打开台灯", lang="zh", reply="好的，台灯已打开。", ok=True,
                           actions=[ActionResult(device="lamp", action="TurnOn", params={"powerstate": "on"})])
    store.flush(command=result)
    # Another connection (a restarted hub) sees both at once: nothing waits in memory.
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT text, ok FROM commands").fetchall() == [("打开台灯", 1)]
        assert db.execute("SELECT id FROM devices").fetchall() == [("lamp",)]
    assert Store(path).commands() == [result]
    store.close()


def test_first_registration_is_stored_and_an_older_database_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    with sqlite3.connect(path) as db:  # what a hub of schema 3 left: no first-registration column
        from hub.store import MIGRATIONS

        db.executescript("".join(MIGRATIONS[:3]) + "PRAGMA user_version = 3;")
        rec = record("old-lamp")
        db.execute("INSERT INTO devices VALUES (?, ?, 1, '{}', 0)", (rec.id, rec.info.model_dump_json(by_alias=True)))
    store = Store(path)
    (old,) = store.load()
    assert (old.id, old.registered) == ("old-lamp", None)  # unknown, not made up
    new = record("new-lamp")
    new.registered = 1_700_000_000.5
    store.save(new)
    store.close()
    assert {r.id: r.registered for r in Store(path).load()} == {"old-lamp": None, "new-lamp": 1_700_000_000.5}


def test_a_stored_device_that_no_longer_validates_is_skipped_with_one_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A device an older hub stored with an escape sequence in its name (now malformed) is skipped, and the
    warning is one line that writes the escape out."""
    path = tmp_path / "hub.db"
    store = Store(path)
    store.save(record("good"))
    store.save(record("bad"))
    store.flush()
    store.close()
    with sqlite3.connect(path) as db:
        (info,) = db.execute("SELECT info FROM devices WHERE id = 'bad'").fetchone()
        db.execute("UPDATE devices SET info = ? WHERE id = 'bad'", (info.replace("灯", "灯\\u001b[2J"),))
    reopened = Store(path)
    assert [r.info.device_id for r in reopened.load()] == ["good"]
    reopened.close()
    (warning,) = [r.getMessage() for r in caplog.records if "skipped device" in r.getMessage()]
    assert "\n" not in warning and "\x1b" not in warning and "\\x1b" in warning, warning
