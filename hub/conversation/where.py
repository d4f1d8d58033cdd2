"""Where an order is meant: the room of the speaker that heard it, when the words do not say.

Home Assistant calls this area awareness. "关灯" said to the bedroom speaker turns off the bedroom's lights; a
name the home gives a device in several rooms ("the lamp") means the one in the speaker's room; "here", "这里",
"ici" is the speaker's room. A device or a room the words name wins; "all", "the whole house" mean the home; a
kind of device is looked for in the speaker's room first — "which one?" among several there — and in the whole
home when the room has none, as a speaker with no room does.
"""

from __future__ import annotations

from dataclasses import replace

from hub.nlu import Catalog, Intent


def placed(intent: Intent, room: str | None, catalog: Catalog) -> Intent:
    """``intent`` as said to a speaker in ``room`` (None: a speaker with no room, which changes nothing)."""
    target = intent.target
    if room is None:
        return intent
    if target.here and not (target.rooms or target.floors):
        return replace(intent, target=replace(target, rooms=(room,), here=False))
    if target.rooms or target.floors or target.home or target.everything:
        return intent
    if len(target.devices) > 1:  # "the lamp" of every room: the one in this room
        here = tuple(d for d in target.devices if d in catalog.devices and catalog.devices[d].room == room)
        return replace(intent, target=replace(target, devices=here)) if here else intent
    if target.devices:
        return intent
    in_room = [d for d in catalog.devices.values() if d.room == room]
    if target.categories:  # looked for in the room first, asked about among several there (``Resolver``)
        if any(d.category in target.categories for d in in_room):
            return replace(intent, target=replace(target, near=(room,)))
        return intent
    if intent.attribute and any(intent.attribute in d.attributes for d in in_room):
        return replace(intent, target=replace(target, rooms=(room,)))  # "what's the temperature": here
    return intent
