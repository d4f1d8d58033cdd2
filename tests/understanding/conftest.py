"""The demo home, running in full on the in-memory bus, for the understanding suite (as tests/hub does)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.hub.conftest import DemoHome


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[DemoHome]:
    """A fresh demo home (19 devices, 6 rooms) with its hub; everything it started is stopped after."""
    home = DemoHome(tmp_path / "hub.db")
    try:
        await home.up()
        yield home
    finally:
        await home.down()
    for _ in range(5):  # a few loop turns let cancelled children finish
        await asyncio.sleep(0)
    leftover = [t.get_name() for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftover == []
