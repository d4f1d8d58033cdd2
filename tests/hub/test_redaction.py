"""Unlock codes starred whether or not the parser understood them (issue 13, red-team run 2, finding 2): the
rule itself (``hub.conversation.redact.hide``), a reminder said when it falls due, and a recording file kept private.
The MQTT side (scenes, Home Assistant, Hermes, text commands, timers listed) is tests/interop/test_code_leaks.py."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from devices.home import load_home
from genie.record import Recorder
from hub.conversation.redact import hide
from hub.protocol import AnnouncePayload
from tests.hub.conftest import SAFETY, DemoHome


@pytest.mark.parametrize(("text", "shown"), [
    ("打开门锁，密码是十二万三千四百五十六", "打开门锁，密码是**********"),
    ("开锁，密码是幺二三四五六，然后打开台灯", "开锁，密码是******，然后打开台灯"),
    ("开门 口令：１２３４５６", "开门 口令：******"),
    ("unlock, code one two three four five six", "unlock, code * * * * * *"),
    ("unlock, the code is twenty-one thirty-four and fifty six", "unlock, the code is *-* *-* and * *"),
    ("Unlock, PIN 1.2.3.4 then set the light to 50", "Unlock, PIN *.*.*.* then set the light to 50"),
    ("déverrouille, mot de passe un deux trois quatre-vingt-dix", "déverrouille, mot de passe * * * *-*-*"),
    ("déverrouille, le code est 12 34 56.", "déverrouille, le code est ** ** **."),
    ("打开门锁 密码 1_2_3_4_5_6", "打开门锁 密码 *_*_*_*_*_*"),
    ("open, code 1,2,3,4,5,6, and turn on 2 lights", "open, code *,*,*,*,*,*, and turn on 2 lights"),
    ("remind me to use code 123456 in 5 minutes", "remind me to use code ****** in 5 minutes"),
    ("déverrouille, le code c'est 4321", "déverrouille, le code c'est ****"),
    ("开锁 密码为：九八七六", "开锁 密码为：****"),
])
def test_a_code_after_a_code_word_is_starred_however_it_is_said(text: str, shown: str) -> None:
    assert hide(text) == shown


@pytest.mark.parametrize("text", [
    "把客厅的灯调到50%", "set the temperature to 24 degrees", "the encoder has 2 pins", "code", "密码",
    "Too many wrong codes: the door will not unlock for now; try again in 30 seconds",
    "要开哪一个？你选定之前，密码不会发给任何一个。", "The code goes to none of them until you choose 1",
    "Le code n'est envoyé à aucun tant que vous n'avez pas choisi un",
])
def test_text_without_a_code_word_is_left_as_it_is(text: str) -> None:
    assert hide(text) == text


@pytest.mark.parametrize("text", ["remind me to use code 123456 in 5 minutes", "密码是一二三，打开2号灯",
                                  "code one two three and then 4 lamps", "le code est 12 34 56. Allume 2 lampes"])
def test_hiding_twice_changes_nothing(text: str) -> None:
    assert hide(hide(text)) == hide(text) != text


def test_the_codes_the_parser_found_are_starred_too() -> None:
    assert hide("123456", ["123456"]) == "******"
    assert hide("open 123-456, then 7", ["123456"]) == "open ***-***, then 7"


async def test_a_reminder_that_says_a_code_is_announced_with_stars(home: DemoHome) -> None:
    heard: asyncio.Queue[AnnouncePayload] = asyncio.Queue()
    home.hub.announcement_listeners.append(heard.put_nowait)
    result = await home.hub.handle_text("remind me to use code 123456 in 5 minutes")
    assert result.ok and result.reply == "OK, reminder set in 5 minutes: use code ******."
    assert home.store.commands()[-1].text == "remind me to use code ****** in 5 minutes"
    (timer,) = home.hub.automation.pending()
    assert (timer.text, timer.remind) == ("remind me to use code ******", "use code ******")
    await home.clock.advance(5 * 60)
    async with asyncio.timeout(SAFETY):
        announced = await heard.get()
    assert announced.text == "Reminder: use code ******"


async def test_a_recording_file_is_private(home: DemoHome, tmp_path: Path) -> None:
    fresh, existing = tmp_path / "fresh.jsonl", tmp_path / "existing.jsonl"
    existing.write_text("")
    existing.chmod(0o644)
    for path in (fresh, existing):
        recorder = Recorder(path, home.hub, load_home(), home.clock)
        try:
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
        finally:
            recorder.close()
    assert "123456" in fresh.read_text()  # what it protects: the home file, codes included
