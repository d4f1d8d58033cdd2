"""A serial job runner for hub extensions: their callbacks are synchronous, their work is not.

``Hub`` calls an extension's ``on_message`` and the directory calls its listeners synchronously; what
they trigger (publishing, sending directives) is asynchronous and must happen in order. A
``SerialWorker`` owns one task that runs submitted jobs one after the other; ``aclose`` cancels it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

_LOGGER = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class SerialWorker:
    """Runs jobs in submission order on one task; a failing job is logged and the next one runs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def submit(self, job: Job) -> None:
        """Queue ``job``; it runs once the worker is started (``start``), after those queued before it."""
        self._queue.put_nowait(job)

    def start(self) -> None:
        """Start the worker task if it is not running (call from inside the event loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def join(self) -> None:
        """Return once every job submitted so far has run (tests await this instead of sleeping)."""
        await self._queue.join()

    async def aclose(self) -> None:
        """Stop the worker task; queued jobs are dropped."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()

    async def _run(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await job()
            except ConnectionError as exc:  # the hub is between sessions; on_connect republishes
                _LOGGER.debug("%s: %s", self.name, exc)
            except Exception:  # one bad job must not stop the ones after it
                _LOGGER.exception("%s: job failed", self.name)
            finally:
                self._queue.task_done()
