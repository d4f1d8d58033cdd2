"""A question never acts: asking whether something is so, or was done, is answered from the state.

The frames below are our own development sentences (how owners ask a smart speaker whether something was
done), combined with every switchable device of the demo home in each language; none comes from a benchmark.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.categories import device_class
from devices.home import load_home
from hub.conversation.plan import Planner
from hub.directory import Directory
from hub.nlu import Catalog, understand
from hub.nlu.lexicon import load_lexicon
from hub.nlu.speech import article

FRAMES = {
    "zh": ["{name}开了没", "{name}关了没有", "{name}打开了吗", "{name}关掉了没", "你把{name}关了没有",
           "{name}有没有开"],
    "en": ["did you turn on the {name}", "has the {name} been turned off", "did I switch off the {name}",
           "have you turned the {name} on", "was the {name} switched off"],
    "fr": ["a-t-on allumé {the}{name}", "as-tu éteint {the}{name}", "avez-vous allumé {the}{name}",
           "est-ce que tu as éteint {the}{name}", "est-ce que {the}{name} a été allumé"],
}
SWITCHABLE = ("light", "switch", "outlet", "television", "fan", "airpurifier", "humidifier", "heater")


def _home() -> tuple[Directory, list[tuple[str, dict[str, str]]]]:
    directory = Directory()
    named = []
    for config in load_home().device_configs():
        directory.register(device_class(config.category)(config).info())
        if config.category in SWITCHABLE:
            named.append((config.id, {lang: config.names.display(lang) for lang in FRAMES}))
    return directory, named


DIRECTORY, NAMED = _home()


@settings(max_examples=150, deadline=None)
@given(lang=st.sampled_from(sorted(FRAMES)), frame=st.integers(min_value=0, max_value=5),
       device=st.sampled_from(NAMED))
def test_asking_whether_it_was_done_is_a_question_that_sends_no_order(catalog: Catalog, lang: str, frame: int,
                                                                      device: tuple[str, dict[str, str]]) -> None:
    device_id, names = device
    name = names[lang]
    frames = FRAMES[lang]
    text = frames[frame % len(frames)].format(name=name, the=article(load_lexicon(lang), name))
    understood = understand(text, catalog, lang)
    assert understood.intents, text
    planner = Planner(DIRECTORY)
    for intent in understood.intents:
        assert intent.action == "query", (text, intent)
        outcome = planner.plan(intent)
        assert outcome.steps and all(s.action == "Query" for s in outcome.steps), (text, outcome)
        assert device_id in {s.device.id for s in outcome.steps}, (text, outcome)


ORDERS = {
    "zh": ["打开{name}", "把{name}关了", "关掉{name}", "{name}调到五十"],
    "en": ["turn on the {name}", "switch the {name} off", "set the {name} to 50", "turn up the {name}"],
    "fr": ["allume {the}{name}", "éteins {the}{name}", "mets {the}{name} à 50", "baisse {the}{name}"],
}


@settings(max_examples=150, deadline=None)
@given(lang=st.sampled_from(sorted(ORDERS)), frame=st.integers(min_value=0, max_value=3),
       device=st.sampled_from(NAMED), mark=st.sampled_from(["?", " ?", "？"]))
def test_an_order_said_with_a_question_mark_is_a_question_that_sends_no_order(
        catalog: Catalog, lang: str, frame: int, device: tuple[str, dict[str, str]], mark: str) -> None:
    _device_id, names = device
    name = names[lang]
    text = ORDERS[lang][frame].format(name=name, the=article(load_lexicon(lang), name)) + mark
    understood = understand(text, catalog, lang)
    assert understood.kind in ("question", "unknown", "answer"), (text, understood)
    planner = Planner(DIRECTORY)
    for intent in understood.intents:
        outcome = planner.plan(intent)
        assert all(s.action == "Query" for s in outcome.steps), (text, outcome)
