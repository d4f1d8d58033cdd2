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


TIMED = {"zh": ["十分钟后关灯", "明天早上七点叫我", "中午十二点打开空调", "半小时后关电视", "每天六点半开灯",
                "一刻钟以后提醒我"],
         "en": ["turn off the lights in ten minutes", "wake me up at seven", "at noon turn on the ac",
                "in half an hour turn off the tv", "every day at 6:30 turn on the lamp", "in an hour remind me",
                "at midnight lock the door", "turn on the fan at a quarter past eight"],
         "fr": ["éteins la lumière dans dix minutes", "réveille-moi à sept heures", "à midi allume la clim",
                "dans une demi-heure éteins la télé", "tous les jours à 6h30 allume la lampe",
                "à minuit ferme la porte", "dans un quart d'heure rappelle-moi",
                "dans vingt-cinq minutes éteins la lampe"]}


@pytest.mark.parametrize("lang", LANGS)
def test_a_text_without_the_clues_of_a_time_has_no_time_expression(lang: str) -> None:
    from datetime import UTC, datetime

    from hub.nlu.when.grammar import grammar
    from hub.nlu.when.patterns import fold
    from hub.nlu.when.read import _clues, _find_clock, _find_relative, find_when

    now = datetime(2026, 1, 1, 8, tzinfo=UTC)
    clues, g = _clues(lang), grammar(lang)
    found = rejected = 0
    for text in (*sentences(lang), *TIMED[lang]):
        folded = fold(text)
        numbered = clues.digit.search(folded) is not None
        relative, clock = _find_relative(g, folded, now), _find_clock(g, folded, now)
        if not (numbered or any(w in folded for w in clues.relative)):
            assert relative is None, text
            rejected += 1
        if not (numbered or any(w in folded for w in clues.clock)):
            assert clock is None, text
            rejected += 1
        found += relative is not None or clock is not None
        assert (find_when(text, lang, now)[0] is not None) == (relative is not None or clock is not None), text
    assert found >= len(TIMED[lang]) and rejected > 100


def _index_by_hand(index: object, text: str) -> list[tuple[int, int, object]]:
    """PhraseIndex.find as first written: every position tried, a word's inside skipped."""
    from hub.nlu.text import _END, is_word_char

    word = [is_word_char(c) for c in text]
    found = []
    for i in range(len(text)):
        if word[i] and i and word[i - 1]:
            continue
        node = index._root.get(text[i])  # type: ignore[attr-defined]
        j = i + 1
        while node is not None:
            for payload, needs_end in node.get(_END, []):
                if j == len(text) or not word[j] or not needs_end:
                    found.append((i, j, payload))
            if j == len(text):
                break
            node = node.get(text[j])
            j += 1
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_phrases_are_found_where_every_position_is_tried(lang: str) -> None:
    from hub.nlu.lexicon import load_lexicon
    from hub.nlu.parser import normalized

    lex = load_lexicon(lang)
    gapped = hits = 0
    for text in sentences(lang):
        body = normalized(text, lang).body
        assert list(lex.index.find(body)) == _index_by_hand(lex.index, body)
        hits += len(_index_by_hand(lex.index, body))
        assert list(lex.fillers.find(body)) == _index_by_hand(lex.fillers, body)
        for _meaning, phrase in lex.gapped:
            alone = [(m.start(), m.end()) for m in phrase.first.finditer(body)
                     if phrase.pattern.match(body, m.start())]
            assert [(s.start, s.end) for s in phrase.find(body)] == [
                (m.start(), m.end()) for s, _e in alone if (m := phrase.pattern.match(body, s))], (phrase.text, body)
            gapped += bool(alone)
    assert hits > 500 and (gapped > 5 or lang == "zh")  # Chinese has next to no phrase with a gap


def _scene_by_hand(text: str, lang: str, index: object) -> tuple[str | None, str]:
    """find_scene as first written: every language's scene_name compared with the names."""
    from hub.nlu.requests import scene_name

    said = core(text, lang)
    own = scene_name(text, lang, said=said)
    found = index.names.get(lang, {}).get(own) or (own if own in index.ids else None)  # type: ignore[attr-defined]
    if found is not None:
        return found, lang
    for name_lang, names in index.names.items():  # type: ignore[attr-defined]
        if name_lang != lang and (found := names.get(scene_name(text, name_lang, said=said))):
            return found, name_lang
    return None, lang


def test_a_scene_is_found_as_comparing_every_language_found_it() -> None:
    from devices.home import load_home
    from genie.homes import automations_of
    from hub.automation.engine import Automation
    from hub.clock import ManualClock
    from hub.directory import Directory
    from hub.nlu.requests import find_scene, scene_index

    automation = Automation(Directory(), clock=ManualClock(), config=automations_of(load_home()))
    index = scene_index([*((s.id, s.names.all()) for s in automation.scenes()),
                         ("reading", [("zh", "阅读模式"), ("en", "reading time"), ("fr", "mode lecture")])])
    said = [(lang, text) for lang in LANGS for text in sentences(lang)]
    said += [(lang, f"{verb}{name}") for lang in LANGS for names in index.names.values() for name in names
             for verb in ("", "打开", "start the ", "lance le ", "please ")]
    named = 0
    for lang, text in said:
        assert find_scene(text, lang, index) == _scene_by_hand(text, lang, index), text
        named += find_scene(text, lang, index)[0] is not None
    assert named > 20
