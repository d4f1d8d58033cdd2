"""``genie devices spawn --homes N --per-home M``: many generated homes of devices, each on its own home's topics
and logins (docs/home.md, Several homes), spread over processes and, when given several, over brokers.

Home ``k`` (id ``h00001``...) is made from the brand registry by ``devices.registry.fleet.many_homes`` with its
own seed, so every process makes only its share of the homes (``--part I/P``, contiguous ranges) and the
same seed gives the same homes in any number of processes. Home ``k`` connects to broker ``(k - 1) mod B`` of
the ``B`` URLs of ``--broker URL,URL`` (one Mosquitto process holds as many connections as it may open files).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from genie.fleet import with_faults
from hub.errors import GenieError
from hub.protocol.mqtt import BrokerURL

MAX_SOURCES = 254
"""Most loopback source addresses a fleet is spread over (127.0.0.1-127.0.0.254)."""
MISC_EVERY = 15.0
"""At most this many seconds between a device's keepalive checks (a quarter of its keepalive when shorter)."""
ONLINE_SECONDS_PER_DEVICE = 0.05
"""How long devices may take to come online, per device of a process (at least ONLINE_AT_LEAST)."""
ONLINE_AT_LEAST = 30.0
ACK_TIMEOUT = 30.0
"""Seconds a fleet device waits for the broker's CONNACK, PUBACK or SUBACK before it drops the connection and
tries again. A client's usual 5 s is too short for a broker taking tens of thousands of connections at once:
devices that gave up reconnected together, and the fleet churned without ever being all online. A device with
a longer keepalive waits that long: while the broker answers its pings the connection is alive, and giving it
up because an acknowledgement is late under load only adds a reconnection and an announcement to the load."""
CONNECTS_AT_ONCE = 128
"""Most devices of one process connecting at the same moment; the others wait their turn in the process, not
on the broker's clock (the first connections of a fleet and every reconnection storm alike)."""


def parts(homes: int, processes: int) -> list[range]:
    """The homes (numbered from 1) each of ``processes`` processes runs: contiguous, sizes differing by one at
    most; never more parts than homes."""
    count = max(1, min(processes, homes))
    return [range(1 + i * homes // count, 1 + (i + 1) * homes // count) for i in range(count)]


def parse_part(text: str) -> tuple[int, int]:
    """``I/P`` (the hidden --part of a child process) as (I, P); GenieError unless 0 <= I < P."""
    index, sep, count = text.partition("/")
    if not (sep and index.isdigit() and count.isdigit() and int(index) < int(count)):
        raise GenieError(f"--part: expected I/P with 0 <= I < P, got {text!r}")
    return int(index), int(count)


def broker_urls(text: str | None) -> list[BrokerURL]:
    """The brokers of ``--broker URL[,URL...]`` (default: $GENIE_BROKER, else the local one); BadBrokerURL
    naming the one that is wrong."""
    if not text:
        return [BrokerURL.from_env(None)]
    return [BrokerURL.parse(piece) for piece in text.split(",")]


def check_args(args: argparse.Namespace) -> None:
    """One-line errors for flags that do not go with --homes (or --per-home without it)."""
    if args.homes is None:
        if args.per_home is not None:
            raise GenieError("--per-home goes with --homes")
        if args.part is not None:
            raise GenieError("--part goes with --homes")
        if args.broker and "," in args.broker:
            raise GenieError("several brokers (--broker URL,URL) go with --homes")
        if getattr(args, "source_addresses", None) is not None:
            raise GenieError("--source-addresses goes with --homes")
        return
    from devices.registry.fleet import MAX_HOMES, MAX_PER_HOME

    if not 1 <= args.homes <= MAX_HOMES:
        raise GenieError(f"--homes must be between 1 and {MAX_HOMES}, got {args.homes}")
    if args.per_home is not None and not 1 <= args.per_home <= MAX_PER_HOME:
        raise GenieError(f"--per-home must be between 1 and {MAX_PER_HOME}, got {args.per_home}")
    if args.home is not None or args.brand is not None or args.random is not None:
        raise GenieError("give either --homes or --home/--brand/--random, not both")
    if args.print:
        raise GenieError("--print writes one home file; it does not go with --homes")
    if args.prefix is not None:
        raise GenieError("--prefix does not go with --homes (every home has its own topics)")
    if getattr(args, "source_addresses", None) is not None:
        if not 1 <= args.source_addresses <= MAX_SOURCES:
            raise GenieError(f"--source-addresses must be between 1 and {MAX_SOURCES}, got {args.source_addresses}")
        if any(not url.host.startswith("127.") for url in broker_urls(args.broker)):
            raise GenieError("--source-addresses spreads devices over 127.0.0.1-127.0.0.N: it needs a broker on a "
                             "loopback address (127.x.x.x)")


def sources(args: argparse.Namespace) -> list[str]:
    """The local addresses the devices leave from, home k from ``sources[(k - 1) % len]``: 127.0.0.1 ... 127.0.0.N
    with --source-addresses N (each has the machine's whole ephemeral port range), else any (the system's
    choice)."""
    count = getattr(args, "source_addresses", None)
    return [f"127.0.0.{i}" for i in range(1, count + 1)] if count else [""]


def make_homes(args: argparse.Namespace, indices: range) -> list[Any]:
    """The homes at ``indices`` of ``--homes N --per-home M --seed S``, with the command line's faults."""
    from devices.registry import load_registry
    from devices.registry.fleet import many_homes

    homes = many_homes(load_registry(), args.homes, args.per_home or 10, seed=args.seed, indices=indices)
    return [with_faults(home, args) for home in homes]


def child_args(args: argparse.Namespace, part: int, count: int) -> list[str]:
    """The `genie devices spawn` arguments of the child process running part ``part`` of ``count``."""
    command = ["--homes", str(args.homes), "--per-home", str(args.per_home or 10), "--seed", str(args.seed),
               "--part", f"{part}/{count}", "--keepalive", str(args.keepalive)]
    if args.broker:
        command += ["--broker", args.broker]
    if getattr(args, "source_addresses", None):
        command += ["--source-addresses", str(args.source_addresses)]
    flags = {"--slow": args.slow, "--flaky": args.flaky, "--offline-after": args.offline_after}
    command += [item for flag, value in flags.items() if value is not None for item in (flag, str(value))]
    return command + [flag for flag, on in (("--jammed", args.jammed), ("--no-latency", args.no_latency)) if on]


def fleet_connector(url: BrokerURL, credentials: Any, keepalive: int, home: str | None,
                    bind_address: str = "", gate: asyncio.Semaphore | None = None) -> Any:
    """``genie.app.connector``'s connections, whose keepalive check runs every ``keepalive / 4`` seconds (at
    most MISC_EVERY): a ping then goes out at most a quarter of the keepalive late, well within the broker's
    1.5 x keepalive, and 100,000 idle devices cost ~0.2 of a core (a check a second, as aiomqtt did, cost 1.5-2
    of this machine's 2 cores). Each waits ACK_TIMEOUT for the broker's acknowledgements and, given a ``gate``,
    connects only while it holds the gate (``Gated``)."""
    from genie.app import connector

    make = connector(url, credentials, keepalive, home, bind_address, timeout=max(ACK_TIMEOUT, keepalive),
                     misc_every=min(MISC_EVERY, keepalive / 4))

    def connect(client_id: str, will: Any) -> Any:
        conn = make(client_id, will)
        return conn if gate is None else Gated(conn, gate)

    return connect


class Gated:
    """A connection that connects only while it holds ``gate`` (an ``async with`` around the inner one): at
    most the gate's count of a process's devices wait for a CONNACK at once, the rest wait in the process."""

    def __init__(self, inner: Any, gate: asyncio.Semaphore) -> None:
        self._inner, self._gate = inner, gate

    async def __aenter__(self) -> Any:
        async with self._gate:
            return await self._inner.__aenter__()

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._inner.__aexit__(*exc)


@contextlib.asynccontextmanager
async def run_homes(homes: list[Any], first: int, urls: list[BrokerURL], *, keepalive: int,
                    progress: Callable[[int], None], addresses: list[str] | None = None) -> AsyncIterator[list[Any]]:
    """Run the devices of ``homes`` (home ``first`` and the ones after it) in this event loop, each home on its
    own topics and logins and on broker ``(k - 1) mod len(urls)``, until the body ends; ``progress(online)``
    as they come online. Yields the runners once all are online; TimeoutError saying how many are if not."""
    from devices.categories import device_class
    from devices.runner import DeviceRunner, run_fleet
    from genie.app import resolve_credentials
    from hub.protocol import Topics

    credentials = resolve_credentials(embedded=False, insecure=False, config=None)
    runners: list[DeviceRunner] = []
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    for k, home in enumerate(homes, start=first):
        leave = (addresses or [""])[(k - 1) % len(addresses or [""])]
        connect = fleet_connector(urls[(k - 1) % len(urls)], credentials, keepalive, home.id, leave, gate)
        topics = Topics().home(home.id)
        runners.extend(DeviceRunner(device_class(c.category)(c), connect, topics) for c in home.device_configs())
    homes.clear()  # the runners hold what they need: the home models need not stay in memory
    fleet = asyncio.create_task(run_fleet(runners), name="devices")
    try:
        await _online(runners, fleet, progress)
        yield runners
    finally:
        for runner in runners:
            runner.stop()
        fleet.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await fleet


async def _online(runners: list[Any], fleet: asyncio.Task[None], progress: Callable[[int], None]) -> None:
    """Count the devices online (four times a second) until all are, the fleet fails, or time is up."""
    allowed = max(ONLINE_AT_LEAST, len(runners) * ONLINE_SECONDS_PER_DEVICE)
    deadline = time.monotonic() + allowed
    online = -1
    while True:
        count = sum(1 for r in runners if r.online.is_set())
        if count != online:
            online = count
            progress(online)
        if online == len(runners):
            return
        if fleet.done():
            fleet.result()  # raises what stopped the devices
            raise GenieError("the devices stopped before they were all online")
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {online} of {len(runners)} devices were online after {allowed:g} s; "
                               "the broker may be overloaded or refusing connections (docs/scale-out.md)")
        await asyncio.sleep(0.25)
