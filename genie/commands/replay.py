"""``genie replay``: re-run a recorded session and report every outcome that differs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_FAILED, EXIT_OK, json_text


def register(sub: Any) -> None:
    """Add ``genie replay``."""
    replay = sub.add_parser("replay", help="re-run a recorded session and report any difference",
                            description="Start a fresh simulation of the recorded home (its own broker and "
                                        "database, simulated time following the recording), send the recorded "
                                        "commands at their recorded times, and report every command whose "
                                        "outcome (reply, success, per-device results) differs.")
    replay.add_argument("file", type=Path, help="a recording made with `genie up --record FILE`")
    replay.add_argument("--json", action="store_true", help="print the differences as JSON")
    replay.set_defaults(handler=cmd_replay)


async def cmd_replay(args: argparse.Namespace) -> int:
    """Replay the recording; print the differences (exit status 1 if any)."""
    from genie.record import Recording, replay

    recording = Recording.load(args.file)

    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\rreplayed {done}/{total} events", end="", file=sys.stderr, flush=True)

    differences = await replay(recording, progress)
    if args.json:
        print(json_text({"commands": len(recording.commands), "announcements": len(recording.announcements),
                         "differences": [d.__dict__ for d in differences]}, default=str))
    else:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        for d in differences:
            print(f"t={d.t:.1f}s  {d.text!r}: {d.field} was {d.recorded!r}, now {d.replayed!r}")
        print(f"{len(recording.commands)} commands and {len(recording.announcements)} announcements replayed, "
              f"{len({(d.t, d.text) for d in differences})} with a different outcome.")
    return EXIT_OK if not differences else EXIT_FAILED
