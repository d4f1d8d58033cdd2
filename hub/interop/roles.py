"""Broker users for the neighbours: Home Assistant and a Rhasspy Hermes front end.

The hub (user ``genie-hub``) speaks every dialect on its own session, so the neighbours need only
narrow rights on the secured broker:

- ``genie-homeassistant`` reads the discovery and birth topics, our device state and status topics, the
  hub's status and the bridge's own state topics; it writes only command topics ending in ``/set`` under
  ``{prefix}/ha/`` and its own birth/will ``homeassistant/status``. It can never publish a directive or
  speak for a device: the bridge turns its commands into directives, checked like any other. It may
  subscribe to other integrations' discovery topics (``NEIGHBOUR_DISCOVERY``), as it does on every connect,
  and receives nothing there.
- ``genie-hermes`` reads and writes ``hermes/#`` and ``rhasspy/#`` (a Rhasspy installation talks to its
  own services there too); nothing under ``{prefix}/``.

Their passwords are derived from the installation's secret like a device's, but from a different
message (``role:<user>``), so a device that happened to be called ``genie-homeassistant`` would not
share it. This module imports nothing of ``hub.security``, so ``hub.security`` can import it; the wiring is
in docs/interop.md (§ Security).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum

from hub.protocol import Topics, topic_matches

HOMEASSISTANT_USER = "genie-homeassistant"
HERMES_USER = "genie-hermes"
INTEROP_USERS = frozenset({HOMEASSISTANT_USER, HERMES_USER})
DEFAULT_DISCOVERY_PREFIX = "homeassistant"
NEIGHBOUR_DISCOVERY = ("drop_connect/discovery/#", "dsmr/#", "esphome/discover/#", "fully/deviceInfo/+",
                       "pglab/discovery/#", "cloudapp/QBUSMQTTGW/state", "cloudapp/QBUSMQTTGW/config",
                       "cloudapp/QBUSMQTTGW/+/state", "tasmota/discovery/#")
"""What Home Assistant's MQTT integration subscribes to on connect for other integrations (the ``mqtt`` lists of
their manifests in Home Assistant 2025.4.4): it may subscribe there, and receives nothing."""


def role_password(secret: str, user: str) -> str:
    """The password of the interop user ``user`` (HMAC-SHA256 of the installation secret)."""
    digest = hmac.new(secret.encode(), f"role:{user}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


@dataclass(frozen=True)
class Role:
    """What one interop user may publish and read (MQTT topic filters)."""

    user: str
    publish: tuple[str, ...]
    read: tuple[str, ...]
    listen: tuple[str, ...] = ()
    """Filters the user may subscribe to without receiving anything on them (unless ``read`` allows it): what
    its software subscribes to regardless, so that the broker need not log a refusal each time."""

    def allowed(self, action: Enum | str, topic: str) -> bool:
        """May this user do ``action`` (``hub.security.Action`` or its value: publish, subscribe, receive) on
        ``topic`` (a topic, or a filter when subscribing)?"""
        kind = action.value if isinstance(action, Enum) else action
        filters = self.publish if kind == "publish" else self.read
        if kind == "subscribe":
            # A subscription filter is allowed when it is one of ours or narrower than one of ours.
            return any(_narrower(topic, f) for f in (*filters, *self.listen))
        return any(topic_matches(topic, f) for f in filters)

    def mosquitto_acl(self) -> str:
        """This role as a Mosquitto acl_file section."""
        lines = [f"user {self.user}"]
        lines += [f"topic write {f}" for f in self.publish]
        lines += [f"topic read {f}" for f in self.read]
        return "\n".join(lines) + "\n"


def _narrower(candidate: str, allowed: str) -> bool:
    """True if every topic ``candidate`` matches is also matched by ``allowed``."""
    c_levels, a_levels = candidate.split("/"), allowed.split("/")
    for i, level in enumerate(a_levels):
        if level == "#":
            return True
        if i >= len(c_levels):
            return False
        if c_levels[i] == "#" or (level != "+" and (c_levels[i] == "+" or c_levels[i] != level)):
            return False
    return len(c_levels) == len(a_levels)


def homeassistant_role(topics: Topics | None = None, discovery_prefix: str = DEFAULT_DISCOVERY_PREFIX) -> Role:
    """The rights of a Home Assistant instance pointed at our broker with ``--ha-discovery``."""
    p = (topics or Topics()).prefix
    return Role(
        user=HOMEASSISTANT_USER,
        publish=(f"{p}/ha/+/+/set", f"{p}/ha/+/+/+/set", f"{discovery_prefix}/status"),
        read=(f"{discovery_prefix}/#", f"{p}/dev/+/state", f"{p}/dev/+/status", f"{p}/hub/status",
              f"{p}/ha/#"),
        listen=NEIGHBOUR_DISCOVERY,
    )


def hermes_role() -> Role:
    """The rights of a Rhasspy (Hermes) installation sharing our broker."""
    return Role(user=HERMES_USER, publish=("hermes/#", "rhasspy/#"), read=("hermes/#", "rhasspy/#"))


def interop_roles(topics: Topics | None = None, discovery_prefix: str = DEFAULT_DISCOVERY_PREFIX) -> dict[str, Role]:
    """Every interop role by user name."""
    roles = (homeassistant_role(topics, discovery_prefix), hermes_role())
    return {role.user: role for role in roles}
