"""Cases about requests: every declared action with valid, boundary and out-of-range values, unknown actions,
and the reply time (docs/protocol.md §3 Response/ErrorResponse, §4, §5, §6)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from genie.certify.model import CaseResult, trim
from genie.certify.probe import Exchange, Seen
from genie.certify.suite import Failed, NotRun, Run
from genie.certify.values import Trial, attribute_of, boundary, misfit, order, out_of_range, valid
from hub.protocol import ErrorResponse, PropertyChanged, ProtocolError, Response, decode
from hub.protocol.vocabulary import ACTIONS, QUERY_ACTIONS

OTHER_DEVICE = "certify-someone-else"
"""The device id of a request that is not for the device under test."""


def judge(run: Run, exchange: Exchange, expect: str) -> str | None:
    """What is wrong with ``exchange`` given the answer expected (``ok``, an error code, or ``a|b``), or None."""
    action = exchange.request.header.name
    value = exchange.request.payload.value
    said = f"{action}{'' if value is None else f'({value!r})'}"
    if exchange.problem:
        return f"{said}: {exchange.problem}"
    reply = exchange.reply
    assert reply is not None
    allowed = expect.split("|")
    if reply.header.namespace != exchange.request.header.namespace:
        return f"{said}: the reply's namespace is {reply.header.namespace}, not the request's"
    if reply.payload.device_id != run.device_id:  # a hub drops a reply speaking for another device
        return f"{said}: the reply's payload.deviceId is {reply.payload.device_id!r}, not its own {run.device_id!r}"
    if isinstance(reply, ErrorResponse):
        code = reply.payload.error_code.value
        if code in allowed:
            return None
        wanted = " or ".join("a Response" if a == "ok" else a for a in allowed)
        return f"{said}: answered {code} ({trim(reply.payload.message, 120)}), expected {wanted}"
    if "ok" not in allowed:
        return f"{said}: answered {reply.header.name}, expected {' or '.join(allowed)}"
    if reply.header.name != f"{action}Response":
        return f"{said}: the reply is named {reply.header.name}, not {action}Response"
    assert isinstance(reply, Response)
    for prop in reply.payload.properties:
        spec = run.spec(prop.name)
        if spec is None:
            return f"{said}: the reply states {prop.name!r}, a property it never declared"
        if (bad := misfit(spec, prop.value)) is not None:
            return f"{said}: the reply says {bad}"
    attribute = QUERY_ACTIONS.get(action)
    stated = {p.name for p in reply.payload.properties}
    if action in QUERY_ACTIONS and attribute is not None and attribute not in stated:
        return f"{said}: the reply does not state {attribute}"
    return None


MAX_TRIALS = 200
"""Most requests one case sends: a registration may declare thousands of made-up actions, which would keep
certify busy for hours (AliGenie's whole vocabulary is well under this)."""
SILENT_IN_A_ROW = 5
"""Requests in a row left unanswered after which a case stops sending (a device that went silent)."""


async def _try(run: Run, case: CaseResult, trials: list[Trial]) -> list[str]:
    problems: list[str] = []
    if len(trials) > MAX_TRIALS:
        problems.append(f"it declares actions for {len(trials)} requests; certify sends at most {MAX_TRIALS} "
                        "(only the first were tried)")
        case.note(f"✗ {problems[-1]}")
        trials = trials[:MAX_TRIALS]
    silent = 0
    for trial in trials:
        if silent >= SILENT_IN_A_ROW:
            problems.append(f"stopped after {silent} requests in a row went unanswered")
            case.note(f"✗ {problems[-1]}")
            break
        exchange = await run.ask(trial.action, trial.value)
        silent = silent + 1 if exchange.reply is None else 0
        problem = judge(run, exchange, trial.expect)
        if problem is not None or len(case.evidence) < 10:
            for line in exchange.describe():
                case.note(line)
        if problem is not None:
            problems.append(problem + (f" [{trial.why}]" if trial.why else ""))
            case.note(f"✗ {problems[-1]}")
    return problems


def _verdict(problems: list[str], count: int, what: str) -> str:
    if problems:
        more = f" (and {len(problems) - 1} more of {count})" if len(problems) > 1 else f" (of {count})"
        raise Failed(problems[0] + more)
    return f"{count} {what}: all answered as the protocol says"


async def actions_valid(run: Run, case: CaseResult) -> None:
    """Every declared action and query, with a valid value: a Response named ``<Action>Response``."""
    if run.info is None:
        raise Failed("no valid registration: certify does not know its actions")
    state = run.state()
    trials = [valid(a, run.spec(attribute_of(a)), state.get(attribute_of(a) or "")) for a in order(run.actions())]
    problems = await _try(run, case, trials)
    case.reason = _verdict(problems, len(trials), "requests with valid values")


async def actions_boundary(run: Run, case: CaseResult) -> None:
    """Set at each end of a range, every enum value, an Adjust past the end (clamped): all accepted."""
    if run.info is None:
        raise Failed("no valid registration")
    trials = [t for a in order(run.actions()) for t in boundary(a, run.spec(attribute_of(a)))]
    if not trials:
        raise NotRun("it declares no action with a range or enumerated values")
    problems = await _try(run, case, trials)
    case.reason = _verdict(problems, len(trials), "boundary requests")


async def _query_state(run: Run) -> dict[str, Any] | None:
    """All its properties as ``Query`` answers them (None if it declares no Query or the answer is no Response)."""
    if "Query" not in run.actions():
        return None
    exchange = await run.ask("Query")
    if isinstance(exchange.reply, Response):
        return {p.name: p.value for p in exchange.reply.payload.properties}
    return None


def _moved_alone(run: Run, since: float) -> set[str]:
    """Properties reported changed since ``since`` by something other than a command (a motor, a sensor)."""
    moved: set[str] = set()
    for seen in run.probe.heard(since, "report"):
        try:
            report = decode(seen.payload, PropertyChanged)
        except ProtocolError:
            continue
        if report.payload.cause != "command":
            moved.update(p.name for p in report.payload.properties)
    return moved


async def _settle(run: Run, quiet: float = 0.5, bound: float = 3.0) -> None:
    """Wait until no report of a command has come for ``quiet`` s (at most ``bound`` s): earlier requests' reports
    are in (a motor's or a sensor's go on: they are not waited for)."""
    def commanded(seen: Seen) -> bool:
        try:
            return seen.kind == "report" and decode(seen.payload, PropertyChanged).payload.cause == "command"
        except ProtocolError:
            return False
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if await run.probe.wait_for(commanded, quiet, since=time.monotonic()) is None:
            return


async def actions_out_of_range(run: Run, case: CaseResult) -> None:
    """Values outside the spec get ErrorResponse INVALIDATE_PARAMS, and the state does not change."""
    if run.info is None:
        raise Failed("no valid registration")
    trials = [t for a in order(run.actions()) for t in out_of_range(a, run.spec(attribute_of(a)))]
    if not trials:
        raise NotRun("it declares no action that takes a value")
    await _settle(run)
    since = time.monotonic()
    before = await _query_state(run) or run.state()
    problems = await _try(run, case, trials)
    after = await _query_state(run)
    source = "its Query answer"
    if after is None:
        await run.probe.wait_for(lambda s: s.kind == "state", 0.5, since=time.monotonic())
        after, source = run.state(), "its state snapshot"
    moved = _moved_alone(run, since)
    changed = [f"{k} {before[k]!r} → {after.get(k)!r}" for k in before if k not in moved and after.get(k) != before[k]]
    for report in run.probe.heard(since, "report"):
        try:
            if decode(report.payload, PropertyChanged).payload.cause == "command":
                problems.append(f"a refused request was followed by a report: {report.text()}")
        except ProtocolError:
            continue
    if changed:
        problems.append(f"refused requests changed the state ({source}): {', '.join(changed[:3])}")
        case.note(f"✗ {problems[-1]}")
    case.reason = _verdict(problems, len(trials), "out-of-range requests (the state unchanged)")


async def unknown_action(run: Run, case: CaseResult) -> None:
    """An action or query it does not have: DEVICE_NOT_SUPPORT_FUNCTION; another device's id: DEVICE_IS_NOT_EXIST."""
    declared = set(run.actions())
    undeclared = next((a for a in ACTIONS if a not in declared and a != "Reset"), None)
    trials = [Trial("CertifyUnknownAction", None, "DEVICE_NOT_SUPPORT_FUNCTION", "an action no one has"),
              Trial("QueryCertifyUnknown", None, "DEVICE_NOT_SUPPORT_FUNCTION", "a query no one has")]
    if undeclared is not None:
        trials.append(Trial(undeclared, None, "DEVICE_NOT_SUPPORT_FUNCTION|INVALIDATE_PARAMS",
                            "a protocol action it does not declare"))
    problems = await _try(run, case, trials)
    first = order(run.actions())[0] if run.actions() else "Query"
    exchange = await run.ask(first, None, device_id=OTHER_DEVICE)
    for line in exchange.describe():
        case.note(line)
    problem = judge(run, exchange, "DEVICE_IS_NOT_EXIST")
    if problem is not None:
        problems.append(f"{problem} [payload.deviceId {OTHER_DEVICE!r}, not its own]")
    case.reason = _verdict(problems, len(trials) + 1, "requests it cannot serve")


async def reply_time(run: Run, case: CaseResult) -> None:
    """Every reply came within the device's declared reply time (extensions.maxReplyMs) or the hub's 3 s."""
    times = sorted(t for e in run.probe.exchanges if (t := e.seconds) is not None)
    if not times:
        raise NotRun("no reply was received to time")
    bound = run.reply_bound
    declared = "declared" if run.info is not None and run.info.extensions.get("maxReplyMs") else "the hub's timeout"
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    case.note(f"{len(times)} replies: median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
              f"slowest {times[-1] * 1000:.1f} ms; bound {bound * 1000:.0f} ms ({declared})")
    late = [e for e in run.probe.exchanges if (t := e.seconds) is not None and t > bound]
    for exchange in late[:5]:
        for line in exchange.describe():
            case.note(line)
    if late:
        raise Failed(f"{len(late)} of {len(times)} replies took longer than {bound * 1000:.0f} ms ({declared}); "
                     f"slowest {times[-1] * 1000:.0f} ms")
    case.reason = f"{len(times)} replies, slowest {times[-1] * 1000:.0f} ms, within {bound * 1000:.0f} ms ({declared})"
