"""The home file as a whole: the devices' half (``devices.home``) and the hub's half (scenes, routines,
language, time zone: ``hub.automation.models``), each validated by its own side and checked against the other
here, in the composition root — the only place that knows both; and several homes run by one process."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from devices.categories import CATEGORIES
from devices.home import Home, HomeFileError, invalid
from hub.automation.models import Automations
from hub.errors import GenieError


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


def check_homes(homes: Sequence[Home], sources: Sequence[str]) -> None:
    """Several homes served at once each need an ``id``, all different; HomeFileError says which file lacks one."""
    if len(homes) < 2:
        return
    seen: dict[str, str] = {}
    for home, source in zip(homes, sources, strict=True):
        if home.id is None:
            raise HomeFileError(f"{source}: no id: give each home an `id` (e.g. id: flat-2) when several run at once")
        if home.id in seen:
            raise HomeFileError(f"{source}: id {home.id!r} is also the id of {seen[home.id]}")
        seen[home.id] = source


def home_db(db: Path, home_id: str | None, several: bool) -> Path:
    """The database of one home's hub: ``db`` itself for a single home, else ``<stem>-<home id><suffix>`` beside it."""
    if not several or home_id is None:
        return db
    return db.with_name(f"{db.stem}-{home_id}{db.suffix}")


def check_interop(homes: Sequence[Home], interop: Any) -> None:
    """The neighbours (Home Assistant, Hermes) have one login each on the broker, with rights in its default tree:
    they serve a single home without an id."""
    if interop is not None and interop.any and (len(homes) > 1 or homes[0].id is not None):
        raise GenieError("--ha-discovery and --hermes serve one home on the broker's default tree: a home file "
                         "without an `id` (docs/home.md, Several homes)")


@contextlib.asynccontextmanager
async def run_homes(homes: Sequence[Home], *, db: Path, **options: Any) -> AsyncIterator[list[Any]]:
    """Each home's hub and devices in this process (``genie.app.Running`` each), every home on its own topics and
    logins (its ``id``); the first starts the broker (unless ``broker_url``), the others join it. ``options`` are
    ``run_stack``'s."""
    from genie.app import run_stack

    several = len(homes) > 1
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(
            run_stack(home=homes[0], scope=homes[0].id, db=home_db(db, homes[0].id, several), **options))
        running = [first]
        joining = {k: v for k, v in options.items() if k not in ("broker_url", "broker_config", "host", "port",
                                                                  "insecure", "credentials", "interop")}
        for home in homes[1:]:
            running.append(await stack.enter_async_context(run_stack(
                home=home, scope=home.id, db=home_db(db, home.id, several),
                broker_url=options.get("broker_url") or str(first.broker_url),  # the URL as given: its login too
                credentials=first.credentials or False, **joining)))
        yield running
