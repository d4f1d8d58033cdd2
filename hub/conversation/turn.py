"""One turn of a conversation: a text is read once, dispatched by kind, carried out, and answered.

``Conversation.hear`` is the whole turn. ``hub.nlu.reading.read`` reads the text (once) and says what kind of
turn it is, in the hub's order of precedence; ``_dispatch`` hands each kind to the part that carries it out:
a scene or a scene/timer request or a timed order to ``Schedule``, a device order, question or answer to the
``Speaker`` (resolve -> plan -> act -> reply). Every reply leaves here with any unlock code it says starred.
"""

from __future__ import annotations

from typing import cast

from hub.automation.engine import Automation
from hub.automation.models import Scene, Speaking
from hub.conversation.model import DEFAULT_SESSION
from hub.conversation.orders import Speaker, codes_of
from hub.conversation.redact import hidden
from hub.conversation.schedule import Schedule, title
from hub.language import Lang
from hub.nlu import detect_language, load_lexicon, speech, understand
from hub.nlu.reading import Reading, read
from hub.nlu.requests import SceneIndex, find_scene, scene_index
from hub.protocol import CommandResult


class Conversation:
    """Every conversation of one hub: hears a text, answers it, and remembers what it needs to."""

    def __init__(self, speaker: Speaker, automation: Automation) -> None:
        self.speaker = speaker
        self.automation = automation
        self.schedule = Schedule(automation, speaker)
        self._scenes: SceneIndex | None = None
        self._scenes_version = -1

    def scenes(self) -> SceneIndex:
        """The home's scenes as utterances are compared with them (rebuilt when a scene changes)."""
        version = self.automation.scenes_version
        if self._scenes is None or version != self._scenes_version:
            scenes = self.automation.scenes()
            self._scenes = scene_index((s.id, s.names.all()) for s in scenes)
            self._scenes_version = version
        return self._scenes

    def read(self, text: str, lang: str | None = None, session: str = DEFAULT_SESSION,
             default: str | None = None) -> Reading:
        """Read ``text`` once (``lang``: the language asked for; else detected, or the conversation's, or the
        speaker's ``default``)."""
        memory = self.speaker.sessions.get(session)
        fallback = (memory.lang if memory is not None else None) or default
        return read(text, self.speaker.catalog(), self.scenes(), self.automation.now(), lang, fallback)

    async def hear(self, text: str, lang: str | None = None, session: str = DEFAULT_SESSION,
                   speaker: Speaking | None = None) -> CommandResult:
        """Carry out ``text`` and say what happened; ``session`` keys the conversation (its memory); ``speaker``
        is the speaker it was said to (its room places the orders; its timers announce there)."""
        reading = self.read(text, lang, session, speaker.language if speaker else None)
        result = await self._dispatch(reading, lang, session, speaker)
        return hidden(result, codes_of(reading.understanding) if reading.kind != "order" else ())

    async def _dispatch(self, reading: Reading, forced: str | None, session: str,
                        speaker: Speaking | None = None) -> CommandResult:
        """The turn by kind, in the order of precedence ``read`` settled."""
        room = speaker.room if speaker is not None else None
        if reading.kind == "scene":
            scene = self.automation.scene(reading.scene or "")
            assert scene is not None  # the index holds only scenes the automation has
            return await self.schedule.run_scene(scene, forced or reading.scene_lang or reading.lang, reading.text)
        if reading.kind == "request":
            assert reading.request is not None
            heard = reading.request
            named = self.scene_named(title(heard.name) if heard.kind == "create_scene" else heard.name)
            return self.schedule.request(reading.request, reading.orders, reading.text, reading.lang, named)
        if reading.kind == "timed":
            return await self._timed(reading, session, speaker)
        return await self.speaker.answer(reading.understanding, session, room)

    async def _timed(self, reading: Reading, session: str, speaker: Speaking | None = None) -> CommandResult:
        """A timed order; what is said before its "then" is carried out at once ("打开台灯，然后十分钟后关闭台灯")."""
        assert reading.timed is not None
        now = self.automation.now()
        lang = reading.lang
        memory = self.speaker.session(session)
        if reading.before is None:
            return self.schedule.set_timer(reading.timed, reading.text, lang, now, memory, speaker=speaker)
        first = await self.speaker.answer(reading.before.understanding, session,
                                          speaker.room if speaker is not None else None)
        later = self.schedule.set_timer(reading.timed, reading.text, lang, now, memory, acknowledged=False,
                                        speaker=speaker)
        reply = speech.sentences(load_lexicon(lang), first.reply, later.reply)
        return CommandResult(text=reading.text, lang=cast(Lang, lang), reply=reply, ok=first.ok and later.ok,
                             actions=first.actions)

    def scene_named(self, key: str) -> Scene | None:
        """A scene by id or by any of its names (as ``genie scenes run`` names one)."""
        found = self.automation.scene(key)
        if found is not None:
            return found
        scene_id = find_scene(key, detect_language(key), self.scenes())[0]
        return self.automation.scene(scene_id) if scene_id is not None else None

    def save_scene(self, name: str, orders: str, lang: str, text: str = "") -> CommandResult:
        """Create (or replace) the user scene ``name`` from orders as said ("打开书房的灯，关上窗帘")."""
        understood = understand(orders, self.speaker.catalog(), lang) if orders.strip() else None
        return self.schedule.save_scene(name, understood, lang, text, existing=self.scene_named(title(name)))

    def codes_in(self, text: str, lang: str | None = None) -> set[str]:
        """The unlock codes ``text`` says (to star them wherever the text is shown)."""
        return codes_of(understand(text, self.speaker.catalog(), lang))

