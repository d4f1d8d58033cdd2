"""The conversation: one turn from a text to its reply, in the text's language.

``turn`` hears a text (read once by ``hub.nlu.reading``) and dispatches it by kind: ``schedule`` for scenes,
scene and timer requests and timed orders; ``orders`` for device orders, questions and answers, through
``resolve`` -> ``plan`` -> ``act`` -> ``reply``. ``model`` holds what they work with (steps, outcomes, a
conversation's memory), ``choice`` and ``redact`` the which-lock question and the hiding of codes.
"""

from hub.conversation.model import (
    DEFAULT_ATTRIBUTE,
    DEFAULT_SESSION,
    MAX_SESSIONS,
    PENDING_TTL,
    UNIT_ATTRIBUTE,
    Outcome,
    Session,
    Step,
    build_catalog,
)
from hub.conversation.orders import Speaker
from hub.conversation.reply import action_results, compose_reply, error_sentence, problem_sentence

__all__ = [
    "DEFAULT_ATTRIBUTE",
    "DEFAULT_SESSION",
    "MAX_SESSIONS",
    "PENDING_TTL",
    "UNIT_ATTRIBUTE",
    "Outcome",
    "Session",
    "Speaker",
    "Step",
    "action_results",
    "build_catalog",
    "compose_reply",
    "error_sentence",
    "problem_sentence",
]
