"""Resolve: which devices an intent is about (named, in a room, of a category, the conversation's last,
the only one able), or why there are none or too many."""

from __future__ import annotations

from hub.conversation.model import (
    ACTION_CATEGORIES,
    ASKING,
    DEFAULT_ATTRIBUTE,
    READING,
    SENSED,
    SWITCHABLE_IN_ROOM,
    UNIT_ATTRIBUTE,
    Outcome,
    Session,
    has,
)
from hub.directory import DeviceRecord, Directory
from hub.nlu import Intent


class Resolver:
    """Finds the devices of the home's directory an intent means."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def resolve(self, intent: Intent, outcome: Outcome, memory: Session | None = None) -> list[DeviceRecord]:
        """The devices an intent is about; sets ``outcome.problem`` when there are none or too many."""
        found = self._resolve(intent, outcome, memory)
        left_out = set(intent.target.exclude)
        if left_out:  # "all the lights except the desk lamp"
            found = [r for r in found if r.id not in left_out and r.category not in left_out and r.room not in left_out]
        return found

    def _resolve(self, intent: Intent, outcome: Outcome, memory: Session | None) -> list[DeviceRecord]:
        target = intent.target
        if target.missing and not (target.devices or target.categories or target.rooms):
            outcome.problem, outcome.problem_args = "no_such", {"name": target.missing[0]}
            return []
        if target.unknown and not target.devices:
            outcome.problem, outcome.problem_args = "no_room", {"room": target.unknown[0]}
            return []
        rooms = set(target.rooms)
        if target.devices:  # looked up, not searched for: a named device costs the same among 10 or 10,000
            chosen = [r for d in dict.fromkeys(target.devices) if (r := self.directory.get(d)) is not None]
            if rooms and chosen and not any(r.room in rooms for r in chosen):
                outcome.problem = "no_device_in_room"
                outcome.problem_args = {"name": chosen[0].id, "room": target.rooms[0]}
                return []
            return chosen
        records = self.directory.all()
        pool = self.directory.in_rooms(rooms) if rooms else records
        if target.categories:
            return self._of_categories(intent, outcome, pool, memory)
        if rooms:
            return self._in_rooms(intent, pool)
        if target.everything and intent.action in ("on", "off"):
            return [r for r in records if r.category in SWITCHABLE_IN_ROOM]
        return self._untargeted(intent, outcome, records, memory)

    def _of_categories(self, intent: Intent, outcome: Outcome, pool: list[DeviceRecord],
                       memory: Session | None) -> list[DeviceRecord]:
        target = intent.target
        found = [r for r in pool if r.category in target.categories]
        close = [r for r in found if r.room in target.near] if not target.rooms else []
        found = close or found  # said to the bedroom's speaker, "关灯" is the bedroom's light
        if not found:
            outcome.problem = "no_device_in_room" if target.rooms else "no_device"
            outcome.problem_args = {"category": target.categories[0],
                                    "room": target.rooms[0] if target.rooms else ""}
            return []
        if len(found) > 1 and not target.rooms and not target.everything and intent.action in ASKING:
            remembered = [r for r in found if memory is not None and r.id in memory.devices]
            if remembered and intent.action not in ("on",):
                return remembered  # "把灯调亮一点" right after speaking of one light: that one
            outcome.problem = "ambiguous"
            outcome.problem_args = {"category": target.categories[0]}
            outcome.candidates = found
            return []
        return found

    def _in_rooms(self, intent: Intent, pool: list[DeviceRecord]) -> list[DeviceRecord]:
        """Devices of the rooms named, without a category: what the action or question is about."""
        attribute = intent.attribute
        if intent.action == "query":
            if attribute in SENSED:
                sensors = [r for r in pool if r.category == "sensor" and has(r, attribute)]  # type: ignore[arg-type]
                if sensors:
                    return sensors
                readings = [r for r in pool if has(r, READING.get(attribute, attribute))]  # type: ignore[arg-type]
                return readings or [r for r in pool if has(r, attribute)]  # type: ignore[arg-type]
            return [r for r in pool if attribute is None or has(r, attribute)]
        if intent.target.everything and intent.action in ("on", "off"):
            return [r for r in pool if r.category in SWITCHABLE_IN_ROOM]
        implied = ACTION_CATEGORIES.get(intent.action)
        if implied:
            return [r for r in pool if r.category in implied]
        lights = [r for r in pool if r.category == "light"]
        if intent.action in ("on", "off"):
            return lights or [r for r in pool if r.category in SWITCHABLE_IN_ROOM]
        if attribute:
            return [r for r in pool if self._able(intent, r)]
        if lights and intent.action in ("set", "up", "down") and intent.unit in (None, "percent"):
            return lights
        return [r for r in pool if attribute_for(intent, r) is not None]

    def _untargeted(self, intent: Intent, outcome: Outcome, records: list[DeviceRecord],
                    memory: Session | None) -> list[DeviceRecord]:
        """No device, room or category said: the question's sensor, the conversation's last devices, the
        only device that can do it."""
        attribute = intent.attribute
        if intent.action == "query" and attribute in SENSED:
            sensors = [r for r in records if r.category == "sensor" and has(r, attribute)]  # type: ignore[arg-type]
            if sensors:
                return sensors
        if memory is not None and memory.devices:
            able = [r for r in records if r.id in memory.devices and self._can(intent, r)]
            if able:
                return able
        implied = ACTION_CATEGORIES.get(intent.action)
        if implied:
            having = [r for r in records if r.category in implied]
            if len(having) == 1 or (having and intent.action in ("lock", "off")):
                return having
        if attribute:  # "声音小点儿": the only device with a volume; "湿度调到60": the only one to set it
            having = [r for r in records if self._able(intent, r)]
            if len(having) == 1:
                return having
            if len(having) > 1:  # "set the fan speed to 1": the AC's, the purifier's or the fan's?
                outcome.problem, outcome.candidates = "ambiguous", having
                return []
        outcome.problem = "no_target"
        return []

    def _able(self, intent: Intent, record: DeviceRecord) -> bool:
        """Whether ``record`` has what a question or change is about."""
        if intent.attribute in ("warmth", "opening"):
            return attribute_for(intent, record) is not None
        return intent.attribute is not None and has(record, intent.attribute) and (
            intent.action == "query" or self._can(intent, record))

    def _can(self, intent: Intent, record: DeviceRecord) -> bool:
        """Whether ``record`` can do what ``intent`` asks (to pick among the conversation's devices)."""
        action = intent.action
        if action in ("query", "on", "off"):
            return action == "query" or "TurnOn" in record.info.actions or record.category == "fingerprintlock"
        if action in ("lock", "unlock"):
            return record.category == "fingerprintlock"
        if action in ("set", "up", "down"):
            attribute = attribute_for(intent, record)
            spec = record.info.spec(attribute) if attribute else None
            return spec is not None and spec.writable
        if action in ("next", "previous"):
            return has(record, "channel")
        names = {"pause": "Pause", "continue": "Continue", "mute": "SetMute", "unmute": "CancelMute"}
        return names.get(action, "") in record.info.actions


def attribute_for(intent: Intent, record: DeviceRecord) -> str | None:
    """The property of ``record`` an intent changes or asks about (a bare "warmer", "set to 20", "open a bit")."""
    if intent.attribute == "warmth":  # warmer: the temperature of a climate device, the colour of a light
        return next((a for a in ("temperature", "colorTemperature") if has(record, a)), None)
    if intent.attribute == "opening":  # "打开一点": a curtain a little more open, a lamp a little brighter
        return "position" if has(record, "position") else DEFAULT_ATTRIBUTE.get(record.category)
    if intent.attribute:
        return intent.attribute
    if intent.unit in UNIT_ATTRIBUTE:  # "22 degrees" is a temperature or nothing: never a lamp's brightness
        return next((c for c in UNIT_ATTRIBUTE[intent.unit] if has(record, c)), None)
    if intent.action == "set" and record.category == "television" and intent.unit is None and isinstance(
            intent.value, int | float):
        return "channel"  # "电视调到十": a channel; "à fond": the volume
    return DEFAULT_ATTRIBUTE.get(record.category)
