"""An unknown word never widens an order to the whole home: "turn off all the garlands" names something the home
lacks, and says so; "turn everything off" still means everything."""

from __future__ import annotations

import pytest

from hub.nlu import Catalog, understand


@pytest.mark.parametrize(("text", "lang", "missing"), [
    ("turn off all the garlands", "en", "garlands"),
    ("éteins toutes les guirlandes", "fr", "guirlandes"),
    ("switch on all the jacuzzis", "en", "jacuzzis"),
])
def test_all_of_something_the_home_lacks_is_not_everything(catalog: Catalog, text: str, lang: str,
                                                            missing: str) -> None:
    intents = understand(text, catalog, lang).intents
    assert intents and all(missing in " ".join(i.target.missing) and not i.target.everything for i in intents)


@pytest.mark.parametrize(("text", "lang"), [("turn everything off", "en"), ("éteins tout", "fr"),
                                            ("全部关掉", "zh"), ("turn off all devices", "en")])
def test_everything_is_still_everything(catalog: Catalog, text: str, lang: str) -> None:
    intents = understand(text, catalog, lang).intents
    assert [i.target.everything and not i.target.missing for i in intents] == [True]
