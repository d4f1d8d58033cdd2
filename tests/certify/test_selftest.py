"""`genie certify --self-test`'s engine on the real embedded broker: every built-in category passes, and each
deliberately broken device fails the right case for the right reason, and nothing else its defect does not explain."""

from __future__ import annotations

from devices.categories import CATEGORIES
from genie.certify.broken import BROKEN
from genie.certify.selftest import self_test

EXPECTED = {
    "wrong-envelope": ("registration", "its registration is not valid: header: Field required"),
    "missing-reply": ("actions-valid", "TurnOff: no reply within"),
    "wrong-value-type": ("actions-valid", "its spec says int"),
    "no-last-will": ("last-will", "the CONNECT sets no last will"),
    "foreign-topic": ("topic-discipline", "outside its own topics: genie/dev/certify-neighbour/state"),
    "ignores-discover": ("discovery", "after a DiscoveryDevices broadcast, no register"),
    "hammering": ("reconnect", "a hammering loop, not a backoff"),
}
"""Each broken device: the case certify must fail and words of the reason it must give (independent of
genie.certify.broken's own table, which the self-test judges by)."""


async def test_every_category_passes_and_every_broken_device_fails_for_its_reason() -> None:
    outcome = await self_test()
    verdicts = {v.device: v for v in outcome.verdicts}
    assert set(verdicts) == {f"selftest-{c}" for c in CATEGORIES} | {f"broken-{b.name}" for b in BROKEN}
    for category in CATEGORIES:
        verdict = verdicts[f"selftest-{category}"]
        assert verdict.result is not None
        assert verdict.result.passed, f"{category}: {verdict.why}"
        not_run = {c.id: c.reason for c in verdict.result.cases if c.outcome == "not-run"}
        assert "soak" in not_run
        # a device with nothing to set (a sensor, a lock) has no value to send in or out of range
        assert set(not_run) <= {"soak", "actions-boundary", "actions-out-of-range"}, f"{category}: {not_run}"
        if set(not_run) != {"soak"}:
            settable = [s.name for s in CATEGORIES[category].specs if s.writable and s.name != "powerstate"]
            assert settable == [], f"{category}: {not_run}"
    assert set(EXPECTED) == {b.name for b in BROKEN}
    for name, (case_id, words) in EXPECTED.items():
        verdict = verdicts[f"broken-{name}"]
        assert verdict.result is not None and not verdict.result.passed, name
        case = verdict.result.case(case_id)
        assert case is not None and case.outcome == "fail", f"{name}: {case_id} is {case and case.outcome}"
        assert words in case.reason, f"{name}: {case.reason}"
        assert case.evidence, name
        assert verdict.ok, f"{name}: {verdict.why}"
    assert outcome.passed
