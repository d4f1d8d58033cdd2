"""How the replies name things: devices and places, properties and their values, in the reply's language."""


import re
from collections.abc import Collection
from dataclasses import dataclass

from hub.conversation.model import (
    VALUE_UNITS,
    Step,
)
from hub.directory import DeviceRecord, Directory
from hub.nlu import Lexicon, speech
from hub.protocol import (
    COLORS,
    PropertySpec,
    PropertyValue,
    Response,
)
from hub.protocol.vocabulary import DEFAULT_STEPS

# ---------------------------------------------------------------------- replies

_HEX = re.compile(r"#[0-9A-F]{6}")
_NUMBER_FIRST = re.compile(r"[-+]?\d")


@dataclass(frozen=True)
class Named:
    """How a reply names a set of devices: bare ("台灯", "desk lamp"), with its article ("the desk lamp",
    "la lampe de bureau"), and the ending a French participle takes after it."""

    text: str
    the: str
    agr: str
    many: bool = True
    """Whether it is said as plural ("the bedroom curtains are", "les rideaux sont")."""

    def args(self, lex: Lexicon) -> dict[str, str]:
        """The template arguments that name the target: target, the_target, agr, of_target, be."""
        return {"target": self.text, "the_target": self.the, "agr": self.agr,
                "of_target": speech.of_place(lex, self.text), "be": speech.be(lex, 2 if self.many else 1)}


def place_of(record: DeviceRecord, lang: str) -> str:
    """The name of a device's room in ``lang`` (its id when it has none)."""
    return record.info.zone_names.display(lang) or record.room


def room_name(directory: Directory, room: str, lang: str) -> str:
    """A room's name in ``lang``, as its devices registered it (its id when none did)."""
    names = next((r.info.zone_names for r in directory.in_rooms((room,))), None)
    return (names.display(lang) if names else "") or room


def target_phrase(lex: Lexicon, records: list[DeviceRecord], directory: Directory) -> Named:
    """How to name a set of devices: "台灯", "客厅的两盏灯", "the two lights in the living room", "4 devices"."""
    lang = lex.lang
    if len(records) == 1:
        name = records[0].name(lang)
        return Named(name, speech.the_place(lex, name), speech.agreement(lex, [name]), speech.plural(lex, name))
    categories = {r.category for r in records}
    rooms = {r.room for r in records}
    if len(categories) == 1:
        category = next(iter(categories))
        plural = speech.agreement(lex, [lex.noun(category, True)])
        if len(rooms) == 1:
            text = speech.group(lex, category, len(records), place_of(records[0], lang))
            return Named(text, text, plural)
        if len(records) > 3:
            text = speech.group(lex, category, len(records), None)
            return Named(text, text, plural)
    if len(records) > 4:
        text = lex.replies["devices_count"].format(count=len(records))
        return Named(text, text, speech.agreement(lex, [lex.noun("device", True)]))
    names = [r.name(lang) for r in records]
    return Named(speech.join(lex, names), speech.join(lex, [speech.the_place(lex, n) for n in names]),
                 speech.agreement(lex, names))


def format_value(lex: Lexicon, attribute: str | None, value: PropertyValue | None,
                 spec: PropertySpec | None = None) -> str:
    """A property value as spoken: 26 -> "26度" / "26 degrees", cold -> "制冷", #FF0000 -> "红色", a fan speed
    of 3 -> "高档" / "high" (``spec``: the device's, which says whether its levels are the words' three)."""
    if value is None:
        return ""
    units = lex.replies["units"]
    if attribute == "mode":
        return lex.display(lex.modes, str(value))
    if attribute == "color":
        return lex.display(lex.colors, color_name(str(value), lex.colors))
    if attribute == "windspeed":
        said = speed_word(lex, value, spec)
        if said is not None:
            return said
    if isinstance(value, str):
        return str(lex.replies["property_values"].get(value, value))
    if isinstance(value, bool):
        return str(lex.replies["property_values"].get("on" if value else "off"))
    unit = VALUE_UNITS.get(attribute or "", "")
    number = int(value) if isinstance(value, float) and value == int(value) else value
    mark = str(lex.grammar.get("decimal_mark", "."))  # "20,9 degrés"
    return f"{number}".replace(".", mark) + str(units.get(unit, unit))


def color_name(rgb: str, said: Collection[str]) -> str:
    """The name of the colour ``rgb`` is (CSS's name, ``COLORS``), or of the nearest one among those with words in
    ``said``: a lamp set to #00A000 is said to be green, as a person would say it."""
    text = rgb.strip().upper()
    named = next((name for name, known in COLORS.items() if known == text and name in said), None)
    if named is not None or not _HEX.fullmatch(text) or not said:
        return named or rgb
    red, green, blue = (int(text[i:i + 2], 16) for i in (1, 3, 5))

    def distance(known: str) -> int:
        return sum((a - int(known[i:i + 2], 16)) ** 2 for a, i in ((red, 1), (green, 3), (blue, 5)))

    return min((name for name in COLORS if name in said), key=lambda name: distance(COLORS[name]))


def speed_word(lex: Lexicon, value: PropertyValue, spec: PropertySpec | None) -> str | None:
    """A fan speed as a word (``replies.speeds``): a level where the device's levels are exactly the words'
    (1 to 3: low, medium, high), a word it takes (auto) always; None to say it as a number."""
    words = {str(key): str(word) for key, word in lex.replies.get("speeds", {}).items()}
    said = words.get(str(value))
    if said is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return said
    levels = sorted(int(key) for key in words if key.isdigit())
    fits = spec is None or (spec.min, spec.max) == (levels[0], levels[-1])
    return said if fits else None


def said_as_word(text: str) -> bool:
    """Whether a value was said as a word ("élevée", "vert"), not as a number ("26 degrés")."""
    return not _NUMBER_FIRST.match(text)


def property_name(lex: Lexicon, attribute: str | None) -> str:
    """How a reply names a property ("温度", "the temperature"); empty for None."""
    if attribute is None:
        return ""
    base = {"currentTemperature": "temperature", "currentHumidity": "humidity"}.get(attribute, attribute)
    return lex.display(lex.properties, base)


def result_value(step: Step) -> PropertyValue | None:
    """What a change left the property at: the value asked for, or what the device says it now is
    ("max" -> 100, a step up -> the new level)."""
    if step.kind == "set" and isinstance(step.value, int | float) and not isinstance(step.value, bool):
        return step.value  # a curtain still moving reports where it is, not where it goes
    if isinstance(step.response, Response) and step.attribute:
        said = {p.name: p.value for p in step.response.payload.properties}
        now = said.get(step.attribute)
        moving = said.get("motion") in ("opening", "closing")
        if moving and isinstance(now, int | float) and step.kind in ("up", "down"):
            return moving_to(step, now)
        if now is not None:
            return now
    return step.value


def moving_to(step: Step, now: float) -> float:
    """Where a moving device is going after a step up or down (it reports where it still is)."""
    spec = step.device.info.spec(step.attribute or "")
    by = step.value if isinstance(step.value, int | float) else DEFAULT_STEPS.get(step.attribute or "", 1)
    goal = now + by if step.kind == "up" else now - by
    low = spec.min if spec is not None and spec.min is not None else goal
    high = spec.max if spec is not None and spec.max is not None else goal
    return min(high, max(low, goal))
