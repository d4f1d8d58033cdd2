"""Who may connect and what each may touch: credentials, the ACL policy, Mosquitto export.

- The hub (user ``genie-hub``) may do everything.
- A text-command client (user ``genie-client``) may publish on the hub's command topic and read only
  its own reply topic and the hub's status.
- A listener (user ``genie-listener``, what ``genie listen`` uses) may only read the hub's status and its
  announcements; it has a login of its own so that, on Mosquitto where a session is its login's name, it
  never shares one with a text client.
- A hub shard connects as ``genie-shard-<shardId>``: every home's tree and the shard topics (``hub.shards.access``);
  no other login may publish or read anything on the shard topics.
- A device connects as its own id (username = client id = deviceId); it may publish only under
  ``{prefix}/dev/{id}/`` (never ``request``, which is the hub's) and read only its own request topic
  and the broadcast topics.

Homes sharing one broker (docs/home.md, Several homes): each login of home ``H`` is ``H.<name>`` — ``H.genie-hub``,
``H.genie-client``, ``H.genie-listener``, ``H.<deviceId>`` — its client ids start with ``H.`` too, it has the rights
above inside the home's own topic tree ``{prefix}/home/H/`` only (its hub: that whole tree, nothing else), and its
password is derived from the secret and both names. The logins without a home (above) keep the default tree;
``genie-hub`` stays the installation's own login, which holds the secret every password derives from anyway.

Credentials are random: the hub's and the client's passwords are stored in ``credentials.json``
(mode 0600) in the data directory; a device's password is HMAC-SHA256(secret, id), so any number of
devices can be spawned, on any machine holding the file, without a per-device entry. High-entropy
tokens need no slow password hash; the broker compares them in constant time.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from hub.errors import GenieError
from hub.interop.roles import INTEROP_USERS, interop_roles, role_password
from hub.protocol import Topics
from hub.protocol.codec import MAX_PAYLOAD_BYTES
from hub.protocol.topics import DEVICE_ID_RE, topic_matches
from hub.shards.access import SHARD_USER_PREFIX, mosquitto_section, shard_allowed, shard_login, shard_of_login

HUB_USER = "genie-hub"
CLIENT_USER = "genie-client"
LISTENER_USER = "genie-listener"
CREDENTIALS_FILE = "credentials.json"
RESERVED_CLIENT_IDS = frozenset({HUB_USER, CLIENT_USER, LISTENER_USER})
"""Client ids no one but their owner may use (a device named so could otherwise kick the hub off)."""
HUB_ID_PREFIX = f"{HUB_USER}-"
CLIENT_ID_PREFIX = f"{CLIENT_USER}-"
"""Text clients connect as ``genie-client-<something>``, so that several can run at once."""
LISTENER_ID_PREFIX = f"{LISTENER_USER}-"
_RESERVED_PREFIXES = (HUB_ID_PREFIX, CLIENT_ID_PREFIX, LISTENER_ID_PREFIX, SHARD_USER_PREFIX)
HOME_SEPARATOR = "."
"""Between a home's id and a login's own name: ``demo.genie-hub``. Neither a home id nor a device id has one."""


def home_login(home_id: str | None, name: str) -> str:
    """The login, or client id, ``name`` of home ``home_id`` (``<home>.<name>``); ``name`` itself for None."""
    return name if home_id is None else f"{home_id}{HOME_SEPARATOR}{name}"


def split_login(login: str | None) -> tuple[str | None, str]:
    """A login's home id and its own name: ``("demo", "genie-hub")``; ``(None, login)`` for one without a home
    (a malformed home part too: no password matches it)."""
    home, sep, name = (login or "").partition(HOME_SEPARATOR)
    if sep and DEVICE_ID_RE.fullmatch(home):
        return home, name
    return None, login or ""


def owns_client_id(username: str, client_id: str | None) -> bool:
    """Is ``client_id`` one of ``username``'s? A broker drops the older of two connections with one client
    id, so a user holding another's id could cut that session off (issue 13):

    - the hub: ``genie-hub``, or ``genie-hub-<something>`` (tools with the hub's rights);
    - a text client: ``genie-client-<something>``;
    - a listener: ``genie-listener``, or ``genie-listener-<something>``;
    - a Home Assistant or Hermes user: its user name (the broker gives it that id whatever it asked for,
      see ``session_client_id``);
    - a hub shard: its login, ``genie-shard-<shardId>``;
    - a device: its own id, which may not look like the hub's, a text client's or a shard's.
    """
    cid = client_id or ""
    if shard_of_login(username) is not None:
        return cid == username
    home, name = split_login(username)
    if home is not None:  # a home's login: a client id of that home, one its own name owns
        prefix = f"{home}{HOME_SEPARATOR}"
        return cid.startswith(prefix) and HOME_SEPARATOR not in name and owns_client_id(name, cid[len(prefix):])
    if username == HUB_USER:
        return cid == HUB_USER or (cid.startswith(HUB_ID_PREFIX) and len(cid) > len(HUB_ID_PREFIX))
    if username == CLIENT_USER:
        return cid.startswith(CLIENT_ID_PREFIX) and len(cid) > len(CLIENT_ID_PREFIX)
    if username == LISTENER_USER:
        return cid == LISTENER_USER or (cid.startswith(LISTENER_ID_PREFIX) and len(cid) > len(LISTENER_ID_PREFIX))
    if cid.startswith(_RESERVED_PREFIXES) or cid in RESERVED_CLIENT_IDS:
        return False
    return cid == username


def is_device_name(name: str) -> bool:
    """True if ``name`` can be a device's id and login: a device id's shape, and no name or prefix another role
    uses (the hub, text clients, the listener, shards, Home Assistant, Hermes)."""
    return bool(DEVICE_ID_RE.fullmatch(name)) and name not in RESERVED_CLIENT_IDS and name not in INTEROP_USERS \
        and not name.startswith(_RESERVED_PREFIXES)


def session_client_id(username: str | None, client_id: str) -> str:
    """The client id the broker gives a connection: the interop users' is their user name, whatever they
    asked for (as Mosquitto's ``use_username_as_clientid``), so a Home Assistant with a random client id
    works; everyone else keeps theirs (and is refused unless it is theirs)."""
    if username is not None and username in INTEROP_USERS:
        return username
    return client_id


class CredentialsError(GenieError, RuntimeError):
    """The credentials file is missing, unreadable or malformed; the message says which."""


class Action(Enum):
    PUBLISH = "publish"
    SUBSCRIBE = "subscribe"
    RECEIVE = "receive"


@dataclass(frozen=True)
class Credentials:
    """The secrets of one installation."""

    secret: str
    hub_password: str
    client_password: str

    @classmethod
    def generate(cls) -> Credentials:
        """New random credentials (the HMAC secret and the passwords)."""
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(24), secrets.token_urlsafe(24))

    def device_password(self, device_id: str) -> str:
        """The password of device ``device_id`` (derived, so it needs no stored entry)."""
        digest = hmac.new(self.secret.encode(), f"device:{device_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode()

    @property
    def listener_password(self) -> str:
        """The password of ``genie-listener`` (derived from the secret, like a device's, from its own message)."""
        digest = hmac.new(self.secret.encode(), b"listener", hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode()

    def shard_password(self, shard_id: str) -> str:
        """The password of hub shard ``shard_id``'s login (derived from the secret and the shard's id)."""
        digest = hmac.new(self.secret.encode(), f"shard:{shard_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode()

    def home_password(self, home_id: str, name: str) -> str:
        """The password of login ``name`` (the hub, a text client, the listener, a device) of home ``home_id``."""
        digest = hmac.new(self.secret.encode(), f"home:{home_id}:{name}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode()

    def password_for(self, username: str) -> str | None:
        """The password of ``username``, or None for a user that does not exist."""
        home, name = split_login(username)
        if home is not None:
            known = name in (HUB_USER, CLIENT_USER, LISTENER_USER) or DEVICE_ID_RE.fullmatch(name)
            return self.home_password(home, name) if known else None
        if username == HUB_USER:
            return self.hub_password
        if (shard := shard_of_login(username)) is not None:  # before the devices: it has a device id's shape
            return self.shard_password(shard)
        if username == CLIENT_USER:
            return self.client_password
        if username == LISTENER_USER:
            return self.listener_password
        if username in INTEROP_USERS:
            return role_password(self.secret, username)
        if DEVICE_ID_RE.fullmatch(username):
            return self.device_password(username)
        return None

    def check(self, username: str | None, password: str | None, client_id: str | None) -> bool:
        """True if ``username``/``password`` are valid and ``client_id`` is one of that user's (see
        ``owns_client_id``): nobody may take another user's session."""
        if not username or password is None:
            return False
        expected = self.password_for(username)
        if expected is None or not hmac.compare_digest(expected.encode(), password.encode()):
            return False
        return owns_client_id(username, client_id)

    # --- file -------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write to ``path`` with mode 0600 (created so; never world-readable, even briefly)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"version": 1, "secret": self.secret, "hub_password": self.hub_password,
                           "client_password": self.client_password}, indent=2)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(data + "\n")
        os.chmod(path, 0o600)

    @classmethod
    def load(cls, path: Path) -> Credentials:
        """Credentials read from ``path``; CredentialsError if it is unreadable or malformed."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(str(data["secret"]), str(data["hub_password"]), str(data["client_password"]))
        except FileNotFoundError:
            raise CredentialsError(f"no credentials at {path}: run `genie up` once, or pass --insecure") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CredentialsError(f"credentials file {path} is unreadable or malformed ({exc}); "
                                   "delete it to generate new ones") from None

    @classmethod
    def load_or_create(cls, path: Path) -> Credentials:
        """Credentials from ``path``, created (readable by the owner only) if it does not exist."""
        if path.exists():
            return cls.load(path)
        credentials = cls.generate()
        credentials.save(path)
        return credentials


class Policy:
    """The topic ACL: may ``username`` (connected as ``client_id``) do ``action`` on ``topic``?"""

    DEVICE_PUBLISH = ("register", "status", "state", "report", "reply")
    """What a device publishes under its own ``{prefix}/dev/{id}/``."""

    def __init__(self, topics: Topics | None = None, *, home: str | None = None) -> None:
        self.base = topics or Topics()
        self.home = home
        self.topics = self.base.home(home)
        t = self.topics
        self._broadcast = (t.discover, t.hub_status)
        self._roles = interop_roles(self.topics) if home is None else {}
        self._homes: dict[str, Policy] = {}

    def allowed(self, username: str | None, client_id: str | None, action: Action, topic: str) -> bool:
        """Whether ``username`` (with ``client_id``) may ``action`` on ``topic``."""
        t = self.topics
        home, name = split_login(username)
        if home is not None and self.home is None:  # a home's login: its own rules, inside its own tree
            prefix = f"{home}{HOME_SEPARATOR}"
            if client_id is None or not client_id.startswith(prefix):
                return False
            policy = self._homes.get(home)
            if policy is None:
                policy = self._homes[home] = Policy(self.base, home=home)
            return policy.allowed(name, client_id[len(prefix):], action, topic)
        if username == HUB_USER:
            # a home's hub: every topic of its own tree (and filters within it), nothing of any other
            return self.home is None or topic.startswith(f"{t.prefix}/")
        if self.home is None and (shard := shard_of_login(username)) is not None:
            return shard_allowed(self.base, shard, client_id, action is Action.PUBLISH, topic)
        if username == CLIENT_USER:
            if action is Action.PUBLISH:
                return topic == t.command
            if topic in (t.hub_status, t.announce):
                return True
            try:
                return client_id is not None and topic == t.command_reply(client_id)
            except ValueError:
                return False
        if username == LISTENER_USER:
            return action is not Action.PUBLISH and topic in (t.hub_status, t.announce)
        role = self._roles.get(username or "")
        if role is not None:
            return role.allowed(action, topic)
        if username is None or client_id != username or not DEVICE_ID_RE.fullmatch(username):
            return False
        own = f"{t.prefix}/dev/{username}/"
        if action is Action.PUBLISH:
            return topic.startswith(own) and topic[len(own):] in self.DEVICE_PUBLISH
        if topic in self._broadcast:
            return True
        return topic == own + "request" or (action is Action.RECEIVE and topic_matches(topic, own + "request"))


# --------------------------------------------------------------------------- Mosquitto


MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 2 + 65_535 + 2
"""The largest remaining length of a packet either broker reads: a PUBLISH of the protocol's largest payload
under the longest topic MQTT can carry (a 2-byte length and 65,535 bytes) with its packet id. The embedded
broker cuts anything longer off on its fixed header (hub/broker/); Mosquitto is told so below."""
_FIXED_HEADER_BYTES = 5
"""Mosquitto's max_packet_size counts the whole packet: the type byte and up to four length bytes too."""


def mosquitto_hash(password: str, *, iterations: int = 101, salt: bytes | None = None) -> str:
    """A mosquitto_passwd ``$7$`` entry: PBKDF2-HMAC-SHA512, as Mosquitto 2 writes it."""
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def mosquitto_acl(device_ids: list[str], topics: Topics | None = None,
                  homes: Mapping[str, Sequence[str]] | None = None, shards: Sequence[str] = ()) -> str:
    """Our ``Policy`` as a Mosquitto acl_file, one ``user`` section per login and no ``pattern`` line
    (Mosquitto applies patterns to every user: a text client would get a device's rights under its own name).

    Every client id is the user's name there (``use_username_as_clientid``), so a text client's replies,
    which the hub sends to the id it named in its request, are readable on ``{prefix}/hub/reply/+``: by
    holders of the text clients' password, as on the embedded broker. ``homes`` (home id: its device ids) adds
    each home's logins, confined to the home's own tree as ``Policy`` confines them; ``shards``, hub shards' logins."""
    base = topics or Topics()
    sections = _acl_sections(base, None, device_ids)
    sections += [role.mosquitto_acl() for role in interop_roles(base).values()]
    for home_id, ids in (homes or {}).items():
        sections += _acl_sections(base.home(home_id), home_id, ids)
    sections += [mosquitto_section(base, shard) for shard in shards]
    return "# Genie Sim topic ACL (see hub/security.py): one section per user, no pattern lines\n\n" + \
        "\n".join(sections)


def _acl_sections(t: Topics, home_id: str | None, device_ids: Sequence[str]) -> list[str]:
    """The acl_file sections of the hub, text clients, listener and devices of one topic tree."""
    p = t.prefix
    hub_rights = "topic readwrite #\n" if home_id is None else f"topic readwrite {p}/#\n"
    sections = [f"user {home_login(home_id, HUB_USER)}\n{hub_rights}",
                f"user {home_login(home_id, CLIENT_USER)}\ntopic write {t.command}\ntopic read {t.hub_status}\n"
                f"topic read {t.announce}\ntopic read {p}/hub/reply/+\n",
                f"user {home_login(home_id, LISTENER_USER)}\ntopic read {t.hub_status}\ntopic read {t.announce}\n"]
    for device_id in device_ids:
        if not owns_client_id(device_id, device_id):
            continue  # a name the broker reserves for the hub, a text client or a neighbour: no device's
        own = f"{p}/dev/{device_id}/"
        sections.append(f"user {home_login(home_id, device_id)}\n"
                        + "".join(f"topic write {own}{kind}\n" for kind in Policy.DEVICE_PUBLISH)
                        + f"topic read {own}request\ntopic read {t.discover}\ntopic read {t.hub_status}\n")
    return sections


def export_mosquitto(directory: Path, credentials: Credentials | None, device_ids: list[str], *,
                     host: str = "127.0.0.1", port: int = 1883, topics: Topics | None = None,
                     homes: Mapping[str, Sequence[str]] | None = None, shards: Sequence[str] = ()) -> list[Path]:
    """Write mosquitto.conf (+ passwd and acl when ``credentials``) equivalent to our broker's policy: the
    default tree's logins and ``device_ids``, each of ``homes`` (home id: its device ids) with its own, and the
    logins of the hub shards ``shards`` (their ids)."""
    t = topics or Topics()
    directory.mkdir(parents=True, exist_ok=True)
    conf = directory / "mosquitto.conf"
    lines = [
        "# Mosquitto configuration equivalent to Genie Sim's embedded broker (written by `genie broker --export`).",
        f"listener {port} {host}",
        "# paho-mqtt leaves Nagle's algorithm on; without this each QoS 1 exchange stalls ~40 ms.",
        "set_tcp_nodelay true",
        "persistence false",
        "max_queued_messages 10000",
        "# No packet over the protocol's limit (a 256 KiB payload, a topic, a packet id; hub/security.py): a client",
        "# sending one is disconnected on its header, as on the embedded broker. (A payload over 256 KiB in a",
        "# shorter packet is passed on, as there: the hub drops it unread with one line. message_size_limit",
        "# would drop it here, but Mosquitto itself recommends max_packet_size instead.)",
        f"max_packet_size {MAX_PACKET_BYTES + _FIXED_HEADER_BYTES}",
        "# Started as root, Mosquitto switches to this user before reading the password and ACL files",
        "# (mode 0600, owned by whoever ran the export); a non-root user is kept anyway.",
        f"user {getpass.getuser()}",
    ]
    written = [conf]
    if credentials is None:
        lines.append("allow_anonymous true")
    else:
        passwd, acl = directory / "passwd", directory / "acl"
        lines += ["allow_anonymous false", f"password_file {passwd.resolve()}", f"acl_file {acl.resolve()}"]
        users = [(HUB_USER, credentials.hub_password), (CLIENT_USER, credentials.client_password),
                 (LISTENER_USER, credentials.listener_password)]
        users += [(d, credentials.device_password(d)) for d in device_ids if owns_client_id(d, d)]
        users += [(u, role_password(credentials.secret, u)) for u in sorted(INTEROP_USERS)]
        for home_id, ids in (homes or {}).items():
            names = [HUB_USER, CLIENT_USER, LISTENER_USER, *(d for d in ids if owns_client_id(d, d))]
            users += [(home_login(home_id, name), credentials.home_password(home_id, name)) for name in names]
        users += [(shard_login(shard), credentials.shard_password(shard)) for shard in shards]
        fd = os.open(passwd, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.writelines(f"{user}:{mosquitto_hash(pw)}\n" for user, pw in users)
        lines += [
            "# Every client id is its user name (hub genie-hub, a device its id, ...): no login can take over",
            "# another's session. Text clients (genie-client) therefore share one session: two at once take it",
            "# from each other (docs/reliability.md, Mosquitto); `genie listen` has a login of its own.",
            "use_username_as_clientid true",
        ]
        acl.write_text(mosquitto_acl(device_ids, t, homes, shards), encoding="utf-8")
        written += [passwd, acl]
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written
