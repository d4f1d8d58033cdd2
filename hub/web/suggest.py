"""Commands to try, in zh, en and fr, made from the devices of this home.

Each template names a category and whether it speaks of the device or of its room; the device is
picked from the home (a different one per language where the home has several), and the sentence is
kept only if the hub's own understanding reads it — a suggestion never fails to parse.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.directory import DeviceRecord, Directory
from hub.nlu import Catalog, understand
from hub.web.models import Suggestions

ANY = "*"
"""A template's category meaning any device that can be turned on."""


@dataclass(frozen=True)
class Template:
    """A command to suggest for a device of ``category``."""

    category: str
    text: str
    """``{name}`` is the device's name, ``{room}`` its room's; in French ``{le}``/``{du}`` add the article."""


TEMPLATES: dict[str, tuple[Template, ...]] = {
    "zh": (
        Template("light", "打开{room}的灯"),
        Template("aircondition", "把{name}调到24度"),
        Template("curtain", "打开{name}"),
        Template("roboticvacuum", "{name}开始打扫"),
        Template("sensor", "{room}温度多少"),
        Template("light", "把{name}调成红色"),
        Template("fingerprintlock", "把{name}锁上"),
        Template("light", "关掉所有的灯"),
        Template("fan", "把{name}调到3档"),
        Template("television", "把{name}音量调到30"),
        Template(ANY, "打开{name}"),
    ),
    "en": (
        Template("light", "turn on the {name}"),
        Template("aircondition", "set the {name} to 24 degrees"),
        Template("curtain", "open the {name}"),
        Template("roboticvacuum", "start the {name}"),
        Template("sensor", "what's the temperature in the {room}"),
        Template("light", "make the {name} blue"),
        Template("television", "turn the {name} volume up"),
        Template("light", "turn off all the lights"),
        Template("fan", "set the {name} to speed 3"),
        Template(ANY, "turn on the {name}"),
    ),
    "fr": (
        Template("light", "allume {le}{name}"),
        Template("aircondition", "mets {le}{name} à 24 degrés"),
        Template("curtain", "ouvre {le}{name}"),
        Template("roboticvacuum", "démarre {le}{name}"),
        Template("sensor", "quelle est la température {du}{room}"),
        Template("light", "mets {le}{name} en vert"),
        Template("fingerprintlock", "verrouille {le}{name}"),
        Template("light", "éteins toutes les lumières"),
        Template("television", "monte le volume {du}{name}"),
        Template(ANY, "allume {le}{name}"),
    ),
}
LANG_OFFSET = {"zh": 0, "en": 1, "fr": 2}
"""Which of a category's devices each language speaks of, so the three show different devices."""
PER_LANGUAGE = 6

_MASCULINE_ENDINGS = ("eur", "ier", "aire", "age", "eau", "oir", "ment", "al")
_FEMININE_ENDINGS = ("e", "é", "ion")


def french_article(name: str, *, of: bool = False) -> str:
    """``le ``/``la ``/``l'``/``les `` (or ``du ``/``de la ``/``de l'``/``des ``) before ``name``.

    A spelling rule, not a dictionary: good for the usual names of rooms and appliances.
    """
    word = name.split(" ")[0].lower()
    if word.endswith(("s", "x")) and len(word) > 3:
        return "des " if of else "les "
    if word[:1] in "aeiouyhéèêàâîôû":
        return "de l'" if of else "l'"
    masculine = word.endswith(_MASCULINE_ENDINGS) or not word.endswith(_FEMININE_ENDINGS)
    if masculine:
        return "du " if of else "le "
    return "de la " if of else "la "


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
    return template.text.format(name=name, room=room, le=french_article(name), du=french_article(room, of=True))


def suggestions(directory: Directory, catalog: Catalog) -> Suggestions:
    """Up to ``PER_LANGUAGE`` commands per language that this home understands."""
    by_category: dict[str, list[DeviceRecord]] = {}
    for record in _ranked(directory):
        by_category.setdefault(record.category, []).append(record)
        if "TurnOn" in record.info.actions:
            by_category.setdefault(ANY, []).append(record)
    found: dict[str, list[str]] = {}
    for lang, templates in TEMPLATES.items():
        chosen: list[str] = []
        for template in templates:
            candidates = by_category.get(template.category, [])
            if not candidates:
                continue
            start = LANG_OFFSET[lang] % len(candidates)
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
