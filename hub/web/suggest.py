"""Commands to try in each language, made from the devices of this home (templates: lang/<code>/commands.yaml).

Each template names a category and whether it speaks of the device or of its room; the device is
picked from the home (a different one per language where the home has several), and the sentence is
kept only if the hub's own understanding reads it — a suggestion never fails to parse.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.directory import DeviceRecord, Directory
from hub.language import LANGUAGES
from hub.nlu import Catalog, load_lexicon, understand
from hub.nlu.data import language_file
from hub.nlu.speech import article
from hub.web.models import Suggestions

ANY = "*"
"""A template's category meaning any device that can be turned on."""


@dataclass(frozen=True)
class Template:
    """A command to suggest for a device of ``category``."""

    category: str
    text: str
    """``{name}`` is the device's name, ``{room}`` its room's; ``{the}`` / ``{of}`` the article before them."""


def templates(lang: str) -> tuple[Template, ...]:
    """The suggestions of ``lang`` (``suggestions`` in its lang/<code>/commands.yaml), in order."""
    return tuple(Template(str(category), str(text))
                 for category, text in language_file(lang, "commands").get("suggestions") or [])


PER_LANGUAGE = 6


def _ranked(directory: Directory) -> list[DeviceRecord]:
    """Devices ordered by room (most populated first), then id: stable whatever order they arrived in."""
    records = directory.all()
    sizes: dict[str, int] = {}
    for record in records:
        sizes[record.room] = sizes.get(record.room, 0) + 1
    return sorted(records, key=lambda r: (-sizes[r.room], r.room, r.id))


def _fill(template: Template, lang: str, record: DeviceRecord) -> str:
    name = record.info.names.display(lang) or record.info.device_name
    room = record.info.zone_names.display(lang) or record.room
    lex = load_lexicon(lang)
    return template.text.format(name=name, room=room, the=article(lex, name), of=article(lex, room, of=True))


def suggestions(directory: Directory, catalog: Catalog) -> Suggestions:
    """Up to ``PER_LANGUAGE`` commands per language that this home understands."""
    by_category: dict[str, list[DeviceRecord]] = {}
    for record in _ranked(directory):
        by_category.setdefault(record.category, []).append(record)
        if "TurnOn" in record.info.actions:
            by_category.setdefault(ANY, []).append(record)
    found: dict[str, list[str]] = {}
    for offset, lang in enumerate(LANGUAGES):  # each language speaks of a different device where it can
        chosen: list[str] = []
        for template in templates(lang):
            candidates = by_category.get(template.category, [])
            if not candidates:
                continue
            start = offset % len(candidates)
            for record in candidates[start:] + candidates[:start]:
                text = _fill(template, lang, record)
                if text not in chosen and _understood(text, lang, catalog):
                    chosen.append(text)
                    break
            if len(chosen) == PER_LANGUAGE:
                break
        found[lang] = chosen
    return Suggestions(**found)


def _understood(text: str, lang: str, catalog: Catalog) -> bool:
    result = understand(text, catalog, lang)
    return (result.problem is None and bool(result.intents)
            and all(not i.target.empty or i.target.everything for i in result.intents))
