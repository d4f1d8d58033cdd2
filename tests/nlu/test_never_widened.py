"""An unknown word never widens an order: "turn off all the garlands" names something the home lacks, and says so;
"open the bedroom curtians" is not the bedroom's lights. "Turn everything off" and "turn off the living room" still
mean everything and the room's lights."""

from __future__ import annotations

import pytest

from hub.nlu import Catalog, understand


@pytest.mark.parametrize(("text", "lang", "missing"), [
    ("turn off all the garlands", "en", "garlands"),
    ("éteins toutes les guirlandes", "fr", "guirlandes"),
    ("switch on all the jacuzzis", "en", "jacuzzis"),
    ("open the bedroom curtians", "en", "curtians"),  # a slip in the kind, not the bedroom's lights
    ("把卧室窗廉拉开", "zh", "窗廉"),
])
def test_all_of_something_the_home_lacks_is_not_everything(catalog: Catalog, text: str, lang: str,
                                                            missing: str) -> None:
    intents = understand(text, catalog, lang).intents
    assert intents and all(missing in " ".join(i.target.missing) and not i.target.everything for i in intents)


@pytest.mark.parametrize(("text", "lang"), [("turn off the living room", "en"), ("关掉客厅", "zh"),
                                            ("éteins le salon", "fr")])
def test_a_room_alone_is_still_its_lights(catalog: Catalog, text: str, lang: str) -> None:
    intents = understand(text, catalog, lang).intents
    assert [(i.target.rooms, i.target.missing) for i in intents] == [(("living",), ())]


@pytest.mark.parametrize(("text", "lang"), [("turn everything off", "en"), ("éteins tout", "fr"),
                                            ("全部关掉", "zh"), ("turn off all devices", "en")])
def test_everything_is_still_everything(catalog: Catalog, text: str, lang: str) -> None:
    intents = understand(text, catalog, lang).intents
    assert [i.target.everything and not i.target.missing for i in intents] == [True]


@pytest.mark.parametrize(("text", "lang"), [("除了落地灯，客厅其他的都关掉", "zh"),
                                            ("except the floor lamp, turn off the rest in the living room", "en"),
                                            ("sauf le lampadaire, éteins le reste du salon", "fr")])
def test_the_rest_of_a_room_is_the_room_without_what_is_left_out(catalog: Catalog, text: str, lang: str) -> None:
    intents = understand(text, catalog, lang).intents
    assert [(i.action, i.target.rooms, i.target.everything, i.target.exclude) for i in intents] == [
        ("off", ("living",), True, ("floor-lamp",))]
