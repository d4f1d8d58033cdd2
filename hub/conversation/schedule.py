"""Scenes and timers in a conversation: what the hub does and says for a scene, a scene or timer request, a
timed order, and a timer or routine that fires.

The words were read already (``hub.nlu.reading``); the automation keeps, stores and fires what is set here,
and acts back through ``timer_fired`` / ``routine_fired``, on the same path as a spoken order
(``Speaker.carry_out``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from pydantic import ValidationError

from hub.automation.engine import Automation
from hub.automation.models import Action, Repeat, Routine, Scene, Speaking, Timer
from hub.conversation.model import Outcome, Session, Step
from hub.conversation.orders import Speaker
from hub.conversation.phrases import format_value, target_phrase
from hub.conversation.redact import hide
from hub.conversation.reply import action_results, compose_reply, error_sentence, problem_sentence
from hub.conversation.where import placed
from hub.language import LANGUAGES, Lang
from hub.nlu import Intent, Target, Understanding, load_lexicon, speech
from hub.nlu.reading import Timed
from hub.nlu.requests import Heard, words
from hub.nlu.when import Repeat as SpokenRepeat
from hub.nlu.when import When, describe
from hub.protocol import AnnouncePayload, CommandResult, ErrorCode
from hub.protocol.text import printable


def intent_of(action: Action) -> Intent:
    """The intent of a stored action: named devices, or every device of a category / room."""
    if action.devices:
        target = Target(devices=action.devices)
    else:
        target = Target(rooms=(action.room,) if action.room else (),
                        categories=(action.category,) if action.category else (), everything=True)
    return Intent(action=action.action, target=target, attribute=action.property, value=action.value,
                  unit=action.unit)


def said(heard: str, lang: str, key: str, ok: bool = True, *, acknowledged: bool = True, **args: Any) -> CommandResult:
    """The reply ``key`` of lang/<code>/requests.yaml (filled with ``args``) to the utterance ``heard``
    (``acknowledged`` False: without its "OK, ", as a sentence that follows another)."""
    lex = load_lexicon(lang)
    template = words(lang).replies[key]
    if isinstance(template, dict):  # a form per number: "one action", "3 actions"
        template = template["one" if args.get("count") == 1 else "other"]
    reply = str(template).format(ok=lex.replies["ok"] if acknowledged else "", **args)
    return CommandResult(text=heard, lang=cast(Lang, lang), reply=speech.capitalize(lex, reply), ok=ok)


def title(name: str) -> str:
    """A scene's name as kept and shown (terminals, the dashboard): no escape, no bidi override, no code."""
    return hide(printable(name))


class Schedule:
    """The scenes and timers of one hub, as its conversations speak of them."""

    def __init__(self, automation: Automation, speaker: Speaker) -> None:
        self.automation = automation
        self.speaker = speaker

    # ------------------------------------------------------------------ scenes
    async def run_scene(self, scene: Scene, lang: str, text: str = "") -> CommandResult:
        """Run every action of ``scene`` at once; the reply names what failed and why."""
        outcomes = await self.speaker.carry_out([intent_of(a) for a in scene.actions])
        reply, ok = self._scene_reply(scene.names.display(lang), outcomes, lang)
        return CommandResult(text=text or scene.names.display(lang), lang=cast(Lang, lang), reply=reply, ok=ok,
                             actions=action_results(outcomes))

    def _scene_reply(self, name: str, outcomes: list[Outcome], lang: str) -> tuple[str, bool]:
        lex = load_lexicon(lang)
        directory = self.speaker.directory
        steps = [s for o in outcomes for s in o.steps]
        good = [s for s in steps if s.ok]
        problems = [problem_sentence(lex, o, directory) for o in outcomes if o.problem is not None]
        bad: dict[ErrorCode, list[Step]] = {}
        for step in steps:
            if not step.ok:
                bad.setdefault(cast(ErrorCode, step.error), []).append(step)
        problems += [error_sentence(lex, code, group, directory) for code, group in bad.items()]
        joined = lex.replies["partial_join"].join(p.rstrip("。.") for p in problems)
        key = "scene_done" if not problems else "scene_partial" if good else "scene_failed"
        reply = words(lang).replies[key].format(scene=name, done=len(good), total=len(steps), problems=joined)
        return speech.capitalize(lex, reply), not problems

    def request(self, heard: Heard, orders: Understanding | None, text: str, lang: str,
                named: Scene | None) -> CommandResult:
        """Answer a scene or timer request (``named``: the scene of the name it gives, if any)."""
        if heard.kind == "list_scenes":
            return self._list_scenes(text, lang)
        if heard.kind == "create_scene":
            return self.save_scene(heard.name, orders, lang, text, existing=named)
        if heard.kind == "delete_scene":
            return self.delete_scene(heard.name, named, lang, text)
        if heard.kind == "list_timers":
            return self._list_timers(text, lang)
        return self._cancel_timers(heard, text, lang)

    def _list_scenes(self, text: str, lang: str) -> CommandResult:
        scenes = self.automation.scenes()
        if not scenes:
            return said(text, lang, "scenes_none")
        names = speech.join(load_lexicon(lang), [s.names.display(lang) for s in scenes])
        return said(text, lang, "scenes_list", count=len(scenes), names=names)

    def save_scene(self, name: str, orders: Understanding | None, lang: str, text: str = "",
                   existing: Scene | None = None) -> CommandResult:
        """Create (or replace) the user scene ``name`` from its orders (``existing``: the scene of that name)."""
        name = title(name)
        text = text or name
        if not name.strip():
            return said(text, lang, "scene_no_name", ok=False)
        if orders is None or not orders.text.strip():
            return said(text, lang, "scene_no_actions", ok=False)
        if existing is not None and existing.source == "home":
            return said(text, lang, "scene_exists_home", ok=False, scene=existing.names.display(lang))
        actions, refusal = self._actions(orders, lang, text)
        if refusal is not None:
            return refusal
        if not actions:
            return said(text, lang, "scene_no_actions", ok=False)
        names: dict[str, list[str]] = {code: [] for code in LANGUAGES}
        names[lang] = [name.strip()]
        scene_id = existing.id if existing is not None else self.automation.new_scene_id(name)
        self.automation.save_scene(Scene(id=scene_id, names=cast(Any, names), actions=actions, source="user"))
        key = "scene_updated" if existing is not None else "scene_created"
        return said(text, lang, key, scene=name.strip(), count=len(actions))

    def delete_scene(self, name: str, scene: Scene | None, lang: str, text: str = "") -> CommandResult:
        """Delete the user scene ``scene`` (None: no scene is called ``name``)."""
        text = text or name
        if scene is None:
            return said(text, lang, "scene_unknown", ok=False, name=name)
        if scene.source == "home":
            return said(text, lang, "scene_home_delete", ok=False, scene=scene.names.display(lang))
        self.automation.delete_scene(scene.id)
        return said(text, lang, "scene_deleted", scene=scene.names.display(lang))

    def _actions(self, orders: Understanding, lang: str, text: str, memory: Session | None = None,
                 room: str | None = None) -> tuple[list[Action], CommandResult | None]:
        """Understood orders -> actions on the devices they name now (or the conversation spoke of last:
        "十分钟后把它关掉"); or the reply refusing them (no actions and no reply: nothing to do was understood)."""
        if not orders.intents:
            return [], None
        if any(i.action == "query" for i in orders.intents):
            return [], said(text, lang, "timer_question", ok=False)
        if any(i.action == "unlock" or (i.action == "on" and "fingerprintlock" in i.target.categories)
               for i in orders.intents):
            return [], said(text, lang, "timer_unlock", ok=False)
        catalog = self.speaker.catalog()
        outcomes = [self.speaker.plan(placed(intent, room, catalog), memory) for intent in orders.intents]
        if any(s.detail == "need_code" or s.kind == "unlock" for o in outcomes for s in o.steps):
            return [], said(text, lang, "timer_unlock", ok=False)
        unclear = next((o for o in outcomes if o.problem == "ambiguous"), None)
        if unclear is not None:  # no "which one?" here: the answer would be carried out now, not later
            options = speech.join(load_lexicon(lang), [r.name(lang) for r in unclear.candidates])
            return [], said(text, lang, "timer_which_device", ok=False, count=len(unclear.candidates),
                            options=options)
        failed = [o for o in outcomes if o.problem is not None or not o.steps or not all(s.ok for s in o.steps)]
        if failed:
            reply, _ok = compose_reply(load_lexicon(lang), failed, self.speaker.directory)
            return [], CommandResult(text=text, lang=cast(Lang, lang), reply=reply, ok=False)
        try:
            actions = [Action(devices=tuple(s.device.id for s in o.steps), action=cast(Any, o.intent.action),
                              property=o.intent.attribute, value=o.intent.value, unit=o.intent.unit)
                       for o in outcomes]
        except ValidationError:
            return [], None
        return actions, None

    # ------------------------------------------------------------------ timers
    def set_timer(self, timed: Timed, text: str, lang: str, now: datetime, memory: Session | None = None,
                  *, acknowledged: bool = True, speaker: Speaking | None = None) -> CommandResult:
        """Set the timer a timed order asks for (``acknowledged`` False: the reply follows another sentence);
        it belongs to the ``speaker`` it was said to (its room places the orders; it announces there)."""
        when = timed.when
        if not timed.rest:
            return said(text, lang, "timer_what", ok=False, when=describe(when, lang, now))
        if timed.past:
            return said(text, lang, "timer_past", ok=False)
        if self.automation.full():
            return said(text, lang, "timers_full", ok=False, count=len(self.automation.timers))
        # a reminder keeps no code it says, in what is stored, listed, said back or announced (stars instead)
        remind = hide(timed.remind) if timed.remind is not None else None
        kept = hide(timed.rest)
        actions: list[Action] = []
        if timed.orders is not None:
            actions, refusal = self._actions(timed.orders, lang, text, memory, speaker.room if speaker else None)
            if refusal is not None:
                return refusal
            if not actions:
                return said(text, lang, "timer_what", ok=False, when=describe(when, lang, now))
        repeat = (Repeat(days=when.repeat.days, hour=when.repeat.hour, minute=when.repeat.minute)
                  if when.repeat is not None else None)
        self.automation.add_timer(Timer(due=when.at.timestamp(), repeat=repeat, actions=actions, scene=timed.scene,
                                        remind=remind, text=kept, lang=cast(Lang, lang),
                                        created=self.automation.clock.wall(),
                                        speaker=speaker.id if speaker else None))
        when_said = describe(when, lang, now)
        if remind is not None:
            return said(text, lang, "reminder_set" if remind else "alarm_set", acknowledged=acknowledged,
                        when=when_said, what=remind)
        return said(text, lang, "schedule_set" if repeat is not None else "timer_set", acknowledged=acknowledged,
                    when=when_said, text=kept)

    def _when(self, timer: Timer, now: datetime) -> When:
        """How to say when ``timer`` fires: within the hour as "in N minutes" (to the minute once a minute or
        more is left: "9分钟后", not "9分钟56秒后"), else as a time of day."""
        left = timer.due - now.timestamp()
        relative = timer.repeat is None and left < 3600
        at = datetime.fromtimestamp(timer.due, self.automation.tz)
        if relative and left >= 60:
            at = now + timedelta(minutes=round(left / 60))
        repeat = (SpokenRepeat(days=timer.repeat.days, hour=timer.repeat.hour, minute=timer.repeat.minute)
                  if timer.repeat is not None else None)
        return When(at=at, repeat=repeat, relative=relative, start=0, end=0)

    def _items(self, timers: list[Timer], lang: str) -> str:
        """The timers as listed to the user, numbered from 1 ("1. 10分钟后关灯；2. …")."""
        now, item = self.automation.now(), words(lang).replies["timer_item"]
        return load_lexicon(lang).replies["partial_join"].join(
            item.format(n=n, when=describe(self._when(t, now), lang, now), text=self._what(t, lang))
            for n, t in enumerate(timers, 1))

    def _what(self, timer: Timer, lang: str) -> str:
        """What a timer does, as said when it was set — or, asked in another language, told in this one from its
        actions ("turn off the TV"): one language per reply. A reminder is the user's own words."""
        if timer.lang == lang or timer.remind is not None:
            return hide(timer.text)
        lex, templates = load_lexicon(lang), words(lang).replies["order"]
        scene = self.automation.scene(timer.scene) if timer.scene else None
        if scene is not None:
            return str(templates["scene"]).format(name=title(scene.names.display(lang) or scene.id))
        directory = self.speaker.directory
        said_ = []
        for action in timer.actions:
            records = [r for r in directory.all() if r.id in action.devices or (
                not action.devices and r.category == action.category and action.room in (None, r.room))]
            if not records:
                return hide(timer.text)
            args = target_phrase(lex, records, directory).args(lex)
            value = format_value(lex, action.property, action.value)
            said_.append(str(templates[action.action]).format(value=value, **args))
        return speech.join(lex, said_) if said_ else hide(timer.text)

    def _list_timers(self, text: str, lang: str) -> CommandResult:
        timers = self.automation.pending()
        if not timers:
            return said(text, lang, "timers_none")
        key = "timers_list_one" if len(timers) == 1 else "timers_list"
        return said(text, lang, key, count=len(timers), items=self._items(timers, lang))

    def _cancel_timers(self, heard: Heard, text: str, lang: str) -> CommandResult:
        timers = self.automation.pending()
        if not timers:
            return said(text, lang, "timers_none")
        if heard.every:
            for timer in timers:
                self.automation.cancel(timer.id)
            key = "timers_cancelled_one" if len(timers) == 1 else "timers_cancelled"
            return said(text, lang, key, count=len(timers))
        if heard.index is None and len(timers) > 1:
            return said(text, lang, "timer_which", ok=False, count=len(timers), items=self._items(timers, lang))
        index = heard.index if heard.index is not None else 1
        if index == -1:
            index = len(timers)
        if not 1 <= index <= len(timers):
            return said(text, lang, "timer_no_such", ok=False, n=index, count=len(timers))
        timer = timers[index - 1]
        now = self.automation.now()
        when = describe(self._when(timer, now), lang, now)
        what = self._what(timer, lang)
        self.automation.cancel(timer.id)
        return said(text, lang, "timer_cancelled", when=when, text=what)

    # ------------------------------------------------------------------ firing (the automation's Perform)
    async def timer_fired(self, timer: Timer) -> AnnouncePayload:
        """Carry out a timer that fell due; what to announce."""
        lang = timer.lang
        replies = words(lang).replies
        if timer.remind is not None:
            text = replies["reminder_fired"].format(what=hide(timer.remind)) if timer.remind else replies[
                "alarm_fired"]
            return AnnouncePayload(source="timer", id=str(timer.id), lang=lang, text=text, at=timer.due,
                                   speaker=timer.speaker)
        scene = self.automation.scene(timer.scene) if timer.scene else None
        if scene is not None:
            result = await self.run_scene(scene, lang)
            reply, ok, actions = result.reply, result.ok, result.actions
        else:
            outcomes = await self.speaker.carry_out([intent_of(a) for a in timer.actions])
            reply, ok = compose_reply(load_lexicon(lang), outcomes, self.speaker.directory, acknowledged=False)
            actions = action_results(outcomes)
        return AnnouncePayload(source="timer", id=str(timer.id), lang=lang, text=replies["timer_fired"].format(
            reply=reply), ok=ok, actions=actions, at=timer.due, speaker=timer.speaker)

    async def routine_fired(self, routine: Routine) -> AnnouncePayload:
        """Carry out a routine whose trigger came true; what to announce."""
        started = self.automation.clock.wall()
        lang = self.automation.language
        lex = load_lexicon(lang)
        scene = self.automation.scene(routine.scene) if routine.scene else None
        actions = [*(scene.actions if scene is not None else []), *routine.actions]
        outcomes = await self.speaker.carry_out([intent_of(a) for a in actions]) if actions else []
        text = (routine.say.for_lang(lang) if routine.say is not None else None) or ""
        ok = all(o.problem is None and all(s.ok for s in o.steps) for o in outcomes)
        directory = self.speaker.directory
        if actions and not ok:
            problems, _ok = compose_reply(lex, [o for o in outcomes if o.problem or not all(s.ok for s in o.steps)],
                                          directory)
            text = (text + words(lang).replies["routine_failed"].format(problems=problems)) if text else problems
        elif not text and actions:
            text, _ok = compose_reply(lex, outcomes, directory)
        return AnnouncePayload(source="routine", id=routine.id, lang=lang, text=text, ok=ok,
                               actions=action_results(outcomes), at=started)

