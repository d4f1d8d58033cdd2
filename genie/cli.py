"""The ``genie`` command: up, broker, hub, devices, say, home. Thin: parses, wires, prints."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from hub.language import LANGUAGES

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2, 3
EXIT_STATUS = ("Exit status: 0 done; 1 the hub answered but could not (not understood, offline device…); "
               "2 the hub or broker could not be reached (or another error, said in one line); "
               "3 when the text is empty or too long (nothing was sent).")

_LOGGER = logging.getLogger("genie")


class CliError(Exception):
    """An error the user can fix; printed as one line."""


class BadInput(CliError):
    """What was typed cannot be sent (exit status 3, distinct from a hub that cannot be reached)."""


def _text(text: str) -> str:
    """Text `genie` did not write (the hub's replies and directory, a home file, the brand registry) as it
    may reach a terminal: each line through ``printable`` (no escape sequence, control character or bidi
    override), its layout kept."""
    from hub.protocol.text import printable

    return "\n".join(printable(line, tidy=False) for line in text.split("\n"))


def _json(value: Any, indent: int | None = None, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as JSON for a terminal or a program: readable UTF-8, but every character a terminal would
    act on escaped (json.dumps escapes C0 only; DEL, C1, bidi overrides and separators too), nothing lost."""
    from hub.protocol.text import CONTROLS

    dumped = json.dumps(value, ensure_ascii=False, indent=indent, default=default)
    # json.dumps escapes every C0 character inside a string: a raw one can only be indent's own line break
    return CONTROLS.sub(lambda found: found.group() if found.group() == "\n" else f"\\u{ord(found.group()):04x}",
                        dumped)


def _broker_arg(parser: argparse.ArgumentParser, otherwise: str = "mqtt://127.0.0.1:1883") -> None:
    parser.add_argument("--broker", metavar="URL",
                        help="MQTT broker URL, e.g. mqtt://user:pass@127.0.0.1:1883 "
                             f"(default: $GENIE_BROKER, else {otherwise})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genie",
        description="Genie Sim: a Tmall Genie-style smart speaker, its MQTT broker and simulated devices "
                    "of many brands, on your machine.",
        epilog='Quick start: `genie up` in one terminal, then `genie say "打开客厅的灯"` in another.',
    )
    parser.add_argument("--debug", action="store_true", help="verbose logs and full tracebacks")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    up = sub.add_parser("up", help="start broker, hub and the home's devices (Ctrl-C stops all)",
                        description="Start the embedded MQTT broker (unless --broker or $GENIE_BROKER names "
                                    "another), the hub and every device of the home file, then wait until Ctrl-C "
                                    "or SIGTERM. The start-up summary says which broker is used.")
    up.add_argument("--home", type=Path, metavar="FILE", help="home file (YAML); default: the built-in demo home")
    _broker_arg(up, otherwise="an embedded broker, as do --host, --port, --config or --insecure")
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
    _interop_args(up)
    _http_args(up, default=DEFAULT_HTTP_PORT)

    broker = sub.add_parser("broker", help="run only the embedded MQTT broker",
                            description="Run the embedded amqtt broker configured by broker.conf.")
    broker.add_argument("--config", type=Path, metavar="FILE", help="broker config (default: broker.conf)")
    broker.add_argument("--host", help="listen address (overrides broker.conf)")
    broker.add_argument("--port", type=int, help="listen port (overrides broker.conf)")
    broker.add_argument("--insecure", action="store_true",
                        help="accept anyone, with no credentials and no topic ACL")
    broker.add_argument("--export", nargs=2, metavar=("KIND", "DIR"),
                        help="instead of running, write an equivalent config for another broker: "
                             "`--export mosquitto DIR` writes mosquitto.conf, passwd and acl (for the "
                             "devices of --home): one ACL section per login, every client id bound to its login "
                             "(use_username_as_clientid)")
    broker.add_argument("--home", type=Path, metavar="FILE",
                        help="with --export: the home whose devices get passwords (default: the demo home)")

    hub = sub.add_parser("hub", help="run only the hub, against a running broker",
                         description="Run the hub: discover devices, keep the directory, serve text commands.")
    _broker_arg(hub)
    hub.add_argument("--db", type=Path, metavar="PATH", help="hub database (default: the user's data directory)")
    hub.add_argument("--home", type=Path, metavar="FILE",
                     help="home file whose scenes, routines, language and time zone the hub uses "
                          "(its devices run elsewhere; default: the built-in demo home)")
    _interop_args(hub)
    _http_args(hub, default=None)

    devices = sub.add_parser("devices", help="spawn simulated devices; list or remove those the hub knows",
                             description="Simulated devices and the hub's directory.")
    dsub = devices.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    spawn = dsub.add_parser("spawn", help="run the devices of a home file, or of the brand registry, against a broker",
                            description="Run every device of a home file, or a fleet made from the brand registry "
                                        "(one MQTT session each), until Ctrl-C.",
                            epilog="Examples: genie devices spawn --brand Xiaomi --category light --count 20; "
                                   "genie devices spawn --random 500 --seed 7 --print > fleet.yaml")
    spawn.add_argument("--home", type=Path, metavar="FILE", help="home file (default: the built-in demo home)")
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
    _broker_arg(spawn)
    _fleet_args(spawn)
    dlist = dsub.add_parser("list", help="print the hub's directory",
                            description="Print every device the hub knows: id, names, room, brand, category, "
                                        "online, state.")
    _broker_arg(dlist)
    dlist.add_argument("--json", action="store_true", help="print JSON")
    dlist.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for the hub")
    dremove = dsub.add_parser("remove", help="remove a device from the hub for good",
                              description="Remove a device from the hub's directory and database, and clear its "
                                          "retained messages on the broker, so that it does not come back at the "
                                          "next start. This is not a ban: a device that is still running comes "
                                          "back when it registers again (stop it, or change its credentials).")
    dremove.add_argument("id", help="the device's id (see `genie devices list`)")
    _broker_arg(dremove)
    dremove.add_argument("--json", action="store_true", help="print JSON")
    dremove.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for the hub")

    say = sub.add_parser("say", help="send a text command to the hub and print its reply",
                         description="Send a text command (Chinese, English or French, at most 1,000 characters) "
                                     "to the running hub.", epilog=EXIT_STATUS)
    say.add_argument("text", nargs="+", help='the command, e.g. "打开客厅的灯" or "turn off the tv"')
    _broker_arg(say)
    say.add_argument("--json", action="store_true",
                     help='print {"text", "lang", "reply", "ok", "actions": [...]} as JSON')
    say.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for the reply")
    say.add_argument("--lang", choices=LANGUAGES, help="force the language (default: detected)")
    say.add_argument("--session", metavar="NAME",
                     help="conversation to continue (default: yours on this machine, so follow-ups such as "
                          "\"再亮一点\" or an answer to the hub's question work across calls)")
    say.add_argument("--speak", action="store_true",
                     help="also speak the reply with espeak-ng (a WAV file when there is no audio output)")
    say.add_argument("--wav", type=Path, metavar="FILE", help="with --speak: write the spoken reply to FILE")

    scenes = sub.add_parser("scenes", help="list, run, create and delete scenes",
                            description="Scenes of the running hub: those of the home file and those made by "
                                        "voice or here (docs/scenes.md).")
    ssub = scenes.add_subparsers(dest="scenes_command", metavar="ACTION", required=True)
    slist = ssub.add_parser("list", help="list every scene", description="List the hub's scenes and routines.")
    srun = ssub.add_parser("run", help="run a scene", description="Run a scene (by id or any of its names).")
    srun.add_argument("scene", help="scene id or name, e.g. good-night or 晚安")
    sadd = ssub.add_parser("add", help="create or replace a scene from spoken orders",
                           description="Create (or replace) a scene; ORDERS are said as to the speaker and "
                                       "resolved to devices now.",
                           epilog='Example: genie scenes add 阅读模式 "打开台灯，关上客厅窗帘"')
    sadd.add_argument("name", help="the scene's name (what you will say to run it)")
    sadd.add_argument("orders", help='what it does, e.g. "turn on the desk lamp and close the curtains"')
    sdel = ssub.add_parser("delete", help="delete a scene made by voice or `scenes add`",
                           description="Delete a scene made by voice or `genie scenes add` (home-file scenes are "
                                       "changed in the home file).")
    sdel.add_argument("scene", help="scene id or name")
    for parser_ in (slist, srun, sadd, sdel):
        _broker_arg(parser_)
        parser_.add_argument("--json", action="store_true", help="print JSON")
        parser_.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for the hub")
    for parser_ in (srun, sadd, sdel):
        parser_.add_argument("--lang", choices=LANGUAGES, help="language of the reply (default: the "
                                                                         "orders' language, else en)")

    timers = sub.add_parser("timers", help="list or cancel timers and schedules",
                            description="Timers (\"十分钟后关灯\") and schedules (\"every weekday at 7\") of the "
                                        "running hub (docs/time.md).")
    tsub = timers.add_subparsers(dest="timers_command", metavar="ACTION", required=True)
    tlist = tsub.add_parser("list", help="list pending timers and schedules",
                            description="List pending timers and schedules, soonest first, with their ids.")
    tcancel = tsub.add_parser("cancel", help="cancel a timer or schedule by id",
                              description="Cancel a timer or schedule (ids from `genie timers list`).")
    tcancel.add_argument("id", type=int, help="the timer's id")
    for parser_ in (tlist, tcancel):
        _broker_arg(parser_)
        parser_.add_argument("--json", action="store_true", help="print JSON")
        parser_.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for the hub")

    listen = sub.add_parser("listen", help="print what the hub says unasked (timers firing, routines)",
                            description="Print every announcement of the hub (a timer that fired, a routine "
                                        "that ran) until Ctrl-C or --count.")
    _broker_arg(listen)
    listen.add_argument("--json", action="store_true", help="print one JSON object per line")
    listen.add_argument("--count", type=int, metavar="N", help="stop after N announcements")

    replay = sub.add_parser("replay", help="re-run a recorded session and report any difference",
                            description="Start a fresh simulation of the recorded home (its own broker and "
                                        "database, simulated time following the recording), send the recorded "
                                        "commands at their recorded times, and report every command whose "
                                        "outcome (reply, success, per-device results) differs.")
    replay.add_argument("file", type=Path, help="a recording made with `genie up --record FILE`")
    replay.add_argument("--json", action="store_true", help="print the differences as JSON")

    home = sub.add_parser("home", help="act on the whole home", description="Act on the whole home.")
    hsub = home.add_subparsers(dest="home_command", metavar="ACTION", required=True)
    reset = hsub.add_parser("reset", help="put every device back to the home file's initial state",
                            description="Ask the hub to reset every device to its initial state.")
    _broker_arg(reset)
    reset.add_argument("--json", action="store_true", help="print JSON")
    reset.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for the hub")
    check = hsub.add_parser("check", help="validate a home file and print what it holds",
                            description="Validate a home file; errors name the entry and field.")
    check.add_argument("file", type=Path, nargs="?", help="home file (default: the built-in demo home)")
    check.add_argument("--json", action="store_true", help="print JSON")

    brands = sub.add_parser("brands", help="browse the brand registry (1,100+ real brands and their models)",
                            description="The brand registry: brands, their device models and what each can do "
                                        "(docs/brands.md says where the data comes from).")
    bsub = brands.add_subparsers(dest="brands_command", metavar="ACTION", required=True)
    blist = bsub.add_parser("list", help="list the brands", description="List every brand of the registry.")
    blist.add_argument("--category", metavar="C", help="only brands with products of this AliGenie category "
                                                       "(light, switch, outlet, curtain, aircondition, ...)")
    blist.add_argument("--json", action="store_true",
                       help="print a JSON list of {id, name, zh, categories, products, source}")
    bshow = bsub.add_parser("show", help="show a brand and its models",
                            description="Show a brand: names, sources, latency profile, firmware, and its models "
                                        "with their properties.")
    bshow.add_argument("brand", help="brand name, Chinese name, alias or id (e.g. Xiaomi, 小米, aqara)")
    bshow.add_argument("--all", action="store_true", help="list every model (default: 15 per category)")
    bshow.add_argument("--json", action="store_true", help="print JSON, with every product's specs and actions")
    bsearch = bsub.add_parser("search", help="find brands and models by name",
                              description="Find brands whose names contain TEXT, and models whose id or "
                                          "description does.")
    bsearch.add_argument("text", help="what to look for, e.g. 空调, roborock or bulb")
    bsearch.add_argument("--json", action="store_true", help='print {"brands": [...], "products": [...]}')
    return parser


def _fleet_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("from the brand registry (instead of --home)")
    group.add_argument("--brand", help="run devices of this brand (name, Chinese name or alias)")
    group.add_argument("--category", metavar="C", help="with --brand: only this category, e.g. light")
    group.add_argument("--count", type=int, default=10, metavar="N", help="with --brand: how many (default 10)")
    group.add_argument("--random", type=int, metavar="N", help="N devices of many brands, a realistic mix")
    group.add_argument("--seed", type=int, default=0, help="seed of the models, rooms and names drawn (default 0)")
    group.add_argument("--prefix", help="device id prefix, to run shards side by side "
                                        "(default: s<seed>- for --random, <brand id>- for --brand)")
    group.add_argument("--print", action="store_true", help="print the fleet as a home file (YAML) and exit")


def _default_session() -> str:
    import getpass
    import re

    return "cli-" + re.sub(r"[^A-Za-z0-9_.@-]", "_", getpass.getuser())[:40]


def _interop_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("neighbours (docs/interop.md)")
    group.add_argument("--ha-discovery", action="store_true",
                       help="announce every device to Home Assistant over MQTT discovery")
    group.add_argument("--ha-prefix", default="homeassistant", metavar="P",
                       help="Home Assistant's discovery prefix (default: homeassistant)")
    group.add_argument("--ha-lang", choices=LANGUAGES, default="en",
                       help="language of the names Home Assistant shows (default: en)")
    group.add_argument("--hermes", action="store_true", help="answer Rhasspy Hermes NLU queries on hermes/nlu/query")


def _interop(args: argparse.Namespace) -> Any:
    from hub.interop.wiring import InteropOptions

    return InteropOptions(args.ha_discovery, args.ha_prefix, args.ha_lang, args.hermes)


def _version() -> str:
    # importlib.metadata, not hub.service: `genie --help` must not import the hub (it costs ~150 ms)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("genie-sim")
    except PackageNotFoundError:
        return "0.0.0"


# ---------------------------------------------------------------------- commands


DEFAULT_HTTP_PORT = 8321


def _http_args(parser: argparse.ArgumentParser, default: int | None) -> None:
    on = f"default {default}" if default is not None else "default: none"
    parser.add_argument("--http", type=int, default=default, metavar="PORT",
                        help=f"serve the dashboard and HTTP API on PORT ({on}; 0: any free port)")
    parser.add_argument("--no-http", action="store_true", help="do not serve the dashboard and HTTP API")
    parser.add_argument("--http-host", default="127.0.0.1", metavar="ADDR",
                        help="address the dashboard listens on (default 127.0.0.1: this machine only); "
                             "any other address needs --http-token")
    parser.add_argument("--http-token", metavar="TOKEN", default=os.environ.get("GENIE_HTTP_TOKEN"),
                        help="access token every API request must carry (required beyond loopback; at least "
                             "16 characters; default: $GENIE_HTTP_TOKEN)")


def data_dir_text() -> str:
    from hub.paths import data_dir

    return str(data_dir())


def _dashboard(args: argparse.Namespace, hub: Any) -> Any:
    """``serve_dashboard`` as the flags ask, or a context yielding None when there is to be none."""
    if hub is None or args.no_http or args.http is None:
        return contextlib.nullcontext(None)
    from devices.registry import load_registry
    from hub.interop.aligenie import TOKEN_FILE, AliGenieGateway, load_or_create_token
    from hub.paths import data_dir
    from hub.web import serve_dashboard

    gateway = AliGenieGateway(hub, load_or_create_token(data_dir() / TOKEN_FILE))
    return serve_dashboard(hub, args.http_host, args.http, token=args.http_token, brands=load_registry,
                           aligenie=gateway)


def _stop_on_signals() -> None:
    """From now on SIGTERM and SIGHUP cancel the main task, as Ctrl-C does. Called before anything starts:
    a signal sent the moment the ready line is printed (or during start-up) stops cleanly, never kills."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, task.cancel)


async def _until_stopped() -> None:
    """Wait for Ctrl-C or SIGTERM (both cancel the main task)."""
    _stop_on_signals()
    await asyncio.Event().wait()


def _load_home(path: Path | None) -> Any:
    from devices.home import HomeFileError, load_home

    try:
        return load_home(path)
    except HomeFileError as exc:
        raise CliError(str(exc)) from None


INSECURE_WARNING = ("genie: warning: --insecure: the broker accepts anyone, with no credentials and no topic "
                    "ACL; anything that can reach {where} can control every device")


async def cmd_up(args: argparse.Namespace) -> int:
    from genie.app import default_db_path, run_stack
    from hub.clock import RealClock
    from hub.web import DashboardError

    _stop_on_signals()
    home = _fleet(args)
    db = args.db or default_db_path()
    broker_url, broker_from = _up_broker(args)
    if args.speed <= 0 or args.speed > 10_000:
        raise CliError("--speed must be greater than 0 and at most 10000")
    clock = RealClock(args.speed)
    recorder = None
    try:
        async with run_stack(home=home, broker_url=broker_url, broker_config=args.config, host=args.host,
                             port=args.port, db=db, insecure=args.insecure, clock=clock,
                             interop=_interop(args)) as running, _dashboard(args, running.hub) as dashboard:
            if args.record is not None:
                from genie.record import Recorder

                assert running.hub is not None
                recorder = Recorder(args.record, running.hub, home, clock)
            if args.insecure and running.embedded is not None:
                print(INSECURE_WARNING.format(where=running.broker_url), file=sys.stderr, flush=True)
            url = str(running.broker_url)
            rooms = len(home.rooms)
            summary = {
                "broker": url,
                "embedded": running.embedded is not None,
                "broker_from": broker_from,
                "database": str(db),
                "home": str(args.home or (f"random fleet of {args.random} devices, seed {args.seed}"
                                          if args.random else "built-in demo home")),
                "rooms": rooms,
                "devices": len(running.runners),
                "ready_seconds": round(running.ready_seconds, 3),
                "authenticated": running.credentials is not None,
                "speed": args.speed,
                "recording": str(args.record) if args.record else None,
                "dashboard": dashboard.url if dashboard is not None else None,
            }
            if args.json:
                print(_json(summary), flush=True)
            else:
                env = "" if url == "mqtt://127.0.0.1:1883" else f"GENIE_BROKER={url} "
                kind = "embedded amqtt" if running.embedded else f"external, from {broker_from}"
                if running.credentials is not None:
                    from hub.paths import credentials_path

                    kind += f"; credentials in {credentials_path()}"
                else:
                    kind += "; no authentication"
                print(f"Genie Sim is up (ready in {running.ready_seconds:.2f} s)\n"
                      f"  broker    {url} ({kind})\n"
                      f"  hub       genie-hub, database {db}\n"
                      f"  home      {summary['home']}: {rooms} rooms, {len(running.runners)} devices online\n"
                      + (f"  dashboard {dashboard.url}\n  aligenie  {dashboard.base_url}/aligenie/gateway "
                         f"(AliGenie v1 requests; token in {data_dir_text()}/aligenie-token)\n"
                         if dashboard is not None else "") +
                      f"Talk to it from another terminal:\n"
                      f'  {env}genie say "打开客厅的灯"\n'
                      f'  {env}genie say "set the bedroom air conditioner to 26 degrees"\n'
                      f'  {env}genie say "allume la lampe de bureau"\n'
                      f'  {env}genie say "晚安"            (a scene)\n'
                      f'  {env}genie say "turn off the tv in 10 minutes"   (then: {env}genie listen)\n'
                      f"  {env}genie devices list", flush=True)
                from hub.interop.wiring import neighbour_logins

                secret = running.credentials.secret if running.credentials else None
                for line in neighbour_logins(_interop(args), secret):
                    print("  " + line, flush=True)
                print("Stop with Ctrl-C.", flush=True)
            await _until_stopped()
    except asyncio.CancelledError:
        pass
    except DashboardError as exc:
        raise CliError(f"{exc} (see --http, --http-host, --http-token; --no-http turns it off)") from None
    finally:
        if recorder is not None:
            recorder.close()
            print(f"recorded {recorder.lines} lines to {args.record}; replay with: genie replay {args.record}",
                  file=sys.stderr)
    if not args.json:
        print("Genie Sim stopped.", file=sys.stderr)
    return EXIT_OK


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


async def cmd_replay(args: argparse.Namespace) -> int:
    from genie.record import Recording, RecordingError, replay

    try:
        recording = Recording.load(args.file)
    except RecordingError as exc:
        raise CliError(str(exc)) from None

    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\rreplayed {done}/{total} events", end="", file=sys.stderr, flush=True)

    differences = await replay(recording, progress)
    if args.json:
        print(_json({"commands": len(recording.commands), "announcements": len(recording.announcements),
                     "differences": [d.__dict__ for d in differences]}, default=str))
    else:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        for d in differences:
            print(f"t={d.t:.1f}s  {d.text!r}: {d.field} was {d.recorded!r}, now {d.replayed!r}")
        print(f"{len(recording.commands)} commands and {len(recording.announcements)} announcements replayed, "
              f"{len({(d.t, d.text) for d in differences})} with a different outcome.")
    return EXIT_OK if not differences else EXIT_FAILED


async def cmd_broker(args: argparse.Namespace) -> int:
    from genie.app import resolve_credentials
    from hub.broker import EmbeddedBroker, default_config_path, load_config

    config_path = args.config or default_config_path()
    config = load_config(config_path, host=args.host, port=args.port)
    credentials = resolve_credentials(embedded=True, insecure=args.insecure, config=config)
    if args.export:
        return _export(args, config, credentials)
    broker = EmbeddedBroker(config, credentials=credentials)
    await broker.start()
    if credentials is None:
        print(INSECURE_WARNING.format(where=broker.url), file=sys.stderr, flush=True)
    print(f"MQTT broker listening on {broker.url} (config: {config_path or 'built-in defaults'}; "
          f"{'authentication and topic ACL on' if credentials else 'anyone may connect'}). "
          f"Stop with Ctrl-C.", flush=True)
    try:
        await _until_stopped()
    except asyncio.CancelledError:
        pass
    finally:
        await broker.stop()
    return EXIT_OK


def _export(args: argparse.Namespace, config: dict[str, Any], credentials: Any) -> int:
    from hub.security import export_mosquitto

    kind, directory = args.export
    if kind != "mosquitto":
        raise CliError(f"--export: unknown broker kind {kind!r}; known: mosquitto")
    host, _, port = config["listeners"]["default"]["bind"].rpartition(":")
    home = _load_home(args.home)
    files = export_mosquitto(Path(directory), credentials, [d.id for d in home.devices],
                             host=host.strip("[]"), port=int(port))
    for file in files:
        print(file)
    print(f"Run it with: mosquitto -c {files[0]}   (then: genie up --broker mqtt://{host}:{port})",
          file=sys.stderr)
    return EXIT_OK


async def cmd_hub(args: argparse.Namespace) -> int:
    from genie.app import default_db_path, run_stack
    from hub.web import DashboardError

    _stop_on_signals()
    db = args.db or default_db_path()
    try:
        automations = _load_home(args.home).automations()
        async with run_stack(home=None, broker_url=args.broker or "", db=db, interop=_interop(args),
                             automations=automations) as running, \
                _dashboard(args, running.hub) as dashboard:
            web = f", dashboard {dashboard.url}" if dashboard is not None else ""
            print(f"hub connected to {running.broker_url}, database {db}{web}. Stop with Ctrl-C.", flush=True)
            await _until_stopped()
    except asyncio.CancelledError:
        pass
    except DashboardError as exc:
        raise CliError(f"{exc} (see --http, --http-host, --http-token; --no-http turns it off)") from None
    return EXIT_OK


def _fleet(args: argparse.Namespace) -> Any:
    """The home to run: a fleet from the brand registry (--brand, --random), else the home file."""
    brand, count = getattr(args, "brand", None), getattr(args, "random", None)
    if brand is None and count is None:
        return _load_home(args.home)
    if args.home is not None:
        raise CliError("give either --home or --brand/--random, not both")
    if brand is not None and count is not None:
        raise CliError("give either --brand or --random, not both")
    from devices.registry import UnknownBrand, load_registry
    from devices.registry.fleet import brand_fleet, random_fleet

    registry = load_registry()
    category = getattr(args, "category", None)
    if category is not None and category not in _categories():
        raise CliError(f"unknown category {category!r}; known: {', '.join(_categories())}")
    try:
        if brand is not None:
            return brand_fleet(registry, brand, category=category, count=args.count, seed=args.seed,
                               prefix=args.prefix)
        assert count is not None  # --random N, since --brand was not given
        return random_fleet(registry, count, seed=args.seed, prefix=getattr(args, "prefix", None))
    except UnknownBrand as exc:
        raise CliError(str(exc)) from None


def _categories() -> tuple[str, ...]:
    from hub.protocol.vocabulary import DEVICE_TYPES

    return DEVICE_TYPES


async def cmd_spawn(args: argparse.Namespace) -> int:
    from genie.app import run_stack

    if args.category is not None and args.brand is None:
        raise CliError("--category goes with --brand")
    if not 1 <= args.processes <= 64:
        raise CliError("--processes must be between 1 and 64")
    home = _with_faults(_fleet(args), args)
    if args.print:
        import yaml

        document = home.model_dump(mode="json", exclude_defaults=True)
        print(yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120), end="")
        return EXIT_OK
    _stop_on_signals()
    shards = _shards(home, args.processes)
    progress = Progress(len(home.devices), machine=args.machine_progress)
    children = [await _spawn_child(shard, args, progress, i) for i, shard in enumerate(shards[1:], start=1)]
    try:
        async with run_stack(home=shards[0], broker_url=args.broker or "", run_hub=False, keepalive=args.keepalive,
                             progress=lambda online, _total: progress.update(0, online)) as running:
            for child in children:
                await child.online
            progress.done()
            if not args.machine_progress:
                print(f"{len(home.devices)} devices online on {running.broker_url}"
                      f"{f' in {args.processes} processes' if args.processes > 1 else ''} "
                      f"({progress.elapsed():.1f} s). Stop with Ctrl-C.", flush=True)
            await _until_stopped()
    except asyncio.CancelledError:
        pass
    finally:
        for child in children:
            await child.stop()
    return EXIT_OK


def _shards(home: Any, count: int) -> list[Any]:
    """``home`` split into ``count`` homes with the same rooms (devices dealt round-robin)."""
    if count <= 1 or len(home.devices) < 2:
        return [home]
    return [home.model_copy(update={"devices": home.devices[i::count]}) for i in range(count)
            if home.devices[i::count]]


class Progress:
    """Devices online out of N, with the rate, on one line of stderr (or machine lines for a parent)."""

    def __init__(self, total: int, *, machine: bool) -> None:
        import time

        self.total, self.machine, self._clock = total, machine, time.monotonic
        self.started = self._clock()
        self.counts: dict[int, int] = {}
        self._shown = 0.0

    def update(self, shard: int, online: int) -> None:
        self.counts[shard] = online
        now = self._clock()
        if self.machine:
            print(f"progress {online}", flush=True)
            return
        if now - self._shown >= 0.25 or sum(self.counts.values()) == self.total:
            self._shown = now
            count = sum(self.counts.values())
            rate = count / max(now - self.started, 1e-6)
            if sys.stderr.isatty():
                print(f"\r{count}/{self.total} devices online, {rate:.0f}/s", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if not self.machine and sys.stderr.isatty():
            print(file=sys.stderr)

    def elapsed(self) -> float:
        return self._clock() - self.started


class _Child:
    def __init__(self, proc: Any, online: Any, reader: Any, path: Path) -> None:
        self.proc, self.online, self.reader, self.path = proc, online, reader, path

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self.reader.cancel()
        self.path.unlink(missing_ok=True)


async def _spawn_child(shard: Any, args: argparse.Namespace, progress: Progress, index: int) -> _Child:
    """Run one shard in a child `genie devices spawn` process; its progress flows into ours."""
    import tempfile

    import yaml

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as file:
        yaml.safe_dump(shard.model_dump(mode="json", exclude_defaults=True), file, allow_unicode=True)
        path = Path(file.name)
    command = [sys.executable, "-m", "genie", "devices", "spawn", "--home", str(path), "--machine-progress",
               "--keepalive", str(args.keepalive)]
    if args.broker:
        command += ["--broker", args.broker]
    proc = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    online: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    expected = len(shard.devices)

    async def read() -> None:
        assert proc.stdout is not None
        while line := await proc.stdout.readline():
            if line.startswith(b"progress "):
                count = int(line.split()[1])
                progress.update(index, count)
                if count == expected and not online.done():
                    online.set_result(None)
        if not online.done():
            online.set_exception(CliError(f"device process {index} exited ({proc.returncode}) before its "
                                          f"{expected} devices were online"))

    reader = asyncio.create_task(read())
    return _Child(proc, online, reader, path)


def _with_faults(home: Any, args: argparse.Namespace) -> Any:
    """The home with the command line's injected faults (and --no-latency) on every device."""
    if getattr(args, "no_latency", False):
        for device in home.devices:
            device.latency_ms, device.quirks = None, []
    given = {"slow_ms": args.slow, "flaky": args.flaky, "jammed": args.jammed or None,
             "offline_after": args.offline_after}
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return home
    from devices.home import FaultsEntry

    try:
        faults = FaultsEntry(**given)
    except ValueError as exc:
        raise CliError(f"fault injection: {str(exc).splitlines()[-1].strip()}") from None
    for device in home.devices:
        device.faults = faults
    return home


def _url(args: argparse.Namespace) -> Any:
    from hub.protocol.mqtt import BrokerURL

    return BrokerURL.from_env(args.broker)


def _state_text(state: dict[str, Any]) -> str:
    from hub.protocol.text import printable

    return " ".join(printable(f"{k}={v}") for k, v in state.items())


async def cmd_list(args: argparse.Namespace) -> int:
    from hub.client import list_devices

    devices = await list_devices(_url(args), timeout=args.timeout)
    if args.json:
        print(_json([d.model_dump(by_alias=True) for d in devices], indent=2))
        return EXIT_OK
    if not devices:
        print("The hub knows no devices yet.")
        return EXIT_OK
    from hub.protocol.text import printable

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


def _width(text: str) -> int:
    """Display width: Chinese characters take two columns."""
    return sum(2 if "\u2e80" <= c <= "\uffef" else 1 for c in text)


async def cmd_remove(args: argparse.Namespace) -> int:
    from hub.client import remove_device

    return _print_result(args, await remove_device(_url(args), args.id, timeout=args.timeout))


async def cmd_say(args: argparse.Namespace) -> int:
    from hub.client import say

    text = " ".join(args.text)
    _check_text(text)
    result = await say(_url(args), text, lang=args.lang, timeout=args.timeout,
                       session=args.session or _default_session())
    if args.json:
        print(_json(result.model_dump(by_alias=True, exclude_none=True)))
    else:
        print(_text(result.reply))
    if args.speak:
        from hub.interop.voice import VoiceUnavailable, speak

        try:
            speech = await speak(result.reply, result.lang, wav=args.wav)
        except VoiceUnavailable as exc:
            raise CliError(str(exc)) from None
        print(speech.describe(), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def _check_text(text: str) -> None:
    """BadInput unless the hub can take ``text`` (the wire protocol's limit, not a copy of it)."""
    from hub.protocol.messages import HubRequestPayload

    limit = next(m.max_length for m in HubRequestPayload.model_fields["text"].metadata if hasattr(m, "max_length"))
    if not text.strip():
        raise BadInput("nothing to say: the text is empty")
    if len(text) > limit:
        raise BadInput(f"the text is {len(text):,} characters long; the hub takes at most {limit:,}")


def _print_result(args: argparse.Namespace, result: Any) -> int:
    if args.json:
        print(_json(result.model_dump(by_alias=True, exclude_none=True)))
    else:
        print(_text(result.reply))
    return EXIT_OK if result.ok else EXIT_FAILED


async def cmd_scenes(args: argparse.Namespace) -> int:
    from hub.client import automation_request, list_automations

    url = _url(args)
    action = args.scenes_command
    if action == "list":
        found = await list_automations(url, timeout=args.timeout)
        if args.json:
            print(_json(found.model_dump(by_alias=True, include={"scenes", "routines"})))
            return EXIT_OK
        for scene in found.scenes:
            names = " / ".join(n for _lang, n in scene.names.all()[:4])
            print(_text(f"{scene.id:16} {scene.source:5} {names}"))
            for line in scene.actions:
                print(_text(f"{'':23}{line}"))
        if found.routines:
            print("routines:")
            for routine in found.routines:
                print(_text(f"  {routine.id:22} when {routine.when}"))
        return EXIT_OK
    if action == "add":
        result = await automation_request(url, "SaveScene", args.name, text=args.orders, lang=args.lang,
                                          timeout=args.timeout)
    else:
        name = "RunScene" if action == "run" else "DeleteScene"
        result = await automation_request(url, name, args.scene, lang=args.lang, timeout=args.timeout)
    return _print_result(args, result)


async def cmd_timers(args: argparse.Namespace) -> int:
    from hub.client import automation_request, list_automations
    from hub.protocol.text import printable

    url = _url(args)
    if args.timers_command == "cancel":
        result = await automation_request(url, "CancelTimer", str(args.id), timeout=args.timeout)
        return _print_result(args, result)
    found = await list_automations(url, timeout=args.timeout)
    if args.json:
        print(_json(found.model_dump(by_alias=True, include={"timers", "now"})))
        return EXIT_OK
    if not found.timers:
        print(_text(f"no timers (hub time {found.now})"))
    for timer in found.timers:
        print(f"{timer.id:4}  {timer.at}  {printable(timer.repeat or 'once'):16} {printable(timer.text)}")
    return EXIT_OK


async def cmd_listen(args: argparse.Namespace) -> int:
    from hub.client import announcements

    heard = 0
    url = _url(args)

    def listening() -> None:
        print(f"listening to the hub on {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)

    async for said in announcements(url, listening=listening):
        if args.json:
            print(_json(said.model_dump(by_alias=True, exclude_none=True)), flush=True)
        else:
            print(_text(f"[{said.source} {said.id}] {said.text}"), flush=True)
        heard += 1
        if args.count is not None and heard >= args.count:
            break
    return EXIT_OK


async def cmd_reset(args: argparse.Namespace) -> int:
    from hub.client import reset_home

    result = await reset_home(_url(args), timeout=args.timeout)
    if args.json:
        print(_json(result.model_dump(by_alias=True, exclude_none=True)))
    else:
        print(_text(result.reply))
    return EXIT_OK if result.ok else EXIT_FAILED


async def cmd_check(args: argparse.Namespace) -> int:
    home = _load_home(args.file)
    if args.json:
        print(_json(home.model_dump(mode="json"), indent=2))
    else:
        print(_text(f"{args.file or 'built-in demo home'}: OK — {len(home.rooms)} rooms, {len(home.devices)} devices"))
        for room in home.rooms:
            members = [d.id for d in home.devices if d.room == room.id]
            print(_text(f"  {room.id:10} {room.names.display('zh')} / {room.names.display('en')}: "
                        f"{', '.join(members)}"))
    return EXIT_OK


async def cmd_brands(args: argparse.Namespace) -> int:
    from devices.registry import UnknownBrand, load_registry, report

    registry = load_registry()
    if args.brands_command == "list":
        brands = list(registry.brands.values())
        if args.category is not None:
            if args.category not in _categories():
                raise CliError(f"unknown category {args.category!r}; known: {', '.join(_categories())}")
            brands = registry.brands_in(args.category)
        if args.json:
            print(_json([report.brand_summary(registry, b) for b in brands], indent=1))
        else:
            print(_text("\n".join(report.list_text(registry, brands))))
        return EXIT_OK
    if args.brands_command == "show":
        try:
            brand = registry.brand(args.brand)
        except UnknownBrand as exc:
            raise CliError(str(exc)) from None
        if args.json:
            print(_json(report.brand_detail(registry, brand), indent=1))
        else:
            print(_text("\n".join(report.show_text(registry, brand, everything=args.all))))
        return EXIT_OK
    found, products = registry.search(args.text)
    if args.json:
        print(_json({"brands": [report.brand_summary(registry, b) for b in found],
                     "products": [report.product_detail(p) for p in products]}, indent=1))
    else:
        print(_text("\n".join(report.search_text(registry, found, products))))
    return EXIT_OK if found or products else EXIT_FAILED


COMMANDS: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, int]]] = {
    "up": cmd_up,
    "brands": cmd_brands,
    "broker": cmd_broker,
    "hub": cmd_hub,
    "say": cmd_say,
    "replay": cmd_replay,
    "scenes": cmd_scenes,
    "timers": cmd_timers,
    "listen": cmd_listen,
}


def _command(args: argparse.Namespace) -> Callable[[argparse.Namespace], Coroutine[Any, Any, int]]:
    if args.command == "devices":
        return {"spawn": cmd_spawn, "list": cmd_list, "remove": cmd_remove}[args.devices_command]
    if args.command == "home":
        return cmd_reset if args.home_command == "reset" else cmd_check
    return COMMANDS[args.command]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``genie`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.debug:
        # amqtt logs every abrupt client disconnect (the simulated power cuts) as an error.
        logging.getLogger("amqtt").setLevel(logging.CRITICAL)
        logging.getLogger("transitions").setLevel(logging.WARNING)
    try:
        return asyncio.run(_command(args)(args))
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:  # `genie devices list | head`: the reader left; that is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            raise
        return _fail(exc)


def _fail(exc: BaseException) -> int:
    """Print ``exc`` as one line; the exit status (3 for bad input, else 2)."""
    from pydantic import ValidationError

    from hub.broker import BrokerConfigError, BrokerStartError
    from hub.client import HubUnavailable
    from hub.protocol.mqtt import ConnectionFailed
    from hub.protocol.text import visible
    from hub.security import CredentialsError
    from hub.store import StoreError

    # No common root yet: every error type whose message is written for the user is listed here (the
    # dashboard's and the voice's are turned into CliError where they can happen).
    known = (CliError, BrokerConfigError, BrokerStartError, HubUnavailable, ConnectionFailed, StoreError,
             CredentialsError, ValueError, TimeoutError, OSError)
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    if isinstance(exc, ValidationError):  # input the wire protocol refuses: its first reason, on one line
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = f"invalid input: {where + ': ' if where else ''}{error['msg']}"
    elif isinstance(exc, known):
        message = str(exc) or type(exc).__name__
    else:
        message = f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"
    # One line, whatever it quotes: a control character is written out (an error says what it was given).
    print(f"genie: error: {visible(' '.join(message.split()))}", file=sys.stderr)
    return EXIT_BAD_INPUT if isinstance(exc, BadInput | ValidationError) else EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
