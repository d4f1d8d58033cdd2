"""The answer to "which one?" when the speaker named the devices it could mean: "the first one", "第二个",
"la première", a device's id ("front-door"), or a name or room only one of them has; and the order the
question lists them in."""

from __future__ import annotations

import re
from functools import cache

from hub.directory import DeviceRecord
from hub.nlu import Understanding
from hub.nlu.data import language_file
from hub.nlu.text import normalize


@cache
def _which(lang: str) -> tuple[re.Pattern[str], dict[str, int]]:
    """How ``lang`` names a place in a list (``which_answers`` in lang/<code>/commands.yaml)."""
    data = language_file(lang, "commands").get("which_answers") or {}
    pattern = re.compile(data.get("pattern") or r"(?!)")
    return pattern, {str(word): int(n) for word, n in (data.get("words") or {}).items()}


def _ordinal(text: str, lang: str) -> int | None:
    """The place said ("the second one" -> 1, "le dernier" -> -1), 0-based; None if none is said."""
    said = normalize(text)
    if said.isdigit():  # "1", "2": a bare number answers "which one?" with a place
        return int(said) - 1 if int(said) else None
    pattern, words = _which(lang)
    match = pattern.search(said)
    if match is None:
        return None
    if match.group("last"):
        return -1
    word = match.group("n") or match.groupdict().get("k") or ""
    digits = re.match(r"\d+", word)
    number = int(digits.group(0)) if digits else words.get(word)
    return number - 1 if number else None


_FILLER = {"the", "one", "that", "this", "lock", "please", "le", "la", "l", "celui", "celle", "ci", "serrure",
           "svp", "个", "这个", "那个", "吧", "的", "门锁", "锁", "请"}
"""Words an answer that names a device by its id may have around the id ("the rogue-lock one", "那个 rogue-lock")."""


def _words(text: str) -> str:
    return normalize(text).replace("-", " ").replace("_", " ")


def _ids_said(text: str, candidates: list[DeviceRecord]) -> list[DeviceRecord]:
    """The candidates whose id the answer is: the id and nothing else but filler words, so that a device whose id
    is "first", "one" or "le" is not picked by "the first one" or "le premier"."""
    said = _words(text)
    picked = []
    for record in candidates:
        device_id = _words(record.id)
        if not device_id or f" {device_id} " not in f" {said} ":
            continue
        rest = f" {said} ".replace(f" {device_id} ", " ", 1).split()
        if all(word in _FILLER for word in rest):
            picked.append(record)
    return picked


def oldest_first(records: list[DeviceRecord]) -> list[DeviceRecord]:
    """``records`` by when each first registered, oldest first, those of unknown age last: "the first one" is
    the lock the home has had longest, never an impostor that registered under its names yesterday."""
    return sorted(records, key=lambda r: (r.registered is None, r.registered or 0.0))


def chosen(text: str, understanding: Understanding, candidates: list[DeviceRecord]) -> DeviceRecord | None:
    """The one of ``candidates`` an answer picks, or None if it picks none or several."""
    if not candidates:
        return None
    place = _ordinal(text, understanding.lang)  # an ordinal answer is read as the ordinal, whatever ids look like
    if place is not None:
        return candidates[place] if -len(candidates) <= place < len(candidates) else None
    by_id = _ids_said(text, candidates)
    if len(by_id) == 1:
        return by_id[0]
    targets = [understanding.fragment.target] if understanding.fragment is not None else []
    targets += [i.target for i in understanding.intents]
    for target in targets:
        named = [r for r in candidates if r.id in target.devices]
        if len(named) == 1:
            return named[0]
        in_rooms = [r for r in (named or candidates) if r.room in target.rooms]
        if len(in_rooms) == 1:
            return in_rooms[0]
    return None
