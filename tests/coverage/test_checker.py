"""The checker: a wrong state, a question that acts, a reply in the wrong language or without the value as
people say it each fail the cell; proven on outcomes, and on a real device behind a deliberately wrong hub."""

from __future__ import annotations

from typing import Any

from devices.registry import load_registry
from genie.coverage.judge import judge, reply_language
from genie.coverage.probes import Probe, generate
from genie.coverage.run import Job, Session, coverage_hub
from genie.coverage.specs import registry_groups
from hub.protocol import CommandResult

CANNED = {"zh": "好的。", "en": "OK, done.", "fr": "D'accord, c'est fait."}


def _light_probes(lang: str) -> list[Probe]:
    group = next(g for g in registry_groups(load_registry()) if g.category == "light" and len(g.specs) == 4)
    return generate(group.category, group.specs, group.actions, lang, seed=2)


def _one(lang: str, capability: str) -> Probe:
    return next(p for p in _light_probes(lang) if p.capability == capability)


def test_a_right_outcome_passes_and_each_wrong_one_fails_with_its_reason() -> None:
    probe = _one("en", "brightness:set")
    target = probe.expect.equal["brightness"]
    before = {"powerstate": "on", "brightness": probe.setup["brightness"]}
    done = {"powerstate": "on", "brightness": target}
    assert judge(probe, before, done, f"OK, light brightness set to {target}%.", True).passed
    wrong_state = judge(probe, before, before, f"OK, light brightness set to {target}%.", True)
    assert not wrong_state.passed and "brightness is" in wrong_state.reason
    wrong_lang = judge(probe, before, done, f"好的，灯的亮度已调到{target}%。", True)
    assert not wrong_lang.passed and wrong_lang.reason == "reply in zh, not en"
    refused = judge(probe, before, done, "The light can't take that value.", False)
    assert not refused.passed and refused.reason == "the hub did not do it"


def test_a_question_that_acts_or_misses_the_value_fails() -> None:
    probe = _one("fr", "brightness:ask")
    value = probe.setup["brightness"]
    state = {"powerstate": "on", "brightness": value}
    assert judge(probe, state, state, f"La luminosité de la lumière est de {value} %.", True).passed
    acted = judge(probe, state, {**state, "powerstate": "off"}, f"La luminosité est de {value} %.", True)
    assert not acted.passed and acted.reason.startswith("a question acted")
    assert not judge(probe, state, state, "La lumière est allumée.", True).passed


def test_the_other_state_in_a_reply_fails_even_inside_a_longer_phrase() -> None:
    probe = next(p for p in _light_probes("en") if p.capability == "powerstate:ask")
    state = probe.setup
    other = "off" if state["powerstate"] == "on" else "on"
    assert judge(probe, state, state, f"The light is {state['powerstate']}.", True).passed
    assert not judge(probe, state, state, f"The light is {other}.", True).passed


def test_reply_language() -> None:
    assert [reply_language(t) for t in ("好的，灯已打开。", "OK, light turned on.", "D'accord, lumière : allumée.",
                                        "The volume of the television is 80.", "Le ventilateur est allumé.")] == \
        ["zh", "en", "fr", "en", "fr"]


class _WrongHub:
    """The real hub, answering wrong: in English whatever was said (``english``), or saying OK while doing
    nothing (``idle``)."""

    def __init__(self, hub: Any, how: str) -> None:
        self._hub = hub
        self._how = how

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hub, name)

    async def handle_text(self, text: str, lang: str | None = None, session: str = "", **_: Any) -> CommandResult:
        if self._how == "english":
            result = await self._hub.handle_text(text, lang, session)
            return result.model_copy(update={"reply": "OK, done."})
        said = reply_language(text) if any("\u4e00" <= c <= "\u9fff" for c in text) else "fr" if "'" in text \
            or any(c in text for c in "éèàç") else "en"
        return CommandResult(text=text, lang=said, reply=CANNED[said], ok=True)  # type: ignore[arg-type]


async def test_a_deliberately_wrong_hub_fails_its_cells() -> None:
    registry = load_registry()
    product = next(p for p in registry.products if p.category == "switch")
    job = Job("switch-test", registry.brands[product.brand].name, product.model, product.category)
    async with coverage_hub() as (hub, connect):
        english = await Session(_WrongHub(hub, "english"), connect).product(job, product, ["zh"], 1, 2)
        assert english and all(not r.passed and r.reason == "reply in en, not zh" for r in english)
        idle = await Session(_WrongHub(hub, "idle"), connect).product(job, product, ["en"], 1, 2)
        acting = [r for r in idle if not r.capability.endswith(":ask")]
        assert acting and all(not r.passed and r.reason.startswith("powerstate is") for r in acting)
        asks = [r for r in idle if r.capability.endswith(":ask")]
        assert asks and all(not r.passed and "does not say" in r.reason for r in asks)
