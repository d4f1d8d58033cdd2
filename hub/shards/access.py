"""What a shard's login may do, said once for every broker: the embedded broker's policy (``hub.security``), the
Mosquitto export and the RabbitMQ definitions (``hub.broker.rabbitmq``) all take it from here.

A shard connects as ``genie-shard-<shardId>`` (its client id too). It reads and writes every home's tree,
``{prefix}/home/#`` — it runs those homes' hubs — reads every shard's topic, and publishes on its own only:
one shard cannot speak for another, and no other login (a device, a home's hub or text client) may publish or
read anything on the shard topics.
"""

from __future__ import annotations

import re

from hub.protocol import Topics
from hub.protocol.topics import DEVICE_ID_RE, HOMES_LEVEL
from hub.shards.wire import SHARDS_LEVEL, shard_of, shard_topic, shards_filter

SHARD_USER_PREFIX = "genie-shard-"
"""A hub shard's login and client id: ``genie-shard-<shardId>``."""


def shard_login(shard_id: str) -> str:
    """The login (and client id) of shard ``shard_id``."""
    return f"{SHARD_USER_PREFIX}{shard_id}"


def shard_of_login(username: str | None) -> str | None:
    """The shard id of a shard's login, or None for any other login."""
    if username is None or not username.startswith(SHARD_USER_PREFIX):
        return None
    shard = username[len(SHARD_USER_PREFIX):]
    return shard if DEVICE_ID_RE.fullmatch(shard) else None


def shard_allowed(base: Topics, shard: str, client_id: str | None, publish: bool, topic: str) -> bool:
    """May shard ``shard`` (connected as ``client_id``) publish (else subscribe to, or receive) ``topic``?"""
    if client_id != shard_login(shard):
        return False
    if topic.startswith(f"{base.prefix}/{HOMES_LEVEL}/"):
        return True
    if publish:
        return topic == shard_topic(base, shard)
    return topic == shards_filter(base) or shard_of(base, topic) is not None


def mosquitto_section(base: Topics, shard: str) -> str:
    """Shard ``shard``'s login as a Mosquitto acl_file section."""
    return (f"user {shard_login(shard)}\ntopic readwrite {base.prefix}/{HOMES_LEVEL}/#\n"
            f"topic write {shard_topic(base, shard)}\ntopic read {shards_filter(base)}\n")


def rabbitmq_topic_rules(base: Topics, shard: str) -> tuple[str, str]:
    """Shard ``shard``'s topic permissions on RabbitMQ (write, read): regexes on the AMQP routing key."""
    p = re.escape(base.prefix.replace("/", "."))
    return (f"^{p}\\.({HOMES_LEVEL}\\.|{SHARDS_LEVEL}\\.{re.escape(shard)}$)",
            f"^{p}\\.({HOMES_LEVEL}\\.|{SHARDS_LEVEL}\\.)")
