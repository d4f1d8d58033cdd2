"""The suite's frame: the run's shared context (``Run``), the case table, and the loop that runs each case
with a bound on its time, says its progress, and turns any surprise into a failed case, never a crash."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from genie.certify.broker import OwnBroker
from genie.certify.model import CaseResult, Severity, SuiteResult, trim
from genie.certify.probe import REPLY_TIMEOUT, Exchange, Probe, control
from hub.errors import GenieError
from hub.protocol import DeviceInfo, DeviceStatus, ProtocolError, Registration, StateSnapshot, decode

CASE_TIMEOUT = 90.0
"""Seconds one case may take (the soak: its own length on top); past it, it fails saying so."""
REASON_CHARS = 600
"""Characters of a case's reason kept (it may quote what the device said)."""
COME_BACK = 10.0
"""Seconds a case waits for a device that is not connected before it fails for that."""
REPLY_BOUND_KEY = "maxReplyMs"
"""The registration's ``extensions`` key where a device may declare its reply time (milliseconds, as text)."""


class NotRun(GenieError):
    """The case cannot run here; the message says why (the case's reason, which the user reads)."""


class Failed(GenieError):
    """The case failed; the message is the one-line reason the user reads in the result."""


@dataclass
class Run:
    """What the cases share: the device, certify's session, its own broker (None with --broker), options."""

    device_id: str
    probe: Probe
    own: OwnBroker | None
    soak_minutes: float | None = None
    pid: int | None = None
    info: DeviceInfo | None = None
    gone: str = ""
    """Why the device is considered gone for the rest of the suite (it did not come back)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def reply_bound(self) -> float:
        """Seconds a reply may take: what the device declares (``extensions.maxReplyMs``), else the hub's 3 s."""
        declared = (self.info.extensions.get(REPLY_BOUND_KEY) if self.info is not None else None) or ""
        try:
            seconds = float(declared) / 1000
        except ValueError:
            return REPLY_TIMEOUT
        return seconds if 0 < seconds <= 60 else REPLY_TIMEOUT

    @property
    def wait(self) -> float:
        """Seconds to wait for a reply before calling it missing."""
        return max(REPLY_TIMEOUT, self.reply_bound + 1.0)

    def actions(self) -> list[str]:
        """The actions the device declares."""
        return list(self.info.actions) if self.info is not None else []

    def spec(self, name: str | None) -> Any:
        """The device's spec of property ``name``."""
        return self.info.spec(name) if self.info is not None and name else None

    async def ask(self, action: str, value: Any = None, device_id: str | None = None) -> Exchange:
        """Send ``action`` (with ``value``) and wait for its reply, bounded."""
        device_type = self.info.device_type if self.info is not None else ""
        request = control(device_id or self.device_id, action, value, device_type)
        if not self.online():  # gone mid-case: every further request would only wait for nothing
            exchange = Exchange(request, time.monotonic(), problem="not sent: the device is not connected")
            self.probe.exchanges.append(exchange)
            return exchange
        return await self.probe.send(request, self.wait)

    def registration(self, since: float = 0.0) -> tuple[Registration | None, str]:
        """The latest registration heard since ``since``, decoded, or None and why."""
        heard = self.probe.heard(since, "register")
        if not heard:
            return None, "nothing on its register topic"
        try:
            return decode(heard[-1].payload, Registration), ""
        except ProtocolError as exc:
            return None, f"its registration is not valid: {exc.reason}"

    def state(self) -> dict[str, Any]:
        """The latest state snapshot heard (empty if none decodes)."""
        for seen in reversed(self.probe.heard(0.0, "state")):
            try:
                snapshot = decode(seen.payload, StateSnapshot)
            except ProtocolError:
                continue
            return {p.name: p.value for p in snapshot.payload.properties}
        return {}

    def online(self) -> bool:
        """Is the device there: connected to certify's broker, or (another broker) its last status online?"""
        if self.own is not None:
            broker = self.own.broker
            return broker is not None and broker.connected(self.device_id)
        for seen in reversed(self.probe.heard(0.0, "status")):
            try:
                return decode(seen.payload, DeviceStatus).online
            except ProtocolError:
                continue
        return False

    async def present(self, timeout: float = COME_BACK) -> None:
        """Return once the device is there; Failed if it does not come back within ``timeout`` s."""
        if self.gone:
            raise Failed(self.gone)
        deadline = time.monotonic() + timeout
        while not self.online():
            if time.monotonic() >= deadline:
                self.gone = f"the device is not connected (waited {timeout:g} s for it to come back)"
                raise Failed(self.gone)
            await self.probe.wait_for(lambda s: s.kind == "status", min(0.5, deadline - time.monotonic()),
                                      since=time.monotonic())


CaseBody = Callable[[Run, CaseResult], Awaitable[None]]


@dataclass(frozen=True)
class Case:
    """One case of the suite."""

    id: str
    title: str
    severity: Severity
    body: CaseBody
    needs_device: bool = True
    """False for cases that only judge what was already seen."""


Progress = Callable[[str], None]


async def run_cases(run: Run, cases: list[Case], result: SuiteResult, progress: Progress) -> None:
    """Run ``cases`` in order into ``result``: each bounded in time, its failure one line, progress said."""
    total = len(cases)
    for number, case in enumerate(cases, start=1):
        outcome = CaseResult(case.id, case.title, case.severity)
        result.cases.append(outcome)
        progress(f"[{number}/{total}] {case.id}: {case.title}")
        started = time.monotonic()
        budget = CASE_TIMEOUT + (run.soak_minutes or 0) * 60 * (case.id == "soak")
        try:
            async with asyncio.timeout(budget):
                if case.needs_device:
                    await run.present()
                await case.body(run, outcome)
            outcome.outcome = "pass"
        except NotRun as exc:
            outcome.outcome, outcome.reason = "not-run", str(exc)
        except Failed as exc:
            outcome.outcome, outcome.reason = "fail", str(exc)
        except TimeoutError:
            outcome.outcome, outcome.reason = "fail", f"the case did not finish within {budget:g} s"
        except (ConnectionError, ProtocolError, ValueError, OSError) as exc:
            outcome.outcome, outcome.reason = "fail", f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # certify's own mistake on input it did not foresee: said, and the suite goes on
            outcome.outcome = "fail"
            outcome.reason = f"certify could not judge this case ({type(exc).__name__}: {exc}); please report it"
        outcome.seconds = time.monotonic() - started
        # the reason may quote the device: one line, nothing a terminal would act on
        outcome.reason = trim(outcome.reason, REASON_CHARS)
        progress(f"      {outcome.outcome.upper()}{f': {outcome.reason}' if outcome.reason else ''} "
                 f"({outcome.seconds:.1f} s)")
