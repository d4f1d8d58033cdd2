"""A timer set in one language and listed or cancelled in another is told in that other language, from what it
does: one language per reply ("有哪些定时" never answers with "turn off the tv"). A reminder keeps its own words."""

from __future__ import annotations

import re

import pytest

from tests.hub.conftest import DemoHome

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")


@pytest.mark.parametrize(("ask", "lang", "expected"), [
    ("what timers are there", "en", "turn off the TV in 10 minutes"),
    ("quels minuteurs", "fr", "« éteindre la télé »"),
])
async def test_a_chinese_timer_is_listed_in_the_language_asked(home: DemoHome, ask: str, lang: str,
                                                              expected: str) -> None:
    assert (await home.hub.handle_text("十分钟后关电视")).ok
    result = await home.hub.handle_text(ask)
    assert result.ok and result.lang == lang and expected in result.reply
    assert not _CJK.search(result.reply)


async def test_english_and_french_timers_are_listed_in_chinese(home: DemoHome) -> None:
    assert (await home.hub.handle_text("in 20 minutes set the bedroom ac to 24")).ok
    assert (await home.hub.handle_text("dans une heure allume la lampe de bureau")).ok
    result = await home.hub.handle_text("有哪些定时")
    assert result.ok and "把卧室空调调到24" in result.reply and "打开台灯" in result.reply
    assert not _LATIN.search(result.reply)


async def test_a_timer_cancelled_in_another_language_is_named_in_it(home: DemoHome) -> None:
    assert (await home.hub.handle_text("十分钟后关电视")).ok
    result = await home.hub.handle_text("cancel the first timer")
    assert result.ok and "turn off the TV" in result.reply and not _CJK.search(result.reply)
    listed = await home.hub.handle_text("what timers are there")
    assert "turn off" not in listed.reply


@pytest.mark.parametrize(("text", "reply"), [
    ("set a timer to turn off the tv in 10 minutes", "OK, I'll turn off the tv in 10 minutes."),
    ("十分钟后定个时关电视", "好的，10分钟后关电视。"),
    ("mets un minuteur pour éteindre la télé dans 10 minutes", "D'accord, dans 10 minutes : « éteindre la télé »."),
])
async def test_asking_for_a_timer_in_words_sets_it(home: DemoHome, text: str, reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)
    assert len(home.hub.automation.pending()) == 1
