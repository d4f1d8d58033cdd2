"""``genie say``: a text command to the running hub, its reply printed (or spoken); ``genie listen``: what the
hub says unasked."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_FAILED, EXIT_OK, EXIT_STATUS, broker_arg, home_id_arg, json_text, text, url
from hub.errors import BadInput
from hub.language import LANGUAGES


def register(sub: Any) -> None:
    """Add ``genie say``."""
    say = sub.add_parser("say", help="send a text command to the hub and print its reply",
                         description="Send a text command (Chinese, English or French, at most 1,000 characters) "
                                     "to the running hub.", epilog=EXIT_STATUS)
    say.add_argument("text", nargs="+", help='the command, e.g. "打开客厅的灯" or "turn off the tv"')
    broker_arg(say)
    home_id_arg(say)
    say.add_argument("--json", action="store_true",
                     help='print {"text", "lang", "reply", "ok", "actions": [...]} as JSON')
    say.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for the reply")
    say.add_argument("--lang", choices=LANGUAGES, help="force the language (default: detected)")
    say.add_argument("--session", metavar="NAME",
                     help="conversation to continue (default: yours on this machine, so follow-ups such as "
                          "\"再亮一点\" or an answer to the hub's question work across calls)")
    say.add_argument("--speaker", metavar="ID",
                     help="the speaker it is said to (genie speakers list): its room is where \"关灯\" acts, its "
                          "conversation is continued (default: the hub as one speaker with no room)")
    say.add_argument("--speak", action="store_true",
                     help="also speak the reply with espeak-ng (a WAV file when there is no audio output)")
    say.add_argument("--wav", type=Path, metavar="FILE", help="with --speak: write the spoken reply to FILE")
    say.set_defaults(handler=cmd_say)


def register_listen(sub: Any) -> None:
    """Add ``genie listen``."""
    listen = sub.add_parser("listen", help="print what the hub says unasked (timers firing, routines)",
                            description="Print every announcement of the hub (a timer that fired, a routine "
                                        "that ran) until Ctrl-C or --count.")
    broker_arg(listen)
    home_id_arg(listen)
    listen.add_argument("--json", action="store_true", help="print one JSON object per line")
    listen.add_argument("--count", type=int, metavar="N", help="stop after N announcements")
    listen.add_argument("--speaker", metavar="ID",
                        help="only what this speaker says: its own timers and what every speaker says")
    listen.set_defaults(handler=cmd_listen)


async def cmd_say(args: argparse.Namespace) -> int:
    """Send the text, print the reply (and speak it with --speak)."""
    from hub.client import say

    said = " ".join(args.text)
    check_text(said)
    session = args.session or (None if args.speaker else _default_session())  # a speaker keeps its own
    result = await say(url(args), said, lang=args.lang, timeout=args.timeout, session=session, home=args.home,
                       speaker=args.speaker)
    if args.json:
        print(json_text(result.model_dump(by_alias=True, exclude_none=True)))
    else:
        print(text(result.reply))
    if args.speak:
        from hub.interop.voice import speak

        speech = await speak(result.reply, result.lang, wav=args.wav)
        print(speech.describe(), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def check_text(said: str) -> None:
    """BadInput unless the hub can take ``said`` (the wire protocol's limit, not a copy of it)."""
    from hub.protocol.messages import HubRequestPayload

    limit = next(m.max_length for m in HubRequestPayload.model_fields["text"].metadata if hasattr(m, "max_length"))
    if not said.strip():
        raise BadInput("nothing to say: the text is empty")
    if len(said) > limit:
        raise BadInput(f"the text is {len(said):,} characters long; the hub takes at most {limit:,}")


def _default_session() -> str:
    import getpass
    import re

    return "cli-" + re.sub(r"[^A-Za-z0-9_.@-]", "_", getpass.getuser())[:40]


async def cmd_listen(args: argparse.Namespace) -> int:
    """Print the hub's announcements until Ctrl-C or --count."""
    from hub.client import announcements

    heard = 0
    broker = url(args)

    def listening() -> None:
        print(f"listening to the hub on {broker} (Ctrl-C to stop)", file=sys.stderr, flush=True)

    async for said in announcements(broker, listening=listening, home=args.home):
        if args.speaker is not None and said.speaker not in (None, args.speaker):
            continue  # a timer set on another speaker is said there
        if args.json:
            print(json_text(said.model_dump(by_alias=True, exclude_none=True)), flush=True)
        else:
            print(text(f"[{said.source} {said.id}] {said.text}"), flush=True)
        heard += 1
        if args.count is not None and heard >= args.count:
            break
    return EXIT_OK
