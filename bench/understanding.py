"""Understanding against Home Assistant's own intent tests, beside plain hassil + home-assistant-intents.

``python -m bench understanding [--json] [--data DIR] [--failures N] [--hassil WHICH] [--runs N] [--check]``.

The data is ``../shared/benchmarks/ha-intents`` (1,528 sentences in en, zh and fr with their fixture
homes; its README explains every field). For each language the fixture home is set up as one of ours:
its areas become rooms, its floors floors, and each entity of a kind our hub models becomes a device of
the matching category (``CATEGORY`` in ``bench/_ha_mapping.py``, with the mapping and the judging);
entities of kinds we do not model (binary sensors, people, scenes, scripts, valves, weather, to-do lists,
sensors of other quantities) are left out. Each sentence is
parsed by ``hub.nlu.understand`` in its language, and our interpretation is mapped to Home Assistant's
intent and slots (``to_home_assistant``): a case passes when the intent is the expected one, every
expected slot has the expected value (a list means any of them), and no target slot (name, area, floor,
state) is said that was not expected.

No help the product lacks: a case said in the speaker's room ("turn on the lights", context area) gets its room
only through the product's own notion of where a speaker is — a speaker placed in that area, the sentence placed
by ``hub.conversation.where.placed`` (a kind of device is looked for in the speaker's room when the room has one,
"here" is the room), as a Home Assistant satellite's area does for hassil.

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
from collections import Counter
from pathlib import Path
from typing import Any

from bench import _hassil
from bench._ha_mapping import Home, build_home, judge, supported, to_home_assistant
from bench._parse_time import P50_TARGET_MS, big_catalog, parse_runs, parse_times
from hub.conversation.where import placed
from hub.nlu import understand

__all__ = ["DATA", "FLOORS", "LANGS", "Home", "below_floors", "big_catalog", "build_home", "judge",
           "judge_baseline", "main", "parse_runs", "parse_times", "run_ours", "supported", "to_home_assistant"]

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "ha-intents"
LANGS = ("zh", "en", "fr")

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


def speaker_room(home: Home, context: dict[str, Any]) -> str | None:
    """The room of a speaker in the test's area (as Home Assistant gets it from a satellite's area): the product
    then places the sentence there with its own ``hub.conversation.where.placed``."""
    area = context.get("area")
    if not area:
        return None
    return next((room for room, name in home.area_names.items() if name == area), area)


def run_ours(cases: list[dict[str, Any]], built: dict[str, Home]) -> dict[str, list[tuple[dict, bool, Any]]]:
    results: dict[str, list[tuple[dict, bool, Any]]] = {lang: [] for lang in LANGS}
    for case in cases:
        home = built[case["lang"]]
        understood = understand(case["text"], home.catalog, case["lang"])
        room = speaker_room(home, case.get("context", {}))  # a speaker placed in the test's area
        intents = [placed(i, room, home.catalog) for i in understood.intents]
        name, slots = to_home_assistant(intents, home, case.get("context", {}))
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
    print("Understanding: Home Assistant intent tests (the room only from a speaker placed in the test's area; "
          "see python -m bench understanding --help)")
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
