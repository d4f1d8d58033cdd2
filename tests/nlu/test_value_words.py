"""The words for values agree with the protocol: every colour of ``COLORS`` is said in every language, every
colour word names one, and every language says the same fan speeds. (AliGenie's Warm is said back as "warm white",
"暖光", "blanc chaud"; as a command those words set a colour temperature.)"""

from __future__ import annotations

import pytest

from hub.language import LANGUAGES
from hub.nlu import load_lexicon
from hub.protocol import COLORS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_css_colour_has_words_and_every_word_a_colour(lang: str) -> None:
    lex = load_lexicon(lang)
    assert set(lex.colors) == set(COLORS)
    assert all(lex.colors[name] for name in lex.colors)


def test_css_green_is_green_and_lime_is_lime() -> None:
    assert (COLORS["Green"], COLORS["Lime"]) == ("#008000", "#00FF00")


def test_every_language_says_the_same_speeds() -> None:
    keys = {lang: {str(k) for k in load_lexicon(lang).replies["speeds"]} for lang in LANGUAGES}
    assert all(found == {"1", "2", "3", "auto"} for found in keys.values()), keys
