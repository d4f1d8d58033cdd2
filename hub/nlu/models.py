"""What understanding produces: intents with their targets and values, or a reason it could not."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.protocol import PropertyValue

ACTIONS = ("on", "off", "set", "up", "down", "query", "pause", "continue", "lock", "unlock", "mute", "unmute")


@dataclass(frozen=True)
class Target:
    """What a command is about: named devices, or categories and rooms, or the whole home."""

    devices: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    everything: bool = False
    """An "all"/"every"/"所有" word was said."""

    @property
    def empty(self) -> bool:
        return not (self.devices or self.rooms or self.categories)


@dataclass(frozen=True)
class Intent:
    """One thing to do: an abstract action, on an attribute, with a value, to a target."""

    action: str
    target: Target
    attribute: str | None = None
    value: PropertyValue | None = None
    unit: str | None = None
    """Unit kind said with the number: percent, degree, level or channel (guides the attribute)."""
    code: str | None = None
    """A spoken unlock code."""


@dataclass
class Understanding:
    """The result of understanding one utterance."""

    text: str
    lang: str
    intents: list[Intent] = field(default_factory=list)
    problem: str | None = None
    """None, or why there is no intent: "wake" (only a wake word), "empty", "not_understood"."""
