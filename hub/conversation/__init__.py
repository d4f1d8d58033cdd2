"""The speaker: a text command -> devices -> directives -> results -> the reply, in the command's language.

``core`` holds the pipeline (``Speaker``), ``model`` what it works with (steps, outcomes, conversations),
``replies`` what it says.
"""

from hub.conversation.core import Speaker
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
