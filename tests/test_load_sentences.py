"""genie load's sentence generator: its own templates, every registry category in every language, values
within the declared range, the same sentences for the same seed."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from devices.categories import CATEGORIES
from devices.registry import load_registry
from genie.load.sentences import LANGS, Target, kinds, languages, sentence
from genie.load.targets import specs_of, target_of
from hub.protocol import DeviceView, Names

ROOT = Path(__file__).resolve().parent.parent


def _view(category: str, state: dict | None = None, brand: str = "Genie", model: str = "") -> DeviceView:
    names = CATEGORIES[category].default_names
    return DeviceView(id=f"test-{category}", names=Names(zh=[f"客厅{names.zh[0]}"], en=[f"living room {names.en[0]}"],
                                                         fr=[f"{names.fr[0]} du salon"]),
                      room="living", room_names=Names(en=["living room"]), brand=brand, model=model,
                      category=category, online=True, state=state or {})


def _target(category: str) -> Target:
    view = _view(category)
    return target_of(view, None, specs_of(view))


def test_every_registry_category_gets_sentences_in_all_three_languages() -> None:
    registry_categories = {p.category for p in load_registry().products}
    assert registry_categories <= set(CATEGORIES)
    rng = random.Random(1)
    for category in sorted(registry_categories):
        target = _target(category)
        assert kinds(target), category
        for lang in LANGS:
            said = [sentence(target, lang, rng) for _ in range(200)]
            assert {s.kind for s in said} == set(kinds(target)), (category, lang)
            for s in said:
                assert s.lang == lang and target.names[lang] in s.text, s
                assert "{" not in s.text and "}" not in s.text, s


def test_kinds_follow_what_the_category_can_do() -> None:
    assert kinds(_target("light")) == ["on", "off", "set", "step", "query"]
    assert kinds(_target("switch")) == ["on", "off", "query"]
    assert kinds(_target("sensor")) == ["query"]  # read-only: asked, never ordered
    assert kinds(_target("fingerprintlock")) == ["query"]  # never unlocked by a load test


def test_a_value_set_is_within_the_declared_range_and_step() -> None:
    rng = random.Random(7)
    for category in CATEGORIES:
        target = _target(category)
        for _ in range(300):
            s = sentence(target, rng.choice(LANGS), rng)
            if s.kind != "set":
                continue
            assert s.attribute is not None and s.value is not None
            low, high, step = target.ranges[s.attribute]
            assert low <= s.value <= high and (s.value - low) % step == 0, s
            assert str(s.value) in s.text


def test_a_registry_model_narrows_the_ranges_and_what_the_device_lacks_is_not_said() -> None:
    registry = load_registry()
    narrow = next(p for p in registry.products if p.category == "light" and not p.generic
                  and any(s.name == "colorTemperature" and (s.min, s.max) != (2700, 6500) for s in p.specs))
    spec = next(s for s in narrow.specs if s.name == "colorTemperature")
    view = _view("light", brand=registry.brands[narrow.brand].name, model=narrow.model)
    assert target_of(view, None, specs_of(view, registry)).ranges["colorTemperature"][:2] == (spec.min, spec.max)
    on_off_only = _view("light", state={"powerstate": "off"})  # an on/off bulb: no brightness in its state
    assert kinds(target_of(on_off_only, None, specs_of(on_off_only))) == ["on", "off", "query"]


def test_the_same_seed_says_the_same_sentences() -> None:
    targets = [_target(c) for c in CATEGORIES]

    def draw(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [sentence(rng.choice(targets), rng.choice(LANGS), rng).text for _ in range(100)]

    assert draw(3) == draw(3)
    assert draw(3) != draw(4)


def test_french_articles_follow_the_name() -> None:
    rng = random.Random(0)
    said = {sentence(_target("light"), "fr", rng).text for _ in range(100)}
    assert any("la lumière du salon" in t for t in said) and not any("le lumière" in t for t in said)
    said = {sentence(_target("airpurifier"), "fr", rng).text for _ in range(100)}
    assert all("le purificateur" in t or "du purificateur" in t for t in said)
    humidifier = {sentence(_target("humidifier"), "fr", rng).text for _ in range(100)}
    assert all("l'humidificateur" in t or "de l'humidificateur" in t for t in humidifier)


def test_languages_flag() -> None:
    assert languages("zh,en,fr") == ("zh", "en", "fr")
    assert languages(" fr , fr") == ("fr",)
    for bad in ("de", "zh,xx", ",", ""):
        with pytest.raises(ValueError, match="give some of zh,en,fr"):
            languages(bad)


def test_the_generator_does_not_borrow_the_parsers_words() -> None:
    """A generator built from hub.nlu's phrase tables would only say what the parser already knows."""
    for path in sorted((ROOT / "genie" / "load").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.startswith(("hub.nlu", "hub.conversation")) for n in names), (path, names)


def test_a_question_asks_only_about_what_the_device_has() -> None:
    rng = random.Random(2)
    thermometer = _view("sensor", state={"temperature": 21.5})
    target = target_of(thermometer, None, specs_of(thermometer))
    assert {sentence(target, lang, rng).attribute for lang in LANGS for _ in range(30)} == {"temperature"}
    pm_only = _view("sensor", state={"pm2.5": 12})
    assert kinds(target_of(pm_only, None, specs_of(pm_only))) == []
