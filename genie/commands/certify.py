"""``genie certify``: the conformance suite a device maker runs against their own device (docs/certify.md)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from genie.commands.common import EXIT_FAILED, EXIT_OK, json_text
from hub.errors import BadInput, GenieError

STOP_TIMEOUT = 5.0
"""Seconds a device started with --exec has to exit after SIGTERM before it is killed."""


def register(sub: Any) -> None:
    """Add ``genie certify``."""
    parser = sub.add_parser(
        "certify", help="run the conformance suite against a device (yours, in any language)",
        description="Certify a device against the Genie wire protocol (docs/protocol.md). By default certify "
                    "starts its own broker on 127.0.0.1, prints how the device must connect (URL, username, "
                    "password), waits for it, and runs every case acting as the hub. Exit status 0 only if no "
                    "case failed.",
        epilog="Examples: genie certify --device my-lamp (then start your device with the login printed); "
               "genie certify --device node-light --exec 'node examples/node-light/light.js' --report out.html; "
               "genie certify --self-test. Each case is described in docs/certify.md.")
    parser.add_argument("--device", metavar="ID", help="the id of the device under test")
    parser.add_argument("--broker", metavar="URL",
                        help="use this broker instead of certify's own, logged in with the hub's credentials "
                             "(mqtt://genie-hub:PASSWORD@host:port); cases that need the broker's own view or a "
                             "restart are then reported 'not run'")
    parser.add_argument("--port", type=int, default=0, help="port of certify's own broker (default: any free one)")
    parser.add_argument("--password", help="the device's password on certify's broker (default: a random one)")
    parser.add_argument("--wait", type=float, default=60.0, metavar="S",
                        help="seconds to wait for the device to connect (default 60)")
    parser.add_argument("--exec", dest="command", metavar="CMD",
                        help="start the device with this command once the broker is up (environment: GENIE_BROKER, "
                             "GENIE_USERNAME, GENIE_PASSWORD, GENIE_DEVICE_ID); stopped at the end")
    parser.add_argument("--soak", type=float, metavar="MINUTES", help="also run the long-duration case this long")
    parser.add_argument("--pid", type=int, help="with --soak: the device's process, whose memory is watched "
                                                "(default with --exec: the process started)")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON (the login goes to stderr)")
    parser.add_argument("--report", type=Path, metavar="FILE.html", help="also write an HTML report")
    parser.add_argument("--self-test", action="store_true",
                        help="certify one built-in device of every category (all must pass) and every deliberately "
                             "broken device (each must fail the right case)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="with --self-test: only these categories or "
                                                                  "broken devices")
    parser.set_defaults(handler=cmd_certify)


def _check(args: argparse.Namespace) -> None:
    if args.self_test:
        if args.device or args.broker or args.command or args.soak:
            raise BadInput("--self-test runs its own devices: it takes no --device, --broker, --exec or --soak")
        return
    if not args.device:
        raise BadInput("give --device ID (the device under test), or --self-test")
    from hub.protocol import validate_device_id

    try:
        validate_device_id(args.device)
    except ValueError as exc:
        raise BadInput(f"--device: {exc}") from None
    from hub.security import is_device_name

    if not is_device_name(args.device):
        raise BadInput(f"--device: {args.device!r} is a name the platform reserves (the hub, clients, shards, "
                       "neighbours), not a device's")
    if args.broker and (args.port or args.password or args.command):
        raise BadInput("--port, --password and --exec are for certify's own broker: not with --broker")
    if not 0 <= args.port <= 65535:
        raise BadInput(f"--port must be 0-65535, got {args.port}")
    if not 0 < args.wait <= 3600:
        raise BadInput(f"--wait must be between 0 and 3600 seconds, got {args.wait:g}")
    if args.soak is not None and not 0 < args.soak <= 24 * 60:
        raise BadInput(f"--soak must be between 0 and 1440 minutes, got {args.soak:g}")
    if args.pid is not None and not Path(f"/proc/{args.pid}").exists():
        raise BadInput(f"--pid {args.pid}: no such process")
    if args.command is not None and not shlex.split(args.command):
        raise BadInput("--exec needs a command")
    if args.report is not None and not args.report.parent.is_dir():
        raise BadInput(f"--report: no directory {args.report.parent}")


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def cmd_certify(args: argparse.Namespace) -> int:
    """Run the suite (or the self-test), print and write the result; 0 only if no case failed."""
    _check(args)
    if args.self_test:
        return await _self_test(args)
    from genie.certify.model import Connect
    from genie.certify.report import html_report, text_summary
    from genie.certify.runner import certify

    started: list[asyncio.subprocess.Process] = []

    async def ready(connect: Connect | None) -> int | None:
        if connect is None:
            _say(f"certify: using the broker at {args.broker}; the device must already be connected there")
            return None
        out = sys.stderr if args.json else sys.stdout
        print(f"Connect the device under test to certify's broker:\nURL: {connect.url}\nusername: {connect.username}\n"
              f"password: {connect.password}\nclient id: {connect.username}", file=out, flush=True)
        if not args.command:
            return None
        started.append(await _start(args.command, connect, args.device))
        return started[-1].pid  # the process whose memory the soak watches, unless --pid says another

    async def finish() -> None:
        while started:
            await _stop(started.pop())

    try:
        result = await certify(args.device, broker=args.broker, port=args.port, wait=args.wait, soak_minutes=args.soak,
                               pid=args.pid, password=args.password, progress=_say, ready=ready, finish=finish)
    finally:
        await finish()  # certify did, unless it failed before
    if args.report is not None:
        args.report.write_text(html_report(result), encoding="utf-8")
        _say(f"certify: report written to {args.report}")
    print(json_text(result.to_json(), indent=2) if args.json else text_summary(result))
    return EXIT_OK if result.passed else EXIT_FAILED


async def _start(command: str, connect: Any, device_id: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "GENIE_BROKER": connect.url, "GENIE_USERNAME": connect.username,
           "GENIE_PASSWORD": connect.password, "GENIE_DEVICE_ID": device_id}
    try:
        process = await asyncio.create_subprocess_exec(*shlex.split(command), env=env, stdin=asyncio.subprocess.DEVNULL,
                                                       stdout=sys.stderr.fileno())
    except OSError as exc:
        raise GenieError(f"--exec: cannot start {shlex.split(command)[0]!r}: {exc.strerror}") from None
    _say(f"certify: started the device (pid {process.pid}): {command}")
    return process


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        _say(f"certify: the device had exited with status {process.returncode}")
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        async with asyncio.timeout(STOP_TIMEOUT):
            await process.wait()
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


async def _self_test(args: argparse.Namespace) -> int:
    from genie.certify.selftest import names, self_test

    only = set(args.only) if args.only else None
    unknown = sorted((only or set()) - set(names()))
    if unknown:
        raise BadInput(f"--only: unknown {', '.join(unknown)}; known: {', '.join(names())}")
    outcome = await self_test(progress=_say, only=only)
    if args.json:
        print(json_text(outcome.to_json(), indent=2))
    else:
        for verdict in outcome.verdicts:
            mark = "ok" if verdict.ok else "WRONG"
            print(f"{mark:<6} {verdict.device:<28} expected {verdict.expected}: {verdict.why}")
        print(f"self-test: {'PASSED' if outcome.passed else 'FAILED'} "
              f"({sum(v.ok for v in outcome.verdicts)} of {len(outcome.verdicts)} devices judged right)")
    return EXIT_OK if outcome.passed else EXIT_FAILED
