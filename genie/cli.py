"""The ``genie`` command: up, broker, hub, devices, say, scenes, timers, listen, replay, home, brands, coverage.

Thin: the parser is assembled from one module per command group (``genie.commands``), the handler that
parsing picked runs in one ``asyncio.run``, and every error the user can act on is one line here.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from genie.commands import (
    brands,
    broker,
    certify,
    coverage,
    devices,
    home,
    hub,
    load,
    replay,
    say,
    scenes,
    shard,
    speakers,
    timers,
    up,
)
from genie.commands.common import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_OK
from hub.errors import GenieError

_GROUPS = (up.register, broker.register, hub.register, devices.register, say.register, speakers.register,
           scenes.register, timers.register, say.register_listen, replay.register, home.register, brands.register,
           load.register, shard.register, certify.register, coverage.register)
"""Each adds its subcommands, in the order ``genie --help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The ``genie`` parser, every subcommand with its handler."""
    parser = argparse.ArgumentParser(
        prog="genie",
        description="Genie Sim: a Tmall Genie-style smart speaker, its MQTT broker and simulated devices "
                    "of many brands, on your machine.",
        epilog='Quick start: `genie up` in one terminal, then `genie say "打开客厅的灯"` in another.',
    )
    parser.add_argument("--debug", action="store_true", help="verbose logs and full tracebacks")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in _GROUPS:
        register(sub)
    return parser


def _version() -> str:
    # importlib.metadata, not hub.service: `genie --help` must not import the hub (it costs ~150 ms)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("genie-sim")
    except PackageNotFoundError:
        return "0.0.0"


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
        return asyncio.run(args.handler(args))
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
    """Print ``exc`` as one line; return its exit status (a GenieError's own, 3 for input refused, else 2)."""
    from pydantic import ValidationError

    from hub.protocol.text import visible

    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    status = EXIT_ERROR
    if isinstance(exc, ValidationError):  # input the wire protocol refuses: its first reason, on one line
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message, status = f"invalid input: {where + ': ' if where else ''}{error['msg']}", EXIT_BAD_INPUT
    elif isinstance(exc, GenieError):
        message, status = str(exc) or type(exc).__name__, exc.exit_code
    elif isinstance(exc, TimeoutError | OSError):  # the system's own words say it (no such file, timed out)
        message = str(exc) or type(exc).__name__
    else:
        message = f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"
    # One line, whatever it quotes: a control character is written out (an error says what it was given).
    print(f"genie: error: {visible(' '.join(message.split()))}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
