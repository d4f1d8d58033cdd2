"""The one root of every error the project raises for a user to read, with the exit status of its kind.

A leaf, like ``hub.clock`` and ``hub.language``: the protocol, the devices and the CLI all derive their
errors from it, and the CLI turns any of them into one line and its exit status in one place.
"""

from __future__ import annotations


class GenieError(Exception):
    """An error whose message is written for the user: one line, no traceback needed to act on it."""

    exit_code = 2
    """The ``genie`` exit status for this kind (2: it could not be done)."""


class BadInput(GenieError):
    """What the user gave was refused before anything was sent (exit status 3)."""

    exit_code = 3
