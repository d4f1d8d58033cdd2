"""A question never acts, end to end: asking whether something was done changes no device; a wish said with
a copula ("the tv is too quiet") is still a wish. (The parser's side, generated: tests/nlu.)"""

from __future__ import annotations

import pytest

from tests.hub.conftest import DemoHome


@pytest.mark.parametrize("text", [
    "客厅灯开了没", "空调关掉了没有", "客厅灯打开了吗", "门锁好了吗",
    "has the desk lamp been turned off", "did I lock the front door", "did you turn on the living room light",
    "a-t-on éteint la télé", "as-tu verrouillé la porte d'entrée", "est-ce que tu as allumé la lampe de bureau",
    "客厅窗帘是不是关着的", "加湿器有没有开", "有没有灯没关", "卧室窗帘拉上了吗", "我刚才有没有锁门",
    "have the bedroom curtains been closed", "est-ce que le radiateur a été coupé", "la télé a bien été éteinte ?",
    "tu as éteint la lumière du salon ?",
])
async def test_a_question_about_what_was_done_changes_nothing(home: DemoHome, text: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.states() == before


@pytest.mark.parametrize(("text", "device", "volume"), [
    ("电视声音不够大", "tv", "+"), ("the tv is too quiet", "tv", "+"), ("la télé n'est pas assez forte", "tv", "+"),
])
async def test_a_wish_said_with_a_copula_is_a_wish(home: DemoHome, text: str, device: str, volume: str) -> None:
    before = home.state(device)["volume"]
    result = await home.hub.handle_text(text)
    assert result.ok, result
    assert home.state(device)["volume"] > before
