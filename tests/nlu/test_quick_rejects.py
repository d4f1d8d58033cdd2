"""The reader's quick rejects (a regex is not run over a text that cannot hold a match) find what the regex alone
found, on every sentence of the fresh sets (bench/sets) in its language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from hub.nlu.requests import _strip, core, words

SETS = Path(__file__).resolve().parents[2] / "bench" / "sets"
LANGS = ("zh", "en", "fr")


@cache
def sentences(lang: str) -> tuple[str, ...]:
    said = [entry["text"] for part in ("dev", "test")
            for entry in yaml.safe_load((SETS / part / f"{lang}.yaml").read_text(encoding="utf-8"))]
    said += ["晚上好", "创建场景阅读模式：打开书房的灯", "start movie time", "lance le mode cinéma", "取消第一个定时",
             "cancel the last timer", "annule le deuxième minuteur", "what scenes are there", "quels sont les scènes"]
    assert len(said) > 100
    return tuple(said)


@pytest.mark.parametrize("lang", LANGS)
def test_a_phrase_list_is_found_as_its_regex_finds_it(lang: str) -> None:
    w = words(lang)
    matched = 0
    for text in sentences(lang):
        said = core(text, lang)
        for key, pattern in w.patterns.items():
            alone = pattern.search(said)
            found = w.find(key, said)
            assert (found and found.span()) == (alone and alone.span()), (key, said)
            assert _strip(said, w, key) == " ".join(pattern.sub(" ", said).split())
            matched += alone is not None
    assert matched > 10  # the corpus does hold phrases of the lists: the check is not vacuous
