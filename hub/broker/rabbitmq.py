"""RabbitMQ definitions equivalent to the embedded broker's policy (``hub.security.Policy``).

``genie broker --export rabbitmq DIR`` writes them (``definitions.json``, with ``rabbitmq.conf`` loading it and
turning the MQTT plugin's anonymous login off); a RabbitMQ cluster that imports them confines every login of the
default tree and of each home to its own topics, as the embedded broker and the Mosquitto export do
(docs/scale-out.md). ``tests/rabbitmq.py`` boots its loopback cluster with the same definitions.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from hub.protocol import Topics
from hub.security import CLIENT_USER, HUB_USER, LISTENER_USER, Credentials, home_login
from hub.shards.access import rabbitmq_topic_rules, shard_login

MQTT_EXCHANGE = "amq.topic"
"""The exchange RabbitMQ's MQTT plugin publishes to: topic permissions are checked against it."""


def rabbit_password_hash(password: str, salt: bytes | None = None) -> str:
    """A ``rabbit_password_hashing_sha256`` entry: base64(salt + SHA-256(salt + password)), 4-byte salt."""
    salt = salt if salt is not None else secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def rabbitmq_definitions(credentials: Credentials, device_ids: Sequence[str], *, topics: Topics | None = None,
                         vhost: str = "/", homes: Mapping[str, Sequence[str]] | None = None,
                         shards: Sequence[str] = ()) -> dict:
    """RabbitMQ definitions (users, permissions, topic permissions) equivalent to ``hub.security.Policy``.

    The MQTT plugin checks topic permissions against the AMQP routing key: MQTT ``a/b/c`` is ``a.b.c``,
    a ``+`` is ``*``; ``{username}`` and ``{client_id}`` are expanded in the regexes. Vhost (resource)
    permissions only let each user touch the MQTT plugin's own objects: the ``amq.topic`` exchange and
    its subscription queues ``mqtt-subscription-<client id>qos<0|1>`` (a device or a hub shard: only its own).
    ``shards`` are the ids of hub shards (docs/shards.md), each with its own login.
    """
    t = topics or Topics()
    p = re.escape(t.prefix.replace("/", "."))
    # {client_id} is expanded into the regex as is, not escaped: a client id such as ".*" would widen the
    # client's read permission to every reply topic. Subscribing needs its queue, and a client may only
    # create queues whose client id has no regex metacharacter, so such a client can subscribe to nothing.
    any_queue = "mqtt-subscription-[A-Za-z0-9_-]+qos[01]"
    mqtt_objects = f"^(amq\\.topic|{any_queue})$"
    users = [(HUB_USER, credentials.hub_password), (CLIENT_USER, credentials.client_password)]
    users += [(d, credentials.device_password(d)) for d in device_ids]
    permissions = [
        {"user": user, "vhost": vhost, "configure": f"^{any_queue}$", "write": mqtt_objects, "read": mqtt_objects}
        for user in (HUB_USER, CLIENT_USER)
    ]
    topic_permissions = [
        # The hub reads and writes the whole tree.
        {"user": HUB_USER, "vhost": vhost, "exchange": MQTT_EXCHANGE, "write": f"^{p}\\.", "read": f"^{p}\\."},
        # A text client sends commands and reads the hub's status and its own reply topic.
        {"user": CLIENT_USER, "vhost": vhost, "exchange": MQTT_EXCHANGE, "write": f"^{p}\\.hub\\.command$",
         "read": f"^{p}\\.hub\\.(status|reply\\.{{client_id}})$"},
    ]
    for device_id in device_ids:
        own_queue = f"^mqtt-subscription-{re.escape(device_id)}qos[01]$"
        permissions.append({"user": device_id, "vhost": vhost, "configure": own_queue,
                            "write": f"^amq\\.topic$|{own_queue}", "read": f"^amq\\.topic$|{own_queue}"})
        # A device is named by its id (username = client id). It publishes only its own announcements and
        # replies (the lookahead also wants its client id there: a device under another, plain client id is
        # refused), and reads its own requests and the two broadcasts; it can subscribe only under its own
        # client id, since the only queue it may create is its own.
        topic_permissions.append({
            "user": device_id, "vhost": vhost, "exchange": MQTT_EXCHANGE,
            "write": f"^(?={p}\\.dev\\.{{client_id}}\\.){p}\\.dev\\.{{username}}\\."
                     "(register|status|state|report|reply)$",
            "read": f"^{p}\\.(dev\\.{{username}}\\.request|discover|hub\\.status)$",
        })
    for shard in shards:
        user = shard_login(shard)
        own_queue = f"^mqtt-subscription-{re.escape(user)}qos[01]$"
        users.append((user, credentials.shard_password(shard)))
        permissions.append({"user": user, "vhost": vhost, "configure": own_queue,
                            "write": f"^amq\\.topic$|{own_queue}", "read": f"^amq\\.topic$|{own_queue}"})
        write, read = rabbitmq_topic_rules(t, shard)
        topic_permissions.append({"user": user, "vhost": vhost, "exchange": MQTT_EXCHANGE, "write": write,
                                  "read": read})
    for home_id, ids in (homes or {}).items():
        _home_definitions(credentials, t.home(home_id), home_id, ids, vhost, users, permissions, topic_permissions)
    return {
        "users": [{"name": name, "password_hash": rabbit_password_hash(password),
                   "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []} for name, password in users],
        "vhosts": [{"name": vhost}],
        "permissions": permissions,
        "topic_permissions": topic_permissions,
    }


def _home_definitions(credentials: Credentials, t: Topics, home_id: str, device_ids: Sequence[str], vhost: str,
                      users: list[tuple[str, str]], permissions: list[dict], topic_permissions: list[dict]) -> None:
    """The logins of home ``home_id`` (docs/home.md, Several homes), each confined to ``genie.home.<id>.``.

    Their client ids are ``<home>.<name>``: a hub, text client or listener of the home may create the queues of
    its home's client ids only. A text client reads every reply topic of its home (``{client_id}`` names the
    MQTT client id, ``<home>.genie-client-…``, where the reply topic's last level is ``genie-client-…``), as on
    Mosquitto, where all text clients of a login share its name."""
    p = re.escape(t.prefix.replace("/", "."))
    home_queue = f"mqtt-subscription-{re.escape(home_id)}\\.[A-Za-z0-9_-]+qos[01]"
    objects = f"^(amq\\.topic|{home_queue})$"
    rules = {HUB_USER: (f"^{p}\\.", f"^{p}\\."),
             CLIENT_USER: (f"^{p}\\.hub\\.command$", f"^{p}\\.hub\\.(status|announce|reply\\.[A-Za-z0-9_-]+)$"),
             LISTENER_USER: ("^(?!)", f"^{p}\\.hub\\.(status|announce)$")}
    for name, (write, read) in rules.items():
        user = home_login(home_id, name)
        users.append((user, credentials.password_for(user) or ""))
        permissions.append({"user": user, "vhost": vhost, "configure": f"^{home_queue}$", "write": objects,
                            "read": objects})
        topic_permissions.append({"user": user, "vhost": vhost, "exchange": MQTT_EXCHANGE, "write": write,
                                  "read": read})
    for device_id in device_ids:
        user = home_login(home_id, device_id)
        own_queue = f"^mqtt-subscription-{re.escape(user)}qos[01]$"
        users.append((user, credentials.password_for(user) or ""))
        permissions.append({"user": user, "vhost": vhost, "configure": own_queue,
                            "write": f"^amq\\.topic$|{own_queue}", "read": f"^amq\\.topic$|{own_queue}"})
        own = f"{p}\\.dev\\.{re.escape(device_id)}"
        topic_permissions.append({"user": user, "vhost": vhost, "exchange": MQTT_EXCHANGE,
                                  "write": f"^{own}\\.(register|status|state|report|reply)$",
                                  "read": f"^({own}\\.request|{p}\\.(discover|hub\\.status))$"})


def write_definitions(path: Path, credentials: Credentials, device_ids: Sequence[str],
                      topics: Topics | None = None, homes: Mapping[str, Sequence[str]] | None = None,
                      shards: Sequence[str] = ()) -> Path:
    """Write the definitions to ``path`` (mode 0600: they hold password hashes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(rabbitmq_definitions(credentials, device_ids, topics=topics, homes=homes, shards=shards), file,
                  indent=1)
        file.write("\n")
    return path


def export_rabbitmq(directory: Path, credentials: Credentials, device_ids: Sequence[str], *,
                    host: str = "127.0.0.1", port: int = 1883,
                    homes: Mapping[str, Sequence[str]] | None = None, shards: Sequence[str] = ()) -> list[Path]:
    """Write ``rabbitmq.conf`` and ``definitions.json`` (mode 0600: password hashes) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    definitions = write_definitions(directory / "definitions.json", credentials, device_ids, homes=homes,
                                    shards=shards)
    conf = directory / "rabbitmq.conf"
    conf.write_text("\n".join([
        "# RabbitMQ configuration equivalent to Genie Sim's embedded broker (written by `genie broker --export`).",
        "# Enable the MQTT plugin first: rabbitmq-plugins enable rabbitmq_mqtt",
        f"mqtt.listeners.tcp.1 = {host}:{port}",
        "mqtt.allow_anonymous = false",
        f"load_definitions = {definitions.resolve()}",  # as tests/rabbitmq.py boots its cluster
        "",
    ]), encoding="utf-8")
    return [conf, definitions]
