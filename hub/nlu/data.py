"""A language's data files: ``lang/<code>/`` holds everything the hub knows of a language.

- ``commands.yaml``: the vocabulary of device orders and questions, reply templates and grammar tables;
- ``time.yaml``: how times, durations and repeats are said, and how replies say them;
- ``requests.yaml``: how scenes, timers and reminders are asked for, and what the hub answers about them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from hub.language import LANGUAGES

FILES = ("commands", "time", "requests")


@cache
def language_file(lang: str, name: str) -> dict[str, Any]:
    """The parsed data file ``lang/<lang>/<name>.yaml`` (read once; callers must not change it)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}")
    if name not in FILES:
        raise ValueError(f"unknown language file {name!r}; known: {', '.join(FILES)}")
    text = resources.files("hub.nlu").joinpath("lang", lang, f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"lang/{lang}/{name}.yaml: not a mapping")
    return data
