"""The sentence generator: every cell of every capability specification gets sentences in every language,
the same seed gives the same sentences, and it never reads the hub's phrase tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from devices.registry import load_registry
from genie.coverage.numbers import en_number, fr_number, number_forms, zh_number
from genie.coverage.probes import LANGS, capabilities, generate
from genie.coverage.specs import registry_groups

ROOT = Path(__file__).resolve().parents[2]


def _groups():  # type: ignore[no-untyped-def]
    return registry_groups(load_registry())


def test_every_cell_of_every_spec_gets_sentences_in_every_language() -> None:
    groups = _groups()
    assert len(groups) >= 20  # the registry's distinct specifications, not a handful
    for group in groups:
        cells = capabilities(group.category, group.specs, group.actions)
        assert cells, group.label
        for lang in LANGS:
            probes = generate(group.category, group.specs, group.actions, lang, seed=7, phrasings=2)
            said = {}
            for probe in probes:
                assert probe.text.strip() and "{" not in probe.text, probe
                said.setdefault((probe.prop, probe.kind), []).append(probe.text)
            assert set(said) == set(cells), (group.label, lang)
            for cell, texts in said.items():
                assert len(texts) == 2, (group.label, cell, lang)
                assert len(set(texts)) == 2 or cell[1] == "ask", (group.label, cell, lang, texts)  # phrasings differ


def test_sentences_are_in_their_language() -> None:
    group = next(g for g in _groups() if g.category == "aircondition")
    for lang in LANGS:
        for probe in generate(group.category, group.specs, group.actions, lang, seed=3):
            has_chinese = any("\u4e00" <= c <= "\u9fff" for c in probe.text)
            assert has_chinese == (lang == "zh"), probe.text


def test_same_seed_same_sentences_other_seed_others() -> None:
    group = next(g for g in _groups() if g.category == "light" and len(g.specs) == 4)
    first = [(p.text, p.setup, p.expect) for p in generate(group.category, group.specs, group.actions, "fr", seed=11)]
    again = [(p.text, p.setup, p.expect) for p in generate(group.category, group.specs, group.actions, "fr", seed=11)]
    other = [(p.text, p.setup, p.expect) for p in generate(group.category, group.specs, group.actions, "fr", seed=12)]
    assert first == again
    assert first != other


def test_values_are_said_as_people_say_them() -> None:
    group = next(g for g in _groups() if g.category == "fan" and len(g.specs) == 4)
    speed = [p for p in generate(group.category, group.specs, group.actions, "en", seed=1, phrasings=6)
             if p.capability == "windspeed:set"]
    assert speed
    for probe in speed:  # a speed level is a word, never a bare digit
        assert not any(ch.isdigit() for ch in probe.text), probe.text
        assert probe.expect.heard and not any(h.isdigit() for h in probe.expect.heard)


@pytest.mark.parametrize(("n", "zh", "en", "fr"), [
    (10, "十", "ten", "dix"), (26, "二十六", "twenty-six", "vingt-six"),
    (71, "七十一", "seventy-one", "soixante et onze"),
    (80, "八十", "eighty", "quatre-vingts"), (95, "九十五", "ninety-five", "quatre-vingt-quinze"),
    (105, "一百零五", "one hundred and five", "cent cinq"), (4000, "四千", "four thousand", "quatre mille"),
])
def test_numbers_in_words(n: int, zh: str, en: str, fr: str) -> None:
    assert (zh_number(n), en_number(n), fr_number(n)) == (zh, en, fr)


def test_a_reading_is_heard_rounded_as_people_read_it() -> None:
    assert {"27.8", "28"} <= set(number_forms(27.83, "en"))
    assert {"27,8", "28"} <= set(number_forms(27.83, "fr")) and "27.8" not in number_forms(27.83, "fr")


def test_the_generator_never_reads_the_parsers_phrase_tables() -> None:
    """Independence: no module of genie/coverage imports the hub's understanding or its language data."""
    for path in sorted((ROOT / "genie" / "coverage").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in imported if m.startswith(("hub.nlu", "hub.conversation", "hub.language"))], path
        assert "commands.yaml" not in path.read_text(encoding="utf-8"), path
