"""The load test's own sentences: small templates per category and language, written here and nowhere else.

They deliberately share nothing with the hub's understanding (``hub.nlu``): a generator built from the
parser's own phrase tables would only ever say what the parser already knows. A device is named as the hub
lists it (``names.display(lang)``); a value to set is drawn within the property's declared range.

A command is one of five kinds: ``on``, ``off`` (open and close for a curtain), ``set`` a value, ``step`` a value up
or down, ``query`` the state. Which kinds a device gets follows from its category and the properties it has.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

LANGS = ("zh", "en", "fr")
"""The languages a load test speaks."""

KIND_WEIGHTS: dict[str, float] = {"on": 25, "off": 25, "set": 20, "step": 10, "query": 20}
"""How often each kind of command is drawn, where a device has it."""


@dataclass(frozen=True)
class Target:
    """One device to drive: its home, id, category, display name per language, and what it can do."""

    home: str | None
    id: str
    category: str
    names: dict[str, str]
    ranges: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """Writable whole-number properties the device has: name -> (min, max, step) as declared."""
    switchable: bool = True
    """It has a writable power state."""
    readable: frozenset[str] = frozenset()
    """Properties it has that a question may ask about (besides the power state)."""


@dataclass(frozen=True)
class Sentence:
    """A command as said: its kind, the property it is about and the value it sets (if any), language and text."""

    kind: str
    attribute: str | None
    lang: str
    text: str
    value: int | None = None


# -- the templates ---------------------------------------------------------------------------------------------
# {n}: the device's display name; {v}: a value; French templates write {le} / {de} for
# the article (le, la, l') before the name, or de with it (du, de la, de l').

_ON_OFF: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {"on": ("打开{n}", "把{n}打开", "帮我开一下{n}", "开启{n}"),
           "off": ("关闭{n}", "把{n}关掉", "帮我关一下{n}", "关上{n}")},
    "en": {"on": ("turn on the {n}", "switch the {n} on", "please turn the {n} on", "power on the {n}"),
           "off": ("turn off the {n}", "switch the {n} off", "please turn the {n} off", "power off the {n}")},
    "fr": {"on": ("allume {le}{n}", "mets {le}{n} en marche", "peux-tu allumer {le}{n}"),
           "off": ("éteins {le}{n}", "arrête {le}{n}", "peux-tu éteindre {le}{n}")},
}

_CURTAIN: dict[str, dict[str, tuple[str, ...]]] = {
    "zh": {"on": ("打开{n}", "把{n}拉开"), "off": ("关上{n}", "把{n}拉上")},
    "en": {"on": ("open the {n}", "draw the {n} open"), "off": ("close the {n}", "shut the {n}")},
    "fr": {"on": ("ouvre {le}{n}",), "off": ("ferme {le}{n}",)},
}

_SET: dict[str, dict[str, tuple[str, ...]]] = {
    "brightness": {"zh": ("把{n}亮度调到{v}", "{n}亮度设为百分之{v}"),
                   "en": ("set the {n} brightness to {v} percent", "dim the {n} to {v}%"),
                   "fr": ("règle la luminosité {de}{n} à {v} %", "mets {le}{n} à {v} pour cent")},
    "temperature": {"zh": ("把{n}温度调到{v}度", "{n}设为{v}度"),
                    "en": ("set the {n} to {v} degrees", "set the {n} temperature to {v}"),
                    "fr": ("règle {le}{n} sur {v} degrés", "mets {le}{n} à {v} degrés")},
    "position": {"zh": ("把{n}开到百分之{v}", "{n}打开到{v}%"),
                 "en": ("open the {n} to {v} percent", "set the {n} to {v}%"),
                 "fr": ("ouvre {le}{n} à {v} %", "règle {le}{n} à {v} pour cent")},
    "volume": {"zh": ("把{n}音量调到{v}", "{n}音量设为{v}"),
               "en": ("set the {n} volume to {v}", "turn the {n} volume to {v}"),
               "fr": ("mets le volume {de}{n} à {v}", "règle le volume {de}{n} sur {v}")},
    "channel": {"zh": ("{n}换到{v}台", "把{n}切到第{v}频道"),
                "en": ("switch the {n} to channel {v}", "put the {n} on channel {v}"),
                "fr": ("mets {le}{n} sur la chaîne {v}", "passe {le}{n} sur la chaîne {v}")},
    "humidity": {"zh": ("把{n}湿度调到{v}", "{n}湿度设为百分之{v}"),
                 "en": ("set the {n} humidity to {v} percent", "set the {n} to {v}% humidity"),
                 "fr": ("règle l'humidité {de}{n} à {v} %", "mets {le}{n} à {v} % d'humidité")},
    "windspeed": {"zh": ("把{n}风速调到{v}档", "{n}调到{v}档"),
                  "en": ("set the {n} fan speed to {v}", "set the {n} speed to {v}"),
                  "fr": ("mets la vitesse {de}{n} à {v}", "règle {le}{n} sur la vitesse {v}")},
}

_STEP: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    # attribute -> lang -> up/down -> templates
    "brightness": {"zh": {"up": ("{n}调亮一点", "把{n}调亮些"), "down": ("{n}调暗一点", "把{n}调暗些")},
                   "en": {"up": ("make the {n} brighter",), "down": ("make the {n} dimmer", "dim the {n} a bit")},
                   "fr": {"up": ("augmente la luminosité {de}{n}",), "down": ("baisse la luminosité {de}{n}",)}},
    "temperature": {"zh": {"up": ("{n}温度调高一点",), "down": ("{n}温度调低一点",)},
                    "en": {"up": ("make the {n} warmer", "raise the {n} temperature"),
                           "down": ("make the {n} cooler", "lower the {n} temperature")},
                    "fr": {"up": ("augmente la température {de}{n}",), "down": ("baisse la température {de}{n}",)}},
    "volume": {"zh": {"up": ("{n}声音大一点", "把{n}音量调高"), "down": ("{n}声音小一点", "把{n}音量调低")},
               "en": {"up": ("turn the {n} up", "make the {n} louder"), "down": ("turn the {n} down",)},
               "fr": {"up": ("monte le son {de}{n}",), "down": ("baisse le son {de}{n}",)}},
    "windspeed": {"zh": {"up": ("{n}风大一点",), "down": ("{n}风小一点",)},
                  "en": {"up": ("make the {n} faster",), "down": ("make the {n} slower",)},
                  "fr": {"up": ("augmente la vitesse {de}{n}",), "down": ("baisse la vitesse {de}{n}",)}},
}

_QUERY: dict[str, dict[str, tuple[str, ...]]] = {
    # attribute (None: the power state) -> lang -> templates
    "powerstate": {"zh": ("{n}开着吗", "{n}是开着的吗"), "en": ("is the {n} on?", "is the {n} switched on?"),
                   "fr": ("est-ce que {le}{n} est allumé ?",)},
    "temperature": {"zh": ("{n}现在多少度", "{n}的温度是多少"), "en": ("what is the {n} temperature?",),
                    "fr": ("quelle est la température {de}{n} ?",)},
    "humidity": {"zh": ("{n}湿度是多少",), "en": ("what is the {n} humidity?",),
                 "fr": ("quelle est l'humidité {de}{n} ?",)},
    "lockstate": {"zh": ("{n}锁好了吗", "{n}锁上了吗"), "en": ("is the {n} locked?",),
                  "fr": ("est-ce que {le}{n} est verrouillée ?",)},
}

_ASKED: dict[str, tuple[str, ...]] = {
    # per category: which properties a question may ask about, first that the device has
    "sensor": ("temperature", "humidity"),
    "fingerprintlock": ("lockstate",),
    "aircondition": ("powerstate", "temperature"),
    "heater": ("powerstate", "temperature"),
    "waterheater": ("powerstate", "temperature"),
}

_FEMININE = frozenset({"light", "outlet", "television", "fingerprintlock"})
"""Categories whose French default name is feminine (la lumière, la prise, la télévision, la serrure)."""

SETTABLE = tuple(_SET)
"""Properties a ``set`` command may name."""


def _french(text: str, name: str, category: str) -> str:
    """Fill ``{le}``/``{de}`` with the article that goes before ``name`` (elided before a vowel)."""
    if name[:1].lower() in "aeiouhéèêàâîôûœ":
        le, de = "l'", "de l'"
    elif category in _FEMININE:
        le, de = "la ", "de la "
    else:
        le, de = "le ", "du "
    return text.replace("{le}", le).replace("{de}", de)


def kinds(target: Target) -> list[str]:
    """The kinds of command ``target`` can take, in KIND_WEIGHTS' order."""
    found = []
    if target.switchable:
        found += ["on", "off"]
    if any(a in target.ranges for a in SETTABLE):
        found.append("set")
    if any(a in target.ranges for a in _STEP):
        found.append("step")
    if _asked(target):
        found.append("query")
    return found


def _asked(target: Target) -> list[str]:
    wanted = _ASKED.get(target.category, ("powerstate",))
    return [a for a in wanted if (target.switchable if a == "powerstate" else a in target.readable)]


def sentence(target: Target, lang: str, rng: random.Random) -> Sentence:
    """One command for ``target`` in ``lang``: a kind drawn by KIND_WEIGHTS among those it can take, then a
    template and (for ``set``) a value within the declared range, all from ``rng``."""
    available = kinds(target)
    if not available:
        raise ValueError(f"{target.id}: a {target.category} takes none of the load test's commands")
    kind = rng.choices(available, [KIND_WEIGHTS[k] for k in available])[0]
    name = target.names.get(lang) or target.id
    attribute: str | None = None
    value: int | None = None
    if kind in ("on", "off"):
        table = _CURTAIN if target.category == "curtain" else _ON_OFF
        template = rng.choice(table[lang][kind])
    elif kind == "set":
        attribute = rng.choice([a for a in SETTABLE if a in target.ranges])
        low, high, step = target.ranges[attribute]
        value = rng.randrange(low, high + 1, max(1, step))
        template = rng.choice(_SET[attribute][lang])
    elif kind == "step":
        attribute = rng.choice([a for a in _STEP if a in target.ranges])
        template = rng.choice(_STEP[attribute][lang][rng.choice(("up", "down"))])
    else:
        attribute = rng.choice(_asked(target))
        template = rng.choice(_QUERY[attribute][lang])
    text = template.replace("{n}", name).replace("{v}", "" if value is None else str(value))
    if lang == "fr":
        text = _french(text, name, target.category)
    return Sentence(kind, attribute, lang, text, value)


def languages(value: str) -> tuple[str, ...]:
    """A ``--lang`` value (``zh,en,fr`` or a part of it) as a tuple; ValueError naming a language it lacks."""
    chosen = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [lang for lang in chosen if lang not in LANGS]
    if unknown or not chosen:
        raise ValueError(f"unknown language {unknown[0]!r}; give some of {','.join(LANGS)}" if unknown
                         else f"no language given; give some of {','.join(LANGS)}")
    return chosen
