"""Plan: an intent and its devices -> the steps (directives) to send, each checked against what the device
registered (an action it lacks or a value out of its range is refused here, without a round trip)."""

from __future__ import annotations

from dataclasses import replace

from hub.conversation.choice import oldest_first
from hub.conversation.model import MODE_FALLBACK, READING, SECURE_CATEGORIES, Outcome, Session, Step, has
from hub.conversation.resolve import Resolver, attribute_for
from hub.directory import DeviceRecord, Directory
from hub.nlu import Intent
from hub.protocol import ErrorCode
from hub.protocol.vocabulary import adjust_action_for, set_action_for

COOLING = frozenset({"aircondition"})
"""Kinds of device that answer "it's too hot" by running (an air conditioner that is off is turned on)."""


POWERED = frozenset({"brightness", "temperature"})
"""What a wish asks more or less of, that a device which is off gives by being turned on (light, warmth)."""


class Planner:
    """Turns intents into checked steps on the home's devices."""

    def __init__(self, directory: Directory) -> None:
        self.resolver = Resolver(directory)

    def plan(self, intent: Intent, memory: Session | None = None) -> Outcome:
        """The checked steps of ``intent`` on the devices it means (``memory``: the conversation's), or the
        problem that stops it (no such device, which one?, no value)."""
        outcome = Outcome(intent)
        if intent.action == "again":
            outcome.problem = "nothing_to_repeat"
            return outcome
        devices = self.resolver.resolve(intent, outcome, memory)
        if outcome.problem is not None:
            return outcome
        if len(devices) > 1 and opens_a_lock(intent, devices):  # never the code to several devices at once
            outcome.problem, outcome.candidates = "which_lock", oldest_first(devices)
            return outcome
        if intent.action == "set" and intent.value is None:
            outcome.problem, outcome.candidates = "no_value", devices
            return outcome
        if intent.implicit:
            outcome.steps = self._wish(intent, devices)
            if outcome.steps:
                return outcome
            intent = outcome.intent = replace(intent, action="query", attribute=None, value=None, implicit=False,
                                              quantifier="plain")  # nothing to do: say how things are
        outcome.steps = [self._step(intent, record) for record in devices]
        # In a group, leave out devices that simply cannot do it ("turn off the living room" skips sensors).
        if len(outcome.steps) > 1 and intent.target.devices == ():
            able = [s for s in outcome.steps if s.error != ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION]
            if able:
                outcome.steps = able
        return outcome

    def _step(self, intent: Intent, record: DeviceRecord) -> Step:
        kind = intent.action
        category = record.category
        if kind in ("up", "down") and category == "curtain" and intent.value is None and intent.attribute is None:
            kind = "on" if kind == "up" else "off"  # raising the blinds opens them
        if intent.attribute == "volume" and kind in ("on", "off"):  # "turn off the sound", "电视关掉声音": mute
            kind = "unmute" if kind == "on" else "mute"
        if intent.attribute == "swing" and kind in ("on", "off", "pause"):  # "stop the fan oscillating"
            on = kind == "on"
            return self._check(Step(record, f"swing_{'on' if on else 'off'}", "OpenSwing" if on else "CloseSwing",
                                    "swing", "on" if on else "off"))
        if kind in ("on", "off"):
            if category == "fingerprintlock":
                kind = "unlock" if kind == "on" else "lock"
            else:
                return self._power(kind, record)
        if kind == "lock":
            return self._check(Step(record, kind, "Lock"))
        if kind == "unlock":
            step = Step(record, kind, "Unlock", "code" if intent.code else None, intent.code)
            if category == "fingerprintlock" and not intent.code:
                step.error, step.detail = ErrorCode.INVALIDATE_PARAMS, "need_code"
                return step
            return self._check(step)
        if kind in ("pause", "continue"):
            return self._check(Step(record, kind, "Pause" if kind == "pause" else "Continue"))
        if kind in ("mute", "unmute"):
            return self._check(Step(record, kind, "SetMute" if kind == "mute" else "CancelMute"))
        if kind in ("next", "previous"):
            return self._check(Step(record, "up" if kind == "next" else "down",
                                    adjust_action_for("channel", kind == "next") or "", "channel"))
        if kind == "query":
            attribute = intent.attribute
            target = intent.target
            if not (target.devices or target.categories) and category != "sensor" and has(
                    record, READING.get(attribute or "", "")):
                attribute = READING[attribute]  # type: ignore[index]  # a room's humidity, read by its humidifier
            return Step(record, kind, "Query", attribute)
        attribute = attribute_for(intent, record)
        if attribute is None:
            return Step(record, kind, "", intent.attribute, None, ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION)
        if intent.attribute == "warmth" and attribute == "colorTemperature":  # a warmer light is a lower one
            kind = {"up": "down", "down": "up"}.get(kind, kind)
        if kind == "set":
            return self._set(intent, record, attribute)
        if kind in ("up", "down"):
            action = adjust_action_for(attribute, kind == "up") or ""
            by = intent.value if isinstance(intent.value, int | float) else None  # "调高两度": by 2; else the default
            return self._check(Step(record, kind, action, attribute, by))
        return Step(record, kind, "", attribute, None, ErrorCode.INVALIDATE_CONTROL_ORDER)

    def _wish(self, intent: Intent, devices: list[DeviceRecord]) -> list[Step]:
        """A wish acts on how the home is, not on every device it could mean: "too dark" turns on a lamp that is
        off and brightens one that is on; "too bright" dims only the lamps that are lit; "I'm cold" turns on a
        heater but never an air conditioner that is off, "it's hot" turns one on. None when no device can help."""
        steps = []
        for record in devices:
            off = record.state.get("powerstate") == "off"
            cools = record.category in COOLING and intent.attribute == "temperature"
            if not off or intent.action == "on" or intent.attribute not in POWERED:
                step = self._step(replace(intent, implicit=False), record)
            elif intent.action == ("down" if cools else "up"):
                step = self._power("on", record)
            else:
                continue  # a lamp that is off is not too bright; an air conditioner off warms no one
            if step.error != ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION:
                steps.append(step)
        return steps

    def _power(self, kind: str, record: DeviceRecord) -> Step:
        on = kind == "on"
        action = "TurnOn" if on else "TurnOff"
        if record.category == "curtain":
            return self._check(Step(record, "open" if on else "close", action, "powerstate", "on" if on else "off"))
        if record.category == "roboticvacuum":
            return self._check(Step(record, "clean" if on else "dock", action))
        return self._check(Step(record, kind, action, "powerstate", "on" if on else "off"))

    def _set(self, intent: Intent, record: DeviceRecord, attribute: str) -> Step:
        action = set_action_for(attribute) or ""
        value = intent.value
        if intent.unit == "percent" and attribute in ("temperature", "channel", "windspeed"):
            return Step(record, "set", action, attribute, value, ErrorCode.INVALIDATE_PARAMS)
        spec = record.info.spec(attribute)
        if attribute == "mode" and spec is not None and value not in spec.enum_values:
            value = MODE_FALLBACK.get(str(value), value)
        return self._check(Step(record, "set", action, attribute, value), validate=True)

    @staticmethod
    def _check(step: Step, *, validate: bool = False) -> Step:
        """Refuse, without sending, what the device's registration says it cannot do or take."""
        info = step.device.info
        if not step.action or step.action not in info.actions:
            step.error = ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION
            return step
        if validate and step.attribute:
            spec = info.spec(step.attribute)
            if spec is not None and step.value is not None:
                try:
                    spec.coerce(step.value)
                except ValueError as exc:
                    step.error, step.detail = ErrorCode.INVALIDATE_PARAMS, str(exc)
        return step


def opens_a_lock(intent: Intent, devices: list[DeviceRecord]) -> bool:
    """Whether an order would open a lock among ``devices`` (or hand any of them a code)."""
    if intent.code:
        return True
    return intent.action in ("unlock", "on") and any(r.category in SECURE_CATEGORIES for r in devices)
