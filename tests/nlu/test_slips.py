"""A one-letter slip is read as meant ("turn of the desk lamp": "turn off the desk lamp"), as a suggestion the hub
asks about; in Chinese a character read the same way ("打开太灯": 台灯). Another form of a known word, a known word
of a sentence understood already, or a word the home lacks is no slip."""

from __future__ import annotations

import pytest

from hub.nlu import Catalog, understand


@pytest.mark.parametrize(("text", "lang", "meant", "action", "device"), [
    ("turn of the desk lamp", "en", "turn off the desk lamp", "off", "desk-lamp"),
    ("switch off the televison", "en", "switch off the television", "off", "tv"),
    ("turn on the flor lamp", "en", "turn on the floor lamp", "on", "floor-lamp"),
    ("eteins la lampe de bureu", "fr", "eteins la lampe de bureau", "off", "desk-lamp"),
    ("打开太灯", "zh", "打开台灯", "on", "desk-lamp"),
    ("打开落地等", "zh", "打开落地灯", "on", "floor-lamp"),
    ("关闭客听灯", "zh", "关闭客厅灯", "off", "living-light"),  # understood as all lights without the slip
])
def test_a_slip_is_read_as_meant(catalog: Catalog, text: str, lang: str, meant: str, action: str,
                                 device: str) -> None:
    found = understand(text, catalog, lang).meant
    assert found is not None and found.text == meant
    assert [(i.action, i.target.devices or i.target.rooms) for i in found.intents] in (
        [(action, (device,))], [(action, ("living",))])


@pytest.mark.parametrize(("text", "lang"), [
    ("turn on the jacuzzi", "en"),  # a thing the home lacks, not "then jacuzzi"
    ("set all the acs to 25", "en"),  # a plural, not "as"
    ("did I remember to lock up", "en"),  # "lock" is a word: not "dock"
    ("can you get the fan going", "en"),  # "can" is no "cyan"
    ("fais passer l'aspirateur robot", "fr"),  # "passer" is "passe" said otherwise
    ("turn off the desk lamp", "en"),
    ("打开台灯", "zh"),
])
def test_no_slip_where_there_is_none(catalog: Catalog, text: str, lang: str) -> None:
    assert understand(text, catalog, lang).meant is None
