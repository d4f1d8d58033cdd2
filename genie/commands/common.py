"""What the command groups share: exit statuses, printing text and JSON a terminal can take, the broker
and hub-call flags, the home file, and waiting for Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hub.errors import GenieError

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2, 3
EXIT_STATUS = ("Exit status: 0 done; 1 the hub answered but could not (not understood, offline device…); "
               "2 the hub or broker could not be reached (or another error, said in one line); "
               "3 when the text is empty or too long (nothing was sent).")

INSECURE_WARNING = ("genie: warning: --insecure: the broker accepts anyone, with no credentials and no topic "
                    "ACL; anything that can reach {where} can control every device")


def text(value: str) -> str:
    """Text `genie` did not write (the hub's replies and directory, a home file, the brand registry) as it
    may reach a terminal: each line through ``printable`` (no escape sequence, control character or bidi
    override), its layout kept."""
    from hub.protocol.text import printable

    return "\n".join(printable(line, tidy=False) for line in value.split("\n"))


def json_text(value: Any, indent: int | None = None, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as JSON for a terminal or a program: readable UTF-8, but every character a terminal would
    act on escaped (json.dumps escapes C0 only; DEL, C1, bidi overrides and separators too), nothing lost."""
    from hub.protocol.text import CONTROLS

    dumped = json.dumps(value, ensure_ascii=False, indent=indent, default=default)
    # json.dumps escapes every C0 character inside a string: a raw one can only be indent's own line break
    return CONTROLS.sub(lambda found: found.group() if found.group() == "\n" else f"\\u{ord(found.group()):04x}",
                        dumped)


def broker_arg(parser: argparse.ArgumentParser, otherwise: str = "mqtt://127.0.0.1:1883") -> None:
    """Add ``--broker URL``."""
    parser.add_argument("--broker", metavar="URL",
                        help="MQTT broker URL, e.g. mqtt://user:pass@127.0.0.1:1883 "
                             f"(default: $GENIE_BROKER, else {otherwise})")


def hub_call_args(parser: argparse.ArgumentParser) -> None:
    """Add the flags of a command that asks the running hub something: --broker, --json, --timeout."""
    broker_arg(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for the hub")


def url(args: argparse.Namespace) -> Any:
    """The broker of ``--broker``, else ``$GENIE_BROKER``, else the default; one that is no URL is one line."""
    from hub.protocol.mqtt import BrokerURL

    return BrokerURL.from_env(args.broker)  # BadBrokerURL: one line


def print_result(args: argparse.Namespace, result: Any) -> int:
    """Print the hub's answer (its reply, or all of it as JSON); the exit status says whether it could."""
    if args.json:
        print(json_text(result.model_dump(by_alias=True, exclude_none=True)))
    else:
        print(text(result.reply))
    return EXIT_OK if result.ok else EXIT_FAILED


def load_home(path: Path | None) -> Any:
    """The home file at ``path`` (the built-in demo home for None), both halves checked; its errors are one line.

    A file with an ``id`` runs on its own topics and logins (docs/home.md, Several homes); the built-in demo
    home, run when no file is given, keeps the broker's default tree, as it always has."""
    from devices.home import DEMO_HOME
    from devices.home import load_home as load
    from genie.homes import automations_of

    home = load(path)
    automations_of(home, f"home file {path if path is not None else DEMO_HOME}")
    return home if path is not None else home.model_copy(update={"id": None})


def home_id_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--home ID``: the home (of several on one broker) to talk to."""
    parser.add_argument("--home", type=home_id, metavar="ID",
                        help="the home to talk to, by the `id` of its home file, when the hub serves several "
                             "(default: the home without an id, e.g. `genie up`'s built-in demo home)")


def home_id(value: str) -> str:
    """A ``--home ID`` value, checked (argparse makes a ValueError one line of usage)."""
    from hub.protocol import validate_home_id

    try:
        return validate_home_id(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def categories() -> tuple[str, ...]:
    """The AliGenie device categories."""
    from hub.protocol.vocabulary import DEVICE_TYPES

    return DEVICE_TYPES


def check_category(category: str | None) -> None:
    """Refuse a category AliGenie does not have, naming those it has."""
    if category is not None and category not in categories():
        raise GenieError(f"unknown category {category!r}; known: {', '.join(categories())}")


def stop_on_signals() -> None:
    """From now on SIGTERM and SIGHUP cancel the main task, as Ctrl-C does. Called before anything starts:
    a signal sent the moment the ready line is printed (or during start-up) stops cleanly, never kills."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, task.cancel)


def stop_with_parent() -> None:
    """In a child process whose standard input is a pipe from its parent: when the pipe closes (the parent
    exited, even by SIGKILL), cancel the main task as SIGTERM would. Without it a `genie devices spawn` child
    outlived a killed parent and kept its devices connected."""
    import sys
    import threading

    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        with contextlib.suppress(RuntimeError):  # the loop has already closed: nothing left to stop
            loop.call_soon_threadsafe(task.cancel)

    threading.Thread(target=watch, name="genie.parent-watch", daemon=True).start()


async def until_stopped(hubs: Iterable[Any] = ()) -> None:
    """Wait for Ctrl-C or SIGTERM (both cancel the main task). With the hubs this process runs (None ones
    skipped): once their directories have settled, what they hold is kept out of the garbage collector's scans
    (``hub.memory.settle``)."""
    stop_on_signals()
    running = [hub for hub in hubs if hub is not None]
    if running:
        from hub.memory import settle

        await settle(hub.directory for hub in running)
    await asyncio.Event().wait()
