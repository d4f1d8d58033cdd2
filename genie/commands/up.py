"""``genie up``: the embedded broker (or another), the hub and the home's devices at once, until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_OK, INSECURE_WARNING, broker_arg, json_text, stop_on_signals, until_stopped
from genie.commands.hub import DEFAULT_HTTP_PORT, dashboard, dashboard_error, http_args, interop, interop_args
from hub.errors import GenieError


def register(sub: Any) -> None:
    """Add ``genie up``."""
    up = sub.add_parser("up", help="start broker, hub and the home's devices (Ctrl-C stops all)",
                        description="Start the embedded MQTT broker (unless --broker or $GENIE_BROKER names "
                                    "another), the hub and every device of the home file, then wait until Ctrl-C "
                                    "or SIGTERM. The start-up summary says which broker is used.")
    up.add_argument("--home", type=Path, metavar="FILE", action="append",
                    help="home file (YAML); default: the built-in demo home. Give it again to serve several homes "
                         "from this one process, each with its own `id`, topics and logins "
                         "(then: genie say --home ID ...)")
    broker_arg(up, otherwise="an embedded broker, as do --host, --port, --config or --insecure")
    up.add_argument("--host", help="address the embedded broker listens on (default from broker.conf: 127.0.0.1)")
    up.add_argument("--port", type=int, help="port of the embedded broker (default from broker.conf: 1883)")
    up.add_argument("--config", type=Path, metavar="FILE", help="broker config (default: broker.conf)")
    up.add_argument("--db", type=Path, metavar="PATH", help="hub database (default: the user's data directory)")
    up.add_argument("--json", action="store_true", help="print the start-up summary as JSON")
    up.add_argument("--random", type=int, metavar="N", help="instead of a home file: N devices of many brands "
                                                            "from the brand registry")
    up.add_argument("--seed", type=int, default=0, help="with --random: the seed of the mix (default 0)")
    up.add_argument("--speed", type=float, default=1.0, metavar="X",
                    help="run simulated time X times faster (curtains, AC drift, vacuums, batteries, sensors)")
    up.add_argument("--record", type=Path, metavar="FILE",
                    help="write every command, directive, reply and state change to FILE (JSON lines) "
                         "for `genie replay`")
    up.add_argument("--insecure", action="store_true",
                    help="let the embedded broker accept anyone, with no credentials and no topic ACL")
    interop_args(up)
    http_args(up, default=DEFAULT_HTTP_PORT)
    up.set_defaults(handler=cmd_up)


async def cmd_up(args: argparse.Namespace) -> int:
    """Start everything, say what runs where, wait for Ctrl-C or SIGTERM, stop everything."""
    from genie.app import default_db_path
    from genie.homes import check_interop, run_homes
    from hub.clock import RealClock
    from hub.web import DashboardError

    stop_on_signals()
    homes = _homes(args)
    home = homes[0]
    check_interop(homes, interop(args))
    db = args.db or default_db_path()
    broker_url, broker_from = _up_broker(args)
    if args.speed <= 0 or args.speed > 10_000:
        raise GenieError("--speed must be greater than 0 and at most 10000")
    clock = RealClock(args.speed)
    recorder = None
    try:
        async with run_homes(homes, broker_url=broker_url, broker_config=args.config, host=args.host,
                             port=args.port, db=db, insecure=args.insecure, clock=clock,
                             interop=interop(args)) as stacks, _dashboards(args, homes, stacks) as dashboards:
            running, served = stacks[0], dashboards[0]
            if args.record is not None:
                from genie.record import Recorder

                assert running.hub is not None
                recorder = Recorder(args.record, running.hub, home, clock)
            if args.insecure and running.embedded is not None:
                print(INSECURE_WARNING.format(where=running.broker_url), file=sys.stderr, flush=True)
            summary = _summary(args, running, served, home, db, broker_from)
            summary["homes"] = _homes_summary(args, homes, stacks, db)
            for entry, board in zip(summary["homes"], dashboards, strict=True):
                entry["dashboard"] = board.url if board is not None else None
            if args.json:
                print(json_text(summary), flush=True)
            else:
                _print_summary(args, running, served, summary)
            await until_stopped(s.hub for s in stacks)
    except asyncio.CancelledError:
        pass
    except DashboardError as exc:
        raise dashboard_error(exc) from None
    finally:
        if recorder is not None:
            recorder.close()
            print(f"recorded {recorder.lines} lines to {args.record}; replay with: genie replay {args.record}",
                  file=sys.stderr)
    if not args.json:
        print("Genie Sim stopped.", file=sys.stderr)
    return EXIT_OK


def _homes(args: argparse.Namespace) -> list[Any]:
    """The homes to serve: one (a file, the built-in demo, a fleet from the registry) or several files."""
    from genie.commands.common import load_home
    from genie.fleet import fleet_home
    from genie.homes import check_homes

    paths: list[Path] = args.home or []
    args.home_files = paths
    if len(paths) <= 1:
        args.home = paths[0] if paths else None
        return [fleet_home(args)]
    if args.random is not None:
        raise GenieError("give either --home or --random, not both")
    homes = [load_home(path) for path in paths]
    check_homes(homes, [f"home file {path}" for path in paths])
    args.home = paths[0]
    return homes


@contextlib.asynccontextmanager
async def _dashboards(args: argparse.Namespace, homes: list[Any], stacks: list[Any]) -> AsyncIterator[list[Any]]:
    """A dashboard per home (the first on --http's port, the others on any free one), each with the home
    switcher listing them all; Nones when there is to be none."""
    from hub.web import HomeLinks

    links: list[tuple[str | None, str]] = []
    async with contextlib.AsyncExitStack() as stack:
        served = []
        for index, (home, running) in enumerate(zip(homes, stacks, strict=True)):
            port = None if index == 0 else 0
            board = await stack.enter_async_context(dashboard(args, running.hub, port=port,
                                                              homes=HomeLinks(links, home.id)))
            if board is not None:
                links.append((home.id, board.base_url))
            served.append(board)
        yield served


def _homes_summary(args: argparse.Namespace, homes: list[Any], stacks: list[Any], db: Path) -> list[dict[str, Any]]:
    """Each home served: its id (None: the broker's default tree), file, rooms, devices online and database."""
    from genie.homes import home_db

    files = args.home_files or [None]
    return [{"id": home.id, "home": str(file) if file else None, "rooms": len(home.rooms),
             "devices": len(running.runners), "database": str(home_db(db, home.id, len(homes) > 1))}
            for home, running, file in zip(homes, stacks, files, strict=True)]


def _summary(args: argparse.Namespace, running: Any, served: Any, home: Any, db: Path,
             broker_from: str) -> dict[str, Any]:
    """What runs where (the ``--json`` start-up summary)."""
    return {
        "broker": str(running.broker_url),
        "embedded": running.embedded is not None,
        "broker_from": broker_from,
        "database": str(db),
        "home": str(args.home or (f"random fleet of {args.random} devices, seed {args.seed}"
                                  if args.random else "built-in demo home")),
        "rooms": len(home.rooms),
        "devices": len(running.runners),
        "ready_seconds": round(running.ready_seconds, 3),
        "authenticated": running.credentials is not None,
        "speed": args.speed,
        "recording": str(args.record) if args.record else None,
        "dashboard": served.url if served is not None else None,
    }


def _print_summary(args: argparse.Namespace, running: Any, served: Any, summary: dict[str, Any]) -> None:
    """The start-up summary for a person: what runs where, and what to say to it."""
    from hub.interop.wiring import neighbour_logins
    from hub.paths import credentials_path, data_dir

    url = summary["broker"]
    env = "" if url == "mqtt://127.0.0.1:1883" else f"GENIE_BROKER={url} "
    kind = "embedded amqtt" if running.embedded else f"external, from {summary['broker_from']}"
    if running.credentials is not None:
        kind += f"; credentials in {credentials_path()}"
    else:
        kind += "; no authentication"
    first = summary["homes"][0]["id"]
    say = f"{env}genie say" + (f" --home {first}" if first else "")
    listed = f"{env}genie devices list" + (f" --home {first}" if first else "")
    print(f"Genie Sim is up (ready in {running.ready_seconds:.2f} s)\n"
          f"  broker    {url} ({kind})\n"
          + _homes_lines(summary["homes"], summary["home"])
          + (f"  dashboard {served.url}\n  aligenie  {served.base_url}/aligenie/gateway "
             f"(AliGenie v1 requests; token in {data_dir()}/aligenie-token)\n"
             if served is not None else "") +
          f"Talk to it from another terminal:\n"
          f'  {say} "打开客厅的灯"\n'
          f'  {say} "set the bedroom air conditioner to 26 degrees"\n'
          f'  {say} "allume la lampe de bureau"\n'
          f'  {say} "晚安"            (a scene)\n'
          f'  {say} "turn off the tv in 10 minutes"   (then: {env}genie listen)\n'
          f"  {listed}", flush=True)
    secret = running.credentials.secret if running.credentials else None
    for line in neighbour_logins(interop(args), secret):
        print("  " + line, flush=True)
    print("Stop with Ctrl-C.", flush=True)


def _homes_lines(homes: list[dict[str, Any]], single: str) -> str:
    """The summary's lines about the hub(s) and home(s)."""
    if len(homes) == 1 and homes[0]["id"] is None:
        return (f"  hub       genie-hub, database {homes[0]['database']}\n"
                f"  home      {single}: {homes[0]['rooms']} rooms, {homes[0]['devices']} devices online\n")
    return "".join(f"  home      {h['id']} ({h['home']}): {h['rooms']} rooms, {h['devices']} devices online; "
                   f"hub {h['id']}.genie-hub, database {h['database']}"
                   + (f", dashboard {h['dashboard']}" if len(homes) > 1 and h.get("dashboard") else "") + "\n"
                   for h in homes)


def _up_broker(args: argparse.Namespace) -> tuple[str | None, str]:
    """The broker `genie up` uses and where that choice comes from: --broker, else $GENIE_BROKER (as the help
    says), else its own embedded broker (None)."""
    from hub.protocol.mqtt import BROKER_ENV

    if args.broker:
        return args.broker, "--broker"
    from_env = os.environ.get(BROKER_ENV, "").strip()
    if not from_env:
        return None, "embedded"
    given = [flag for flag, value in (("--host", args.host), ("--port", args.port), ("--config", args.config),
                                      ("--insecure", args.insecure or None)) if value is not None]
    if given:  # options of the embedded broker say which one is meant
        return None, f"embedded ({given[0]} given; ${BROKER_ENV} not used)"
    return from_env, f"${BROKER_ENV}"
