"""A reply agrees with its number: one scene, one action — not "1 actions" (a form per number, from the data)."""

from __future__ import annotations

import pytest

from tests.hub.conftest import DemoHome


@pytest.mark.parametrize(("text", "reply"), [
    ("create scene reading: turn on the desk lamp",
     'OK, scene reading created with one action. Say "reading" to run it.'),
    ("crée une scène lecture : allume la lampe de bureau",
     "D'accord, scénario lecture créé avec une action. Dites « lecture » pour le lancer."),
    ("创建场景阅读：打开台灯", "好的，已创建场景阅读，包含1个动作。说“阅读”就能执行。"),
])
async def test_one_action_is_said_in_the_singular(home: DemoHome, text: str, reply: str) -> None:
    result = await home.hub.handle_text(text)
    assert (result.reply, result.ok) == (reply, True)


async def test_several_keep_the_plural(home: DemoHome) -> None:
    result = await home.hub.handle_text("create scene evening: turn on the desk lamp, turn off the tv")
    assert result.reply.startswith("OK, scene evening created with 2 actions."), result.reply


@pytest.mark.parametrize(("text", "reply"), [
    ("are the bedroom curtains closed", "The bedroom curtains are closed."),
    ("les rideaux de la chambre sont-ils fermés", "Les rideaux de la chambre sont fermés."),
    ("is the desk lamp on", "The desk lamp is off."),
    ("la lampe de bureau est-elle allumée", "La lampe de bureau est éteinte."),
])
async def test_a_plural_name_takes_a_plural_verb_and_article(home: DemoHome, text: str, reply: str) -> None:
    assert (await home.hub.handle_text(text)).reply == reply
