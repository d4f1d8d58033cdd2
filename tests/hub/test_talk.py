"""Small talk is answered in the speaker's language and never acts; a slip is asked back ("Do you mean …?") and
carried out only on a yes; a question with a slip is answered as meant; an order said with a question mark
answers whether it is so."""

from __future__ import annotations

import pytest

from tests.hub.conftest import DemoHome


@pytest.mark.parametrize(("text", "reply"), [
    ("谢谢", "不客气。"), ("thank you", "You're welcome."), ("merci", "Je vous en prie."),
    ("hello", "Hello! What can I do for you?"), ("再见", "再见！"),
])
async def test_small_talk_is_answered_and_changes_nothing(home: DemoHome, text: str, reply: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok, result.actions) == (reply, True, [])
    assert home.states() == before


@pytest.mark.parametrize(("slip", "asked", "yes", "device", "state"), [
    ("turn on the flor lamp", 'Do you mean: "turn on the floor lamp"?', "yes", "floor-lamp", "on"),
    ("打开太灯", "你是说“打开台灯”吗？", "好的", "desk-lamp", "on"),
    ("allume la lampe de bureu", "Vouliez-vous dire « allume la lampe de bureau » ?", "oui", "desk-lamp", "on"),
])
async def test_a_slip_is_asked_back_and_done_on_a_yes(home: DemoHome, slip: str, asked: str, yes: str,
                                                      device: str, state: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(slip)
    assert (result.reply, result.ok, result.actions) == (asked, False, [])
    assert home.states() == before
    done = await home.hub.handle_text(yes)
    assert done.ok and [a.device for a in done.actions] == [device]
    assert home.state(device)["powerstate"] == state


@pytest.mark.parametrize(("slip", "no", "reply"), [("turn on the flor lamp", "no", "OK, never mind."),
                                                   ("打开太灯", "不是", "好的，不做了。")])
async def test_a_slip_refused_does_nothing(home: DemoHome, slip: str, no: str, reply: str) -> None:
    before = home.states()
    await home.hub.handle_text(slip)
    result = await home.hub.handle_text(no)
    assert (result.reply, result.actions) == (reply, [])
    again = await home.hub.handle_text("yes")  # the question is gone: a late yes does nothing
    assert again.actions == [] and home.states() == before


async def test_a_question_with_a_slip_is_answered_as_meant(home: DemoHome) -> None:
    before = home.states()
    result = await home.hub.handle_text("is the dek lamp on")
    assert (result.reply, result.ok) == ("The desk lamp is off.", True)
    assert home.states() == before


@pytest.mark.parametrize(("text", "reply"), [("turn on the desk lamp?", "The desk lamp is off."),
                                             ("开台灯？", "台灯现在是关着的。")])
async def test_an_order_said_as_a_question_answers_and_never_acts(home: DemoHome, text: str, reply: str) -> None:
    before = home.states()
    result = await home.hub.handle_text(text)
    assert result.reply == reply and {a.action for a in result.actions} == {"Query"}
    assert home.states() == before
