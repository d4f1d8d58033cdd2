"""The home file as a whole: the devices' half (``devices.home``) and the hub's half (scenes, routines,
language, time zone: ``hub.automation.models``), each validated by its own side and checked against the other
here, in the composition root — the only place that knows both."""

from __future__ import annotations

from pydantic import ValidationError

from devices.categories import CATEGORIES
from devices.home import Home, HomeFileError, invalid
from hub.automation.models import Automations


def automations_of(home: Home, source: str = "home file") -> Automations:
    """What the hub runs of ``home``; HomeFileError names the scene or routine entry that is wrong."""
    try:
        automations = Automations.model_validate(home.hub_part())
    except ValidationError as exc:
        raise invalid(source, exc.errors()[0]) from None
    try:
        automations.check({d.id for d in home.devices}, {r.id for r in home.rooms}, set(CATEGORIES))
    except ValueError as exc:
        raise HomeFileError(f"{source}: {exc}") from None
    return automations
