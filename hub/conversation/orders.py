"""Device orders, questions and answers in a conversation: resolve -> plan -> act -> reply, with memory.

``Speaker.answer(understanding, session)`` carries out what the reading understood: it completes an answer to
the question it asked last ("which light?", "the code?"), recalls "again", plans each intent
(``hub.conversation.plan``, which resolves its devices with ``hub.conversation.resolve``), sends the
directives (``hub.conversation.act``; the transport is a ``send`` coroutine given by the hub, so this package
never sees MQTT) and composes the reply (``hub.conversation.reply``). Each conversation (``session``: the
requesting client) has a small ``Session``: the devices it spoke of last (for "再亮一点", "turn it off"), its
last change (for "a bit more", "encore") and the question waiting for its answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import cast

from hub.conversation.act import execute
from hub.conversation.choice import chosen
from hub.conversation.model import (
    DEFAULT_SESSION,
    MAX_SESSIONS,
    PENDING_TTL,
    SECURE_CATEGORIES,
    Outcome,
    Pending,
    Send,
    Session,
    build_catalog,
)
from hub.conversation.phrases import room_name
from hub.conversation.plan import Planner, opens_a_lock
from hub.conversation.redact import redact, spoken_digits, star_all, star_runs
from hub.conversation.reply import action_results, compose_reply
from hub.conversation.where import placed
from hub.directory import Directory
from hub.language import Lang
from hub.nlu import Catalog, Intent, Lexicon, Target, Understanding, load_lexicon, speech, understand
from hub.protocol import (
    CommandResult,
)

_LOGGER = logging.getLogger(__name__)


class Speaker:
    """Understands a text command, acts on the home and answers."""

    def __init__(self, directory: Directory, send: Send, connected: Callable[[], bool] = lambda: True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.directory = directory
        self.send = send
        self.connected = connected
        self.clock = clock
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.planner = Planner(directory)
        self._catalog: Catalog | None = None
        self._catalog_version = -1

    def catalog(self) -> Catalog:
        """The NLU's view of the home, rebuilt when what it is made of changes (``Directory.names_version``:
        devices coming or going, their names, rooms, actions and properties) — not on every command."""
        version = self.directory.names_version
        if self._catalog is None or version != self._catalog_version:
            self._catalog, self._catalog_version = build_catalog(self.directory), version
        return self._catalog

    def session(self, key: str) -> Session:
        """The memory of conversation ``key`` (created on first use; old ones are forgotten)."""
        found = self.sessions.pop(key, None) or Session()
        self.sessions[key] = found
        while len(self.sessions) > MAX_SESSIONS:
            self.sessions.popitem(last=False)
        return found

    async def handle(self, text: str, lang: str | None = None, session: str = DEFAULT_SESSION) -> CommandResult:
        """Understand ``text`` as a device order, question or answer, and ``answer`` it (the hub reads a text
        once, in ``Conversation.hear``; this is the shortcut for a text known to be an order)."""
        memory = self.sessions.get(session)
        if lang is None and memory is not None and memory.lang is not None and not any(c.isalpha() for c in text):
            lang = memory.lang  # "123456", "26": no words to tell the language by
        return await self.answer(understand(text, self.catalog(), lang), session)

    async def answer(self, understanding: Understanding, session: str = DEFAULT_SESSION,
                     room: str | None = None) -> CommandResult:
        """Carry out what ``understanding`` orders, asks or answers, and say what happened; ``session`` keys
        the conversation, ``room`` is where the speaker that heard it stands (``where.placed``). The result's
        text has any unlock code it held starred."""
        text = understanding.text
        memory = self.session(session)
        asked_code = memory.pending is not None and memory.pending.need == "code" and \
            self.clock() - memory.pending.asked <= PENDING_TTL
        result = await self._respond(text, understanding, memory, room)
        codes = codes_of(understanding)
        if asked_code and _code_answer(understanding, text):  # the answer to "what is the code?": all of it is
            said = star_all(text)
        elif any(self._unlocks(intent) for intent in understanding.intents):
            said = star_runs(redact(result.text, codes))  # "打开门锁 482913", "482913 is the code, unlock…"
        else:
            said = redact(result.text, codes)
        if said == result.text and not codes:
            return result
        return result.model_copy(update={"text": said, "reply": redact(result.reply, codes)})

    def _unlocks(self, intent: Intent) -> bool:
        """Whether ``intent`` is an unlock order (its digits may be the code, said with no code word)."""
        if intent.code or intent.action == "unlock":
            return True
        if intent.action != "on":
            return False  # nothing else opens a lock (``opens_a_lock``): no need to look through the home
        target = intent.target
        devices = [r for d in target.devices if (r := self.directory.get(d)) is not None]
        secure = SECURE_CATEGORIES.intersection(target.categories)
        if secure:  # a kind of device named: only a lock of that kind matters
            devices += [r for r in self.directory.all() if r.category in secure]
        return opens_a_lock(intent, devices)

    def codes_in(self, text: str, lang: str | None = None) -> set[str]:
        """The unlock codes ``text`` says (to star them wherever the text is shown)."""
        return codes_of(understand(text, self.catalog(), lang))

    async def _respond(self, text: str, understanding: Understanding, memory: Session,
                       room: str | None = None) -> CommandResult:
        lex = load_lexicon(understanding.lang)
        memory.lang = understanding.lang
        pending = memory.pending
        if pending is not None and self.clock() - pending.asked > PENDING_TTL:
            memory.pending = pending = None
        lang = cast(Lang, understanding.lang)
        if understanding.problem == "small_talk":
            confirmed = pending is not None and pending.need == "confirm" and understanding.talk == "yes"
            if not confirmed:
                if understanding.talk == "cancel":
                    memory.pending = None
                return CommandResult(text=text, lang=lang, reply=lex.replies[f"talk_{understanding.talk}"], ok=True)
        intents = self._answered(pending, understanding, text) if pending else None
        meant = understanding.meant
        if intents is None and meant is not None and meant.kind == "question":
            understanding = meant  # a question with a slip is answered as meant: a question never acts
        elif intents is None and meant is not None:  # an order with a slip is asked back, never acted on
            memory.pending = Pending(meant.intents[0], "confirm", self.clock(), orders=tuple(meant.intents))
            return CommandResult(text=text, lang=lang, reply=lex.replies["did_you_mean"].format(text=meant.text),
                                 ok=False)
        if intents is not None or understanding.intents:
            memory.pending = None
        intents = intents if intents is not None else understanding.intents
        if not intents:
            return self._no_intent(understanding, lex, text)
        if not self.connected():
            return CommandResult(text=text, lang=cast(Lang, understanding.lang), reply=lex.replies["not_connected"],
                                 ok=False)
        outcomes = []
        for intent in intents:
            outcome = self.plan(placed(self._recalled(intent, memory), room, self.catalog()), memory)
            await self.execute(outcome)
            outcomes.append(outcome)
        self._remember(memory, outcomes)
        reply, ok = compose_reply(lex, outcomes, self.directory)
        return CommandResult(text=text, lang=cast(Lang, understanding.lang), reply=reply, ok=ok,
                             actions=action_results(outcomes))

    async def carry_out(self, intents: list[Intent]) -> list[Outcome]:
        """Plan every intent and send all their directives at once (a scene, a timer, a routine)."""
        outcomes = [self.plan(intent) for intent in intents]
        await asyncio.gather(*(self.execute(outcome) for outcome in outcomes))
        return outcomes

    # ------------------------------------------------------------------ dialogue
    def _answered(self, pending: Pending, understanding: Understanding, text: str) -> list[Intent] | None:
        """The intents that an answer to the pending question completes, or None if it is no answer."""
        fragment = understanding.fragment
        intent = pending.intent
        if pending.need == "confirm":  # "yes" carries out what the slip meant; anything else is said anew
            return list(pending.orders) if understanding.talk == "yes" else None
        if any(i.action == "query" for i in understanding.intents):
            return None  # a question is asked anew, never taken for the answer: a question never acts
        if pending.need == "which" and pending.candidates:  # "the first one", "front-door", "玄关的"
            named = [r for d in pending.candidates if (r := self.directory.get(d)) is not None]
            picked = chosen(text, understanding, named)
            if picked is not None:
                return [replace(intent, target=Target(devices=(picked.id,)))]
        if pending.need == "code":  # "123456", "code 123456", "七三九一六四", "one two three four"
            code = _code_answer(understanding, text)
            return [replace(intent, code=code)] if code else None
        if pending.need == "which" and fragment is not None and not fragment.target.empty:
            return [replace(intent, target=intent.target.merged(fragment.target))]
        if pending.need == "which" and len(understanding.intents) == 1:
            answer = understanding.intents[0]  # "都打开", "打开客厅的": the same order, now with a place
            if answer.action == intent.action and not (answer.target.devices or answer.target.categories):
                return [replace(intent, target=intent.target.merged(answer.target))]
        if pending.need == "value" and len(understanding.intents) == 1:
            answer = understanding.intents[0]
            if answer.action == "set" and answer.target.empty and answer.value is not None:
                return [replace(intent, action="set", value=answer.value, unit=answer.unit,
                                attribute=intent.attribute or answer.attribute)]
        return None

    def _no_intent(self, understanding: Understanding, lex: Lexicon, text: str) -> CommandResult:
        replies = lex.replies
        key = understanding.problem or "not_understood"
        fragment = understanding.fragment
        if key == "not_understood" and fragment is not None and (fragment.target.devices or fragment.target.rooms):
            target = fragment.target
            names = [r.name(lex.lang) for r in self.directory.all() if r.id in target.devices] or [
                room_name(self.directory, room, lex.lang) for room in target.rooms]
            reply = speech.capitalize(lex, replies["what_to_do"].format(
                target=speech.join(lex, names), the_target=speech.join(lex, [speech.the_place(lex, n) for n in names])))
        else:
            reply = replies[key].format(text=text.strip())
        return CommandResult(text=text, lang=cast(Lang, understanding.lang), reply=reply,
                             ok=key in ("wake", "declined"))

    @staticmethod
    def _recalled(intent: Intent, memory: Session) -> Intent:
        """``intent`` with what the conversation supplies: "again" becomes the last change."""
        if intent.action != "again":
            return intent
        if memory.change is None:
            return intent
        return replace(memory.change, target=intent.target if not intent.target.empty else memory.change.target)

    def _remember(self, memory: Session, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            need = outcome.need
            if need is not None:
                memory.pending = Pending(outcome.intent, need, self.clock(),
                                         tuple(r.id for r in outcome.candidates) if need == "which" else ())
            devices = tuple(s.device.id for s in outcome.steps) or tuple(r.id for r in outcome.candidates
                                                                          if need == "value")
            if devices:
                memory.devices = devices
            done = [s for s in outcome.steps if s.ok and s.kind in ("set", "up", "down")]
            if done:  # what "again" / "encore" / "再来一点" repeats
                kind = outcome.intent.action if outcome.intent.action in ("up", "down") else done[0].kind
                memory.change = replace(outcome.intent, action=kind,
                                        target=Target(devices=tuple(s.device.id for s in done)))

    # ------------------------------------------------------------------ plan and act
    def plan(self, intent: Intent, memory: Session | None = None) -> Outcome:
        """The checked steps of ``intent`` (or why there are none), on the devices it means."""
        return self.planner.plan(intent, memory)

    async def execute(self, outcome: Outcome) -> None:
        """Send every step's directive concurrently and record each answer."""
        await execute(outcome, self.send)


def codes_of(understanding: Understanding) -> set[str]:
    """Every unlock code an utterance says (in an order, or alone as an answer)."""
    codes = {i.code for i in understanding.intents if i.code}
    if understanding.fragment is not None and understanding.fragment.code:
        codes.add(understanding.fragment.code)
    return codes


def _code_answer(understanding: Understanding, text: str) -> str | None:
    """The code an answer to "what is the code?" gives: after a code word or alone ("code 123456", "123456"),
    or said digit by digit in words ("七三九一六四", "one two three four"); None if it gives none."""
    fragment = understanding.fragment
    return fragment.code if fragment is not None and fragment.code else spoken_digits(text)
