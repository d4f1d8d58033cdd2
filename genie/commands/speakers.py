"""``genie speakers list``: the speakers of the running hub's home, and the room each stands in."""

from __future__ import annotations

import argparse
from typing import Any

from genie.commands.common import EXIT_OK, home_id_arg, hub_call_args, json_text, text, url


def register(sub: Any) -> None:
    """Add ``genie speakers list``."""
    speakers = sub.add_parser("speakers", help="list the home's speakers and their rooms",
                              description="Speakers of the running hub's home (the home file's `speakers`): what "
                                          "`genie say --speaker ID` says to; \"关灯\" said to one acts in its room.")
    ssub = speakers.add_subparsers(dest="speakers_command", metavar="ACTION", required=True)
    slist = ssub.add_parser("list", help="list every speaker", description="List the home's speakers.")
    hub_call_args(slist)
    home_id_arg(slist)
    slist.set_defaults(handler=cmd_speakers)


async def cmd_speakers(args: argparse.Namespace) -> int:
    """Print the speakers (one line each, or JSON)."""
    from hub.client import list_automations

    found = await list_automations(url(args), timeout=args.timeout, home=args.home)
    if args.json:
        print(json_text(found.model_dump(by_alias=True, include={"speakers"})["speakers"]))
        return EXIT_OK
    if not found.speakers:
        print("no speakers in this home: the hub answers as one speaker with no room")
        return EXIT_OK
    for speaker in found.speakers:
        names = " / ".join(n for _lang, n in speaker.names.all()[:3])
        room = speaker.room_names.display("en") or speaker.room or "(no room)"
        print(text(f"{speaker.id:18} {room:14} {names}"))
    return EXIT_OK
