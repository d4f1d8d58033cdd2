"""Codes the red team's third run still found in clear in the command log (/api/commands, hub.db) and the scene
list, through Hub.handle_text and the store on the in-memory bus (issue 13, run 3, finding 6): the answer to
"what is the code?" whatever its form, an unlock order's digits with no code word or before it, the code words
people really use, and a code in a scene's name."""

from __future__ import annotations

import pytest

from hub.conversation.redact import hide
from tests.hub.conftest import DemoHome

CODE = "123456"


def logged(home: DemoHome) -> list[str]:
    return [c.text for c in home.store.commands()]


@pytest.mark.parametrize(("order", "answer"), [
    ("打开门锁", "一二三四五六"),
    ("打开门锁", "幺二三 四五六"),
    ("unlock the front door", "one two three four five six"),
    ("déverrouille la porte d'entrée", "un deux trois quatre cinq six"),
])
async def test_the_answer_to_what_is_the_code_is_read_digit_by_digit_and_starred_whole(
        home: DemoHome, order: str, answer: str) -> None:
    asked = await home.hub.handle_text(order)
    assert not asked.ok
    answered = await home.hub.handle_text(answer)
    assert [(a.device, a.result) for a in answered.actions] == [("front-door", "SUCCESS")], answered.reply
    assert home.state("front-door")["lockstate"] == "unlocked"
    shown = logged(home)[-1]
    assert shown == answered.text and set(shown.replace(" ", "")) == {"*"}, shown


async def test_a_wrong_answer_to_what_is_the_code_is_starred_whole_too(home: DemoHome) -> None:
    await home.hub.handle_text("打开门锁")
    answered = await home.hub.handle_text("七三九一六四")
    assert [(a.device, a.result) for a in answered.actions] != [("front-door", "SUCCESS")]
    assert any(a.action == "Unlock" for a in answered.actions), answered.reply  # the code was read, and tried
    assert logged(home)[-1] == "******"


@pytest.mark.parametrize(("text", "shown"), [
    ("打开门锁 123456", "打开门锁 ******"),
    ("123456 is the code, unlock the door lock", "****** is the code, unlock the door lock"),
    ("unlock the door lock 1234 5678", "unlock the door lock **** ****"),
])
async def test_an_unlock_order_has_every_run_of_four_digits_starred(home: DemoHome, text: str, shown: str) -> None:
    result = await home.hub.handle_text(text)
    assert result.text == shown and logged(home)[-1] == shown, result.text


async def test_an_order_that_is_no_unlock_keeps_its_numbers(home: DemoHome) -> None:
    result = await home.hub.handle_text("把客厅的灯调到50%")
    assert logged(home)[-1] == result.text == "把客厅的灯调到50%"


@pytest.mark.parametrize(("text", "shown"), [
    ("unlock, passcode 482913", "unlock, passcode ******"),
    ("unlock, PIN code 482913", "unlock, PIN code ******"),
    ("unlock, the combination is 4829", "unlock, the combination is ****"),
    ("开锁，暗码482913", "开锁，暗码******"),
    ("開鎖，密碼482913", "開鎖，密碼******"),
    ("开锁，开锁密码是482913", "开锁，开锁密码是******"),
    ("déverrouille, code secret 482913", "déverrouille, code secret ******"),
    ("déverrouille, la combinaison est 4829", "déverrouille, la combinaison est ****"),
])
def test_the_code_words_people_use_are_code_words(text: str, shown: str) -> None:
    assert hide(text) == shown


async def test_passcode_is_read_as_the_code(home: DemoHome) -> None:
    result = await home.hub.handle_text(f"unlock the front door, passcode {CODE}")
    assert [(a.device, a.result) for a in result.actions] == [("front-door", "SUCCESS")], result.reply
    assert logged(home)[-1] == "unlock the front door, passcode ******"


async def test_a_code_in_a_scene_name_is_starred_on_save(home: DemoHome) -> None:
    made = home.hub.conversation.save_scene("回家 密码 482913", "打开台灯", "zh")
    assert made.ok, made.reply
    names = [s.names.display("zh") for s in home.hub.automation.scenes()]
    assert "回家 密码 ******" in names and not any("482913" in n for n in names)
    assert not any("482913" in s.model_dump_json() for s in home.store.scenes())
