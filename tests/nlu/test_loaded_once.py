"""Language data is read and compiled once per process, never per sentence.

A decorator lost in a merge once made every command rebuild the time grammar of its language (tens of
thousands of regex compilations): a command cost ten times the CPU and nothing else showed it. Here a second
round of sentences must not read a language file or build a grammar again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from hub.nlu import Catalog, understand
from hub.nlu.when import find_when
from hub.nlu.when import grammar as grammar_module

SENTENCES = {
    "zh": ["打开客厅的灯", "十分钟后关掉卧室的空调", "每天早上七点打开窗帘", "把电视音量调到五"],
    "en": ["turn on the living room light", "turn off the bedroom AC in ten minutes",
           "open the curtains every day at 7 am", "put the TV volume at five"],
    "fr": ["allume la lumière du salon", "éteins la clim de la chambre dans dix minutes",
           "ouvre les rideaux tous les jours à 7 h", "mets le volume de la télé à cinq"],
}
NOW = datetime(2024, 5, 15, 9, 0, tzinfo=UTC)


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("language data read or compiled again while understanding a sentence")


def _round(catalog: Catalog) -> None:
    for lang, sentences in SENTENCES.items():
        for text in sentences:
            find_when(text, lang, NOW)
            understand(text, catalog, lang)


def test_the_time_grammar_is_built_once_per_language() -> None:
    for lang in SENTENCES:
        assert grammar_module.grammar(lang) is grammar_module.grammar(lang)


def test_a_second_round_of_sentences_reads_no_language_data(catalog: Catalog,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _round(catalog)  # the first sentences of a process load what they need
    monkeypatch.setattr(yaml, "safe_load", _refuse)
    monkeypatch.setattr(grammar_module, "_load_days", _refuse)
    monkeypatch.setattr(grammar_module, "load_numbers", _refuse)
    _round(catalog)
