"""Cases about behaviour over time: report-versus-reply discipline, malformed input, and the long run (soak)."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from genie.certify.model import CaseResult
from genie.certify.probe import Exchange, Seen
from genie.certify.suite import Failed, NotRun, Run
from genie.certify.values import Trial, attribute_of, misfit, order, valid
from hub.protocol import PropertyChanged, ProtocolError, Response, StateSnapshot, decode
from hub.protocol.codec import MAX_PAYLOAD_BYTES
from hub.protocol.vocabulary import ACTIONS

QUIET = 1.0
"""Seconds certify listens for a report that must not come (after a request that changed nothing)."""
SOAK_PACE = 0.1
"""Seconds between two soak requests."""
RSS_EVERY = 1.0
"""Seconds between two readings of the device's memory (--pid)."""
RSS_BOUND_MIB = 16.0
RSS_BOUND_SHARE = 0.25
"""The soak's memory bound: RSS may grow by at most 16 MiB plus 25 % of where it started (median of the first
quarter of the readings against that of the last quarter)."""


def _settable(run: Run) -> Trial | None:
    """A request that may change something and, repeated, changes nothing: a Set, else TurnOn, else another
    action of the vocabulary (Lock...), else Query (which must never be followed by a report of its own)."""
    state = run.state()
    declared = order(run.actions())
    for action in declared:
        kind = ACTIONS.get(action)
        if kind is not None and kind.kind == "set":
            attribute = attribute_of(action)
            return valid(action, run.spec(attribute), state.get(attribute or ""))
    others = [a for a in declared if a in ACTIONS and a not in ("Unlock", "Reset", "TurnOff")]
    chosen = "TurnOn" if "TurnOn" in declared else others[0] if others else "Query" if "Query" in declared else None
    return None if chosen is None else Trial(chosen, None, "ok")


def _reports(seen: list[Seen]) -> list[PropertyChanged | str]:
    found: list[PropertyChanged | str] = []
    for one in seen:
        try:
            found.append(decode(one.payload, PropertyChanged))
        except ProtocolError as exc:
            found.append(f"a report that is not a valid PropertyChanged: {exc.reason}")
    return found


async def reply_discipline(run: Run, case: CaseResult) -> None:
    """Replies copy the request's messageId; no report repeats what a reply said or follows a request that changed
    nothing; every report is well formed; the retained state snapshot agrees with what the device answers."""
    problems: list[str] = []
    trial = _settable(run)
    if trial is None:
        raise NotRun("it declares no action to observe (not even Query)")
    first = await run.ask(trial.action, trial.value)
    _note(case, first)
    if not isinstance(first.reply, Response):
        raise Failed(f"{trial.action}: {first.problem or 'no Response'}: nothing to observe")
    said = {p.name: p.value for p in first.reply.payload.properties}
    await run.probe.wait_for(lambda s: False, QUIET, since=time.monotonic())  # the reports of that change, if any
    for report in _reports(run.probe.heard(first.sent, "report")):
        repeated = isinstance(report, PropertyChanged) and report.payload.cause == "command" and \
            all(said.get(p.name) == p.value for p in report.payload.properties)
        if isinstance(report, PropertyChanged) and repeated:
            problems.append(f"a report repeats what the {trial.action} reply already said "
                            f"({', '.join(f'{p.name}={p.value!r}' for p in report.payload.properties)})")
    again = await run.ask(trial.action, trial.value)
    _note(case, again)
    await run.probe.wait_for(lambda s: s.kind == "report", QUIET, since=again.sent)
    for report in _reports(run.probe.heard(again.sent, "report")):
        if isinstance(report, PropertyChanged) and report.payload.cause == "command":
            problems.append(f"{trial.action} again with the same value changed nothing, yet it reported "
                            f"{', '.join(f'{p.name}={p.value!r}' for p in report.payload.properties)}")
    every = _reports(run.probe.heard(0.0, "report"))
    invalid = [r for r in every if isinstance(r, str)]
    if invalid:
        problems.insert(0, f"{len(invalid)} of {len(every)} reports: {invalid[0]}")
    for report in every:
        if isinstance(report, PropertyChanged):
            for prop in report.payload.properties:
                spec = run.spec(prop.name)
                bad = f"undeclared property {prop.name!r}" if spec is None else misfit(spec, prop.value)
                if bad is not None or report.payload.device_id != run.device_id:
                    problems.append(f"a report of {report.payload.device_id!r}: {bad or 'another device id'}")
    orphans = run.probe.orphans()
    if orphans:
        problems.append(f"{len(orphans)} repl{'y' if len(orphans) == 1 else 'ies'} with a messageId no request had "
                        "(a reply must copy the request's messageId)")
        case.note(orphans[0].text())
    problems += await _snapshot_agrees(run, case)
    for problem in problems:
        case.note(f"✗ {problem}")
    if problems:
        raise Failed(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    case.reason = "replies carry their request's messageId; no needless report; the state snapshot agrees"


async def _snapshot_agrees(run: Run, case: CaseResult) -> list[str]:
    """The latest retained state against the device's own Query answer (properties moving alone aside)."""
    if "Query" not in run.actions():
        return []
    since = time.monotonic() - QUIET
    exchange = await run.ask("Query")
    _note(case, exchange)
    if not isinstance(exchange.reply, Response):
        return [f"Query: {exchange.problem or 'no Response'}"]
    answered = {p.name: p.value for p in exchange.reply.payload.properties}
    await run.probe.wait_for(lambda s: False, 0.5, since=time.monotonic())  # a snapshot still on its way
    snapshots = [s for s in run.probe.heard(0.0, "state")]
    if not snapshots:
        return ["no state snapshot was ever published"]
    try:
        snapshot = decode(snapshots[-1].payload, StateSnapshot)
    except ProtocolError as exc:
        return [f"the latest state snapshot is not valid: {exc.reason}"]
    case.note(snapshots[-1].text())
    moving: set[str] = set()
    for report in _reports(run.probe.heard(since, "report")):
        if isinstance(report, PropertyChanged) and report.payload.cause != "command":
            moving.update(p.name for p in report.payload.properties)
    state = {p.name: p.value for p in snapshot.payload.properties}
    differ = [f"{k}: snapshot {state.get(k)!r}, Query {v!r}" for k, v in answered.items()
              if k not in moving and state.get(k) != v]
    return [f"the state snapshot disagrees with the Query answer: {'; '.join(differ[:3])}"] if differ else []


def _note(case: CaseResult, exchange: Exchange) -> None:
    for line in exchange.describe():
        case.note(line)


def _malformed(device_id: str) -> list[tuple[str, bytes]]:
    request = {"header": {"namespace": "AliGenie.Iot.Device.Query", "name": "Query", "messageId": "certify-v99",
                          "payLoadVersion": 99}, "payload": {"deviceId": device_id}}
    no_id = {"header": {"namespace": "AliGenie.Iot.Device.Query", "name": "Query"}, "payload": {"deviceId": device_id}}
    deep = b"[" * 5000 + b"]" * 5000
    big = json.dumps({"header": {"namespace": "AliGenie.Iot.Device.Query", "name": "Query",
                                 "messageId": "certify-big"},
                      "payload": {"deviceId": device_id, "pad": "x" * (MAX_PAYLOAD_BYTES + 1000)}}).encode()
    return [("bytes that are not UTF-8", b"\xff\xfe\x00garbage"), ("not JSON", b"{this is not json"),
            ("a JSON list", b"[1, 2, 3]"), ("an empty object", b"{}"), ("no messageId", json.dumps(no_id).encode()),
            ("payLoadVersion 99", json.dumps(request).encode()), ("JSON 5,000 levels deep", deep),
            (f"{len(big):,} bytes, over the 256 KiB limit", big)]


async def malformed_input(run: Run, case: CaseResult) -> None:
    """Garbage, wrong shapes, a newer version, deep nesting, an oversized payload: answered with an error or
    ignored, never a success, and the device stays connected and keeps answering."""
    since = time.monotonic()
    connects = len(run.own.journal.connects) if run.own is not None else 0
    for what, payload in _malformed(run.device_id):
        case.note(f"→ request: {what}")
        await run.probe.send_raw(payload)
    await run.probe.wait_for(lambda s: False, QUIET, since=time.monotonic())  # answers, if any, come now
    problems = []
    for seen in run.probe.heard(since, "reply"):
        case.note(seen.text())
        if seen.message_id() in ("certify-v99", "certify-big"):
            try:
                decode(seen.payload, Response)
                problems.append(f"it accepted a malformed request: {seen.text()}")
            except ProtocolError:
                pass
    if run.own is not None and len(run.own.journal.connects) > connects:
        problems.append("it connected again after the malformed requests: they broke its session")
    alive = await run.ask(order(run.actions())[0] if run.actions() else "Query")
    _note(case, alive)
    if alive.problem:
        problems.append(f"after the malformed requests it no longer answers: {alive.problem}")
    if problems:
        raise Failed(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    case.reason = f"{len(_malformed(run.device_id))} malformed requests ignored or refused; still answering"


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


async def soak(run: Run, case: CaseResult) -> None:
    """For --soak MINUTES, a request every 100 ms: no reply missed, reply time stable, with --pid no memory growth."""
    if not run.soak_minutes:
        raise NotRun("run with --soak MINUTES (and --pid PID to watch its memory)")
    if run.pid is not None and _rss_mib(run.pid) is None:
        raise Failed(f"--pid {run.pid}: no such process to read /proc/{run.pid}/status from")
    state = run.state()
    cycle = [valid(a, run.spec(attribute_of(a)), state.get(attribute_of(a) or "")) for a in order(run.actions())
             if a in ("Query", "TurnOn", "TurnOff") or (ACTIONS.get(a, None) is not None and ACTIONS[a].kind == "set")]
    if not cycle:
        raise NotRun("it declares no Query, TurnOn/TurnOff or Set action to repeat")
    deadline = time.monotonic() + run.soak_minutes * 60
    times: list[float] = []
    missed: list[Exchange] = []
    rss: list[float] = []
    next_rss = 0.0
    sent = 0
    while time.monotonic() < deadline:
        trial = cycle[sent % len(cycle)]
        exchange = await run.ask(trial.action, trial.value)
        sent += 1
        if exchange.seconds is None:
            missed.append(exchange)
        else:
            times.append(exchange.seconds)
        if run.pid is not None and time.monotonic() >= next_rss:
            reading = _rss_mib(run.pid)
            if reading is None:
                raise Failed(f"process {run.pid} went away during the soak, after {sent} requests")
            rss.append(reading)
            next_rss = time.monotonic() + RSS_EVERY
        await run.probe.wait_for(lambda s: False, SOAK_PACE, since=time.monotonic())
    _soak_verdict(case, sent, times, missed, rss)


def _soak_verdict(case: CaseResult, sent: int, times: list[float], missed: list[Exchange], rss: list[float]) -> None:
    tenth = max(1, len(times) // 10)
    first, last = sorted(times[:tenth]), sorted(times[-tenth:])

    def p95(values: list[float]) -> float:
        return values[min(len(values) - 1, int(len(values) * 0.95))] if values else 0.0
    median = statistics.median(times) * 1000 if times else 0.0
    case.note(f"{sent} requests, {len(missed)} missed; first tenth p95 {p95(first) * 1000:.1f} ms, "
              f"last tenth p95 {p95(last) * 1000:.1f} ms, median {median:.1f} ms")
    problems: list[str] = []
    for exchange in missed[:3]:
        for line in exchange.describe():
            case.note(line)
    if missed:
        problems.append(f"{len(missed)} of {sent} requests got no reply")
    if times and p95(last) > max(2 * p95(first), p95(first) + 0.1):
        problems.append(f"reply time grew: p95 {p95(first) * 1000:.0f} ms in the first tenth, "
                        f"{p95(last) * 1000:.0f} ms in the last")
    growth = _rss_growth(case, rss)
    if growth:
        problems.append(growth)
    if problems:
        raise Failed("; ".join(problems))
    memory = "" if not rss else ", memory stable" if len(rss) >= 4 else ", too few memory readings to judge"
    case.reason = f"{sent} requests, none missed, reply time stable{memory}"


def _rss_growth(case: CaseResult, rss: list[float]) -> str | None:
    if len(rss) < 4:
        if rss:
            case.note(f"RSS {rss[0]:.1f} → {rss[-1]:.1f} MiB ({len(rss)} readings: too few to judge growth)")
        return None
    quarter = max(1, len(rss) // 4)
    start, end = statistics.median(rss[:quarter]), statistics.median(rss[-quarter:])
    bound = RSS_BOUND_MIB + RSS_BOUND_SHARE * start
    case.note(f"RSS {start:.1f} → {end:.1f} MiB over {len(rss)} readings (bound +{bound:.1f} MiB)")
    if end - start > bound:
        return f"memory grew by {end - start:.1f} MiB (RSS {start:.1f} → {end:.1f} MiB), over the bound {bound:.1f} MiB"
    return None


def trials_sent(exchanges: list[Exchange]) -> dict[str, Any]:
    """How many requests of each action were sent (for the report)."""
    counts: dict[str, Any] = {}
    for exchange in exchanges:
        counts[exchange.request.header.name] = counts.get(exchange.request.header.name, 0) + 1
    return counts
