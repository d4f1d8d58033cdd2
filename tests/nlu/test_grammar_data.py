"""The reply grammar is data: made-up names are said by each language's ``grammar`` tables, and a language the
code has never heard of needs only its tables (hub.nlu.speech knows no language)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hub.nlu import Lexicon, load_lexicon, speech

MADE_UP = {
    # lang: (a masculine name, a feminine one, one that elides, a plural one)
    "fr": ("frobnicateur", "lampe zorglub", "ampoule zorglub", "zorglubs du grenier"),
    "en": ("frobnicator", "zorglub lamp", "attic zorglub", "zorglubs"),
    "zh": ("魔镜", "佐格灯", "阁楼佐格", "佐格们"),
}


@pytest.mark.parametrize(
    ("lang", "the", "of"),
    [
        ("fr", ["le frobnicateur", "la lampe zorglub", "l'ampoule zorglub"],
         ["du frobnicateur", "de la lampe zorglub", "de l'ampoule zorglub"]),
        ("en", ["the frobnicator", "the zorglub lamp", "the attic zorglub"], list(MADE_UP["en"][:3])),
        ("zh", list(MADE_UP["zh"][:3]), list(MADE_UP["zh"][:3])),
    ],
)
def test_articles_of_made_up_names(lang: str, the: list[str], of: list[str]) -> None:
    lex = load_lexicon(lang)
    assert [speech.the_place(lex, n) for n in MADE_UP[lang][:3]] == the
    assert [speech.of_place(lex, n) for n in MADE_UP[lang][:3]] == of


def test_a_capitalized_or_already_articled_english_name_stays_bare() -> None:
    lex = load_lexicon("en")
    assert [speech.the_place(lex, n) for n in ("Zorglub", "the zorglub")] == ["Zorglub", "the zorglub"]


@pytest.mark.parametrize(
    ("lang", "endings", "pair", "all_of_them", "be"),
    [
        ("fr", ["", "e", "e", "s"], "s", ("s", "tes"), ("est", "sont")),
        ("en", ["", "", "", ""], "", ("", ""), ("is", "are")),
        ("zh", ["", "", "", ""], "", ("", ""), ("", "")),
    ],
)
def test_agreement_of_made_up_names(lang: str, endings: list[str], pair: str, all_of_them: tuple[str, str],
                                    be: tuple[str, str]) -> None:
    lex = load_lexicon(lang)
    masculine, feminine, _, _ = MADE_UP[lang]
    assert [speech.agreement(lex, [n]) for n in MADE_UP[lang]] == endings
    assert speech.agreement(lex, [masculine, feminine]) == pair  # mixed: masculine plural
    assert (speech.all_agreement(lex, [masculine]), speech.all_agreement(lex, [feminine])) == all_of_them
    assert (speech.be(lex, 1), speech.be(lex, 2)) == be


@pytest.mark.parametrize(
    ("lang", "joined", "counts", "measures"),
    [
        ("fr", "frobnicateur, lampe zorglub et ampoule zorglub", ("trois", "42"), ("", "")),
        ("en", "frobnicator, zorglub lamp and attic zorglub", ("three", "42"), ("", "")),
        ("zh", "魔镜、佐格灯和阁楼佐格", ("三", "42"), ("盏", "个")),
    ],
)
def test_join_count_and_measure(lang: str, joined: str, counts: tuple[str, str], measures: tuple[str, str]) -> None:
    lex = load_lexicon(lang)
    assert speech.join(lex, list(MADE_UP[lang][:3])) == joined
    assert (speech.count(lex, 3), speech.count(lex, 42)) == counts
    assert (speech.measure(lex, "light"), speech.measure(lex, "frobnicator")) == measures


@pytest.mark.parametrize(("lang", "said"), [("zh", "甲。乙。"), ("en", "A. B."), ("fr", "A. B.")])
def test_sentences_one_after_the_other(lang: str, said: str) -> None:
    first, second = ("甲。", "乙。") if lang == "zh" else ("A.", "B.")
    assert speech.sentences(load_lexicon(lang), first, second) == said


def test_a_language_with_french_grammar_needs_only_the_data() -> None:
    """Another language code with French tables says everything as French does: no rule asks which language."""
    french = load_lexicon("fr")
    other = replace(french, lang="xx")
    names = [*MADE_UP["fr"], "entrée", "salon"]
    for name in names:
        assert speech.the_place(other, name) == speech.the_place(french, name)
        assert speech.of_place(other, name) == speech.of_place(french, name)
        assert speech.agreement(other, [name]) == speech.agreement(french, [name])
    assert speech.group(other, "light", 2, "grenier") == speech.group(french, "light", 2, "grenier")


def _made_up_language() -> Lexicon:
    """A language the code has never heard of, with its own tables (Italian-like articles, Spanish-like ``all``)."""
    grammar: dict[str, Any] = {
        "capitalize": True,
        "numerals": {2: "due", 3: "tre"},
        "feminine": ["lampada"],
        "plural_words": {"endings": ["i"], "longer_than": 2},
        "agreement": {"feminine": "a", "plural": "i"},
        "all_agreement": {"masculine": "os", "feminine": "as"},
        "be": {"one": "è", "many": "sono"},
        "elision": "aeiou",
        "the_place": {"masculine": "il {place}", "feminine": "la {place}", "elided": "l'{place}"},
        "of_place": {"masculine": "del {place}", "feminine": "della {place}", "elided": "dell'{place}"},
    }
    replies = {**load_lexicon("en").replies, "list_sep": ", ", "list_last": " e "}
    return replace(load_lexicon("en"), lang="xx", grammar=grammar, replies=replies)


def test_a_made_up_language_from_its_tables_alone() -> None:
    lex = _made_up_language()
    assert [speech.the_place(lex, n) for n in ("frobnicatore", "lampada zorglub", "armadio")] == \
        ["il frobnicatore", "la lampada zorglub", "l'armadio"]
    assert [speech.of_place(lex, n) for n in ("frobnicatore", "lampada zorglub", "armadio")] == \
        ["del frobnicatore", "della lampada zorglub", "dell'armadio"]
    assert [speech.agreement(lex, [n]) for n in ("frobnicatore", "lampada zorglub", "zorglubi")] == ["", "a", "i"]
    assert speech.all_agreement(lex, ["lampada"]) == "as"
    assert (speech.be(lex, 1), speech.be(lex, 3)) == ("è", "sono")
    assert speech.join(lex, ["uno", "due", "tre"]) == "uno, due e tre"
    assert (speech.count(lex, 2), speech.count(lex, 7)) == ("due", "7")
    assert speech.capitalize(lex, "il frobnicatore è acceso.") == "Il frobnicatore è acceso."
