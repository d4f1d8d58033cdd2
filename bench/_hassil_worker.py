"""Plain hassil over benchmark sentences, run inside an environment of its own (see ``bench/_hassil.py``).

Run as ``ENV/bin/python -I bench/_hassil_worker.py``: it imports nothing of this project (two releases of
home-assistant-intents cannot share one process, and the environments hold hassil alone). It reads one JSON
object on stdin — ``{"cases": [{"lang", "text", "context"?}], "fixtures": {lang: fixture}, "hass_lang":
{lang: code}, "timing": bool}`` — and writes one on stdout: ``{"versions": {package: version}, "results":
[[intent, slots] or null, ...] (one per case, in order), "times"?: {"p50_ms", "p99_ms", "samples"}}``.
Each case is recognised with ``recognize_best`` against its language's whole fixture home, given the test's
speaker area as a Home Assistant satellite gives it; the matched name's domain and device class are part of
the answer. Timing: every English sentence once, against the English fixture home.
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version
from typing import Any

from hassil import Intents, recognize_best
from hassil.intents import SlotList, TextSlotList
from home_assistant_intents import get_intents


def sentences(code: str) -> tuple[dict[str, Any], str]:
    """home-assistant-intents' sentences for ``code`` and the code that found them (older releases spell
    Chinese zh-cn, newer ones zh-CN)."""
    for candidate in (code, code.lower()):
        data = get_intents(candidate)
        if data is not None:
            return data, candidate
    raise LookupError(f"home-assistant-intents {version('home-assistant-intents')} has no sentences for {code}")


def slot_lists(fixture: dict[str, Any]) -> dict[str, SlotList]:
    """The fixture home's names (each with its domain and device class), areas and floors."""
    names = [(name, name, {"domain": e["domain"], **({"device_class": e["device_class"]}
                                                     if e.get("device_class") else {})})
             for e in fixture["entities"] for name in e["names"]]
    return {"name": TextSlotList.from_tuples(names),
            "area": TextSlotList.from_strings(a["name"] for a in fixture["areas"]),
            "floor": TextSlotList.from_strings(f["name"] for f in fixture.get("floors", []))}


def recognise(text: str, context: dict[str, Any], intents: Intents, lists: dict[str, SlotList],
              code: str) -> list[Any] | None:
    """``[intent name, slots]`` as hassil reads ``text``, or None when it recognises nothing."""
    result = recognize_best(text, intents, slot_lists=lists,
                            intent_context={"area": context["area"]} if "area" in context else None,
                            language=code, best_metadata_key="hass_custom_sentence", best_slot_name="name")
    if result is None:
        return None
    slots = {**{k: v for k, v in (result.context or {}).items() if k in ("domain", "device_class")},
             **{e.name: e.value for e in result.entities_list}}
    return [result.intent.name, slots]


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] if ordered else float("nan")


def main() -> int:
    """Read the request on stdin, write the answer on stdout."""
    request = json.load(sys.stdin)
    cases, fixtures, hass_lang = request["cases"], request["fixtures"], request["hass_lang"]
    loaded: dict[str, tuple[Intents, dict[str, SlotList], str]] = {}
    results = []
    for case in cases:
        lang = case["lang"]
        if lang not in loaded:
            data, code = sentences(hass_lang[lang])
            loaded[lang] = (Intents.from_dict(data), slot_lists(fixtures[lang]), code)
        intents, lists, code = loaded[lang]
        results.append(recognise(case["text"], case.get("context", {}), intents, lists, code))
    answer: dict[str, Any] = {"versions": {p: version(p) for p in ("hassil", "home-assistant-intents")},
                              "results": results}
    english = [c["text"] for c in cases if c["lang"] == "en"]
    if request.get("timing") and english and "en" in loaded:
        intents, lists, code = loaded["en"]
        times = []
        for text in english:
            started = time.perf_counter()
            recognize_best(text, intents, slot_lists=lists, language=code)
            times.append((time.perf_counter() - started) * 1000)
        answer["times"] = {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "samples": len(times)}
    json.dump(answer, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
