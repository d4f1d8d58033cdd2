"""``genie shard``: run one hub shard — a share of many homes' hubs — against a broker or cluster (docs/shards.md).

The homes list (``--homes FILE``) has one entry per line (a YAML list's ``- `` is allowed, ``#`` starts a
comment): a home id (a home with no file: no rooms, scenes or speakers of its own) or the path of a home file
(its ``id`` names the home; relative to the list's directory). Every shard of a group is given the same list.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_FAILED, EXIT_OK, broker_arg, json_text, stop_on_signals, text
from hub.errors import GenieError

HOME_FILE_SUFFIXES = (".yaml", ".yml")
KEEPALIVE = 15
"""The shard session's MQTT keepalive, seconds."""


class HomesListError(GenieError):
    """A homes list that cannot be used; the message names the file and line."""


def register(sub: Any) -> None:
    """Add ``genie shard``."""
    shard = sub.add_parser(
        "shard", help="run one hub shard: a share of many homes' hubs (several shards share the homes)",
        description="Run one hub shard until Ctrl-C: it serves its share of the homes in --homes (rendezvous "
                    "hashing over the live shards) on one MQTT session, takes over the homes of a shard that "
                    "dies, and hands homes to a shard that joins (docs/shards.md). `genie shard status` listens "
                    "to the shards' heartbeats and says who is alive and who owns which home.")
    shard.add_argument("action", nargs="?", choices=["status"],
                       help="status: list the live shards (and, with --homes, each home's owner), then exit")
    broker_arg(shard)
    shard.add_argument("--id", dest="shard_id", metavar="S",
                       help="this shard's id (a-z, 0-9, '_', '-'; its login is genie-shard-S); required to run")
    shard.add_argument("--homes", type=Path, metavar="FILE",
                       help="the homes the shards share: one home id or home file path per line; required to run")
    shard.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="where each home's hub database lives, shared by the shards (default: the data "
                            "directory's homes/)")
    shard.add_argument("--json", action="store_true", help="print one JSON object per event")
    timing = shard.add_argument_group("timing (seconds)")
    timing.add_argument("--interval", type=_seconds, default=1.0, help="between two heartbeats (default 1)")
    timing.add_argument("--expiry", type=_seconds, default=3.0,
                        help="without a heartbeat before a shard is taken for dead (default 3)")
    timing.add_argument("--grace", type=_seconds, default=1.0,
                        help="before taking a home another live shard is letting go (default 1)")
    timing.add_argument("--start-rate", type=_rate, default=100.0, metavar="N",
                        help="hubs started per second at most when taking many homes (default 100)")
    timing.add_argument("--window", type=_window, default=100, metavar="N",
                        help="hubs warming up at once at most: a hub leaves the window once its devices have "
                             "answered its discovery and gone quiet for a second (default 100)")
    status = shard.add_argument_group("status")
    status.add_argument("--as", dest="as_id", default="status", metavar="S",
                        help="the shard login status listens as, one no running shard uses (default: status, "
                             "i.e. genie-shard-status); it never beats, so it is never a member")
    status.add_argument("--listen", type=_seconds, default=2.5, help="seconds to listen for beats (default 2.5)")
    shard.set_defaults(handler=cmd_shard)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 60:
        raise argparse.ArgumentTypeError(f"{value!r}: give seconds between 0 and 60")
    return seconds


def _between_1_and_100000(convert: Callable[[str], float], what: str) -> Callable[[str], Any]:
    """An argparse type: ``convert`` of the value, refused in one line unless it is 1-100000 ``what``."""
    def parse(value: str) -> Any:
        try:
            number = convert(value)
        except ValueError:
            number = 0
        if not 1 <= number <= 100_000:
            raise argparse.ArgumentTypeError(f"{value!r}: give a number of {what}, 1-100000")
        return number
    return parse


_rate = _between_1_and_100000(float, "hubs per second")
_window = _between_1_and_100000(int, "hubs")


def _entries(path: Path) -> list[tuple[int, str]]:
    """The (line number, entry) pairs of a homes list."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HomesListError(f"homes list {path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    found = []
    for number, line in enumerate(lines, 1):
        entry = line.split("#", 1)[0].strip()
        entry = entry.removeprefix("- ").strip() if entry != "-" else ""
        if len(entry) > 1 and entry[0] == entry[-1] and entry[0] in "'\"":
            entry = entry[1:-1]
        if entry:
            found.append((number, entry))
    return found


def load_homes(path: Path) -> dict[str, Any]:
    """The homes of a homes list: home id -> what its hub runs (``Automations``, None for a bare id)."""
    from devices.home import HomeFileError, load_home
    from genie.homes import automations_of
    from hub.protocol import validate_home_id

    homes: dict[str, Any] = {}
    where: dict[str, int] = {}
    for number, entry in _entries(path):
        at = f"homes list {path} line {number}"
        if "/" in entry or entry.endswith(HOME_FILE_SUFFIXES):
            file = (path.parent / entry) if not Path(entry).is_absolute() else Path(entry)
            try:
                home = load_home(file)
                automations = automations_of(home, f"home file {file}")
            except HomeFileError as exc:
                raise HomesListError(f"{at}: {exc}") from None
            if home.id is None:
                raise HomesListError(f"{at}: home file {file} has no `id`: a shared home needs one")
            home_id = home.id
        else:
            try:
                home_id, automations = validate_home_id(entry), None
            except ValueError as exc:
                raise HomesListError(f"{at}: {exc}") from None
        if home_id in homes:
            raise HomesListError(f"{at}: home {home_id!r} is listed twice (also on line {where[home_id]})")
        homes[home_id], where[home_id] = automations, number
    if not homes:
        raise HomesListError(f"homes list {path}: no homes in it (one home id or home file per line)")
    return homes


class Progress:
    """Prints what the shard does: one line (or JSON object) per event."""

    def __init__(self, as_json: bool, shard: Any = None) -> None:
        self.as_json = as_json
        self.shard = shard
        self.started = time.monotonic()

    def __call__(self, event: dict[str, Any]) -> None:
        serving = len(self.shard.served) if self.shard is not None else 0
        members = self.shard.membership.live() if self.shard is not None else []
        if self.as_json:
            print(json_text({**event, "serving": serving, "members": event.get("members", members),
                             "t": round(time.monotonic() - self.started, 3)}), flush=True)
            return
        kind = event["event"]
        details = {
            "connected": "connected; listening for the other shards",
            "members": f"members {', '.join(event.get('members', []))}; owns {event.get('owned', 0)} homes",
            "took": f"took {len(event.get('homes', []))} homes ({_few(event.get('homes', []))}); "
                    f"{event.get('warming', 0)} warming up",
            "warm": f"{len(event.get('homes', []))} hubs heard their devices; {event.get('warming', 0)} warming up",
            "released": f"let go of {len(event.get('homes', []))} homes ({_few(event.get('homes', []))})",
            "expired": f"shard {event.get('shard')} went silent: dropped",
            "mismatch": f"warning: shard {event.get('shard')} has another homes list (digest {event.get('digest')})",
            "failed": f"home {event.get('home')}: {event.get('reason')}",
            "lost": f"session lost ({event.get('reason')}); every home let go, reconnecting",
            "cut_off": "its own heartbeats stopped coming back: letting every home go",
        }.get(kind, json.dumps(event))
        print(text(f"shard {event['shard']}: {details}; serving {serving}"), flush=True)


def _few(homes: list[str], shown: int = 5) -> str:
    return ", ".join(homes[:shown]) + (f" and {len(homes) - shown} more" if len(homes) > shown else "")


async def cmd_shard(args: argparse.Namespace) -> int:
    """Run the shard until Ctrl-C or SIGTERM."""
    from genie.app import connector, resolve_credentials
    from hub.paths import data_dir
    from hub.protocol.mqtt import BrokerURL
    from hub.shards.shard import Shard
    from hub.shards.wire import validate_shard_id

    if args.action == "status":
        return await _status(args)
    stop_on_signals()
    if args.shard_id is None or args.homes is None:
        raise GenieError("genie shard needs --id S and --homes FILE (or `genie shard status`)")
    try:
        shard_id = validate_shard_id(args.shard_id)
    except ValueError as exc:
        raise GenieError(str(exc)) from None
    homes = load_homes(args.homes)
    url = BrokerURL.from_env(args.broker)
    credentials = resolve_credentials(embedded=False, insecure=False, config=None)
    directory = args.data_dir or data_dir() / "homes"
    progress = Progress(args.json)
    # A long keepalive: the other shards find a silent one by its beats (--expiry); a killed one by its will, which
    # the broker sends when the connection closes. A shard busy with a discovery storm must not be cut for it.
    shard = Shard(shard_id, connector(url, credentials, keepalive=KEEPALIVE), homes, directory,
                  interval=args.interval, expiry=args.expiry, grace=args.grace, start_rate=args.start_rate,
                  window=args.window, on_event=progress)
    progress.shard = shard
    if not args.json:
        print(f"shard {shard_id}: {len(homes)} homes listed, broker {url}, data {directory}. Stop with Ctrl-C.",
              flush=True)
    try:
        await shard.run()
    except asyncio.CancelledError:
        pass
    finally:
        sys.stdout.flush()
    return EXIT_OK


async def _status(args: argparse.Namespace) -> int:
    """Listen to the shards' beats for ``--listen`` seconds; print the members (and each listed home's owner)."""
    import contextlib

    from genie.app import connector, resolve_credentials
    from hub.protocol import ProtocolError, Topics
    from hub.protocol.mqtt import BrokerURL
    from hub.shards.assign import owner
    from hub.shards.shard import shard_client_id
    from hub.shards.wire import Beat, decode_beat, shards_filter

    homes = load_homes(args.homes) if args.homes is not None else {}
    try:
        login = shard_client_id(args.as_id)
    except ValueError as exc:
        raise GenieError(str(exc)) from None
    url = BrokerURL.from_env(args.broker)
    beats: dict[str, Beat] = {}
    async with connector(url, resolve_credentials(embedded=False, insecure=False, config=None))(login, None) as conn:
        await conn.subscribe(shards_filter(Topics()))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.listen):
                async for message in conn.messages():
                    try:
                        beat = decode_beat(message.payload)
                    except ProtocolError:
                        continue
                    if beat.alive:
                        beats[beat.shard] = beat
                    else:
                        beats.pop(beat.shard, None)
    members = sorted(beats)
    owners = {home: owner(home, members) for home in homes}
    if args.json:
        print(json_text({"members": [beats[m].model_dump(include={"shard", "owned", "homes", "digest", "interval"})
                                     for m in members], "owners": owners}))
    elif not members:
        print(f"no shard heard on {url} within {args.listen:g} s")
    else:
        for member in members:
            beat = beats[member]
            print(text(f"shard {member}: serving {beat.owned} of {beat.homes} homes listed (list {beat.digest})"))
        for home, shard in owners.items():
            print(text(f"  {home:24} {shard}"))
    return EXIT_OK if members else EXIT_FAILED
