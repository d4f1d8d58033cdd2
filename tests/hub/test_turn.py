"""One reading, one turn: a text command passes through each part of the hub once, in order.

Each part is wrapped where the turn calls it, and the names are written down as each returns: reading
(normalised once, understood once, checked against the scene names, the requests and the time reader),
then resolve, plan, act and reply for every order it gives, and the codes hidden last.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

import hub.conversation.orders as orders
import hub.conversation.plan as plan
import hub.conversation.resolve as resolve
import hub.conversation.turn as turn
import hub.nlu.parser as parser
import hub.nlu.reading as reading
from tests.hub.conftest import DemoHome

READ = ["normalize_command", "normalized", "understand", "find_scene", "hear", "find_when", "read"]


def _spy(monkeypatch: pytest.MonkeyPatch, calls: list[str]) -> None:
    """Wrap every part of the turn so that its name is written to ``calls`` when it returns."""

    def wrap(owner: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)
        if name in ("execute", "answer"):
            @functools.wraps(original)
            async def waited(*args: Any, **kwargs: Any) -> Any:
                result = await original(*args, **kwargs)
                calls.append(name)
                return result
            monkeypatch.setattr(owner, name, waited)
            return

        @functools.wraps(original)
        def noted(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            calls.append(name)
            return result
        monkeypatch.setattr(owner, name, noted)

    wrap(parser, "normalize_command")
    for name in ("normalized", "understand", "find_scene", "hear", "find_when"):
        wrap(reading, name)
    wrap(turn, "read")
    wrap(resolve.Resolver, "resolve")
    wrap(plan.Planner, "plan")
    wrap(orders, "execute")
    wrap(orders, "compose_reply")
    wrap(turn, "hidden")


@pytest.mark.parametrize(("text", "lang"), [("打开客厅的灯", "zh"), ("turn on the living room light", "en"),
                                            ("allume la lumière du salon", "fr")])
async def test_an_order_passes_through_each_part_once_in_order(home: DemoHome, monkeypatch: pytest.MonkeyPatch,
                                                                text: str, lang: str) -> None:
    calls: list[str] = []
    _spy(monkeypatch, calls)
    result = await home.hub.handle_text(text)
    assert result.ok and result.lang == lang, result
    assert home.state("living-light")["powerstate"] == "on"
    assert calls == [*READ, "resolve", "plan", "execute", "compose_reply", "hidden"]


async def test_two_orders_in_one_sentence_are_read_once_and_each_carried_out(
        home: DemoHome, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    _spy(monkeypatch, calls)
    result = await home.hub.handle_text("打开客厅的灯，然后关上客厅的窗帘")
    assert result.ok, result
    assert calls == [*READ, "resolve", "plan", "execute", "resolve", "plan", "execute", "compose_reply", "hidden"]


async def test_a_scene_is_read_once_and_acts_through_the_same_plan_and_act(
        home: DemoHome, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    _spy(monkeypatch, calls)
    result = await home.hub.handle_text("晚安")
    assert result.ok, result
    head = calls.index("read") + 1
    assert calls[:head] == ["normalize_command", "normalized", "understand", "find_scene", "read"]
    actions = calls[head:-1]
    assert actions and set(actions) == {"resolve", "plan", "execute"}
    assert actions.count("plan") == actions.count("resolve") == actions.count("execute")
    assert calls[-1] == "hidden"
