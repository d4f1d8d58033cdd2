"""certify against devices that misbehave on purpose: one that floods certify with garbage, one that dies in the
middle of the suite. certify reports each, in bounded time, and never hangs or crashes."""

from __future__ import annotations

import asyncio
import time

from devices.categories.light import Light
from devices.config import DeviceConfig
from devices.runner import Connector, DeviceRunner
from genie.certify.runner import CASES, certify
from hub.protocol import DeviceTopic, ErrorCode, ErrorResponse, Request, Response
from hub.protocol.mqtt import Connection
from tests.certify.devices import devices

FLOOD = 300


class Flooder(DeviceRunner):
    """Announces itself properly, then sends a burst of garbage on its report and reply topics."""

    async def announce(self) -> None:
        await super().announce()
        assert self._conn is not None
        for n in range(FLOOD):
            kind = DeviceTopic.REPORT if n % 2 else DeviceTopic.REPLY
            await self._conn.publish(self._topic(kind), b"\x00\xffgarbage " + str(n).encode(), qos=0)


class Quitter(DeviceRunner):
    """Dies for good (no DISCONNECT, no reconnection) when its ``after``-th request arrives."""

    def __init__(self, device: Light, connect: Connector, after: int) -> None:
        super().__init__(device, connect)
        self.after, self.seen = after, 0

    async def _answer(self, conn: Connection, request: Request) -> None:
        self.seen += 1
        if self.seen == self.after:
            await self.crash()
            return
        await super()._answer(conn, request)


def _light(device_id: str) -> Light:
    return Light(DeviceConfig(id=device_id, category="light"))


async def test_a_flood_of_garbage_is_reported_not_fatal() -> None:
    started_at = time.monotonic()
    async with devices() as started, asyncio.timeout(180):
        result = await certify("flooder", wait=20, ready=started.ready(lambda c: Flooder(_light("flooder"), c)))
    outcomes = {c.id: c for c in result.cases}
    assert [c.id for c in result.cases] == [c.id for c in CASES]
    assert outcomes["registration"].outcome == "pass"
    discipline = outcomes["reply-discipline"]
    assert discipline.outcome == "fail", discipline
    assert "not a valid PropertyChanged" in discipline.reason, discipline.reason
    assert "with a messageId no request had" in " ".join(discipline.evidence), discipline.evidence
    assert len(discipline.evidence) <= 17  # trimmed, however much came
    assert not result.passed
    assert time.monotonic() - started_at < 180


async def test_a_device_that_dies_mid_suite_fails_the_rest_quickly() -> None:
    started_at = time.monotonic()
    async with devices() as started, asyncio.timeout(120):
        result = await certify("quitter", wait=20,
                               ready=started.ready(lambda c: Quitter(_light("quitter"), c, after=6)))
    outcomes = {c.id: c for c in result.cases}
    assert [c.id for c in result.cases] == [c.id for c in CASES]
    assert outcomes["registration"].outcome == "pass"
    valid = outcomes["actions-valid"]
    assert valid.outcome == "fail" and "no reply within" in valid.reason, valid.reason
    assert "not sent: the device is not connected" in " ".join(valid.evidence)
    later = [outcomes[i] for i in ("actions-boundary", "unknown-action", "malformed-input", "reconnect")]
    assert all(c.outcome == "fail" and "the device is not connected" in c.reason for c in later), later
    assert not result.passed
    assert time.monotonic() - started_at < 60  # one reply timeout and one wait for its return, not one per request


class Shouter(Light):
    """Refuses out-of-range values with the wrong code and a message full of terminal escapes and bidi overrides."""

    async def handle(self, request: Request) -> Response | ErrorResponse | None:
        reply = await super().handle(request)
        if isinstance(reply, ErrorResponse) and reply.payload.error_code == ErrorCode.INVALIDATE_PARAMS:
            shout = "\x1b[2J\x1b]0;owned\x07\u202eevil\n" + "x" * 5000
            return ErrorResponse.to(request, ErrorCode.SERVICE_ERROR, shout)
        return reply


async def test_what_a_device_says_never_reaches_a_terminal_raw() -> None:
    async with devices() as started, asyncio.timeout(120):
        result = await certify("shouter", wait=20, ready=started.ready(
            lambda c: DeviceRunner(Shouter(DeviceConfig(id="shouter", category="light")), c)))
    case = result.case("actions-out-of-range")
    assert case is not None and case.outcome == "fail"
    assert "answered SERVICE_ERROR" in case.reason and "expected INVALIDATE_PARAMS" in case.reason
    for text in [case.reason, *case.evidence]:
        assert not any(c in text for c in "\x1b\x07\u202e\n"), text
        assert len(text) <= 700
    assert "\\x1b[2J" in case.reason


class _Boastful(Light):
    """Declares a thousand made-up actions and never answers them."""

    def actions(self) -> list[str]:
        return [*super().actions(), *(f"Dance{n}" for n in range(1000))]

    async def handle(self, request: Request) -> Response | ErrorResponse | None:
        return None if request.action.startswith("Dance") else await super().handle(request)


async def test_a_thousand_declared_actions_left_unanswered_cost_bounded_time() -> None:
    """A registration may declare any number of actions: certify tries at most MAX_TRIALS per case, and stops a
    case once SILENT_IN_A_ROW requests in a row went unanswered (one reply timeout each), instead of hours."""
    from genie.certify.actions import MAX_TRIALS, SILENT_IN_A_ROW

    started_at = time.monotonic()
    async with devices() as started, asyncio.timeout(240):
        result = await certify("boastful", wait=20, ready=started.ready(
            lambda c: DeviceRunner(_Boastful(DeviceConfig(id="boastful", category="light")), c)))
    valid = result.case("actions-valid")
    assert valid is not None and valid.outcome == "fail"
    assert valid.reason.startswith(f"it declares actions for 1014 requests; certify sends at most {MAX_TRIALS}"), \
        valid.reason
    # the cap, the first SILENT_IN_A_ROW made-up actions unanswered, then the stop: nothing more was sent
    assert valid.reason.endswith(f"(and {SILENT_IN_A_ROW + 1} more of 1014)"), valid.reason
    assert time.monotonic() - started_at < 240
