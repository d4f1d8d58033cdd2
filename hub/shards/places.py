"""Where each home's hub keeps its data under the shards' shared data directory, and who holds it.

Home ``H`` has ``DIR/H.db`` (the hub's SQLite store: directory, command log, scenes, timers) and ``DIR/H.lock``,
which a shard holds — an exclusive ``flock`` — for as long as it serves the home: from before it opens the
database until after it has closed it. A second shard that wants the home (it thinks it owns it, while the old
owner is still letting go) cannot take the lock and tries again later, so the database is never open in two
shards at once, and neither is the home served twice by shards sharing the directory. The kernel drops the lock
of a process that dies, ``kill -9`` included. On a shared filesystem the lock is as good as its ``flock``
(NFSv4: yes; some others: no — docs/shards.md).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from hub.protocol import validate_home_id


class HomeLock:
    """The exclusive hold of one home's data (an open, ``flock``-ed lock file)."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        """True until ``release``."""
        return self._fd is not None

    def release(self) -> None:
        """Let go of the home (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


class Places:
    """The per-home files under one data directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def db(self, home_id: str) -> Path:
        """Home ``home_id``'s hub database."""
        return self.directory / f"{validate_home_id(home_id)}.db"

    def lock_path(self, home_id: str) -> Path:
        """Home ``home_id``'s lock file."""
        return self.directory / f"{validate_home_id(home_id)}.lock"

    def try_lock(self, home_id: str) -> HomeLock | None:
        """Hold home ``home_id``'s data, or None when another process holds it now."""
        path = self.lock_path(home_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        return HomeLock(path, fd)
