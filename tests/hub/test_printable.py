"""What a timer keeps of the words it was given: readable text, never a terminal escape sequence."""

from __future__ import annotations

import pytest

from hub.automation.models import Timer, printable


@pytest.mark.parametrize(("given", "kept"), [
    ("turn off the tv\x1b[2J\x1b[H", "turn off the tv"),
    ("\x1b[31mcall mum\x1b[0m", "call mum"),
    ("关火\x1b]0;pwned\x07", "关火"),
    ("关火\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "关火link"),
    ("a\tb\r\nc\x00d\x7f\x9b2Je", "a b cde"),
    ("open \u202egnp.exe the door", "open gnp.exe the door"),
    ("allume la lampe 👩‍👩‍👧 à 7 h", "allume la lampe 👩‍👩‍👧 à 7 h"),
])
def test_escape_sequences_and_controls_go_readable_text_stays(given: str, kept: str) -> None:
    assert printable(given) == kept


def test_a_stored_timer_loses_its_escape_sequences_when_read() -> None:
    """A timer written by an older hub, with the raw text, is cleaned as it is loaded."""
    stored = ('{"due": 1.0, "remind": "\\u001b[2Jcall mum", "text": "remind me \\u001b]0;x\\u0007to call mum",'
              ' "lang": "en", "created": 0.0}')
    timer = Timer.model_validate_json(stored)
    assert (timer.text, timer.remind) == ("remind me to call mum", "call mum")
