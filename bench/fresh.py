"""``python -m bench fresh``: the real hub scored on fresh sentences it was never tuned on (bench/sets/).

The demo home runs on the in-memory bus of ``tests.fakes`` with a manual clock: its simulated devices and a
Hub, nothing on the network. For each sentence the hub resets every device to the home file's initial state
with the sentence's ``given`` state laid over it (the devices reset to that, so that a curtain's motor or a
lock's relock timer agree with it), and ``Hub.handle_text`` hears the sentence in a conversation of its own
(in the set's language, as a speaker set to that language would send it). The clock then moves on long enough
for a curtain to travel all the way, any timer the sentence set is cancelled, and the devices' states before
and after are compared with what a careful human would have done (bench/sets/README.md gives the format and
the rules; ``score`` below is the one judge).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from devices.categories import device_class
from devices.home import load_home
from devices.runner import DeviceRunner
from genie.homes import automations_of
from hub.clock import ManualClock
from hub.protocol import PropertyValue
from hub.service import Hub
from tests.fakes import MemoryBroker

SETS = Path(__file__).parent / "sets"
PARTS = ("dev", "test")
LANGS = ("zh", "en", "fr")
KINDS = ("change", "answer", "nothing", "ask")
SETTLE_S = 12.0
"""Clock seconds let pass after each sentence: a curtain travels fully in 10 s (devices/categories/curtain.py)."""
STEP_S = 5.0
"""Real seconds one sentence may take (reset, sentence, settling) before it counts as a failure."""
UP_S = 5.0
"""Real seconds the home may take to come up."""

KEPT = frozenset({"lockstate"})
"""Read-only properties compared anyway: a lock's state changes only through Lock/Unlock."""
FOLLOWS: dict[str, frozenset[str]] = {
    "position": frozenset({"powerstate"}),  # a curtain is on while open at all
    "powerstate": frozenset({"position"}),  # a curtain's power moves it (on opens, off closes)
    "volume": frozenset({"mute"}),  # changing the volume unmutes, as a remote does
    "mode": frozenset({"windspeed"}),  # the purifier's auto/sleep and the fan's sleep wind pick the speed
    "windspeed": frozenset({"mode"}),  # the purifier's speed set by hand leaves auto or sleep for manual
}
"""Properties a ``change`` may move besides those listed, when the key is listed for the same device.
Also: listing any property other than powerstate allows powerstate to become "on" (setting turns on)."""


@dataclass(frozen=True)
class Case:
    """One sentence of a set and the outcome it should have."""

    text: str
    expect: str
    changes: dict[str, dict[str, PropertyValue]] = field(default_factory=dict)
    given: dict[str, dict[str, PropertyValue]] = field(default_factory=dict)
    or_ask: bool = False


@dataclass(frozen=True)
class Outcome:
    """What the hub did with one case, and whether that was right (``why`` says why not)."""

    case: Case
    reply: str
    ok: bool
    changed: dict[str, dict[str, tuple[PropertyValue | None, PropertyValue]]]
    why: str | None

    @property
    def right(self) -> bool:
        """True when the hub did what the case expects."""
        return self.why is None


States = dict[str, dict[str, PropertyValue]]


def load(part: str, lang: str) -> list[Case]:
    """The cases of ``bench/sets/<part>/<lang>.yaml``."""
    entries = yaml.safe_load((SETS / part / f"{lang}.yaml").read_text(encoding="utf-8"))
    cases = [Case(**entry) for entry in entries]
    for case in cases:
        if case.expect not in KINDS:
            raise ValueError(f"{part}/{lang}: {case.text!r}: unknown expect {case.expect!r}")
    return cases


def compared(home_props: dict[str, frozenset[str]], states: States) -> States:
    """Only the properties a sentence may be judged on: the writable ones, and a lock's state."""
    return {d: {p: v for p, v in s.items() if p in home_props[d]} for d, s in states.items()}


def difference(before: States, after: States) -> dict[str, dict[str, tuple[PropertyValue | None, PropertyValue]]]:
    """Every property whose value moved, as (before, after), by device."""
    moved: dict[str, dict[str, tuple[PropertyValue | None, PropertyValue]]] = {}
    for device, state in after.items():
        for prop, value in state.items():
            if before[device].get(prop) != value:
                moved.setdefault(device, {})[prop] = (before[device].get(prop), value)
    return moved


def _meets(wanted: PropertyValue, before: PropertyValue | None, after: PropertyValue | None) -> bool:
    if wanted == "+":
        return isinstance(after, int | float) and isinstance(before, int | float) and after > before
    if wanted == "-":
        return isinstance(after, int | float) and isinstance(before, int | float) and after < before
    if wanted == "~":
        return after != before
    return after == wanted


def _allowed(listed: dict[str, PropertyValue], prop: str, value: PropertyValue | None) -> bool:
    if prop in listed or any(prop in FOLLOWS.get(p, ()) for p in listed):
        return True
    return prop == "powerstate" and value == "on" and any(p != "powerstate" for p in listed)


def _change_error(case: Case, before: States, after: States) -> str | None:
    for device, props in case.changes.items():
        for prop, wanted in props.items():
            if not _meets(wanted, before[device].get(prop), after[device].get(prop)):
                return f"{device}.{prop} is {after[device].get(prop)!r}, expected {wanted!r}"
    for device, moved in difference(before, after).items():
        for prop, (_old, new) in moved.items():
            if not _allowed(case.changes.get(device, {}), prop, new):
                return f"{device}.{prop} changed to {new!r} (not asked for)"
    return None


def score(case: Case, before: States, after: States, ok: bool) -> str | None:
    """None if the hub's outcome is right for ``case``, else why it is not (the one judge of a sentence)."""
    moved = difference(before, after)
    if case.expect == "change":
        error = _change_error(case, before, after)
        if error is not None and case.or_ask and not moved and not ok:
            return None  # asked back: right for a slip
        return error
    if moved:
        return "changed " + ", ".join(f"{d}.{p}" for d, props in moved.items() for p in props)
    if case.expect == "answer" and not ok:
        return "no answer (reply not ok)"
    if case.expect == "ask" and ok:
        return "did not ask (reply ok)"
    return None


class FreshHome:
    """The demo home on a MemoryBroker and a ManualClock: devices, a hub, and one sentence at a time."""

    def __init__(self) -> None:
        home = load_home()
        self.broker = MemoryBroker()
        self.clock = ManualClock()
        self.runners = {
            c.id: DeviceRunner(device_class(c.category)(c, clock=self.clock), self.broker.connect)
            for c in home.device_configs()
        }
        self.props = {
            device_id: frozenset(s.name for s in runner.device.specs if s.writable or s.name in KEPT)
            for device_id, runner in self.runners.items()
        }
        self.initial = {device_id: dict(r.device.initial_state) for device_id, r in self.runners.items()}
        """The home file's initial states; a case's ``given`` is laid over them as the state a reset goes to."""
        self.hub = Hub(self.broker.connect, clock=self.clock, automations=automations_of(home))
        self.tasks: list[asyncio.Task[Any]] = []
        self.turns = 0

    def states(self) -> States:
        """Every device's state as the device itself holds it, limited to the judged properties."""
        return compared(self.props, {d: dict(r.device.state) for d, r in self.runners.items()})

    async def up(self) -> None:
        """Start the devices, then the hub, and wait until the hub sees every device online."""
        for device_id, runner in self.runners.items():
            self.tasks.append(asyncio.create_task(runner.run(), name=f"fresh.runner[{device_id}]"))
        async with asyncio.timeout(UP_S):
            await asyncio.gather(*(r.online.wait() for r in self.runners.values()))
            self.tasks.append(asyncio.create_task(self.hub.run(), name="fresh.hub"))
            await self.hub.ready.wait()
            await self._until(lambda: {r.id for r in self.hub.directory.all() if r.online} >= set(self.runners))

    async def down(self) -> None:
        """Cancel and await everything ``up`` started."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _until(self, predicate: Callable[[], bool]) -> None:
        """Return once ``predicate()`` is true, re-checked on every change of the hub's directory."""
        event = asyncio.Event()

        def listener(_record: object) -> None:
            if predicate():
                event.set()

        self.hub.directory.listeners.append(listener)
        try:
            if not predicate():
                await event.wait()
        finally:
            self.hub.directory.listeners.remove(listener)

    async def _seen(self) -> None:
        """Wait until the hub's directory holds what the devices hold (their reports have arrived)."""
        await self._until(lambda: not any(self._unseen(d) for d in self.runners))

    def _unseen(self, device_id: str) -> bool:
        record = self.hub.directory.get(device_id)
        state = self.runners[device_id].device.state
        return record is None or any(record.state.get(p) != v for p, v in state.items() if p in self.props[device_id])

    async def hear(self, case: Case, lang: str) -> Outcome:
        """Reset, set the case's given state, say the sentence, let the clock settle, and judge."""
        self.turns += 1
        async with asyncio.timeout(STEP_S):
            for device_id, runner in self.runners.items():
                runner.device.initial_state = {**self.initial[device_id], **case.given.get(device_id, {})}
            await self.hub.reset_home()
            await self.clock.advance(0)
            await self._seen()
            before = self.states()
            result = await self.hub.handle_text(case.text, lang, session=f"fresh-{self.turns}")
            await self.clock.advance(SETTLE_S)
            for timer in self.hub.automation.pending():
                self.hub.automation.cancel(timer.id)
            after = self.states()
        return Outcome(case, result.reply, result.ok, difference(before, after), score(case, before, after, result.ok))


@asynccontextmanager
async def fresh_home() -> AsyncIterator[FreshHome]:
    """A running FreshHome, taken down (every task cancelled and awaited) on the way out."""
    home = FreshHome()
    try:
        await home.up()
        yield home
    finally:
        await home.down()


async def run(parts: list[str], langs: list[str]) -> dict[str, dict[str, list[Outcome]]]:
    """Every case of the sets asked for, heard by one running home: outcomes by set and language."""
    outcomes: dict[str, dict[str, list[Outcome]]] = {}
    async with fresh_home() as home:
        for part in parts:
            for lang in langs:
                outcomes.setdefault(part, {})[lang] = [await _heard(home, case, lang) for case in load(part, lang)]
    return outcomes


async def _heard(home: FreshHome, case: Case, lang: str) -> Outcome:
    try:
        return await home.hear(case, lang)
    except Exception as exc:  # one sentence that breaks the hub is a failure, not the end of the run
        return Outcome(case, "", False, {}, f"{type(exc).__name__}: {exc}")


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    """Right, total and percentage, overall and per expected kind."""
    def tally(subset: list[Outcome]) -> dict[str, Any]:
        right = sum(o.right for o in subset)
        percent = round(100 * right / len(subset), 1) if subset else None
        return {"right": right, "total": len(subset), "percent": percent}

    return {**tally(outcomes), "kinds": {k: tally([o for o in outcomes if o.case.expect == k]) for k in KINDS}}


def failure(outcome: Outcome) -> dict[str, Any]:
    """One failure as a report shows it."""
    case = outcome.case
    return {"text": case.text, "expect": case.expect, "changes": case.changes, "given": case.given,
            "reply": outcome.reply, "ok": outcome.ok, "why": outcome.why,
            "changed": {d: {p: list(v) for p, v in props.items()} for d, props in outcome.changed.items()}}


def report(outcomes: dict[str, dict[str, list[Outcome]]], failures: int) -> dict[str, Any]:
    """Figures per set and language, with the first ``failures`` failures of each."""
    return {part: {lang: {**figures(found), "failures": [failure(o) for o in _wrong(found)][:failures]}
                   for lang, found in by_lang.items()}
            for part, by_lang in outcomes.items()}


def _wrong(outcomes: list[Outcome]) -> Iterator[Outcome]:
    return (o for o in outcomes if not o.right)


def print_report(data: dict[str, Any]) -> None:
    """The report as tables."""
    for part, by_lang in data.items():
        print(f"\nFresh sentences, {part} set (bench/sets/{part}/)")
        for lang, f in by_lang.items():
            kinds = "   ".join(f"{k} {v['right']}/{v['total']}" for k, v in f["kinds"].items() if v["total"])
            print(f"  {lang}  {f['right']:>3}/{f['total']:<3} {f['percent']:5.1f}%   {kinds}")
            for fail in f["failures"]:
                print(f"      ✗ {fail['text']}  [{fail['expect']}] → {fail['reply']!r}  ({fail['why']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench fresh", description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=[*PARTS, "both"], default="both", help="which set (default both)")
    parser.add_argument("--lang", default=",".join(LANGS), help="languages, comma-separated (default zh,en,fr)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.add_argument("--failures", type=int, default=0, metavar="N", help="show the first N failures per set "
                        "and language")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 if a set's rate is below its floor in {FLOORS.name} (a regression gate)")
    args = parser.parse_args(argv)
    langs = [lang.strip() for lang in args.lang.split(",") if lang.strip()]
    if not set(langs) <= set(LANGS):
        parser.error(f"--lang: known languages are {', '.join(LANGS)}")
    parts = list(PARTS) if args.set == "both" else [args.set]
    started = time.perf_counter()
    data = report(asyncio.run(run(parts, langs)), max(0, args.failures))
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print_report(data)
        print(f"\n({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return below_floors(data) if args.check else 0


FLOORS = Path(__file__).with_name("fresh_floors.json")
"""Per set and language, the rate (%) under which ``--check`` fails: just under the figures of the day they were
set, so that CI catches a regression (a gate, not a goal)."""


def below_floors(data: dict[str, Any]) -> int:
    """1 (saying which) if a set and language run in ``data`` is below its floor, else 0."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    low = [f"{part} {lang} {found['percent']:.1f}% < {floors[part][lang]:.1f}%"
           for part, by_lang in data.items() for lang, found in by_lang.items()
           if part in floors and lang in floors[part] and not found["percent"] >= floors[part][lang]]
    for line in low:
        print(f"bench fresh: below the floor: {line}", file=sys.stderr)
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
