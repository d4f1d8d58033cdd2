"""Text a peer chose, on its way to a person: what plain text may hold, and how it is shown.

A name, a reply or a topic may carry terminal escape sequences (``"\\x1b[2J"`` clears the screen,
``"\\x1b]0;…\\x07"`` retitles the window) or bidirectional overrides that make a line read otherwise than
it is. Three answers, one set of characters (``CONTROLS``: C0, DEL, C1, bidi marks, overrides and
isolates, line and paragraph separators, lone surrogates):

- ``control_in`` finds one: the wire protocol refuses a registration whose names carry one;
- ``printable`` removes them, escape sequences whole: what a terminal is given (``genie``, timers);
- ``visible`` writes them as ``\\x1b`` / ``\\u202e``: what a log line shows (``codec.clip``), losing nothing.
"""

from __future__ import annotations

import re
import unicodedata

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Arabic letter mark, LRM, RLM, embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069)."""

CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
"""Characters no text a person reads may hold as they are."""

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"               # CSI: colours, cursor moves, clearing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"   # OSC: window titles, hyperlinks (ended by BEL or ST)
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"        # DCS, PM, APC, SOS strings
    r"|\x1b[ -/]*[0-~]"                      # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"                # 8-bit CSI
)
_SPACES = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def control_in(text: str) -> str | None:
    """The first character of ``text`` in ``CONTROLS`` as ``U+001B (ESCAPE)``, or None if there is none."""
    found = CONTROLS.search(text)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "") or _C0_C1_NAMES.get(char, "control character")
    return f"U+{ord(char):04X} ({name})"


_C0_C1_NAMES = {"\x00": "NULL", "\x07": "BELL", "\x08": "BACKSPACE", "\t": "TAB", "\n": "LINE FEED",
                "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE", "\x7f": "DELETE", "\x85": "NEXT LINE",
                "\x9b": "CONTROL SEQUENCE INTRODUCER"}


def printable(text: str, *, tidy: bool = True) -> str:
    """``text`` without escape sequences, control characters or bidirectional overrides; line breaks and
    tabs become spaces, runs of spaces one, and the ends are trimmed (``tidy=False``: spaces are kept as
    they are, for a line already laid out in columns). Readable text is left as it is."""
    text = CONTROLS.sub("", _SPACES.sub(" ", _ESCAPES.sub("", text)))
    return re.sub(" {2,}", " ", text).strip() if tidy else text


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, limit: int | None = None) -> str:
    """``text`` with each character of ``CONTROLS`` written out as ``repr`` would (``\\x1b``, ``\\n``,
    ``\\u202e``); with ``limit``, the longest such rendering of a start of ``text`` in at most ``limit``
    characters, never half an escape. Everything else, backslashes included, is left as it is."""
    if limit is None:
        return CONTROLS.sub(lambda found: _shown(found.group()), text)
    parts: list[str] = []
    size = 0
    for char in text[:limit]:
        piece = _shown(char) if CONTROLS.match(char) else char
        size += len(piece)
        if size > limit:
            break
        parts.append(piece)
    return "".join(parts)
