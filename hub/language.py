"""The languages the hub understands and speaks, defined once: every other module reads them from here.

A leaf, like ``hub.clock``: it imports nothing of the project, so the protocol, the devices and the CLI
(before it loads anything heavy) can all read it.

Adding a language is this line plus its data folder (``hub/nlu/lang/<code>/``) and the dashboard's strings.
"""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["zh", "en", "fr"]
"""A language code as it travels on the wire and in files."""

LANGUAGES: tuple[Lang, ...] = get_args(Lang)
"""Every supported language, in the order replies fall back through (zh first: the home's default)."""
