"""``genie devices login ID``: the MQTT login a device written elsewhere (any language) uses to join this machine's
secured broker — its username and client id are its device id (``<home>.<id>`` in a home of several-homes), its
password is derived from the data directory's credentials, which `genie up` generates on its first run."""

from __future__ import annotations

import argparse
from typing import Any

from genie.commands.common import EXIT_OK, broker_arg, json_text, url
from hub.errors import GenieError


def register(dsub: Any) -> None:
    """Add ``genie devices login``."""
    login = dsub.add_parser("login", help="print the MQTT login a device of your own connects with",
                            description="Print the broker URL, username, client id and password a device of your "
                                        "own (written in any language, docs/protocol.md) connects with to the "
                                        "broker `genie up` secures. The password comes from the credentials in "
                                        "your data directory; anyone who reads it may act as that device.",
                            epilog="Example: genie devices login my-lamp --json")
    login.add_argument("id", help="the device's id (letters, digits, - and _; not a name the platform reserves)")
    login.add_argument("--home", metavar="HOME", help="the home the device belongs to (several homes on one broker)")
    broker_arg(login)
    login.add_argument("--json", action="store_true", help="print JSON")
    login.set_defaults(handler=cmd_login)


def device_login(device_id: str, home: str | None) -> tuple[str, str]:
    """The (username, password) of device ``device_id`` (of ``home``); GenieError in one line for an id that is
    not a device's, a bad home, or a data directory without credentials."""
    from hub.paths import credentials_path
    from hub.protocol.topics import DEVICE_ID_RE
    from hub.security import Credentials, home_login, is_device_name

    if not DEVICE_ID_RE.fullmatch(device_id):
        raise GenieError(f"{device_id!r} is not a device id: lowercase letters, digits, '-' and '_', at most 64 "
                         "(docs/protocol.md)")
    if not is_device_name(device_id):
        raise GenieError(f"{device_id!r} is a name the platform reserves (the hub, clients, shards, neighbours), "
                         "not a device's")
    if home is not None and not DEVICE_ID_RE.fullmatch(home):
        raise GenieError(f"--home: {home!r} is not a home id")
    path = credentials_path()
    if not path.exists():
        raise GenieError(f"no credentials in {path.parent} yet: `genie up` (or `genie broker`) makes them on its "
                         "first run")
    username = home_login(home, device_id)
    password = Credentials.load(path).password_for(username)
    if password is None:
        raise GenieError(f"no login for {username!r}")
    return username, password


async def cmd_login(args: argparse.Namespace) -> int:
    """Print the device's login: one line each, or JSON."""
    username, password = device_login(args.id, args.home)
    broker = url(args)
    address = f"mqtt://{broker.host}:{broker.port}"
    if args.json:
        print(json_text({"broker": address, "username": username, "clientId": username, "password": password}))
        return EXIT_OK
    print(f"broker:    {address}")
    print(f"username:  {username}")
    print(f"client id: {username}")
    print(f"password:  {password}")
    return EXIT_OK
