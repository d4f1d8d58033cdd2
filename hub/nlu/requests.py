"""What people say to scenes and timers: "晚安", "有哪些场景", "创建场景阅读模式：…", "取消第一个定时".

Pure functions over one language's phrase file (``lang/<code>/requests.yaml``); ``hear`` tells which request an
utterance is, or None when it is an ordinary command for the speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from hub.nlu.data import language_file
from hub.nlu.parser import normalized
from hub.nlu.text import has_cjk, normalize

_SEPARATOR = re.compile(r"\s*[:：,，;；]\s*|\s+-\s+")
_DIGITS = re.compile(r"(\d+)")
_POLITE = re.compile(r"^(?:请你|请|please |s'il te plait )")
_LAST = re.compile(r"最后|(?<![\w'])(?:last|dernier|derniere)(?![\w'])")


@dataclass(frozen=True)
class Words:
    """One language's scene and timer phrases (normalised) and reply templates."""

    lang: str
    run_words: tuple[str, ...]
    scene_fillers: tuple[str, ...]
    list_scenes: tuple[str, ...]
    delete_scene: tuple[str, ...]
    create_scene: tuple[str, ...]
    name_markers: tuple[str, ...]
    list_timers: tuple[str, ...]
    cancel_timers: tuple[str, ...]
    remind_words: tuple[str, ...]
    timer_words: tuple[str, ...]
    evening_words: tuple[str, ...]
    all_words: tuple[str, ...]
    ordinals: dict[str, int]
    replies: dict[str, Any]
    """Reply templates: text, or a form per number (``one`` / ``other``)."""
    patterns: dict[str, re.Pattern[str]]
    """Per phrase list: one regex finding any of its phrases (whole words, unless Chinese)."""
    needles: dict[str, tuple[str, ...]]
    """Per phrase list, its phrases as the regex matches them (literally, word edges apart)."""

    def said(self, key: str, text: str) -> bool:
        """Whether ``text`` holds one of the list's phrases as a plain substring: where none is, ``patterns[key]``
        cannot match (its phrases are matched literally, only with word edges added), and is not run."""
        for phrase in self.needles[key]:  # noqa: SIM110 (a loop: three times as fast as any() over a generator)
            if phrase in text:
                return True
        return False

    def find(self, key: str, text: str) -> re.Match[str] | None:
        """The first phrase of the list ``key`` in ``text``, or None."""
        return self.patterns[key].search(text) if self.said(key, text) else None


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of ``phrases``, longest first; a non-Chinese phrase matches whole words only."""
    if not phrases:
        return re.compile(r"(?!)")
    return re.compile("|".join(re.escape(p) if has_cjk(p) else rf"(?<![\w']){re.escape(p)}(?![\w'])"
                               for p in phrases))


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted({normalize(w) for w in words}, key=len, reverse=True))


@cache
def words(lang: str) -> Words:
    """The phrase file of ``lang``, loaded once."""
    data = language_file(lang, "requests")
    lists = {key: _longest_first(data.get(key, [])) for key in (
        "run_words", "scene_fillers", "list_scenes", "delete_scene", "create_scene", "name_markers", "list_timers",
        "cancel_timers", "remind_words", "timer_words", "evening_words", "all_words")}
    ordinals = {normalize(k): int(v) for k, v in data.get("ordinals", {}).items()}
    patterns = {key: _pattern(phrases) for key, phrases in lists.items()}
    patterns["ordinals"] = _pattern(tuple(sorted(ordinals, key=len, reverse=True)))
    needles = {**lists, "ordinals": tuple(ordinals)}
    return Words(lang=lang, ordinals=ordinals, replies=data["replies"], patterns=patterns, needles=needles, **lists)


@dataclass(frozen=True)
class Heard:
    """A scene or timer request: ``kind`` is run_scene, list_scenes, create_scene, delete_scene,
    list_timers or cancel_timer; ``name`` a scene name, ``body`` a new scene's orders (original text),
    ``index`` the timer's number as listed, ``every`` "all of them"."""

    kind: str
    name: str = ""
    body: str = ""
    index: int | None = None
    every: bool = False


def core(text: str, lang: str) -> str:
    """The utterance normalised, without wake word or sentence punctuation ("天猫精灵，晚安！" -> "晚安")."""
    return normalized(text, lang).core


def _strip(text: str, w: Words, key: str) -> str:
    """``text`` without any phrase of the list ``key``, spaces tidied."""
    return " ".join((w.patterns[key].sub(" ", text) if w.said(key, text) else text).split())


def bare(name: str, lang: str) -> str:
    """A scene's name as ``scene_name`` leaves an utterance ("mode cinéma" -> "cinema")."""
    return _strip(normalize(name), words(lang), "scene_fillers")


def scene_name(text: str, lang: str, *, said: str | None = None) -> str:
    """What remains of an utterance to compare with scene names (``bare``): run words and fillers dropped
    ("打开睡眠模式吧" -> "睡眠模式", "please start movie time" -> "movie time"). ``said``: the utterance's
    ``core`` when the caller has it already."""
    w = words(lang)
    said = _strip(core(text, lang) if said is None else said, w, "scene_fillers")
    cjk = has_cjk(said)
    for verb in w.run_words:  # only at the start: "打开客厅的灯" keeps its verb and names no scene
        if said.startswith(verb) and (cjk or said[len(verb):len(verb) + 1] in ("", " ")):
            said = said[len(verb):].strip()
            break
    return _strip(said, w, "scene_fillers")


@dataclass(frozen=True)
class SceneIndex:
    """The home's scenes as utterances are compared with them: per language, each name as ``bare`` leaves
    it -> the scene's id; and the ids themselves (a scene may be named by its id)."""

    names: dict[str, dict[str, str]]
    ids: frozenset[str]

    @cached_property
    def words(self) -> tuple[tuple[str, ...], ...]:
        """The words of every name (as ``bare`` leaves it) and id: what an utterance that names a scene holds."""
        every = {name for names in self.names.values() for name in names} | self.ids
        return tuple(tuple(name.split()) for name in sorted(every))

    def may_be_named(self, said: str) -> bool:
        """Whether ``said`` (an utterance's ``core``) holds every word of some name or id, each as a substring.
        ``scene_name`` only takes phrases out (each leaving a space) and tidies spaces, so what it leaves is made
        of pieces of ``said``: an utterance without all the words of any name names no scene."""
        for words in self.words:
            for word in words:
                if word not in said:
                    break
            else:
                return True
        return False


def scene_index(scenes: Iterable[tuple[str, Iterable[tuple[str, str]]]]) -> SceneIndex:
    """The index of ``scenes`` (each its id and its (language, name) pairs); the first scene to claim a name
    keeps it."""
    names: dict[str, dict[str, str]] = {}
    ids: list[str] = []
    for scene_id, scene_names in scenes:
        ids.append(scene_id)
        for name_lang, name in scene_names:
            names.setdefault(name_lang, {}).setdefault(bare(name, name_lang), scene_id)
    return SceneIndex(names, frozenset(ids))


def find_scene(text: str, lang: str, index: SceneIndex, said: str | None = None) -> tuple[str | None, str]:
    """The id of the scene ``text`` names by any of its names ("晚安", "打开睡眠模式", "start movie time"), and
    the language of the name it matched (``lang`` when it matched by id). ``said``: the text's ``core``, when
    the caller has it already."""
    said = core(text, lang) if said is None else said  # once: each language then only drops its own words
    if not index.may_be_named(said):
        return None, lang
    own = scene_name(text, lang, said=said)
    found = index.names.get(lang, {}).get(own) or (own if own in index.ids else None)
    if found is not None:
        return found, lang
    for name_lang, names in index.names.items():
        if name_lang != lang and (found := names.get(scene_name(text, name_lang, said=said))):
            return found, name_lang
    return None, lang


def hear(text: str, lang: str, said: str | None = None) -> Heard | None:
    """The scene or timer request ``text`` makes (not "run a scene": that needs the scene names); ``said``:
    the text's ``core``, when the caller has it already."""
    w = words(lang)
    said = core(text, lang) if said is None else said
    if not said:
        return None
    if any(said.startswith(phrase) for phrase in w.create_scene):
        return _creation(text, lang, w)
    for phrase in w.delete_scene:
        if said.startswith(phrase):
            name = _strip(said[len(phrase):], w, "scene_fillers")
            return Heard("delete_scene", name=name)
    if w.find("list_scenes", said):
        return Heard("list_scenes")
    if w.find("list_timers", said):
        return Heard("list_timers")
    if w.find("cancel_timers", said):
        return Heard("cancel_timer", index=_index(said, w), every=w.find("all_words", said) is not None)
    return None


def _index(said: str, w: Words) -> int | None:
    ordinal = w.find("ordinals", said)
    if ordinal is not None:
        return w.ordinals[ordinal.group(0)]
    if _LAST.search(said):
        return -1
    found = _DIGITS.search(said)
    return int(found.group(1)) if found else None


def _creation(original: str, lang: str, w: Words) -> Heard:
    """"创建场景[叫]阅读模式：打开书房的灯，…": the name up to the first separator after it, then the
    orders, as said (their punctuation separates commands)."""
    for cut in _SEPARATOR.finditer(original):
        head = core(original[:cut.start()], lang)
        phrase = next((p for p in w.create_scene if head.startswith(p)), None)
        if phrase is None or len(head) == len(phrase):
            continue  # the wake word's comma, or the name is still to come
        name = _as_said(original[:cut.start()], _name(head[len(phrase):], w))
        return Heard("create_scene", name=name, body=original[cut.end():].strip())
    said = core(original, lang)
    phrase = next(p for p in w.create_scene if said.startswith(p))
    return Heard("create_scene", name=_name(said[len(phrase):], w))


def _name(text: str, w: Words) -> str:
    text = text.strip()
    for marker in w.name_markers:
        if text.startswith(marker):
            text = text[len(marker):]
            break
    return text.strip(" '\"“”«»")


def _as_said(head: str, name: str) -> str:
    """``name`` (normalised) as it was written at the end of ``head``: "Soirée Lecture", not "soiree lecture"."""
    for start in range(len(head)):
        if normalize(head[start:]).strip(" '\"“”«»") == name:
            return head[start:].strip(" '\"“”«»")
    return name


def untimed(rest: str, lang: str) -> str:
    """``rest`` without the words that ask for a timer before the order ("set a timer to turn off the tv" ->
    "turn off the tv", "定个时关电视" -> "关电视"), as it was written."""
    said = _POLITE.sub("", core(rest, lang))
    phrase = next((p for p in words(lang).timer_words if said.startswith(p) and (
        has_cjk(p) or said[len(p):len(p) + 1] in ("", " "))), None)
    if phrase is None or not said[len(phrase):].strip():
        return rest
    return _as_said(rest.rstrip(" ,，。.!！?？"), said[len(phrase):].strip())


def reminder(rest: str, lang: str, said: str | None = None) -> str | None:
    """What to be reminded of, when ``rest`` (a timed order without its time) asks for a reminder
    ("提醒我关火" -> "关火", "remind me to call mum" -> "call mum", "wake me up" -> ""), as it was written;
    None when it asks for something else. ``said``: the rest's ``core``, when the caller has it already."""
    w = words(lang)
    said = core(rest, lang) if said is None else said
    said = _POLITE.sub("", said)
    phrase = next((p for p in w.remind_words if said.startswith(p) and (
        has_cjk(p) or p.endswith("'") or said[len(p):len(p) + 1] in ("", " "))), None)
    if phrase is None:
        return None
    what = said[len(phrase):].strip()
    return _as_said(rest.rstrip(" ,，。.!！?？"), what) if what else ""
