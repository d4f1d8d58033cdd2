"""The understanding benchmark's mapping (see ``bench/understanding.py``): a Home Assistant fixture home set up
as ours, our interpretation as Home Assistant's intent and slots, and the judging of an interpretation (ours or
hassil's) against a test case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hub.conversation import DEFAULT_ATTRIBUTE, UNIT_ATTRIBUTE
from hub.nlu import Catalog, CatalogDevice, Intent
from hub.nlu.models import Target

SUPPORTED = ("HassTurnOn", "HassTurnOff", "HassLightSet", "HassClimateSetTemperature", "HassClimateGetTemperature",
             "HassGetState", "HassSetPosition", "HassVacuumStart", "HassVacuumReturnToBase", "HassMediaPause",
             "HassMediaUnpause", "HassMediaNext", "HassMediaPrevious", "HassSetVolume")
"""Their intents we map ours to. Not supported: HassMediaSearchAndPlay (the hub plays no media library)."""

CURTAIN_CLASSES = ("curtain", "shade", "blind", "shutter", "awning")
"""Home Assistant cover classes that are our ``curtain``; garage doors, gates, doors and windows are not modelled."""
SENSED_CLASSES = (None, "temperature", "humidity", "pm25")
"""Sensor classes our ``sensor`` category measures (None: a plain reading such as an outside temperature)."""

CATEGORY = {"light": "light", "switch": "switch", "fan": "fan", "cover": "curtain", "climate": "aircondition",
            "lock": "fingerprintlock", "media_player": "television", "vacuum": "roboticvacuum", "sensor": "sensor"}
"""Home Assistant domain -> our category (for the domains we model)."""
DOMAIN = {category: domain for domain, category in CATEGORY.items()}

ATTRIBUTES = {
    "light": ("powerstate", "brightness", "color", "colorTemperature"),
    "switch": ("powerstate",),
    "fan": ("powerstate", "windspeed", "mode"),
    "curtain": ("powerstate", "position"),
    "aircondition": ("powerstate", "temperature", "mode", "windspeed", "currentTemperature"),
    "fingerprintlock": ("lockstate",),
    "television": ("powerstate", "volume", "channel", "mute"),
    "roboticvacuum": ("powerstate", "status", "battery"),
    "sensor": ("temperature", "humidity", "pm2.5"),
}
"""The properties a device of each category has (as our simulated devices register them)."""

COLOR_NAMES = {"Red": "red", "Orange": "orange", "Yellow": "yellow", "Green": "green", "Cyan": "cyan",
               "Blue": "blue", "Purple": "purple", "Pink": "pink", "White": "white"}
STATE_NAMES = {"curtain": {"on": "open", "off": "closed", "open": "open", "closed": "closed"},
               "fingerprintlock": {"locked": "locked", "unlocked": "unlocked"}}


# ---------------------------------------------------------------------------- the fixture home as ours


@dataclass
class Home:
    """One language's fixture home set up as ours: the catalog, and how to speak of it in their terms."""

    lang: str
    catalog: Catalog = field(default_factory=Catalog)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Our device id (their uid) -> their entity."""
    area_names: dict[str, str] = field(default_factory=dict)
    floor_names: dict[str, str] = field(default_factory=dict)


def modelled(entity: dict[str, Any]) -> bool:
    """Whether our hub models this kind of entity (see the module docstring)."""
    domain, device_class = entity["domain"], entity.get("device_class")
    if domain not in CATEGORY:
        return False
    if domain == "cover":
        return device_class in (None, *CURTAIN_CLASSES)
    if domain == "sensor":
        return device_class in SENSED_CLASSES
    return True


def build_home(lang: str, fixture: dict[str, Any], context_areas: set[str]) -> Home:
    """Their fixture home as one of ours; ``context_areas`` are speaker areas their tests use but the
    fixture lacks (the README says to add them)."""
    home = Home(lang)
    catalog = home.catalog
    for area in fixture["areas"]:
        catalog.add_room(area["id"], {lang: [area["name"]]})
        home.area_names[area["id"]] = area["name"]
    for area in sorted(context_areas - set(home.area_names.values())):
        catalog.add_room(area, {lang: [area]})
        home.area_names[area] = area
    for floor in fixture.get("floors", []):
        rooms = tuple(a["id"] for a in fixture["areas"] if a.get("floor") == floor["id"])
        catalog.add_floor(floor["id"], {lang: [floor["name"]]}, rooms)
        home.floor_names[floor["id"]] = floor["name"]
    for entity in fixture["entities"]:
        if not modelled(entity):
            continue
        category = CATEGORY[entity["domain"]]
        catalog.add_device(CatalogDevice(id=entity["uid"], category=category, room=entity.get("area") or "",
                                         attributes=frozenset(ATTRIBUTES[category]), actions=frozenset()),
                           {lang: list(entity["names"])})
        home.entities[entity["uid"]] = entity
    return home


# ---------------------------------------------------------------------------- ours -> theirs


def _categories(target: Target, home: Home) -> list[str]:
    """The categories a target is about: its devices', its own, or (a room alone) what is in the room."""
    if target.devices:
        return [home.catalog.devices[d].category for d in target.devices if d in home.catalog.devices]
    return list(target.categories)


def _attribute(intent: Intent, target: Target, home: Home) -> str | None:
    """The property a set command changes, as our speaker picks it (``hub.conversation``)."""
    if intent.attribute:
        return intent.attribute
    categories = _categories(target, home) or (["light"] if target.rooms or target.floors or target.here
                                               or target.empty else [])
    if intent.unit == "degree":
        return "temperature"
    for category in categories:
        if intent.unit in UNIT_ATTRIBUTE:
            for candidate in UNIT_ATTRIBUTE[intent.unit]:
                if candidate in ATTRIBUTES.get(category, ()):
                    return candidate
        if category in DEFAULT_ATTRIBUTE:
            return DEFAULT_ATTRIBUTE[category]
    return None


def _room_categories(target: Target, home: Home, action: str) -> list[str]:
    """What a room (or floor) said alone is about, as our speaker resolves it: its lights when it has some
    (on/off, a percentage), its locks (lock/unlock)."""
    if action in ("lock", "unlock"):
        return ["fingerprintlock"]
    rooms = set(target.rooms) | home.catalog.rooms_of(target.floors)
    if target.here or not rooms:
        return ["light"]
    has_lights = any(d.category == "light" and d.room in rooms for d in home.catalog.devices.values())
    return ["light"] if has_lights else []


def _hass_intent(intent: Intent, home: Home) -> str | None:
    target = intent.target
    categories = _categories(target, home)
    action = intent.action
    if action in ("up", "down") and intent.value is None and categories and set(categories) <= {"curtain"}:
        action = "on" if action == "up" else "off"  # raising the blinds opens them
    if action in ("on", "off") and categories and set(categories) <= {"roboticvacuum"}:
        return "HassVacuumStart" if action == "on" else "HassVacuumReturnToBase"
    if action in ("on", "off", "lock", "unlock"):
        if (categories and set(categories) <= {"fingerprintlock"}) or action in ("lock", "unlock"):
            return "HassTurnOn" if action in ("off", "lock") else "HassTurnOff"  # HA: "on" locks a lock
        return "HassTurnOn" if action == "on" else "HassTurnOff"
    if action == "query":
        if intent.attribute == "temperature" and intent.quantifier == "plain" and (
                not categories or set(categories) <= {"aircondition"}):
            return "HassClimateGetTemperature"
        return "HassGetState"
    media = {"pause": "HassMediaPause", "continue": "HassMediaUnpause", "next": "HassMediaNext",
             "previous": "HassMediaPrevious"}
    if action in media:
        return media[action]
    attribute = _attribute(intent, target, home)
    if action in ("up", "down") and attribute == "channel":
        return "HassMediaNext" if action == "up" else "HassMediaPrevious"
    if action == "set":
        return {"brightness": "HassLightSet", "color": "HassLightSet", "colorTemperature": "HassLightSet",
                "temperature": "HassClimateSetTemperature", "position": "HassSetPosition",
                "volume": "HassSetVolume"}.get(attribute or "")
    return None


def _value_slots(intent: Intent, attribute: str | None) -> dict[str, Any]:
    value = intent.value
    if attribute == "brightness" and value in ("max", "min"):
        value = 100 if value == "max" else 1
    if attribute == "position" and value in ("max", "min"):
        value = 100 if value == "max" else 0
    if attribute == "color":
        return {"color": COLOR_NAMES.get(str(value), str(value).lower())}
    names = {"brightness": "brightness", "temperature": "temperature", "position": "position",
             "volume": "volume_level"}
    return {names[attribute]: value} if attribute in names else {}


def to_home_assistant(intents: list[Intent], home: Home, context: dict[str, Any]) -> tuple[str | None, dict]:
    """Our interpretation as Home Assistant's (intent name, slots); (None, {}) if it has no equivalent."""
    if len(intents) != 1:
        return None, {}
    intent = intents[0]
    name = _hass_intent(intent, home)
    if name is None:
        return None, {}
    target = intent.target
    slots: dict[str, Any] = {}
    if target.devices:
        entities = [home.entities[d] for d in target.devices if d in home.entities]
        slots["name"] = {n for e in entities for n in e["names"]}
        slots["domain"] = {e["domain"] for e in entities}
        slots["device_class"] = {e.get("device_class") for e in entities}
    elif target.categories:
        slots["domain"] = {DOMAIN.get(c, c) for c in target.categories}
        if "curtain" in target.categories:
            slots["device_class"] = set(CURTAIN_CLASSES)
    elif (target.rooms or target.floors or target.here) and intent.action in ("on", "off", "lock", "unlock"):
        slots["domain"] = {DOMAIN[c] for c in _room_categories(target, home, intent.action)}
    if target.rooms or target.near:  # near: the speaker's room, where the hub looks first (and finds one)
        slots["area"] = {home.area_names.get(r, r) for r in target.rooms or target.near}
    if target.floors:
        slots["floor"] = {home.floor_names.get(f, f) for f in target.floors}
    if intent.action == "query" and intent.state:
        category = _categories(target, home)[:1]
        table = STATE_NAMES.get(category[0], {}) if category else {}
        slots["state"] = {table.get(intent.state, intent.state)}
    if intent.action == "set":
        slots.update(_value_slots(intent, _attribute(intent, target, home)))
    return name, slots


# ---------------------------------------------------------------------------- judging


TARGET_SLOTS = ("name", "area", "floor", "state")


def _same(actual: Any, expected: Any) -> bool:
    wanted = expected if isinstance(expected, list) else [expected]
    got = list(actual) if isinstance(actual, set | list | tuple) else [actual]
    for value in got:
        for want in wanted:
            if isinstance(want, int | float) and not isinstance(want, bool):
                try:
                    if abs(float(value) - float(want)) < 1e-6:
                        return True
                except (TypeError, ValueError):
                    continue
            elif str(value).casefold() == str(want).casefold():
                return True
    return False


def judge(case: dict[str, Any], intent: str | None, slots: dict[str, Any]) -> bool:
    """Whether an interpretation (ours or hassil's) is the expected intent with the expected slots."""
    if intent != case["intent"]:
        return False
    expected = case["slots"]
    for key, value in expected.items():
        if key == "name" and value == "all":  # every entity the other slots match: no name, or "all" (hassil's)
            if "name" in slots and not _same(slots["name"], "all"):
                return False
            continue
        if key not in slots or not _same(slots[key], value):
            return False
    return all(key in expected for key in TARGET_SLOTS if key in slots and slots[key] not in ({None}, set()))


def supported(case: dict[str, Any], home: Home) -> bool:
    """Whether a case is about intents and things our home model has (see the module docstring)."""
    if case["intent"] not in SUPPORTED:
        return False
    slots = {**case.get("context", {}), **case["slots"]}
    names = {n.casefold() for e in home.entities.values() for n in e["names"]}
    if "name" in case["slots"] and case["slots"]["name"] != "all":
        wanted = case["slots"]["name"] if isinstance(case["slots"]["name"], list) else [case["slots"]["name"]]
        if not any(str(n).casefold() in names for n in wanted):
            return False
    if slots.get("domain") and slots["domain"] not in CATEGORY:
        return False
    classes = slots.get("device_class")
    if classes and slots.get("domain") in ("cover", None) and not any(
            c in CURTAIN_CLASSES for c in (classes if isinstance(classes, list) else [classes])):
        return False
    return not (slots.get("domain") == "sensor" and classes not in SENSED_CLASSES)
