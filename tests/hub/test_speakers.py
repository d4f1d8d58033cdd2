"""Speakers in rooms (area awareness): the same words said to two speakers do two things; "here" is the speaker's
room; a device or room named wins; a name in several rooms means the speaker's; a kind of device the room lacks
is looked for in the whole home; follow-ups and timers belong to the speaker they were said to; a speaker the
home lacks is refused in one line; no speaker acts as before."""

from __future__ import annotations

import json

import pytest

from hub.protocol import HubRequest
from hub.protocol.codec import ProtocolError, decode
from tests.hub.conftest import DemoHome
from tests.hub.test_automation import Announcements


@pytest.mark.parametrize("text", ["关灯", "turn off the light", "éteins la lumière"])
async def test_the_same_words_to_two_speakers_turn_off_two_rooms(home: DemoHome, text: str) -> None:
    assert (await home.hub.handle_text("打开所有的灯")).ok
    bedroom = await home.hub.handle_text(text, speaker="bedroom-speaker")
    assert bedroom.ok and [a.device for a in bedroom.actions] == ["bedroom-light"]
    assert home.state("living-light")["powerstate"] == "on"
    living = await home.hub.handle_text(text, speaker="living-speaker")  # turning off never asks "which?"
    assert living.ok and {a.device for a in living.actions} == {"living-light", "floor-lamp"}
    assert home.state("desk-lamp")["powerstate"] == "on"  # the study has no speaker: its lamp stays on


@pytest.mark.parametrize("text", ["turn on the lights in here", "这里的灯打开", "allume la lumière ici"])
async def test_here_is_the_speakers_room(home: DemoHome, text: str) -> None:
    result = await home.hub.handle_text(text, speaker="bedroom-speaker")
    assert result.ok and [a.device for a in result.actions] == ["bedroom-light"]


async def test_a_device_or_room_named_wins_over_the_speakers_room(home: DemoHome) -> None:
    named = await home.hub.handle_text("turn on the desk lamp", speaker="bedroom-speaker")
    assert [a.device for a in named.actions] == ["desk-lamp"]
    room = await home.hub.handle_text("打开客厅的灯", speaker="bedroom-speaker")
    assert {a.device for a in room.actions} == {"living-light", "floor-lamp"}


async def test_a_kind_the_room_lacks_is_looked_for_in_the_whole_home(home: DemoHome) -> None:
    result = await home.hub.handle_text("打开电视", speaker="bedroom-speaker")
    assert result.ok and [a.device for a in result.actions] == ["tv"]


async def test_several_of_a_kind_in_the_room_still_asks_which(home: DemoHome) -> None:
    result = await home.hub.handle_text("turn on the lamp", speaker="living-speaker")
    assert not result.ok and "Which one" in result.reply and result.actions == []
    answer = await home.hub.handle_text("the first one", speaker="living-speaker")
    assert answer.ok and len(answer.actions) == 1
    other = await home.hub.handle_text("the first one", speaker="bedroom-speaker")  # asked in the living room
    assert other.actions == []


async def test_without_a_speaker_the_hub_acts_as_before(home: DemoHome) -> None:
    result = await home.hub.handle_text("turn on the light")
    assert not result.ok and result.actions == []  # four lights in the home: which one?


@pytest.mark.parametrize(("lang", "reply"), [
    ("en", 'There is no speaker "garage-speaker" in this home (its speakers: living-speaker, bedroom-speaker).'),
    ("zh", "家里没有叫“garage-speaker”的音箱（已有：living-speaker, bedroom-speaker）。")])
async def test_a_speaker_the_home_lacks_is_refused(home: DemoHome, lang: str, reply: str) -> None:
    before = home.states()
    result = await home.hub.handle_text("关灯", lang, speaker="garage-speaker")
    assert (result.reply, result.ok, result.actions) == (reply, False, [])
    assert home.states() == before


async def test_a_timer_set_on_a_speaker_acts_in_its_room_and_announces_there(home: DemoHome) -> None:
    heard = Announcements(home.hub)
    assert (await home.hub.handle_text("打开所有的灯")).ok
    assert (await home.hub.handle_text("十分钟后关灯", speaker="bedroom-speaker")).ok
    await home.clock.advance(10 * 60)
    said = await heard.count(1)
    assert [(a.speaker, a.ok) for a in said] == [("bedroom-speaker", True)]
    assert home.state("bedroom-light")["powerstate"] == "off"
    assert home.state("living-light")["powerstate"] == "on"


@pytest.mark.parametrize("speaker", ["Bad Id", "../etc", "x" * 65, "", "living-speaker\n"])
def test_a_hub_request_naming_a_malformed_speaker_is_refused_by_the_wire_contract(speaker: str) -> None:
    good = HubRequest.create("TextCommand", "genie-client-x", "关灯", speaker="living-speaker")
    raw = json.loads(good.model_dump_json(by_alias=True))
    assert decode(json.dumps(raw).encode(), HubRequest).payload.speaker == "living-speaker"
    raw["payload"]["speaker"] = speaker
    with pytest.raises(ProtocolError, match="speaker"):
        decode(json.dumps(raw).encode(), HubRequest)
