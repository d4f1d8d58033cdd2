"""Several orders in one sentence with nothing between them, or given by states alone, are each carried out as
said — never one verb applied to both; in a question the states are what is asked about."""

from __future__ import annotations

import pytest

from hub.nlu import Catalog, understand


@pytest.mark.parametrize(("text", "lang", "wanted"), [
    ("关台灯开风扇", "zh", [("off", "desk-lamp"), ("on", "study-fan")]),
    ("把客厅灯关掉打开台灯", "zh", [("off", "living-light"), ("on", "desk-lamp")]),
    ("desk lamp off, fan on", "en", [("off", "desk-lamp"), ("on", "study-fan")]),
    ("turn the fan off and the bedroom AC on", "en", [("off", "study-fan"), ("on", "aircondition")]),
    ("turn on the desk lamp turn off the fan", "en", [("on", "desk-lamp"), ("off", "study-fan")]),
])
def test_each_order_keeps_its_own_verb(catalog: Catalog, text: str, lang: str,
                                       wanted: list[tuple[str, str]]) -> None:
    intents = understand(text, catalog, lang).intents
    assert [(i.action, i.target.devices or i.target.categories) for i in intents] == [(a, (d,)) for a, d in wanted]


@pytest.mark.parametrize(("text", "lang"), [("is the desk lamp on and the fan off", "en"),
                                            ("台灯开着吗，风扇关着吗", "zh")])
def test_states_in_a_question_are_asked_about(catalog: Catalog, text: str, lang: str) -> None:
    intents = understand(text, catalog, lang).intents
    assert intents and all(i.action == "query" for i in intents)


@pytest.mark.parametrize("text", ["打开客厅灯调到50%", "把客厅灯打开调到50%"])
def test_a_verb_and_its_setting_stay_one_order(catalog: Catalog, text: str) -> None:
    intents = understand(text, catalog, "zh").intents
    assert [(i.action, i.target.devices, i.value) for i in intents] == [("set", ("living-light",), 50)]
