"""``genie broker``: only the embedded MQTT broker, or its configuration exported for Mosquitto or RabbitMQ."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_OK, INSECURE_WARNING, load_home, until_stopped
from hub.errors import GenieError


def register(sub: Any) -> None:
    """Add ``genie broker``."""
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
                             "(use_username_as_clientid); `--export rabbitmq DIR` writes rabbitmq.conf and "
                             "definitions.json (users, vhost and topic permissions for its MQTT plugin)")
    broker.add_argument("--home", type=Path, metavar="FILE", action="append",
                        help="with --export: the home whose devices get passwords (default: the demo home); "
                             "again for each home of the broker: a file with an `id` gets its own logins, "
                             "confined to its own topics")
    broker.add_argument("--shard", metavar="ID", action="append", default=[],
                        help="with --export: a hub shard's login (genie-shard-ID), again for each `genie shard --id`; "
                             "add `--shard status` for `genie shard status` (docs/shards.md)")
    broker.set_defaults(handler=cmd_broker)


async def cmd_broker(args: argparse.Namespace) -> int:
    """Run the embedded broker until Ctrl-C or SIGTERM (or export its configuration)."""
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
        await until_stopped()
    except asyncio.CancelledError:
        pass
    finally:
        await broker.stop()
    return EXIT_OK


def _export(args: argparse.Namespace, config: dict[str, Any], credentials: Any) -> int:
    from genie.homes import check_homes
    from hub.broker.rabbitmq import export_rabbitmq
    from hub.security import export_mosquitto

    kind, directory = args.export
    if kind not in ("mosquitto", "rabbitmq"):
        raise GenieError(f"--export: unknown broker kind {kind!r}; known: mosquitto, rabbitmq")
    if kind == "rabbitmq" and credentials is None:
        raise GenieError("--export rabbitmq: RabbitMQ's MQTT plugin has no anonymous mode here; drop --insecure")
    from hub.shards.wire import validate_shard_id

    try:
        shards = [validate_shard_id(shard) for shard in dict.fromkeys(args.shard)]
    except ValueError as exc:
        raise GenieError(f"--shard: {exc}") from None
    host, _, port = config["listeners"]["default"]["bind"].rpartition(":")
    paths = args.home or [None]
    homes = [load_home(path) for path in paths]
    named = [(home, f"home file {path}") for home, path in zip(homes, paths, strict=True) if home.id is not None]
    check_homes([home for home, _ in named], [source for _, source in named])
    default = [d.id for home in homes if home.id is None for d in home.devices]
    owned = {home.id: [d.id for d in home.devices] for home in homes if home.id is not None}
    if kind == "rabbitmq":
        files = export_rabbitmq(Path(directory), credentials, default, host=host.strip("[]"), port=int(port),
                                homes=owned, shards=shards)
        run = f"RABBITMQ_CONFIG_FILE={files[0]} rabbitmq-server (with rabbitmq_mqtt enabled)"
    else:
        files = export_mosquitto(Path(directory), credentials, default, host=host.strip("[]"), port=int(port),
                                 homes=owned, shards=shards)
        run = f"mosquitto -c {files[0]}"
    for file in files:
        print(file)
    print(f"Run it with: {run}   (then: genie up --broker mqtt://{host}:{port})", file=sys.stderr)
    return EXIT_OK
