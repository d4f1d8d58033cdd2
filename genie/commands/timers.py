"""``genie timers``: list or cancel the running hub's timers and schedules."""

from __future__ import annotations

import argparse
from typing import Any

from genie.commands.common import EXIT_OK, home_id_arg, hub_call_args, json_text, print_result, text, url


def register(sub: Any) -> None:
    """Add ``genie timers list|cancel``."""
    timers = sub.add_parser("timers", help="list or cancel timers and schedules",
                            description="Timers (\"十分钟后关灯\") and schedules (\"every weekday at 7\") of the "
                                        "running hub (docs/time.md).")
    tsub = timers.add_subparsers(dest="timers_command", metavar="ACTION", required=True)
    tlist = tsub.add_parser("list", help="list pending timers and schedules",
                            description="List pending timers and schedules, soonest first, with their ids.")
    tcancel = tsub.add_parser("cancel", help="cancel a timer or schedule by id",
                              description="Cancel a timer or schedule (ids from `genie timers list`).")
    tcancel.add_argument("id", type=int, help="the timer's id")
    for parser in (tlist, tcancel):
        hub_call_args(parser)
        home_id_arg(parser)
        parser.set_defaults(handler=cmd_timers)


async def cmd_timers(args: argparse.Namespace) -> int:
    """List the pending timers and schedules, or cancel one."""
    from hub.client import automation_request, list_automations
    from hub.protocol.text import printable

    if args.timers_command == "cancel":
        result = await automation_request(url(args), "CancelTimer", str(args.id), timeout=args.timeout,
                                          home=args.home)
        return print_result(args, result)
    found = await list_automations(url(args), timeout=args.timeout, home=args.home)
    if args.json:
        print(json_text(found.model_dump(by_alias=True, include={"timers", "now"})))
        return EXIT_OK
    if not found.timers:
        print(text(f"no timers (hub time {found.now})"))
    for timer in found.timers:
        print(f"{timer.id:4}  {timer.at}  {printable(timer.repeat or 'once'):16} {printable(timer.text)}")
    return EXIT_OK
