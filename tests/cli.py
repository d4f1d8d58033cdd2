"""Running the `genie` command as a user would: a real process, its exit code and output."""

from __future__ import annotations

import asyncio
import os
import sys

GENIE = [sys.executable, "-m", "genie"]


async def genie(*args: str, timeout: float = 30, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `genie ARGS` to completion; return (exit code, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        *GENIE, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    try:
        async with asyncio.timeout(timeout):
            out, err = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode or 0, out.decode(), err.decode()
