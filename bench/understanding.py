"""Understanding against Home Assistant's own intent tests, beside plain hassil + home-assistant-intents.

``python -m bench understanding [--json] [--data DIR] [--failures N] [--hassil WHICH] [--runs N] [--check]``.

The data is ``../shared/benchmarks/ha-intents`` (1,528 sentences in en, zh and fr with their fixture
homes; its README explains every field). For each language the fixture home is set up as one of ours:
its areas become rooms, its floors floors, and each entity of a kind our hub models becomes a device of
the matching category (``CATEGORY``); entities of kinds we do not model (binary sensors, people, scenes,
scripts, valves, weather, to-do lists, sensors of other quantities) are left out. Each sentence is
parsed by ``hub.nlu.understand`` in its language, and our interpretation is mapped to Home Assistant's
intent and slots (``to_home_assistant``): a case passes when the intent is the expected one, every
expected slot has the expected value (a list means any of them), and no target slot (name, area, floor,
state) is said that was not expected.

No help the product lacks: a case said in the speaker's room ("turn on the lights", context area) gets no room
from the benchmark — the hub does not yet know where a speaker is, so such a case passes only if the sentence
itself says enough.

Three figures per language: on all cases (an unsupported case counts as a failure), on the supported subset
(every case of the intents in ``SUPPORTED`` whose expected slots name only things our home model has), and
the number unsupported, with their intents and domains.

Beside ours, in the same run, plain hassil with home-assistant-intents (the field's standard, recognising
against the whole fixture home) on the same cases, twice: with the intents release contemporary with the
suite and with the latest (``bench/_hassil.py`` says which and why). They are not project dependencies: each
release runs in an environment of its own, made on demand under ``--hassil-env`` and kept for the next run;
when one cannot be made (no network) the report says so and goes on. ``--check`` (the CI gate) runs none.

The run also measures parse time: ``understand`` (language detection included) over every benchmark
sentence, against a home of 1,000 named devices in 20 rooms (``--runs N``: the median of N). Targets: ≥ 95 %
per language, parse p50 ≤ 0.2 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

from bench import _hassil
from hub.conversation import DEFAULT_ATTRIBUTE, UNIT_ATTRIBUTE
from hub.nlu import Catalog, CatalogDevice, Intent, understand
from hub.nlu.models import Target

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "ha-intents"
LANGS = ("zh", "en", "fr")

SUPPORTED = ("HassTurnOn", "HassTurnOff", "HassLightSet", "HassClimateSetTemperature", "HassClimateGetTemperature",
             "HassGetState", "HassSetPosition", "HassVacuumStart", "HassVacuumReturnToBase", "HassMediaPause",
             "HassMediaUnpause", "HassMediaNext", "HassMediaPrevious", "HassSetVolume")
"""Their intents we map ours to. Not supported: HassMediaSearchAndPlay (the hub plays no media library)."""

CURTAIN_CLASSES = ("curtain", "shade", "blind", "shutter", "awning")
"""Home Assistant cover classes that are our ``curtain``; garage doors, gates, doors and windows are not modelled."""
SENSED_CLASSES = (None, "temperature", "humidity", "pm25")
"""Sensor classes our ``sensor`` category measures (None: a plain reading such as an outside temperature)."""

CATEGORY = {"light": "light", "switch": "switch", "fan": "fan", "cover": "curtain", "climate": "aircondition",
            "lock": "fingerprintlock", "media_player": "television", "vacuum": "roboticvacuum", "sensor": "sensor"}
"""Home Assistant domain -> our category (for the domains we model)."""
DOMAIN = {category: domain for domain, category in CATEGORY.items()}

ATTRIBUTES = {
    "light": ("powerstate", "brightness", "color", "colorTemperature"),
    "switch": ("powerstate",),
    "fan": ("powerstate", "windspeed", "mode"),
    "curtain": ("powerstate", "position"),
    "aircondition": ("powerstate", "temperature", "mode", "windspeed", "currentTemperature"),
    "fingerprintlock": ("lockstate",),
    "television": ("powerstate", "volume", "channel", "mute"),
    "roboticvacuum": ("powerstate", "status", "battery"),
    "sensor": ("temperature", "humidity", "pm2.5"),
}
"""The properties a device of each category has (as our simulated devices register them)."""

COLOR_NAMES = {"Red": "red", "Orange": "orange", "Yellow": "yellow", "Green": "green", "Cyan": "cyan",
               "Blue": "blue", "Purple": "purple", "Pink": "pink", "White": "white"}
STATE_NAMES = {"curtain": {"on": "open", "off": "closed", "open": "open", "closed": "closed"},
               "fingerprintlock": {"locked": "locked", "unlocked": "unlocked"}}


# ---------------------------------------------------------------------------- the fixture home as ours


@dataclass
class Home:
    """One language's fixture home set up as ours: the catalog, and how to speak of it in their terms."""

    lang: str
    catalog: Catalog = field(default_factory=Catalog)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Our device id (their uid) -> their entity."""
    area_names: dict[str, str] = field(default_factory=dict)
    floor_names: dict[str, str] = field(default_factory=dict)


def modelled(entity: dict[str, Any]) -> bool:
    """Whether our hub models this kind of entity (see the module docstring)."""
    domain, device_class = entity["domain"], entity.get("device_class")
    if domain not in CATEGORY:
        return False
    if domain == "cover":
        return device_class in (None, *CURTAIN_CLASSES)
    if domain == "sensor":
        return device_class in SENSED_CLASSES
    return True


def build_home(lang: str, fixture: dict[str, Any], context_areas: set[str]) -> Home:
    """Their fixture home as one of ours; ``context_areas`` are speaker areas their tests use but the
    fixture lacks (the README says to add them)."""
    home = Home(lang)
    catalog = home.catalog
    for area in fixture["areas"]:
        catalog.add_room(area["id"], {lang: [area["name"]]})
        home.area_names[area["id"]] = area["name"]
    for area in sorted(context_areas - set(home.area_names.values())):
        catalog.add_room(area, {lang: [area]})
        home.area_names[area] = area
    for floor in fixture.get("floors", []):
        rooms = tuple(a["id"] for a in fixture["areas"] if a.get("floor") == floor["id"])
        catalog.add_floor(floor["id"], {lang: [floor["name"]]}, rooms)
        home.floor_names[floor["id"]] = floor["name"]
    for entity in fixture["entities"]:
        if not modelled(entity):
            continue
        category = CATEGORY[entity["domain"]]
        catalog.add_device(CatalogDevice(id=entity["uid"], category=category, room=entity.get("area") or "",
                                         attributes=frozenset(ATTRIBUTES[category]), actions=frozenset()),
                           {lang: list(entity["names"])})
        home.entities[entity["uid"]] = entity
    return home


# ---------------------------------------------------------------------------- ours -> theirs


def _categories(target: Target, home: Home) -> list[str]:
    """The categories a target is about: its devices', its own, or (a room alone) what is in the room."""
    if target.devices:
        return [home.catalog.devices[d].category for d in target.devices if d in home.catalog.devices]
    return list(target.categories)


def _attribute(intent: Intent, target: Target, home: Home) -> str | None:
    """The property a set command changes, as our speaker picks it (``hub.conversation``)."""
    if intent.attribute:
        return intent.attribute
    categories = _categories(target, home) or (["light"] if target.rooms or target.floors or target.here
                                               or target.empty else [])
    if intent.unit == "degree":
        return "temperature"
    for category in categories:
        if intent.unit in UNIT_ATTRIBUTE:
            for candidate in UNIT_ATTRIBUTE[intent.unit]:
                if candidate in ATTRIBUTES.get(category, ()):
                    return candidate
        if category in DEFAULT_ATTRIBUTE:
            return DEFAULT_ATTRIBUTE[category]
    return None


def _room_categories(target: Target, home: Home, action: str) -> list[str]:
    """What a room (or floor) said alone is about, as our speaker resolves it: its lights when it has some
    (on/off, a percentage), its locks (lock/unlock)."""
    if action in ("lock", "unlock"):
        return ["fingerprintlock"]
    rooms = set(target.rooms) | home.catalog.rooms_of(target.floors)
    if target.here or not rooms:
        return ["light"]
    has_lights = any(d.category == "light" and d.room in rooms for d in home.catalog.devices.values())
    return ["light"] if has_lights else []


def _hass_intent(intent: Intent, home: Home) -> str | None:
    target = intent.target
    categories = _categories(target, home)
    action = intent.action
    if action in ("up", "down") and intent.value is None and categories and set(categories) <= {"curtain"}:
        action = "on" if action == "up" else "off"  # raising the blinds opens them
    if action in ("on", "off") and categories and set(categories) <= {"roboticvacuum"}:
        return "HassVacuumStart" if action == "on" else "HassVacuumReturnToBase"
    if action in ("on", "off", "lock", "unlock"):
        if (categories and set(categories) <= {"fingerprintlock"}) or action in ("lock", "unlock"):
            return "HassTurnOn" if action in ("off", "lock") else "HassTurnOff"  # HA: "on" locks a lock
        return "HassTurnOn" if action == "on" else "HassTurnOff"
    if action == "query":
        if intent.attribute == "temperature" and intent.quantifier == "plain" and (
                not categories or set(categories) <= {"aircondition"}):
            return "HassClimateGetTemperature"
        return "HassGetState"
    media = {"pause": "HassMediaPause", "continue": "HassMediaUnpause", "next": "HassMediaNext",
             "previous": "HassMediaPrevious"}
    if action in media:
        return media[action]
    attribute = _attribute(intent, target, home)
    if action in ("up", "down") and attribute == "channel":
        return "HassMediaNext" if action == "up" else "HassMediaPrevious"
    if action == "set":
        return {"brightness": "HassLightSet", "color": "HassLightSet", "colorTemperature": "HassLightSet",
                "temperature": "HassClimateSetTemperature", "position": "HassSetPosition",
                "volume": "HassSetVolume"}.get(attribute or "")
    return None


def _value_slots(intent: Intent, attribute: str | None) -> dict[str, Any]:
    value = intent.value
    if attribute == "brightness" and value in ("max", "min"):
        value = 100 if value == "max" else 1
    if attribute == "position" and value in ("max", "min"):
        value = 100 if value == "max" else 0
    if attribute == "color":
        return {"color": COLOR_NAMES.get(str(value), str(value).lower())}
    names = {"brightness": "brightness", "temperature": "temperature", "position": "position",
             "volume": "volume_level"}
    return {names[attribute]: value} if attribute in names else {}


def to_home_assistant(intents: list[Intent], home: Home, context: dict[str, Any]) -> tuple[str | None, dict]:
    """Our interpretation as Home Assistant's (intent name, slots); (None, {}) if it has no equivalent."""
    if len(intents) != 1:
        return None, {}
    intent = intents[0]
    name = _hass_intent(intent, home)
    if name is None:
        return None, {}
    target = intent.target
    slots: dict[str, Any] = {}
    if target.devices:
        entities = [home.entities[d] for d in target.devices if d in home.entities]
        slots["name"] = {n for e in entities for n in e["names"]}
        slots["domain"] = {e["domain"] for e in entities}
        slots["device_class"] = {e.get("device_class") for e in entities}
    elif target.categories:
        slots["domain"] = {DOMAIN.get(c, c) for c in target.categories}
        if "curtain" in target.categories:
            slots["device_class"] = set(CURTAIN_CLASSES)
    elif (target.rooms or target.floors or target.here) and intent.action in ("on", "off", "lock", "unlock"):
        slots["domain"] = {DOMAIN[c] for c in _room_categories(target, home, intent.action)}
    if target.rooms:
        slots["area"] = {home.area_names.get(r, r) for r in target.rooms}
    if target.floors:
        slots["floor"] = {home.floor_names.get(f, f) for f in target.floors}
    if intent.action == "query" and intent.state:
        category = _categories(target, home)[:1]
        table = STATE_NAMES.get(category[0], {}) if category else {}
        slots["state"] = {table.get(intent.state, intent.state)}
    if intent.action == "set":
        slots.update(_value_slots(intent, _attribute(intent, target, home)))
    return name, slots


# ---------------------------------------------------------------------------- judging


TARGET_SLOTS = ("name", "area", "floor", "state")


def _same(actual: Any, expected: Any) -> bool:
    wanted = expected if isinstance(expected, list) else [expected]
    got = list(actual) if isinstance(actual, set | list | tuple) else [actual]
    for value in got:
        for want in wanted:
            if isinstance(want, int | float) and not isinstance(want, bool):
                try:
                    if abs(float(value) - float(want)) < 1e-6:
                        return True
                except (TypeError, ValueError):
                    continue
            elif str(value).casefold() == str(want).casefold():
                return True
    return False


def judge(case: dict[str, Any], intent: str | None, slots: dict[str, Any]) -> bool:
    """Whether an interpretation (ours or hassil's) is the expected intent with the expected slots."""
    if intent != case["intent"]:
        return False
    expected = case["slots"]
    for key, value in expected.items():
        if key == "name" and value == "all":
            if "name" in slots:
                return False
            continue
        if key not in slots or not _same(slots[key], value):
            return False
    return all(key in expected for key in TARGET_SLOTS if key in slots and slots[key] not in ({None}, set()))


def supported(case: dict[str, Any], home: Home) -> bool:
    """Whether a case is about intents and things our home model has (see the module docstring)."""
    if case["intent"] not in SUPPORTED:
        return False
    slots = {**case.get("context", {}), **case["slots"]}
    names = {n.casefold() for e in home.entities.values() for n in e["names"]}
    if "name" in case["slots"] and case["slots"]["name"] != "all":
        wanted = case["slots"]["name"] if isinstance(case["slots"]["name"], list) else [case["slots"]["name"]]
        if not any(str(n).casefold() in names for n in wanted):
            return False
    if slots.get("domain") and slots["domain"] not in CATEGORY:
        return False
    classes = slots.get("device_class")
    if classes and slots.get("domain") in ("cover", None) and not any(
            c in CURTAIN_CLASSES for c in (classes if isinstance(classes, list) else [classes])):
        return False
    return not (slots.get("domain") == "sensor" and classes not in SENSED_CLASSES)


# ---------------------------------------------------------------------------- runs


def load(data: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    cases = [json.loads(line) for line in (data / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    fixtures = json.loads((data / "fixtures.json").read_text(encoding="utf-8"))
    return cases, fixtures


def homes(cases: list[dict[str, Any]], fixtures: dict[str, Any]) -> dict[str, Home]:
    result = {}
    for lang in LANGS:
        context_areas = {c["context"]["area"] for c in cases if c["lang"] == lang and c.get("context", {}).get("area")}
        result[lang] = build_home(lang, fixtures[lang], context_areas)
    return result


def run_ours(cases: list[dict[str, Any]], built: dict[str, Home]) -> dict[str, list[tuple[dict, bool, Any]]]:
    results: dict[str, list[tuple[dict, bool, Any]]] = {lang: [] for lang in LANGS}
    for case in cases:
        home = built[case["lang"]]
        understood = understand(case["text"], home.catalog, case["lang"])
        name, slots = to_home_assistant(understood.intents, home, case.get("context", {}))
        results[case["lang"]].append((case, judge(case, name, slots), (name, slots)))
    return results


def judge_baseline(cases: list[dict[str, Any]], answers: list[Any]) -> dict[str, list[tuple[dict, bool, Any]]]:
    """hassil's answers (``[intent, slots]`` or None per case, in order) judged as ours are."""
    results: dict[str, list[tuple[dict, bool, Any]]] = {lang: [] for lang in LANGS}
    for case, got in zip(cases, answers, strict=True):
        results[case["lang"]].append((case, got is not None and judge(case, got[0], got[1]), got))
    return results


def hassil_report(cases: list[dict[str, Any]], fixtures: dict[str, Any], keep: set[int], args: argparse.Namespace,
                  names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Per release (``bench/_hassil.py``): its versions and rates on the supported subset and on all cases, its
    parse time on the English fixture home, or the note saying why it is missing."""
    out: dict[str, dict[str, Any]] = {}
    answers = _hassil.baselines(cases, fixtures, args.hassil_env or _hassil.default_root(), names,
                                timing=not args.no_timing, refresh=args.hassil_refresh)
    for name, entry in answers.items():
        if "note" in entry:
            out[name] = {"requirements": entry["requirements"], "note": entry["note"]}
            continue
        judged = judge_baseline(cases, entry["results"])
        out[name] = {"requirements": entry["requirements"], "versions": entry["versions"],
                     "supported": rates(judged, keep), "all": rates(judged, {id(c) for c in cases})}
        if entry.get("times"):
            out[name]["parse_fixture_home"] = entry["times"]
    return out


def big_catalog(devices: int = 1000) -> Catalog:
    """A home of ``devices`` named devices in 20 rooms, every name in zh, en and fr."""
    rooms = [("客厅", "living room", "salon"), ("主卧", "master bedroom", "chambre parentale"),
             ("次卧", "guest bedroom", "chambre d'amis"), ("书房", "study", "bureau"), ("厨房", "kitchen", "cuisine"),
             ("餐厅", "dining room", "salle à manger"), ("卫生间", "bathroom", "salle de bain"),
             ("阳台", "balcony", "balcon"), ("玄关", "hallway", "entrée"),
             ("儿童房", "kids room", "chambre d'enfant"),
             ("车库", "garage", "garage"), ("地下室", "basement", "sous-sol"), ("阁楼", "attic", "grenier"),
             ("客房", "spare room", "chambre d'hôtes"), ("健身房", "gym", "salle de sport"),
             ("洗衣房", "laundry room", "buanderie"), ("影音室", "cinema room", "salle de cinéma"),
             ("茶室", "tea room", "salon de thé"), ("衣帽间", "dressing room", "dressing"),
             ("花园", "garden", "jardin")]
    spots = [("左侧", "left", "gauche"), ("右侧", "right", "droite"), ("顶部", "top", "du haut"),
             ("床头", "bedside", "de chevet"), ("角落", "corner", "d'angle"), ("窗边", "window", "de fenêtre"),
             ("门边", "door", "de porte"), ("桌面", "desk", "de table"), ("沙发", "sofa", "de canapé"),
             ("墙边", "wall", "murale")]
    kinds = [("light", "灯", "light", "lampe"), ("curtain", "窗帘", "curtain", "rideau"),
             ("outlet", "插座", "plug", "prise"), ("fan", "风扇", "fan", "ventilateur"),
             ("switch", "开关", "switch", "interrupteur")]
    catalog = Catalog()
    n = 0
    for r, (rzh, ren, rfr) in enumerate(rooms):
        catalog.add_room(f"room{r}", {"zh": [rzh], "en": [ren], "fr": [rfr]})
        for szh, sen, sfr in spots:
            for category, kzh, ken, kfr in kinds:
                if n == devices:
                    return catalog
                names = {"zh": [f"{rzh}{szh}{kzh}"], "en": [f"{ren} {sen} {ken}"], "fr": [f"{kfr} {sfr} {rfr}"]}
                catalog.add_device(CatalogDevice(f"d{n}", category, f"room{r}", frozenset(ATTRIBUTES.get(category, ())),
                                                 frozenset()), names)
                n += 1
    return catalog


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] if ordered else float("nan")


def parse_times(sentences: list[str], catalog: Catalog, rounds: int = 3) -> dict[str, float]:
    """p50 / p99 milliseconds of ``understand`` (language detected) over ``sentences``."""
    for text in sentences[:50]:
        understand(text, catalog)  # warm the lexicons and caches
    times = []
    for _ in range(rounds):
        for text in sentences:
            started = time.perf_counter()
            understand(text, catalog)
            times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "samples": len(times)}


P50_TARGET_MS = 0.2
"""Issue 15's target for our parse p50 with 1,000 devices (a benchmark figure, not a timed test)."""


def parse_runs(sentences: list[str], catalog: Catalog, runs: int) -> dict[str, Any]:
    """``parse_times`` ``runs`` times: the median p50 and p99 and their min and max."""
    each = [parse_times(sentences, catalog) for _ in range(runs)]
    out: dict[str, Any] = {"runs": runs, "samples": each[0]["samples"]}
    for key in ("p50", "p99"):
        values = [e[f"{key}_ms"] for e in each]
        out.update({f"{key}_ms": median(values), f"{key}_min_ms": min(values), f"{key}_max_ms": max(values)})
    return out


def rates(results: dict[str, list[tuple[dict, bool, Any]]], keep: set[int]) -> dict[str, float]:
    out = {}
    for lang, rows in results.items():
        chosen = [ok for case, ok, _ in rows if id(case) in keep]
        out[lang] = sum(chosen) / len(chosen) if chosen else float("nan")
    return out


def _options() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench understanding", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true",
                        help='print {"ours": {lang: rate}, "ours_all": …, "hassil": {release: {"versions", '
                             '"supported": {lang: rate}, "all": …} or {"note"}}, …} (rates 0..1)')
    parser.add_argument("--data", type=Path, default=DATA, help=f"the benchmark directory (default {DATA})")
    parser.add_argument("--failures", type=int, default=0, metavar="N", help="list N of our failures per language")
    parser.add_argument("--no-timing", action="store_true", help="skip the parse-time measurements")
    parser.add_argument("--runs", type=int, default=1, metavar="N",
                        help="measure our parse time N times: the median p50 and p99, with their min–max")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 if a rate is below its floor in {FLOORS.name} (a regression gate; "
                             "missing data is then an error, exit 2); runs no hassil unless --hassil says")
    parser.add_argument("--hassil", choices=("both", "contemporary", "latest", "none"),
                        help="the plain-hassil baselines beside ours, each in an environment of its own made on "
                             "demand (default: both; none with --check)")
    parser.add_argument("--hassil-env", type=Path, metavar="DIR",
                        help="where those environments live (default $GENIE_HASSIL_ENV, else "
                             "~/.cache/genie-sim/hassil)")
    parser.add_argument("--hassil-refresh", action="store_true",
                        help="make the environments again (the latest then gets the newest releases)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _options().parse_args(argv)
    if args.runs < 1:
        print(f"bench understanding: --runs must be at least 1, not {args.runs}", file=sys.stderr)
        return 2
    if not (args.data / "cases.jsonl").exists():
        message = f"bench understanding: no benchmark data at {args.data}; skipped (see --data)"
        if args.check:
            print(f"bench understanding: --check needs the benchmark data; none at {args.data}", file=sys.stderr)
            return 2
        print(json.dumps({"skipped": message}) if args.json else message, file=sys.stdout if args.json else sys.stderr)
        return 0
    cases, fixtures = load(args.data)
    built = homes(cases, fixtures)
    keep = {id(c) for c in cases if supported(c, built[c["lang"]])}
    ours = run_ours(cases, built)
    report: dict[str, Any] = {
        "ours": rates(ours, keep),
        "ours_all": rates(ours, {id(c) for c in cases}),
        "supported": {lang: sum(1 for c in cases if c["lang"] == lang and id(c) in keep) for lang in LANGS},
        "total": {lang: sum(1 for c in cases if c["lang"] == lang) for lang in LANGS},
        "unsupported_by_intent": dict(Counter(f"{c['lang']}:{c['intent']}/{c['domain_file']}" for c in cases
                                              if id(c) not in keep)),
    }
    chosen = args.hassil or ("none" if args.check else "both")
    names = {"both": ("contemporary", "latest"), "none": ()}.get(chosen, (chosen,))
    report["hassil"] = hassil_report(cases, fixtures, keep, args, names) if names else {}
    if not names:
        report["hassil_note"] = "plain hassil not run (--check gates our figures alone; --hassil both runs it)"
    if not args.no_timing:
        report["parse_1000_devices"] = parse_runs([c["text"] for c in cases], big_catalog(1000), args.runs)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_report(report)
    if args.failures:
        for lang in LANGS:
            shown = [(c, got) for c, ok, got in ours[lang] if not ok and id(c) in keep][:args.failures]
            for case, got in shown:
                print(f"  [{lang}] {case['text']!r}: want {case['intent']} {case['slots']} got {got}", file=sys.stderr)
    return below_floors(report) if args.check else 0


FLOORS = Path(__file__).with_name("understanding_floors.json")
"""Per figure and language, the rate under which ``--check`` fails: set just under the honest figures of the
day they were written, so that CI catches a regression (a gate, not a goal)."""


def below_floors(report: dict[str, Any]) -> int:
    """1 (saying which) if any rate of ``report`` is below its floor, else 0."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    low = [f"{figure} {lang} {report[figure][lang]:.1%} < {floor:.1%}" for figure, by_lang in floors.items()
           for lang, floor in by_lang.items() if not report[figure][lang] >= floor]
    for line in low:
        print(f"bench understanding: below the floor: {line}", file=sys.stderr)
    return 1 if low else 0


def print_report(report: dict[str, Any]) -> None:
    """The report as a table: ours on all cases and the supported subset, then each hassil baseline."""
    print("Understanding: Home Assistant intent tests (no room from the benchmark; see python -m bench understanding "
          "--help)")
    shown = {name: entry for name, entry in report["hassil"].items() if "versions" in entry}
    heads = "".join(f"{'hassil ' + name:>22}" for name in shown)
    print(f"{'':6}{'all cases':>10}{'supported':>20}{'unsupported':>13}{heads}")
    for lang in LANGS:
        total, kept = report["total"][lang], report["supported"][lang]
        print(f"{lang:6}{report['ours_all'][lang]:>10.1%}{report['ours'][lang]:>11.1%} of {kept:>4}/{total:<4}"
              f"{total - kept:>9}" + "".join(f"{entry['supported'][lang]:>22.1%}" for entry in shown.values()))
    left_out: Counter[str] = Counter()
    for key, n in report["unsupported_by_intent"].items():
        left_out[key.split("/")[-1]] += n
    print("  unsupported (not modelled), all languages: "
          + ", ".join(f"{domain} {n}" for domain, n in left_out.most_common()))
    for name, entry in report["hassil"].items():
        if "note" in entry:
            print(f"  hassil {name}: {entry['note']}")
            continue
        versions = ", ".join(f"{k} {v}" for k, v in entry["versions"].items())
        timing = entry.get("parse_fixture_home")
        print(f"  hassil {name}: {versions} (the columns: the supported subset); on all "
              f"{sum(report['total'].values())} sentences " + ", ".join(f"{lang} {rate:.1%}"
                                                                        for lang, rate in entry["all"].items())
              + (f"; parse on its English fixture home p50 {timing['p50_ms']:.2f} ms, p99 {timing['p99_ms']:.2f} ms"
                 if timing else ""))
    if report.get("hassil_note"):
        print(f"  ({report['hassil_note']})")
    timing = report.get("parse_1000_devices")
    if timing:
        spread = (f" (medians of {timing['runs']} runs; p50 {timing['p50_min_ms']:.3f}–{timing['p50_max_ms']:.3f}, "
                  f"p99 {timing['p99_min_ms']:.3f}–{timing['p99_max_ms']:.3f})" if timing["runs"] > 1 else "")
        print(f"parse time, 1,000 named devices: p50 {timing['p50_ms']:.3f} ms, p99 {timing['p99_ms']:.3f} ms"
              f"{spread}; {timing['samples']} parses a run; target p50 ≤ {P50_TARGET_MS} ms")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
