"""The hub database's integrity and privacy: a damaged file is refused untouched, the files are 0600, and a
write that fails while the hub runs is said, not turned into a failed command."""

from __future__ import annotations

import sqlite3
import stat
import time
from pathlib import Path

import pytest

from hub.directory import DeviceRecord
from hub.protocol import ActionResult, CommandResult, DeviceInfo
from hub.store import Store, StoreError


def record(device_id: str) -> DeviceRecord:
    info = DeviceInfo(device_id=device_id, device_name="灯", device_type="light", brand="Yeelight", model="m")
    return DeviceRecord(info=info, online=True, state={"powerstate": "on", "brightness": 40})


def command(n: int) -> CommandResult:
    return CommandResult(text=f"打开台灯 {n}", lang="zh", reply="好的，台灯已打开。", ok=True,
                         actions=[ActionResult(device="lamp", action="TurnOn", params={"powerstate": "on"})])


def filled(path: Path, devices: int, commands: int) -> None:
    """A real hub database with ``devices`` devices and ``commands`` commands, closed cleanly."""
    store = Store(path)
    for i in range(devices):
        store.save(record(f"lamp-{i}"))
    store.flush()
    for i in range(commands):
        store.flush(command=command(i))
    store.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    store = Store(path)
    store.save(record("lamp"))
    store.flush(command=command(1))
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    assert wal.exists() and shm.exists()
    assert {p.name: mode(p) for p in (path, wal, shm)} == {p.name: 0o600 for p in (path, wal, shm)}
    store.close()
    # a database an older hub left world-readable is made private when it is opened again
    path.chmod(0o644)
    store = Store(path)
    store.flush(command=command(2))
    assert {p.name: mode(p) for p in (path, wal, shm)} == {p.name: 0o600 for p in (path, wal, shm)}
    store.close()


def test_a_database_whose_last_page_is_overwritten_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    filled(path, devices=50, commands=500)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[-page:] = bytes((i * 7 + 13) % 256 for i in range(page))  # garbage, as a torn or stray write leaves
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as error:
        Store(path)
    message = str(error.value)
    assert "\n" not in message
    assert str(path) in message and "damaged" in message and "move it aside" in message
    assert path.read_bytes() == bytes(data)


def test_the_integrity_check_is_cheap_on_a_large_database(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    filled(path, devices=1_000, commands=10_000)
    started = time.perf_counter()
    store = Store(path)
    opened = time.perf_counter() - started
    assert len(store.load()) == 1_000 and len(store.commands(limit=10_000)) == 10_000
    store.close()
    print(f"\nopening (with quick_check) a {path.stat().st_size / 1e6:.1f} MB database of 1,000 devices and "
          f"10,000 commands: {opened * 1000:.0f} ms")
    assert opened < 2.0


def test_a_failed_write_says_so_keeps_the_changes_and_recovers(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "hub.db"
    store = Store(path)
    with sqlite3.connect(path) as other:  # another process makes every write of the log fail
        other.execute("CREATE TRIGGER full BEFORE INSERT ON commands BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
    store.save(record("lamp"))
    for n in (1, 2):
        with pytest.raises(StoreError, match=r"could not write to hub database .*disk is full"):
            store.flush(command=command(n))
    assert [r.message for r in caplog.records if r.levelname == "ERROR"] == [
        f"could not write to hub database {path}: disk is full; the hub goes on, without recording"]
    with sqlite3.connect(path) as other:
        other.execute("DROP TRIGGER full")
    store.flush(command=command(3))
    assert [c.text for c in store.commands()] == ["打开台灯 3"]
    assert [r.id for r in store.load()] == ["lamp"]  # the device change that failed with the command was kept
    assert "hub database writable again" in caplog.text
    store.close()


@pytest.mark.e2e
async def test_a_command_done_but_not_recorded_says_both(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The store fails after open (another process makes every insert into the log fail): `genie say`'s
    path over the real broker reports the command carried out, and that it could not be recorded."""
    from devices.home import load_home
    from genie.app import run_stack
    from hub.client import say
    from hub.security import CLIENT_USER, Credentials
    from tests.brokers import amqtt_broker

    path = tmp_path / "hub.db"
    async with amqtt_broker(Credentials.generate()) as broker, \
            run_stack(home=load_home(), broker_url=str(broker.url), credentials=broker.credentials, db=path,
                      ready_timeout=20) as running:
        assert running.hub is not None
        with sqlite3.connect(path) as other:
            other.execute("CREATE TRIGGER full BEFORE INSERT ON commands "
                          "BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
        client = broker.as_user(CLIENT_USER)
        first = await say(client, "打开台灯", timeout=10)
        assert first.ok and [a.result for a in first.actions] == ["SUCCESS"]
        assert first.reply.startswith("好的") and "已执行，但未能记入记录" in first.reply
        assert running.hub.directory.get("desk-lamp").state["powerstate"] == "on"  # type: ignore[union-attr]
        second = await say(client, "turn off the desk lamp", timeout=10)
        assert second.ok and "done, but the hub could not record it" in second.reply
        errors = [r for r in caplog.records if r.levelname == "ERROR"]
        assert len(errors) == 1 and "could not write to hub database" in errors[0].getMessage()
        with sqlite3.connect(path) as other:
            other.execute("DROP TRIGGER full")
        third = await say(client, "allume la lampe de bureau", timeout=10)
        assert third.ok and "enregistr" not in third.reply
        assert [c.text for c in running.hub.store.commands()] == ["allume la lampe de bureau"]  # type: ignore[union-attr]
