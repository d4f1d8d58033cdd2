"""``genie certify --self-test``: the suite against one simulated device of every built-in category (each must
pass) and against every deliberately broken device (``genie.certify.broken``: each must fail the right case,
for the right reason, and nothing its defect does not explain).

Each device runs in this process against its own run's broker (certify's, on an ephemeral port), logged in
with the credentials certify prints, exactly as an outside device would.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devices.categories import CATEGORIES
from devices.config import DeviceConfig
from devices.runner import Connector, DeviceRunner
from genie.certify.broken import BROKEN, Broken
from genie.certify.model import Connect, SuiteResult
from genie.certify.runner import certify
from genie.certify.suite import Progress
from hub.protocol.mqtt import BrokerURL, Connection, MqttConnection, Will

LOCK_CODE = "2468"
"""The unlock code of the self-test's lock (certify does not know it: Unlock must be refused politely)."""
PARALLEL = 8
"""Runs at once (each has its own broker)."""
WAIT = 30.0
"""Seconds each run waits for its device."""


@dataclass
class Verdict:
    """One device of the self-test, what was expected and whether certify said it."""

    device: str
    kind: str
    """``category`` (must pass) or ``broken`` (must fail one case)."""
    expected: str
    ok: bool = False
    why: str = ""
    result: SuiteResult | None = None

    def to_json(self) -> dict[str, Any]:
        """As JSON (the run's failed cases and their reasons, not its whole evidence)."""
        failed = [{"id": c.id, "reason": c.reason} for c in self.result.cases if c.outcome == "fail"] \
            if self.result is not None else []
        return {"device": self.device, "kind": self.kind, "expected": self.expected, "ok": self.ok, "why": self.why,
                "failed": failed, "error": self.result.error if self.result is not None else None}


@dataclass
class SelfTest:
    """The whole self-test."""

    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True if certify said the right thing about every device."""
        return bool(self.verdicts) and all(v.ok for v in self.verdicts)

    def to_json(self) -> dict[str, Any]:
        """As JSON."""
        return {"passed": self.passed, "devices": [v.to_json() for v in self.verdicts]}


def _connector(connect: Connect) -> Connector:
    url = BrokerURL.parse(connect.url)
    login = BrokerURL(url.host, url.port, connect.username, connect.password)
    def session(client_id: str, will: Will | None) -> Connection:
        return MqttConnection(login, client_id, will=will)  # type: ignore[return-value]  # __aexit__'s signature
    return session


async def _certify_one(device_id: str, make: Callable[[Connector], DeviceRunner], progress: Progress) -> SuiteResult:
    """Run the suite against the device ``make`` builds, started once certify's broker is up; stop it after."""
    running: list[tuple[DeviceRunner, asyncio.Task[None]]] = []

    async def ready(connect: Connect | None) -> int | None:
        assert connect is not None
        runner = make(_connector(connect))
        running.append((runner, asyncio.create_task(runner.run(), name=f"selftest[{device_id}]")))
        return None  # in this process: no pid of its own to watch

    try:
        return await certify(device_id, wait=WAIT, ready=ready, progress=lambda line: progress(f"{device_id} {line}"))
    finally:
        for runner, task in running:
            runner.stop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def judge_category(verdict: Verdict, result: SuiteResult) -> None:
    """A built-in device must pass."""
    verdict.result, verdict.ok = result, result.passed
    failed = [f"{c.id}: {c.reason}" for c in result.cases if c.outcome == "fail"]
    verdict.why = "passed" if result.passed else (result.error or "; ".join(failed))


def judge_broken(verdict: Verdict, broken: Broken, result: SuiteResult) -> None:
    """A broken device must fail its case for its reason, and nothing its defect does not explain."""
    verdict.result = result
    case = result.case(broken.case)
    failed = set(result.failed())
    unexplained = failed - {broken.case} - broken.may_also_fail
    if result.error:
        verdict.why = f"the suite did not run: {result.error}"
    elif case is None or case.outcome != "fail":
        verdict.why = f"{broken.case} did not fail ({case.outcome if case else 'absent'})"
    elif broken.words.lower() not in case.reason.lower():
        verdict.why = f"{broken.case} failed for another reason: {case.reason}"
    elif unexplained:
        verdict.why = f"{broken.case} failed as it should, but so did {', '.join(sorted(unexplained))}"
    else:
        verdict.ok, verdict.why = True, f"{broken.case} failed: {case.reason}"


async def self_test(progress: Progress = lambda _line: None, only: set[str] | None = None,
                    parallel: int = PARALLEL) -> SelfTest:
    """Run every built-in category and every broken device (``only``: those names), ``parallel`` at once."""
    outcome = SelfTest()
    gate = asyncio.Semaphore(parallel)

    async def category(name: str) -> None:
        device_id = f"selftest-{name}"
        verdict = Verdict(device_id, "category", "pass")
        outcome.verdicts.append(verdict)
        cls = CATEGORIES[name]

        def make(connect: Connector) -> DeviceRunner:
            return DeviceRunner(cls(DeviceConfig(id=device_id, category=name, code=LOCK_CODE)), connect)
        async with gate:
            judge_category(verdict, await _certify_one(device_id, make, progress))

    async def broken(spec: Broken) -> None:
        device_id = f"broken-{spec.name}"
        verdict = Verdict(device_id, "broken", f"{spec.case} fails ({spec.defect})")
        outcome.verdicts.append(verdict)
        async with gate:
            judge_broken(verdict, spec, await _certify_one(device_id, lambda c: spec.make(device_id, c), progress))

    async with asyncio.TaskGroup() as group:
        for name in CATEGORIES:
            if only is None or name in only:
                group.create_task(category(name))
        for spec in BROKEN:
            if only is None or spec.name in only:
                group.create_task(broken(spec))
    return outcome


def names() -> list[str]:
    """Every device name the self-test knows (categories, then broken devices)."""
    return [*CATEGORIES, *(b.name for b in BROKEN)]


__all__ = ["SelfTest", "Verdict", "names", "self_test"]
