"""Suggested commands: made from the home's devices, in three languages, and always understood."""

from __future__ import annotations

from devices.categories import device_class
from devices.home import load_home
from hub.conversation import build_catalog
from hub.directory import Directory
from hub.nlu import understand
from hub.web.suggest import PER_LANGUAGE, suggestions


def demo_directory() -> Directory:
    directory = Directory()
    for config in reversed(load_home().device_configs()):  # arrival order must not matter
        directory.register(device_class(config.category)(config).info())
    return directory


def test_the_demo_home_gets_suggestions_in_each_language_that_its_hub_understands() -> None:
    directory = demo_directory()
    catalog = build_catalog(directory)
    found = suggestions(directory, catalog)
    assert found.zh[0] == "打开客厅的灯"
    assert found.en[0] == "turn on the living room light"
    assert found.fr[0] == "allume la lumière de la chambre"  # each language speaks of another light
    for lang in ("zh", "en", "fr"):
        texts = getattr(found, lang)
        assert 4 <= len(texts) <= PER_LANGUAGE and len(set(texts)) == len(texts)
        for text in texts:
            result = understand(text, catalog, lang)
            assert result.problem is None and result.intents, (lang, text)


def test_a_home_of_one_fan_gets_what_fits_a_fan() -> None:
    directory = Directory()
    fan = next(c for c in load_home().device_configs() if c.category == "fan")
    directory.register(device_class("fan")(fan).info())
    found = suggestions(directory, build_catalog(directory))
    assert found.zh == ["把风扇调到3档", "打开风扇"]
    assert found.en[-1] == "turn on the fan"
    assert found.fr == ["allume le ventilateur"]
    assert suggestions(Directory(), build_catalog(Directory())).en == []
