"""A device as a separate program for `genie certify --exec`: a built-in light logged in with the environment
certify gives (GENIE_BROKER, GENIE_USERNAME, GENIE_PASSWORD, GENIE_DEVICE_ID), until SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal

from devices.categories.light import Light
from devices.config import DeviceConfig
from devices.runner import DeviceRunner
from tests.certify.devices import login


async def main() -> None:
    """Run the light until SIGTERM, then say offline and leave."""
    device_id = os.environ["GENIE_DEVICE_ID"]
    runner = DeviceRunner(Light(DeviceConfig(id=device_id, category="light")),
                          login(os.environ["GENIE_BROKER"], os.environ["GENIE_USERNAME"], os.environ["GENIE_PASSWORD"]))
    task = asyncio.create_task(runner.run())
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    runner.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
