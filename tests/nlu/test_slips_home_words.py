"""The words of the home's names that a slip may be of are worked out once per state of the names, whatever
the language (at 1,000 devices that is a twentieth of a second each time)."""

from __future__ import annotations

from unittest import mock

from hub.nlu import slips
from hub.nlu.catalog import Catalog, CatalogDevice


def _catalog() -> Catalog:
    catalog = Catalog()
    for n, (zh, en) in enumerate([("台灯", "desk lamp"), ("吸顶灯", "ceiling light")]):
        catalog.add_device(CatalogDevice(id=f"d{n}", category="light", room="study", attributes=frozenset(),
                                         actions=frozenset()), {"zh": [zh], "en": [en], "fr": []})
    catalog.add_room("study", {"zh": ["书房"], "en": ["study"], "fr": ["bureau"]})
    return catalog


def test_the_home_words_are_worked_out_once_for_every_language() -> None:
    catalog = _catalog()
    assert slips._home_words(catalog) is slips._home_words(catalog)  # kept, not worked out again
    catalog = _catalog()
    with mock.patch.object(slips, "_words", wraps=slips._words) as words:
        found = {lang: slips._known(lang, catalog)[0] for lang in ("zh", "en", "fr")}
        first = words.call_count
        assert first > 0
        assert {lang: slips._known(lang, catalog)[0] for lang in ("zh", "en", "fr")} == found
        assert words.call_count == first
    for lang in ("zh", "en", "fr"):
        assert {"desk", "lamp", "台灯", "书房", "bureau"} <= set(found[lang])
    catalog.add_device(CatalogDevice(id="d9", category="light", room="study", attributes=frozenset(),
                                     actions=frozenset()), {"zh": [], "en": ["reading lamp"], "fr": []})
    assert "reading" in slips._known("en", catalog)[0]  # a new name: worked out again
