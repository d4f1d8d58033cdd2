"""The quick paths of ``hub.conversation.redact`` (it runs over every command's text and reply) give what the
slow ones gave: the fold table is the character-by-character fold, and a text is only spared the code-word
pattern when it holds no code word."""

from __future__ import annotations

import unicodedata

from hub.conversation import redact
from hub.language import LANGUAGES
from hub.nlu.data import language_file


def _fold_by_hand(text: str) -> str:
    out = []
    for char in text:
        folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def test_the_fold_table_folds_as_each_character_alone() -> None:
    text = "Ｃｏｄｅ ÉTÉ Ça ﬁn Å ẞ 密碼 ①２３ İ\u00a0ǅ mot de passe: quatre-vingt-dix 一二三"
    assert redact._fold(text) == _fold_by_hand(text)
    assert len(redact._fold(text)) == len(text)
    every = "".join(chr(c) for c in range(0x20, 0x3000))
    assert redact._fold(every) == _fold_by_hand(every)


def test_every_code_word_holds_a_needle() -> None:
    needles = redact._words().needles
    assert needles
    for lang in LANGUAGES:
        for word in language_file(lang, "commands").get("code_words", []):
            folded = redact._fold(str(word)).strip()
            assert any(n in folded for n in needles), (lang, word)


def test_a_code_after_any_code_word_is_still_starred() -> None:
    for lang in LANGUAGES:
        for word in language_file(lang, "commands").get("code_words", []):
            said = f"{str(word).upper() if lang != 'zh' else word} 4 8 2 9 1 3"
            assert "4" not in redact.hide(said) and "*" in redact.hide(said), said
    assert redact.hide("turn off the living room lights please") == "turn off the living room lights please"
    assert redact.hide("打开客厅的灯，亮度百分之五十") == "打开客厅的灯，亮度百分之五十"
