"""What an utterance is besides an order: small talk, and a question said as an order with a question mark.

``small_talk`` tells "谢谢", "what can you do", "laisse tomber" or "yes" (the whole utterance, give or take
fillers); ``questioned`` turns an order said as a question ("turn on the desk lamp?", "j'ai bien éteint la
lampe ?") into the question it is — whether it is so — unless a polite request form makes it an order ("can
you turn on the fan?", "能帮我开下风扇吗？"). A question never acts.
"""

from __future__ import annotations

import re
from dataclasses import replace

from hub.nlu.clause import DONE_STATES, STATE_ATTRIBUTES
from hub.nlu.lexicon import Lexicon
from hub.nlu.models import Intent
from hub.nlu.text import BOUNDARY

_ASKED = re.compile(r"[?？]\s*[)\]）】\"'”’»]*\s*$")
_WORD = re.compile(r"[^\W_]")


def asked(text: str) -> bool:
    """Whether ``text`` ends with a question mark."""
    return bool(_ASKED.search(text))


def small_talk(body: str, lex: Lexicon) -> str | None:
    """What small talk ``body`` (normalised, without its wake word) is, when it is nothing but that and
    fillers ("thank you so much" -> "thanks"); else None."""
    found = sorted(lex.talk.find(body), key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    if not found:
        return None
    chars = list(body.replace(BOUNDARY, " "))
    kinds = []
    for start, end, talk in found:
        if any(c == "\0" for c in chars[start:end]):
            continue  # inside a longer phrase already taken
        chars[start:end] = "\0" * (end - start)
        kinds.append(talk)
    rest = "".join(chars)
    for start, end, _word in lex.fillers.find(rest):
        chars[start:end] = " " * (end - start)
    if _WORD.search("".join(chars).replace("\0", " ")):
        return None
    return kinds[0]


def questioned(intent: Intent) -> Intent:
    """The question an order said with a question mark asks: whether what it orders is so ("turn on the
    lamp?": is the lamp on?), or what the property it would change is ("set the AC to 26?")."""
    if intent.action in ("query", "answer"):
        return intent
    if intent.action in DONE_STATES:
        state = DONE_STATES[intent.action]
        return replace(intent, action="query", state=state, attribute=STATE_ATTRIBUTES[state], value=None,
                       unit=None, code=None, quantifier="plain", implicit=False)
    return replace(intent, action="query", state=None, value=None, unit=None, code=None, quantifier="plain",
                   implicit=False)
