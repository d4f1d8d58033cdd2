"""A device's outbox when its session is ending: a report queued as the session's task group closes is dropped
(the next session announces the whole state again) without leaving a coroutine that is never awaited (coverage
runs printed "coroutine 'DeviceRunner._send_outbox' was never awaited")."""

from __future__ import annotations

import gc
import warnings

from devices.categories.light import Light
from devices.config import DeviceConfig
from devices.runner import DeviceRunner
from hub.protocol import Property


class _ClosingGroup:
    """A task group that is shutting down: it refuses new tasks, as asyncio.TaskGroup does then."""

    def create_task(self, coro: object, name: str | None = None) -> None:
        raise RuntimeError("TaskGroup is shutting down")


async def test_a_report_queued_while_the_session_ends_leaves_no_unawaited_coroutine() -> None:
    runner = DeviceRunner(Light(DeviceConfig(id="lamp", category="light")), connect=None)  # type: ignore[arg-type]
    runner._group = _ClosingGroup()  # type: ignore[assignment]
    runner._conn = object()  # type: ignore[assignment]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        runner._report([Property(name="powerstate", value="on")], "command")
        gc.collect()
    assert runner._sender is None
    assert not [w for w in seen if "never awaited" in str(w.message)], [str(w.message) for w in seen]
