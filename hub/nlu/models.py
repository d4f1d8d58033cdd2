"""What understanding produces: intents with their targets and values, or a reason it could not."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hub.protocol import PropertyValue

ACTIONS = ("on", "off", "set", "up", "down", "query", "pause", "continue", "lock", "unlock", "mute", "unmute",
           "next", "previous", "again")
"""Abstract actions. ``again`` repeats the last change; ``next``/``previous`` skip on a media device."""

QUANTIFIERS = ("plain", "which", "count", "any", "all")

UTTERANCE_KINDS = ("order", "question", "wish", "negation", "small_talk", "answer", "unknown")
"""What an utterance is, read before anything is planned (``Understanding.kind``)."""

TALK = ("thanks", "hello", "how_are_you", "who", "help", "bye", "cancel", "yes")
"""Small talk the hub answers without acting ("谢谢", "what can you do", "laisse tomber", "yes")."""
"""What a question asks of the devices it is about: their state, which, how many, any, all."""


@dataclass(frozen=True)
class Target:
    """What a command is about: named devices, or categories in rooms or floors, or the whole home."""

    devices: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    everything: bool = False
    """An "all"/"every"/"所有" word was said."""
    floors: tuple[str, ...] = ()
    here: bool = False
    """"here", "in this room", "ici", "这里": the room of the speaker that heard it."""
    unknown: tuple[str, ...] = ()
    """Places named that the home does not have ("车库" in a home without a garage)."""
    home: bool = False
    """The whole home was said outright ("in the house", "partout", "全屋"), not just "all"."""
    missing: tuple[str, ...] = ()
    """Words that seem to name a device the home does not have ("the jacuzzi", "吸尘器")."""
    exclude: tuple[str, ...] = ()
    """Devices, categories and rooms said after "except" / "除了" / "sauf": left out ("except the bedroom one")."""
    near: tuple[str, ...] = ()
    """The room of the speaker that heard it, when the words said none: a kind of device is looked for there
    first (asking "which one?" among several there), then in the whole home (``conversation.where``)."""

    @property
    def empty(self) -> bool:
        """Nothing at all was said about what to act on."""
        return not (self.devices or self.rooms or self.categories or self.floors or self.unknown
                    or self.everything or self.here or self.missing)

    def merged(self, other: Target) -> Target:
        """This target completed by ``other`` (an answer such as "客厅的" to "which light?")."""
        return replace(
            self,
            devices=other.devices or self.devices,
            rooms=other.rooms or self.rooms,
            floors=other.floors or self.floors,
            categories=self.categories if other.devices else (other.categories or self.categories),
            everything=self.everything or other.everything,
            here=self.here or other.here,
            unknown=other.unknown or self.unknown,
            home=self.home or other.home,
            missing=other.missing if (other.missing or other.devices or other.categories) else self.missing,
            exclude=self.exclude + other.exclude,
        )


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
    state: str | None = None
    """For a question: the state asked about (on, off, open, closed, locked, unlocked)."""
    quantifier: str | None = None
    """For a question: plain, which, count, any or all (see ``QUANTIFIERS``)."""
    implicit: bool = False
    """A wish rather than an order ("太热了", "it's too dark"): any explicit command overrides it."""


@dataclass
class Understanding:
    """The result of understanding one utterance."""

    text: str
    lang: str
    intents: list[Intent] = field(default_factory=list)
    problem: str | None = None
    """None, or why there is no intent: "wake" (only a wake word), "empty", "not_understood", or
    "declined" (an order said not to be given: "不要开灯", "don't turn on the tv"), "small_talk" ("谢谢")."""
    fragment: Intent | None = None
    """When there is no intent: what was said anyway (a target, a value, a code), with action "answer".

    It completes a question the speaker asked ("客厅的" after "which light?", "123456" after "the code?").
    """
    talk: str | None = None
    """problem "small_talk": which (one of ``TALK``)."""
    meant: Understanding | None = None
    """A one-letter slip read as meant ("turn of the desk lamp" -> "turn off the desk lamp"): the hub asks
    "do you mean …?" and acts only on a yes."""

    @property
    def kind(self) -> str:
        """What the utterance is (one of ``UTTERANCE_KINDS``): a question only asks, a wish acts on how the
        home is, a negation or small talk never acts."""
        if self.intents:
            if all(i.action == "query" for i in self.intents):
                return "question"
            return "wish" if all(i.implicit for i in self.intents) else "order"
        if self.problem == "declined":
            return "negation"
        if self.problem == "small_talk":
            return "small_talk"
        return "answer" if self.fragment is not None else "unknown"
