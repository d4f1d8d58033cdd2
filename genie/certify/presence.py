"""Cases about how the device appears on the broker: registration, retained status, last will, discovery,
a dropped connection, a broker restart, and the topics it publishes on (docs/protocol.md §2, §3, §7)."""

from __future__ import annotations

import time

from genie.certify.model import CaseResult
from genie.certify.probe import Seen, describe
from genie.certify.suite import Failed, NotRun, Run
from genie.certify.values import attribute_of, misfit
from hub.protocol import DeviceStatus, DeviceTopic, ProtocolError, StateSnapshot, decode
from hub.protocol.vocabulary import ACTIONS, DEVICE_TYPES, QUERY_ACTIONS

ANNOUNCE_WAIT = 3.0
"""Seconds a device has to announce itself (register, status, state) after a discovery or a hub Online."""
RETURN_WAIT = 20.0
"""Seconds a device has to come back after its connection was cut or the broker restarted (backoff up to 10 s)."""
OUTAGE = 2.0
"""Seconds certify's broker stays away when it restarts."""
MIN_GAP = 0.02
MAX_RATE = 5.0
"""Reconnection attempts while the broker is away: at most 5 a second on average, and not most of them under
20 ms apart. A few short gaps are allowed: "full jitter" backoff (a wait drawn between 0 and a doubling
ceiling, AWS's advice) draws some, and a device following it must not fail by chance."""
OWN_TOPICS = (DeviceTopic.REGISTER, DeviceTopic.STATUS, DeviceTopic.STATE, DeviceTopic.REPORT, DeviceTopic.REPLY)


def _need_own(run: Run, why: str) -> None:
    if run.own is None:
        raise NotRun(f"needs certify's own broker ({why}); not run with --broker")


async def registration(run: Run, case: CaseResult) -> None:
    """A valid Registration under its own id, its specs well formed and every action backed by a spec."""
    if not run.probe.heard(0.0, "register"):
        await run.probe.wait_for(lambda s: s.kind == "register", ANNOUNCE_WAIT)
    for line in describe(run.probe.heard(0.0, "register")[-1:]):
        case.note(line)
    registration, why = run.registration()
    if registration is None:
        raise Failed(why)
    info = registration.payload
    run.info = info
    problems: list[str] = []
    if info.device_id != run.device_id:
        problems.append(f"payload.deviceId is {info.device_id!r}, not {run.device_id!r}")
    if info.device_type not in DEVICE_TYPES:
        problems.append(f"deviceType {info.device_type!r} is not one of {', '.join(DEVICE_TYPES)}")
    names = [s.name for s in info.property_specs]
    if len(set(names)) != len(names):
        problems.append("propertySpecs names a property twice")
    for prop in info.properties:
        spec = info.spec(prop.name)
        if spec is None:
            problems.append(f"property {prop.name!r} has no spec in propertySpecs")
        elif (bad := misfit(spec, prop.value)) is not None:
            problems.append(bad)
    for action in info.actions:
        if action not in ACTIONS and action not in QUERY_ACTIONS:
            problems.append(f"action {action!r} is not in the protocol's vocabulary (§6)")
            continue
        attribute = attribute_of(action)
        if attribute is not None and info.spec(attribute) is None:
            problems.append(f"action {action} needs property {attribute!r}, which it has no spec for")
    for problem in problems:
        case.note(f"✗ {problem}")
    if problems:
        raise Failed(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    case.reason = (f"{info.device_type} {info.brand} {info.model}: {len(info.property_specs)} property specs, "
                   f"{len(info.actions)} actions")


async def status_online(run: Run, case: CaseResult) -> None:
    """Registration, status Online and state, all three retained: a newcomer reads them at once."""
    kinds = (DeviceTopic.REGISTER, DeviceTopic.STATUS, DeviceTopic.STATE)
    found: dict[str, Seen] = {}
    for attempt in range(2):  # a device just connected may not have published all three yet: then once more
        since = time.monotonic()
        await run.probe.subscribe_again(*kinds)
        deadline = since + (1.0 if attempt == 0 else ANNOUNCE_WAIT)
        for kind in kinds:
            seen = await run.probe.wait_for(lambda s, k=kind.value: s.retain and s.kind == k,  # type: ignore[misc]
                                            max(0.0, deadline - time.monotonic()), since=since)
            if seen is not None:
                found[kind.value] = seen
        if len(found) == len(kinds):
            break
        await run.probe.wait_for(lambda s: s.kind in {k.value for k in kinds} - set(found), ANNOUNCE_WAIT,
                                 since=since)  # what is missing may still come, live
    for seen in found.values():
        case.note(seen.text())
    missing = [k.value for k in kinds if k.value not in found]
    if missing:
        raise Failed(f"nothing retained on its {', '.join(missing)} topic{'s' if len(missing) > 1 else ''}")
    try:
        status = decode(found["status"].payload, DeviceStatus)
        snapshot = decode(found["state"].payload, StateSnapshot)
    except ProtocolError as exc:
        raise Failed(f"a retained message is not valid: {exc.reason}") from None
    if not status.online or status.payload.device_id != run.device_id:
        raise Failed(f"the retained status is {status.payload.status} for {status.payload.device_id!r}, "
                     f"not online for {run.device_id!r}")
    for prop in snapshot.payload.properties if run.info is not None else []:  # without specs, nothing to check
        spec = run.spec(prop.name)
        if spec is None:
            raise Failed(f"the state names property {prop.name!r}, which its registration has no spec for")
        if (bad := misfit(spec, prop.value)) is not None:
            raise Failed(f"the retained state: {bad}")
    case.reason = "registration, status online and state are retained"


async def last_will(run: Run, case: CaseResult) -> None:
    """The CONNECT carries a last will: Offline / lwt, retained, QoS 1, on its own status topic."""
    _need_own(run, "it reads the will in the device's CONNECT")
    assert run.own is not None
    connects = [c for c in run.own.journal.connects if c.client_id == run.device_id and c.accepted]
    for refused in [c for c in run.own.journal.connects if not c.accepted][:3]:
        case.note(f"refused CONNECT: client id {refused.client_id!r} (wrong password or another login's id)")
    if not connects:
        raise Failed("no accepted CONNECT with the device's id as client id")
    last = connects[-1]
    case.note(f"CONNECT client id {last.client_id!r}, keepalive {last.keepalive}, clean session {last.clean}, "
              f"will on {last.will_topic!r} qos {last.will_qos} retain {last.will_retain}: "
              f"{(last.will_payload or b'').decode('utf-8', 'replace')}")
    if last.will_topic is None:
        raise Failed("the CONNECT sets no last will: nobody learns that the device died")
    status_topic = run.probe.topic(DeviceTopic.STATUS)
    if last.will_topic != status_topic:
        raise Failed(f"the last will is on {last.will_topic!r}, not on {status_topic!r}")
    try:
        will = decode(last.will_payload or b"", DeviceStatus)
    except ProtocolError as exc:
        raise Failed(f"the last will is not a valid DeviceStatus: {exc.reason}") from None
    if will.online or will.payload.reason != "lwt" or will.payload.device_id != run.device_id:
        raise Failed(f"the last will says {will.payload.status}/{will.payload.reason} for "
                     f"{will.payload.device_id!r}; it must say offline/lwt for {run.device_id!r}")
    if not last.will_retain:
        raise Failed("the last will is not retained: a hub that starts later never learns the device died")
    if (last.will_qos or 0) < 1:
        raise Failed(f"the last will is QoS {last.will_qos}: it must be QoS 1")
    if last.keepalive <= 0:
        raise Failed("keepalive 0: a device that hangs with its socket open is never found dead")
    case.reason = f"will Offline/lwt on its status topic, retained, QoS {last.will_qos}; keepalive {last.keepalive} s"


async def _announced(run: Run, since: float, timeout: float) -> list[str]:
    """The announcements (register, status online, state) missing since ``since`` after ``timeout`` s."""
    def online(seen: Seen) -> bool:
        try:
            return decode(seen.payload, DeviceStatus).online
        except ProtocolError:
            return False
    deadline = time.monotonic() + timeout
    for kind in ("register", "status", "state"):
        await run.probe.wait_for(lambda s, k=kind: s.kind == k and (k != "status" or online(s)),  # type: ignore[misc]
                                 max(0.0, deadline - time.monotonic()), since=since)
    heard = run.probe.heard(since)
    missing = [k for k in ("register", "state") if not any(s.kind == k for s in heard)]
    if not any(s.kind == "status" and online(s) for s in heard):
        missing.insert(1, "status online")
    return missing


async def discovery(run: Run, case: CaseResult) -> None:
    """A DiscoveryDevices broadcast, and a (non-retained) hub Online, are each answered by a new announcement."""
    for what, say in (("a DiscoveryDevices broadcast", run.probe.discover),
                      ("a hub Online (not retained)", lambda: run.probe.hub_online(retain=False))):
        since = time.monotonic()
        case.note(f"→ {what}")
        await say()
        missing = await _announced(run, since, ANNOUNCE_WAIT)
        for line in describe(run.probe.heard(since), 4):
            case.note(line)
        if missing:
            raise Failed(f"after {what}, no {', no '.join(missing)} within {ANNOUNCE_WAIT:g} s")
        registration, why = run.registration(since)
        if registration is None:
            raise Failed(f"after {what}: {why}")
    case.reason = "re-announced after a discovery and after a hub Online"


async def will_fires(run: Run, case: CaseResult) -> None:
    """Cut off without a DISCONNECT, the device's will says offline/lwt; it comes back and re-announces."""
    _need_own(run, "it cuts the device's connection at the broker")
    assert run.own is not None and run.own.broker is not None
    since = time.monotonic()
    if not run.own.broker.drop(run.device_id):
        raise Failed("the device is not connected")
    case.note("✂ certify cut the device's connection (no DISCONNECT)")

    def lwt(seen: Seen) -> bool:
        try:
            status = decode(seen.payload, DeviceStatus)
        except ProtocolError:
            return False
        return not status.online and status.payload.reason == "lwt"
    fired = await run.probe.wait_for(lambda s: s.kind == "status" and lwt(s), ANNOUNCE_WAIT, since=since)
    if fired is None:
        raise Failed(f"no offline/lwt status within {ANNOUNCE_WAIT:g} s of the cut: the last will did not fire")
    case.note(fired.text())
    missing = await _announced(run, fired.at, RETURN_WAIT)
    back = [s for s in run.probe.heard(fired.at + 1e-6) if s.kind == "status"]
    for line in describe(back[:2]):
        case.note(line)
    if missing:
        raise Failed(f"cut off, it did not come back: no {', no '.join(missing)} within {RETURN_WAIT:g} s")
    case.reason = f"the will fired at once; back online {back[0].at - since:.2f} s after the cut" if back else \
        "the will fired at once; back online"


async def reconnect(run: Run, case: CaseResult) -> None:
    """Certify's broker restarts: the device retries, spaced (backoff, no hammering), and re-announces."""
    _need_own(run, "it restarts the broker")
    assert run.own is not None
    await run.probe.close()
    down_at = time.monotonic()
    attempts = await run.own.restart(OUTAGE)
    case.note(f"✂ broker stopped for {OUTAGE:g} s: {len(attempts)} connection attempt(s) while away")
    returned = time.monotonic()
    await run.probe.open()
    await run.probe.hub_online(retain=True)
    gaps = [b - a for a, b in zip([down_at, *attempts], attempts, strict=False)]
    if gaps:
        case.note("gaps between attempts (ms): " + ", ".join(f"{g * 1000:.0f}" for g in gaps[:20]))
    missing = await _announced(run, returned, RETURN_WAIT)
    tight = [g for g in gaps[1:] if g < MIN_GAP]
    rate = len(attempts) / OUTAGE
    if rate > MAX_RATE or (len(gaps) >= 3 and len(tight) * 2 > len(gaps)):
        raise Failed(f"{len(attempts)} connection attempts in {OUTAGE:g} s ({rate:.0f}/s"
                     f"{f', {len(tight)} under {MIN_GAP * 1000:.0f} ms apart' if tight else ''}): a hammering loop, "
                     "not a backoff")
    if missing:
        raise Failed(f"after the broker came back: no {', no '.join(missing)} within {RETURN_WAIT:g} s")
    back = [c for c in run.own.journal.connects if c.accepted and c.at > down_at + OUTAGE]
    took = f"; reconnected {back[0].at - down_at - OUTAGE:.2f} s after the broker returned" if back else ""
    case.reason = f"{len(attempts)} attempts while away ({rate:.1f}/s){took}, re-announced"


async def topic_discipline(run: Run, case: CaseResult) -> None:
    """Over the whole run, every PUBLISH of the device's login (the ACL's refusals included) is on its own topics."""
    _need_own(run, "it sees every publish attempt at the broker")
    assert run.own is not None
    own = {run.probe.topic(k) for k in OWN_TOPICS}
    journal = run.own.journal
    outside = [p for p in journal.publishes if p.topic not in own]
    for seen in outside[:8]:
        case.note(f"PUBLISH by {seen.client_id!r} on {seen.topic!r}{'' if seen.allowed else ' (refused by the ACL)'}")
    if outside:
        topics = sorted({p.topic for p in outside})
        raise Failed(f"{len(outside)} publish attempt(s) outside its own topics: {', '.join(topics[:3])}"
                     f"{' ...' if len(topics) > 3 else ''}")
    case.reason = f"{len(journal.publishes)} publishes, all on genie/dev/{run.device_id}/(register|status|state|" \
                  "report|reply)"
