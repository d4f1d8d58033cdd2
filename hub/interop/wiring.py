"""Glue for the composition root (``genie up`` / ``genie hub``): which interop extensions to put on a hub,
how to stop them, and the broker logins the neighbours use. docs/interop.md shows the lines that call it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hub.interop.hermes import HermesNlu
from hub.interop.homeassistant import HomeAssistantBridge
from hub.interop.roles import HERMES_USER, HOMEASSISTANT_USER, role_password

if TYPE_CHECKING:
    from hub.service import Hub

Interop = HomeAssistantBridge | HermesNlu


@dataclass(frozen=True)
class InteropOptions:
    """What ``genie up`` turned on: ``--ha-discovery [--ha-prefix P] [--ha-lang L] [--ha-legacy]`` and
    ``--hermes``."""

    ha_discovery: bool = False
    ha_prefix: str = "homeassistant"
    ha_lang: str = "en"
    hermes: bool = False
    ha_legacy: bool = False
    """Per-component discovery and mireds, for Home Assistant before 2025.2."""

    @property
    def any(self) -> bool:
        """True if any extension is asked for."""
        return self.ha_discovery or self.hermes


def make_extensions(hub: Hub, options: InteropOptions) -> list[Interop]:
    """The extensions ``options`` asks for, built for ``hub`` (add them to ``hub.extensions`` before ``run``)."""
    made: list[Interop] = []
    if options.ha_discovery:
        made.append(HomeAssistantBridge(hub, discovery_prefix=options.ha_prefix, lang=options.ha_lang,
                                        legacy=options.ha_legacy))
    if options.hermes:
        made.append(HermesNlu(hub))
    return made


async def close_extensions(extensions: list[Interop]) -> None:
    """Stop what ``make_extensions`` made (after the hub has stopped)."""
    for extension in extensions:
        await extension.aclose()


def neighbour_logins(options: InteropOptions, secret: str | None) -> list[str]:
    """Lines for the start-up summary: how Home Assistant / Rhasspy log in to the broker."""
    lines = []
    for wanted, user, what in ((options.ha_discovery, HOMEASSISTANT_USER, "Home Assistant MQTT integration"),
                               (options.hermes, HERMES_USER, "Rhasspy (Hermes over MQTT)")):
        if not wanted:
            continue
        login = f"user {user}, password {role_password(secret, user)}" if secret else "no credentials needed"
        lines.append(f"{what}: {login}")
    return lines
