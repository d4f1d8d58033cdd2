"""``genie home``: reset every device of the running home, or check a home file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_OK, home_id_arg, hub_call_args, json_text, load_home, print_result, text, url


def register(sub: Any) -> None:
    """Add ``genie home reset|check``."""
    home = sub.add_parser("home", help="act on the whole home", description="Act on the whole home.")
    hsub = home.add_subparsers(dest="home_command", metavar="ACTION", required=True)
    reset = hsub.add_parser("reset", help="put every device back to the home file's initial state",
                            description="Ask the hub to reset every device to its initial state.")
    hub_call_args(reset)
    home_id_arg(reset)
    reset.set_defaults(handler=cmd_reset)
    check = hsub.add_parser("check", help="validate a home file and print what it holds",
                            description="Validate a home file; errors name the entry and field.")
    check.add_argument("file", type=Path, nargs="?", help="home file (default: the built-in demo home)")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(handler=cmd_check)


async def cmd_reset(args: argparse.Namespace) -> int:
    """Ask the hub to put every device back to its initial state."""
    from hub.client import reset_home

    return print_result(args, await reset_home(url(args), timeout=args.timeout, home=args.home))


async def cmd_check(args: argparse.Namespace) -> int:
    """Validate the home file; print its rooms and devices (or all of it as JSON)."""
    home = load_home(args.file)
    if args.json:
        print(json_text(home.model_dump(mode="json"), indent=2))
    else:
        named = f" (home id {home.id})" if home.id else ""
        print(text(f"{args.file or 'built-in demo home'}{named}: OK — {len(home.rooms)} rooms, "
                   f"{len(home.devices)} devices"))
        for room in home.rooms:
            members = [d.id for d in home.devices if d.room == room.id]
            print(text(f"  {room.id:10} {room.names.display('zh')} / {room.names.display('en')}: "
                       f"{', '.join(members)}"))
    return EXIT_OK
