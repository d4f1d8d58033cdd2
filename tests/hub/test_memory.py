"""hub.memory.settle: the freeze comes once no device has come, left or been renamed for the quiet time (state
changes do not hold it back), or at the limit; then a full collection no longer scans what the hub keeps."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from hub.directory import Directory
from hub.memory import YOUNG, settle
from hub.protocol import DeviceInfo, Property


def _info(device_id: str) -> DeviceInfo:
    return DeviceInfo(device_id=device_id, device_name=device_id, device_type="light", brand="b", model="m")


@pytest.fixture
def collector() -> Iterator[None]:
    """The process's collector as it was: unfrozen, its thresholds back."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


async def test_a_new_device_holds_the_freeze_back_a_change_of_state_does_not(collector: None) -> None:
    directory = Directory()
    directory.register(_info("lamp-1"))
    directory.update_state("lamp-1", [Property(name="powerstate", value=1)])
    settling = asyncio.create_task(settle([directory], quiet=1.0, limit=30))
    for k in range(5):  # a device registering every 0.1 s keeps it waiting
        await asyncio.sleep(0.1)  # the pace of the changes the test makes, not a synchronisation
        directory.register(_info(f"lamp-{k + 2}"))
        assert not settling.done() and gc.get_freeze_count() == 0
    async with asyncio.timeout(10):
        while not settling.done():  # states keep changing: it still settles
            directory.update_state("lamp-1", [Property(name="powerstate", value=len(directory) % 2)])
            await asyncio.sleep(0.05)  # as above
    await settling
    assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] == YOUNG
    assert directory.listeners == []  # it let go of the directory


async def test_a_directory_that_never_settles_is_frozen_at_the_limit(collector: None) -> None:
    directory = Directory()
    settling = asyncio.create_task(settle([directory], quiet=5, limit=0.5))
    async with asyncio.timeout(10):
        k = 0
        while not settling.done():
            k += 1
            directory.register(_info(f"lamp-{k}"))
            await asyncio.sleep(0.05)  # as above
    await settling
    assert gc.get_freeze_count() > 0 and directory.listeners == []

