"""One certification run: start certify's own broker (or use another), wait for the device, run the suite."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from genie.certify import actions, discipline, presence
from genie.certify.broker import OwnBroker
from genie.certify.model import Connect, SuiteResult
from genie.certify.probe import Probe
from genie.certify.suite import Case, Progress, Run, run_cases
from hub.protocol import DeviceStatus, DeviceTopic, ProtocolError, decode
from hub.protocol.mqtt import BrokerURL

CASES: tuple[Case, ...] = (
    Case("registration", "a valid Registration, its property specs well formed", "critical", presence.registration),
    Case("status-online", "registration, status online and state retained", "critical", presence.status_online),
    Case("last-will", "a last will Offline/lwt, retained, on its status topic", "critical", presence.last_will),
    Case("discovery", "re-announces on a discovery broadcast and a hub Online", "critical", presence.discovery),
    Case("actions-valid", "every declared action and query with a valid value", "critical", actions.actions_valid),
    Case("actions-boundary", "range ends, every enum value, an Adjust past the end", "major",
         actions.actions_boundary),
    Case("actions-out-of-range", "out-of-range values refused (INVALIDATE_PARAMS), state unchanged", "critical",
         actions.actions_out_of_range),
    Case("unknown-action", "unknown action or query, another device's id: the right error", "major",
         actions.unknown_action),
    Case("reply-discipline", "replies copy the messageId; reports only for what no reply said", "major",
         discipline.reply_discipline),
    Case("reply-time", "replies within the declared reply time (else the hub's 3 s)", "major", actions.reply_time,
         needs_device=False),
    Case("malformed-input", "malformed and oversized requests: an error or nothing, and it stays up", "major",
         discipline.malformed_input),
    Case("will-fires", "cut off, its will says offline; it comes back and re-announces", "major",
         presence.will_fires),
    Case("reconnect", "after a broker restart it reconnects with backoff and re-announces", "critical",
         presence.reconnect),
    Case("topic-discipline", "publishes only on its own topics (refused attempts included)", "critical",
         presence.topic_discipline, needs_device=False),
    Case("soak", "--soak: no missed reply, stable reply time and memory", "major", discipline.soak),
)
"""The suite, in the order it runs (the broker-level cases late: they cut the device off)."""

DEFAULT_WAIT = 60.0
"""Seconds certify waits for the device to connect."""

Ready = Callable[[Connect | None], Awaitable[int | None]]
"""Awaited once the device can connect (with how, None on another broker); returns the pid of a device it
started, if any (the soak watches its memory unless a pid was given)."""


async def certify(device_id: str, *, broker: str | None = None, port: int = 0, wait: float = DEFAULT_WAIT,
                  soak_minutes: float | None = None, pid: int | None = None, password: str | None = None,
                  progress: Progress = lambda _line: None, ready: Ready | None = None,
                  finish: Callable[[], Awaitable[None]] | None = None) -> SuiteResult:
    """Run the suite against ``device_id``; ``ready`` is awaited once the device can connect (with how), ``finish``
    after the suite while the broker still runs (a device certify started stops cleanly, saying offline)."""
    own = None if broker else OwnBroker(device_id, port=port, password=password)
    started = time.monotonic()
    if own is not None:
        await own.start()
        url = own.hub_url()
        connect: Connect | None = Connect(own.url, device_id, own.device_password())
    else:
        url, connect = BrokerURL.parse(broker or ""), None
    result = SuiteResult(device_id, own.url if own is not None else str(url), own is not None, connect)
    probe = Probe(url, device_id)
    try:
        await probe.open()
        if own is not None:
            await probe.hub_online(retain=True)
        started_pid = await ready(connect) if ready is not None else None
        progress(f"waiting up to {wait:g} s for {device_id} to connect and say it is online")
        if not await _arrived(probe, own, wait):
            result.error = _why_absent(device_id, own, wait)
            return result
        run = Run(device_id, probe, own, soak_minutes=soak_minutes, pid=pid or started_pid)
        await run_cases(run, list(CASES), result, progress)
        return result
    finally:
        result.seconds = time.monotonic() - started
        if finish is not None:
            await finish()
        await probe.close()
        if own is not None:
            await own.stop()


async def _arrived(probe: Probe, own: OwnBroker | None, wait: float) -> bool:
    def online(seen: object) -> bool:
        try:
            return decode(getattr(seen, "payload", b""), DeviceStatus).online
        except ProtocolError:
            return False
    seen = await probe.wait_for(lambda s: s.kind == DeviceTopic.STATUS.value and online(s), wait)
    return seen is not None and (own is None or (own.broker is not None and own.broker.connected(probe.device_id)))


def _why_absent(device_id: str, own: OwnBroker | None, wait: float) -> str:
    if own is None:
        return f"{device_id} did not say it is online (genie/dev/{device_id}/status) within {wait:g} s"
    connects = own.journal.connects
    refused = [c for c in connects if not c.accepted]
    if refused:
        return (f"{device_id} tried to connect {len(refused)} time(s) and was refused: the username must be "
                f"{device_id!r}, the client id {device_id!r}, and the password the one printed")
    if connects:
        return f"{device_id} connected but never published an online status on genie/dev/{device_id}/status"
    return f"{device_id} did not connect to {own.url} within {wait:g} s"
