"""The kind of an utterance is read first, in every language: an order, a question, a wish, a negation, small
talk or an answer. An order said with a question mark is a question (it never acts) unless a polite request
form makes it an order; small talk is the whole utterance or nothing."""

from __future__ import annotations

import pytest

from hub.nlu import Catalog, understand


@pytest.mark.parametrize(("text", "lang", "kind"), [
    ("打开台灯", "zh", "order"), ("turn on the desk lamp", "en", "order"), ("allume la lampe de bureau", "fr", "order"),
    ("台灯开了没", "zh", "question"), ("is the desk lamp on", "en", "question"),
    ("la lampe de bureau est-elle allumée", "fr", "question"),
    ("太热了", "zh", "wish"), ("I'm cold", "en", "wish"), ("il fait trop sombre", "fr", "wish"),
    ("别开灯", "zh", "negation"), ("don't turn off the tv", "en", "negation"),
    ("n'éteins pas la télé", "fr", "negation"),
    ("谢谢", "zh", "small_talk"), ("thank you so much", "en", "small_talk"), ("merci beaucoup", "fr", "small_talk"),
    ("客厅的", "zh", "answer"),
    ("blorp frobnicate", "en", "unknown"),
])
def test_every_utterance_has_a_kind(catalog: Catalog, text: str, lang: str, kind: str) -> None:
    assert understand(text, catalog, lang).kind == kind


@pytest.mark.parametrize(("text", "lang", "state"), [
    ("turn on the desk lamp?", "en", "on"),
    ("开台灯？", "zh", "on"),
    ("j'ai bien éteint la lampe de bureau tout à l'heure ?", "fr", "off"),
    ("lock the front door?", "en", "locked"),
])
def test_an_order_with_a_question_mark_asks_whether_it_is_so(catalog: Catalog, text: str, lang: str,
                                                            state: str) -> None:
    intents = understand(text, catalog, lang).intents
    assert intents and all(i.action == "query" and i.state == state for i in intents)


@pytest.mark.parametrize(("text", "lang", "action"), [
    ("can you turn on the desk lamp?", "en", "on"),
    ("could you switch the tv off?", "en", "off"),
    ("能帮我开下风扇吗？", "zh", "on"),
    ("能不能帮我开下风扇", "zh", "on"),  # 能不能 is a request: its 不 asks nothing
    ("tu peux allumer la lampe de bureau ?", "fr", "on"),
    ("pourriez-vous éteindre la télé ?", "fr", "off"),
])
def test_a_polite_request_is_an_order_even_with_a_question_mark(catalog: Catalog, text: str, lang: str,
                                                               action: str) -> None:
    understood = understand(text, catalog, lang)
    assert understood.kind == "order" and [i.action for i in understood.intents] == [action]


def test_only_the_clause_with_the_question_mark_asks(catalog: Catalog) -> None:
    intents = understand("turn on the desk lamp, is the fan on?", catalog, "en").intents
    assert [i.action for i in intents] == ["on", "query"]


@pytest.mark.parametrize(("text", "lang", "talk"), [
    ("谢谢", "zh", "thanks"), ("天猫精灵，谢谢你", "zh", "thanks"), ("thanks a lot", "en", "thanks"),
    ("merci", None, "thanks"), ("hello", "en", "hello"), ("bonjour", "fr", "hello"), ("你好吗", "zh", "how_are_you"),
    ("who are you", "en", "who"), ("what can you do", "en", "help"), ("qu'est-ce que tu sais faire", "fr", "help"),
    ("再见", "zh", "bye"), ("算了", "zh", "cancel"), ("never mind", "en", "cancel"), ("laisse tomber", "fr", "cancel"),
    ("yes", "en", "yes"), ("好的", "zh", "yes"), ("oui", "fr", "yes"),
])
def test_small_talk_is_told_and_never_an_order(catalog: Catalog, text: str, lang: str | None, talk: str) -> None:
    understood = understand(text, catalog, lang)
    assert (understood.kind, understood.talk, understood.intents) == ("small_talk", talk, [])


@pytest.mark.parametrize(("text", "lang"), [("thanks, turn off the tv", "en"), ("谢谢，把电视关了", "zh"),
                                            ("merci, éteins la télé", "fr")])
def test_small_talk_with_an_order_is_the_order(catalog: Catalog, text: str, lang: str) -> None:
    understood = understand(text, catalog, lang)
    assert understood.kind == "order" and [i.action for i in understood.intents] == ["off"]
