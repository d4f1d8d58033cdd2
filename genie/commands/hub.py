"""``genie hub``: only the hub, against a running broker; and the options of every command that runs a hub
(its neighbours and its dashboard), which ``genie up`` shares."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_OK, broker_arg, load_home, stop_on_signals, until_stopped
from hub.errors import GenieError
from hub.language import LANGUAGES

DEFAULT_HTTP_PORT = 8321


def register(sub: Any) -> None:
    """Add ``genie hub``."""
    hub = sub.add_parser("hub", help="run only the hub, against a running broker",
                         description="Run the hub: discover devices, keep the directory, serve text commands.")
    broker_arg(hub)
    hub.add_argument("--db", type=Path, metavar="PATH", help="hub database (default: the user's data directory)")
    hub.add_argument("--home", type=Path, metavar="FILE",
                     help="home file whose scenes, routines, language and time zone the hub uses "
                          "(its devices run elsewhere; default: the built-in demo home); a file with an `id` "
                          "is served on that home's own topics and logins")
    interop_args(hub)
    http_args(hub, default=None)
    hub.set_defaults(handler=cmd_hub)


def interop_args(parser: argparse.ArgumentParser) -> None:
    """Add the options of the neighbours the hub talks to (Home Assistant, Rhasspy)."""
    group = parser.add_argument_group("neighbours (docs/interop.md)")
    group.add_argument("--ha-discovery", action="store_true",
                       help="announce every device to Home Assistant over MQTT discovery")
    group.add_argument("--ha-prefix", default="homeassistant", metavar="P",
                       help="Home Assistant's discovery prefix (default: homeassistant)")
    group.add_argument("--ha-lang", choices=LANGUAGES, default="en",
                       help="language of the names Home Assistant shows (default: en)")
    group.add_argument("--ha-legacy", action="store_true",
                       help="for Home Assistant before 2025.2: one discovery message per entity, mireds")
    group.add_argument("--hermes", action="store_true", help="answer Rhasspy Hermes NLU queries on hermes/nlu/query")


def interop(args: argparse.Namespace) -> Any:
    """The neighbours the flags ask for."""
    from hub.interop.wiring import InteropOptions

    return InteropOptions(args.ha_discovery, args.ha_prefix, args.ha_lang, args.hermes, args.ha_legacy)


def http_args(parser: argparse.ArgumentParser, default: int | None) -> None:
    """Add the options of the dashboard and HTTP API."""
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


def dashboard(args: argparse.Namespace, hub: Any, *, port: int | None = None, homes: Any = None) -> Any:
    """``serve_dashboard`` as the flags ask (on ``port`` instead of --http's, when given; ``homes``: the home
    switcher's ``HomeLinks``), or a context yielding None when there is to be none."""
    if hub is None or args.no_http or args.http is None:
        return contextlib.nullcontext(None)
    from devices.registry import load_registry
    from hub.interop.aligenie import TOKEN_FILE, AliGenieGateway, load_or_create_token
    from hub.paths import data_dir
    from hub.web import serve_dashboard

    gateway = AliGenieGateway(hub, load_or_create_token(data_dir() / TOKEN_FILE))
    return serve_dashboard(hub, args.http_host, args.http if port is None else port, token=args.http_token,
                           brands=load_registry, aligenie=gateway, homes=homes)


def dashboard_error(exc: Exception) -> GenieError:
    """A dashboard that cannot be served, with the flags that change it."""
    return GenieError(f"{exc} (see --http, --http-host, --http-token; --no-http turns it off)")


async def cmd_hub(args: argparse.Namespace) -> int:
    """Run the hub until Ctrl-C or SIGTERM."""
    from genie.app import default_db_path, run_stack
    from genie.homes import automations_of, check_interop
    from hub.web import DashboardError

    stop_on_signals()
    db = args.db or default_db_path()
    try:
        home = load_home(args.home)
        check_interop([home], interop(args))
        async with run_stack(home=None, broker_url=args.broker or "", db=db, interop=interop(args),
                             automations=automations_of(home), scope=home.id) as running, \
                dashboard(args, running.hub) as served:
            web = f", dashboard {served.url}" if served is not None else ""
            print(f"hub connected to {running.broker_url}, database {db}{web}. Stop with Ctrl-C.", flush=True)
            await until_stopped([running.hub])
    except asyncio.CancelledError:
        pass
    except DashboardError as exc:
        raise dashboard_error(exc) from None
    return EXIT_OK
