"""Two speakers answer the same words differently, through `genie up` and `genie say --speaker` (real processes,
the embedded broker); `genie speakers list` names them and their rooms; an unknown speaker is one line."""

from __future__ import annotations

import json

import pytest

from tests.cli import genie
from tests.e2e.test_cli import genie_up  # noqa: F401  (the fixture: `genie up --json` on ephemeral ports)

pytestmark = pytest.mark.e2e


async def test_two_speakers_answer_the_same_words_differently(genie_up: dict[str, object]) -> None:  # noqa: F811
    env = {"GENIE_BROKER": str(genie_up["broker"])}
    code, out, err = await genie("say", "打开所有的灯", env=env)
    assert code == 0, err
    code, out, err = await genie("say", "--speaker", "bedroom-speaker", "关灯", env=env)
    assert (code, out.strip()) == (0, "好的，卧室灯已关闭。"), err
    code, out, err = await genie("say", "--speaker", "living-speaker", "--json", "turn off the light", env=env)
    result = json.loads(out)
    assert code == 0 and {a["device"] for a in result["actions"]} == {"living-light", "floor-lamp"}, err
    code, out, _ = await genie("devices", "list", "--json", env=env)
    states = {d["id"]: d["state"]["powerstate"] for d in json.loads(out) if d["category"] == "light"}
    assert states == {"bedroom-light": "off", "living-light": "off", "floor-lamp": "off", "desk-lamp": "on"}


async def test_speakers_are_listed_and_an_unknown_one_is_one_line(genie_up: dict[str, object]) -> None:  # noqa: F811
    env = {"GENIE_BROKER": str(genie_up["broker"])}
    code, out, err = await genie("speakers", "list", "--json", env=env)
    assert code == 0, err
    assert [(s["id"], s["room"]) for s in json.loads(out)] == [("living-speaker", "living"),
                                                                ("bedroom-speaker", "bedroom")]
    code, out, _ = await genie("speakers", "list", env=env)
    assert code == 0 and "bedroom-speaker" in out and "bedroom" in out
    code, out, _ = await genie("say", "--speaker", "garage", "关灯", env=env)
    assert code == 1 and out.strip() == "家里没有叫“garage”的音箱（已有：living-speaker, bedroom-speaker）。"
    code, _out, err = await genie("say", "--speaker", "Bad Id!", "关灯", env=env)
    assert code != 0 and len(err.strip().splitlines()) == 1
