"""Text as a terminal may show it: what a timer keeps of the order it was given (docs/time.md).

A command may carry terminal escape sequences ("\\x1b[2J" clears the screen, "\\x1b]0;…\\x07" retitles the
window) or bidirectional overrides that make a line read differently than it is. They are removed, whole,
before a timer stores its text, and again by whoever prints one (a hub of an older version may send them).
"""

from __future__ import annotations

import re
import unicodedata

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"               # CSI: colours, cursor moves, clearing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"   # OSC: window titles, hyperlinks (ended by BEL or ST)
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"        # DCS, PM, APC, SOS strings
    r"|\x1b[ -/]*[0-~]"                      # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"                # 8-bit CSI
)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """``text`` without escape sequences, control characters or bidirectional overrides; line breaks and
    tabs become spaces, runs of spaces one, and the ends are trimmed. Readable text is left as it is."""
    text = _ESCAPES.sub("", text)
    kept = "".join(" " if c in "\t\n\r\v\f" else c for c in text
                   if c in "\t\n\r\v\f" or (unicodedata.category(c) != "Cc" and c not in _BIDI))
    return re.sub(" {2,}", " ", kept).strip()
