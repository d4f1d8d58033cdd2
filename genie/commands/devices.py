"""``genie devices``: spawn simulated devices (a home file or a fleet from the brand registry, in one or many
processes); list or remove those the hub knows."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from genie.commands.common import (
    EXIT_OK,
    broker_arg,
    home_id_arg,
    hub_call_args,
    json_text,
    print_result,
    stop_on_signals,
    stop_with_parent,
    until_stopped,
    url,
)
from hub.errors import GenieError


def register(sub: Any) -> None:
    """Add ``genie devices spawn|list|remove|login``."""
    devices = sub.add_parser("devices", help="spawn simulated devices; list or remove those the hub knows",
                             description="Simulated devices and the hub's directory.")
    dsub = devices.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    _register_spawn(dsub)
    dlist = dsub.add_parser("list", help="print the hub's directory",
                            description="Print every device the hub knows: id, names, room, brand, category, "
                                        "online, state.")
    hub_call_args(dlist)
    home_id_arg(dlist)
    dlist.set_defaults(handler=cmd_list)
    dremove = dsub.add_parser("remove", help="remove a device from the hub for good",
                              description="Remove a device from the hub's directory and database, and clear its "
                                          "retained messages on the broker, so that it does not come back at the "
                                          "next start. This is not a ban: a device that is still running comes "
                                          "back when it registers again (stop it, or change its credentials).")
    dremove.add_argument("id", help="the device's id (see `genie devices list`)")
    hub_call_args(dremove)
    home_id_arg(dremove)
    dremove.set_defaults(handler=cmd_remove)
    from genie.commands import device_login

    device_login.register(dsub)


def _register_spawn(dsub: Any) -> None:
    spawn = dsub.add_parser("spawn", help="run the devices of a home file, or of the brand registry, against a broker",
                            description="Run every device of a home file, or a fleet made from the brand registry "
                                        "(one MQTT session each), until Ctrl-C.",
                            epilog="Examples: genie devices spawn --brand Xiaomi --category light --count 20; "
                                   "genie devices spawn --random 500 --seed 7 --print > fleet.yaml")
    spawn.add_argument("--home", type=Path, metavar="FILE",
                       help="home file (default: the built-in demo home); a file with an `id` joins that home, "
                            "on its own topics and logins")
    faults = spawn.add_argument_group("fault injection (applies to every device of this spawn)")
    faults.add_argument("--slow", type=float, metavar="MS", help="every reply comes MS milliseconds late")
    faults.add_argument("--flaky", type=float, metavar="SHARE", help="drop this share (0-1) of requests silently")
    faults.add_argument("--jammed", action="store_true", help="motors and lock bolts are stuck")
    faults.add_argument("--offline-after", type=float, metavar="S", help="drop off the network S seconds after start")
    spawn.add_argument("--no-latency", action="store_true",
                       help="devices answer at once instead of at their brand's pace (benchmarks the hub)")
    spawn.add_argument("--processes", type=int, default=1, metavar="P",
                       help="spread the devices over P processes (one event loop each; for large fleets)")
    spawn.add_argument("--machine-progress", action="store_true", help=argparse.SUPPRESS)
    spawn.add_argument("--keepalive", type=int, default=30, metavar="S",
                       help="MQTT keepalive of each device (the broker declares a silent one dead after 1.5 x S)")
    broker_arg(spawn)
    group = spawn.add_argument_group("from the brand registry (instead of --home)")
    group.add_argument("--brand", help="run devices of this brand (name, Chinese name or alias)")
    group.add_argument("--category", metavar="C", help="with --brand: only this category, e.g. light")
    group.add_argument("--count", type=int, default=10, metavar="N", help="with --brand: how many (default 10)")
    group.add_argument("--random", type=int, metavar="N", help="N devices of many brands, a realistic mix")
    group.add_argument("--seed", type=int, default=0, help="seed of the models, rooms and names drawn (default 0)")
    group.add_argument("--prefix", help="device id prefix, to run shards side by side "
                                        "(default: s<seed>- for --random, <brand id>- for --brand)")
    group.add_argument("--print", action="store_true", help="print the fleet as a home file (YAML) and exit")
    many = spawn.add_argument_group("many homes (instead of --home)",
                                    "N homes (ids h00001...) of M registry devices each, every home on its own "
                                    "topics and logins; --seed makes them the same every time; several "
                                    "brokers (--broker URL,URL): home k on broker (k-1) mod their number")
    many.add_argument("--homes", type=int, metavar="N", help="how many homes (1-100000)")
    many.add_argument("--per-home", type=int, metavar="M", help="devices in each home (default 10)")
    many.add_argument("--source-addresses", type=int, metavar="N",
                      help="spread the devices over the local addresses 127.0.0.1-127.0.0.N (a loopback broker): "
                           "each has its own ephemeral ports, so one machine runs more than ~28,000 devices")
    many.add_argument("--part", help=argparse.SUPPRESS)
    spawn.set_defaults(handler=cmd_spawn)


async def cmd_spawn(args: argparse.Namespace) -> int:
    """Run the fleet (in --processes processes) until Ctrl-C or SIGTERM, or print it with --print."""
    from genie.app import run_stack
    from genie.fleet import Progress, check_ports, fleet_home, raise_open_files, shards, spawn_child, with_faults
    from genie.homes_fleet import check_args

    if args.category is not None and args.brand is None:
        raise GenieError("--category goes with --brand")
    if not 1 <= args.processes <= 64:
        raise GenieError("--processes must be between 1 and 64")
    check_args(args)
    if args.homes is not None:
        return await _spawn_homes(args)
    home = with_faults(fleet_home(args), args)
    if args.print:
        import yaml

        document = home.model_dump(mode="json", exclude_defaults=True)
        print(yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120), end="")
        return EXIT_OK
    check_ports(len(home.devices))
    raise_open_files(len(home.devices), args.processes)
    stop_on_signals()
    if args.machine_progress:  # a child of another spawn: it stops when its parent goes, even killed
        stop_with_parent()
    parts = shards(home, args.processes)
    progress = Progress(len(home.devices), machine=args.machine_progress)
    children = [await spawn_child(shard, i, progress, broker=args.broker, keepalive=args.keepalive)
                for i, shard in enumerate(parts[1:], start=1)]
    try:
        async with run_stack(home=parts[0], broker_url=args.broker or "", run_hub=False, keepalive=args.keepalive,
                             scope=home.id,
                             progress=lambda online, _total: progress.update(0, online)) as running:
            for child in children:
                await child.online
            progress.done()
            if not args.machine_progress:
                print(f"{len(home.devices)} devices online on {running.broker_url}"
                      f"{f' in {args.processes} processes' if args.processes > 1 else ''} "
                      f"({progress.elapsed():.1f} s). Stop with Ctrl-C.", flush=True)
            await until_stopped()
    except asyncio.CancelledError:
        pass
    finally:
        for child in children:
            await child.stop()
    return EXIT_OK


async def _spawn_homes(args: argparse.Namespace) -> int:
    """--homes N --per-home M: this process's share of the homes, and child processes for the others (or,
    in a child, its --part); until Ctrl-C or SIGTERM."""
    from genie.fleet import Progress, check_ports, raise_open_files, start_child
    from genie.homes_fleet import broker_urls, child_args, make_homes, parse_part, parts, run_homes, sources

    urls = broker_urls(args.broker)
    per_home = args.per_home or 10
    if args.part is not None:
        index, count = parse_part(args.part)
        shares = parts(args.homes, count)
        mine = shares[index] if index < len(shares) else range(0)
    else:
        shares = parts(args.homes, args.processes)
        mine = shares[0]
    if args.part is None:
        check_ports(args.homes * per_home, len(sources(args)))
    raise_open_files(args.homes * per_home, len(shares))
    stop_on_signals()
    if args.machine_progress:  # a child of another spawn: it stops when its parent goes, even killed
        stop_with_parent()
    total = (args.homes if args.part is None else len(mine)) * per_home
    progress = Progress(total, machine=args.machine_progress)
    children = [] if args.part is not None else [
        await start_child(child_args(args, i, len(shares)), len(share) * per_home, i, progress)
        for i, share in enumerate(shares[1:], start=1)]
    try:
        async with run_homes(make_homes(args, mine), mine.start, urls, keepalive=args.keepalive,
                             progress=lambda online: progress.update(0, online), addresses=sources(args)):
            for child in children:
                await child.online
            progress.done()
            if not args.machine_progress:
                where = ", ".join(f"mqtt://{u.host}:{u.port}" for u in urls)
                print(f"{total} devices online in {args.homes} homes on {where}"
                      f"{f' in {len(shares)} processes' if len(shares) > 1 else ''}"
                      f"{f' from {args.source_addresses} source addresses' if args.source_addresses else ''} "
                      f"({progress.elapsed():.1f} s). Stop with Ctrl-C.", flush=True)
            await until_stopped()
    except asyncio.CancelledError:
        pass
    finally:
        for child in children:
            await child.stop()
    return EXIT_OK


async def cmd_list(args: argparse.Namespace) -> int:
    """Print the hub's directory: a table, or JSON."""
    from hub.client import list_devices
    from hub.protocol.text import printable

    devices = await list_devices(url(args), timeout=args.timeout, home=args.home)
    if args.json:
        print(json_text([d.model_dump(by_alias=True) for d in devices], indent=2))
        return EXIT_OK
    if not devices:
        print("The hub knows no devices yet.")
        return EXIT_OK
    rows = [["ID", "NAME", "ROOM", "BRAND", "MODEL", "CATEGORY", "ONLINE", "STATE"]]
    for d in devices:
        name = " / ".join(dict.fromkeys(n for n in (d.names.display("zh"), d.names.display("en")) if n))
        cells = [d.id, name, d.room_names.display("en") or d.room, d.brand, d.model, d.category]
        rows.append([printable(cell) for cell in cells] + ["yes" if d.online else "NO", _state_text(d.state)])
    widths = [max(_width(r[i]) for r in rows) for i in range(7)]
    for row in rows:
        print("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row[:7], widths, strict=True))
              + "  " + row[7])
    return EXIT_OK


def _state_text(state: dict[str, Any]) -> str:
    from hub.protocol.text import printable

    return " ".join(printable(f"{k}={v}") for k, v in state.items())


def _width(text: str) -> int:
    """Display width: Chinese characters take two columns."""
    return sum(2 if "\u2e80" <= c <= "\uffef" else 1 for c in text)


async def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a device from the hub for good."""
    from hub.client import remove_device

    return print_result(args, await remove_device(url(args), args.id, timeout=args.timeout, home=args.home))
