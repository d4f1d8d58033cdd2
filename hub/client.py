"""A client of the running hub over MQTT: what ``genie say``, ``genie devices list`` and
``genie home reset`` use (and any script may)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import cast

from hub.errors import GenieError
from hub.paths import credentials_path
from hub.protocol import (
    Announcement,
    AnnouncePayload,
    AutomationsPayload,
    AutomationsResponse,
    CommandResult,
    DeviceView,
    ErrorResponse,
    HubInfoPayload,
    HubInfoResponse,
    HubRequest,
    HubStatus,
    ListDevicesResponse,
    ProtocolError,
    TextCommandResponse,
    Topics,
    decode,
    encode,
)
from hub.protocol.messages import DirectoryPayload
from hub.protocol.mqtt import BrokerURL, MqttConnection
from hub.security import (
    CLIENT_ID_PREFIX,
    CLIENT_USER,
    LISTENER_ID_PREFIX,
    LISTENER_USER,
    Credentials,
    home_login,
    split_login,
)

REPLY_MAX_BYTES = 64 * 1024 * 1024
"""A directory of 10,000 devices is a few MB; the hub is trusted with more than a device is."""

OFFLINE_GRACE = 2.0
"""Seconds to keep waiting for an answer after the hub's status says it is offline."""


class HubUnavailable(GenieError, RuntimeError):
    """The broker or the hub cannot be reached, or the hub did not answer in time."""


def _logged_in(url: BrokerURL, user: str) -> BrokerURL:
    """``url`` logged in as ``user``, when it names no user and the data directory holds credentials."""
    path = credentials_path()
    if url.username is not None or not path.exists():
        return url
    return BrokerURL(url.host, url.port, user, Credentials.load(path).password_for(user))


def with_client_credentials(url: BrokerURL) -> BrokerURL:
    """``url`` logged in as the text-command client, when the data directory holds credentials."""
    return _logged_in(url, CLIENT_USER)


def with_listener_credentials(url: BrokerURL) -> BrokerURL:
    """``url`` logged in as the listener (``genie listen``), when the data directory holds credentials."""
    return _logged_in(url, LISTENER_USER)


def _unavailable(exc: ConnectionError, connected: bool, login: str | None) -> HubUnavailable:
    """What to say when the broker could not be reached, or dropped a connection it had accepted."""
    if not connected:
        return HubUnavailable(f"{exc} — is `genie up` running?")
    if login is None:
        return HubUnavailable(f"{exc} — the broker closed the connection")
    return HubUnavailable(f"{exc} — the broker closed the connection: it stopped, or another client logged "
                          f"in as {login} at the same moment (on Mosquitto every session is its login's name, "
                          "so all clients of one login share one session: run one at a time)")


def _joined(parts: dict[int, ListDevicesResponse]) -> ListDevicesResponse:
    """The directory put together from its parts (in their order)."""
    first = parts[min(parts)]
    devices = [view for _, part in sorted(parts.items()) for view in part.payload.devices]
    return ListDevicesResponse(header=first.header, payload=DirectoryPayload(devices=devices))


HubReply = TextCommandResponse | ListDevicesResponse | HubInfoResponse | AutomationsResponse


async def _ask(url: BrokerURL, name: str, text: str | None, lang: str | None, timeout: float,
               topics: Topics | None, session: str | None = None, target: str | None = None,
               home: str | None = None, speaker: str | None = None) -> HubReply:
    """Ask the hub (of ``home``, on its own topics and as its text-client login, when given) and await its answer."""
    client_id = f"{CLIENT_ID_PREFIX}{uuid.uuid4().hex[:12]}"  # the id the hub answers to, in the home's tree
    offline_since: float | None = None
    started = asyncio.get_running_loop().time()
    url = _logged_in(url, home_login(home, CLIENT_USER))
    topics = (topics or Topics()).home(home)
    reply_topic = topics.command_reply(client_id)
    request = HubRequest.create(name, client_id, text, lang, session, target, speaker)
    connected = False
    parts: dict[int, ListDevicesResponse] = {}  # a big directory comes in numbered parts
    try:
        async with MqttConnection(url, home_login(home, client_id), keepalive=max(5, int(timeout) + 5)) as conn:
            connected = True
            await conn.subscribe(reply_topic, topics.hub_status)
            await conn.publish(topics.command, encode(request))
            loop = asyncio.get_running_loop()
            async with asyncio.timeout(timeout) as deadline:
                async for message in conn.messages():
                    if message.topic == topics.hub_status:
                        if message.payload and not decode(message.payload, HubStatus).online:
                            # Offline, or a restart under way (an old last will can land just after the new
                            # hub said Online, and it corrects that at once): give it a moment, not the whole timeout.
                            offline_since = loop.time()
                            deadline.reschedule(min(deadline.when() or offline_since + OFFLINE_GRACE,
                                                    offline_since + OFFLINE_GRACE))
                        else:
                            offline_since = None
                            deadline.reschedule(started + timeout)
                        continue
                    reply = decode(message.payload, TextCommandResponse, ListDevicesResponse, HubInfoResponse,
                                   AutomationsResponse, ErrorResponse, max_bytes=REPLY_MAX_BYTES)
                    if reply.header.message_id != request.header.message_id:
                        continue
                    if isinstance(reply, ErrorResponse):
                        raise HubUnavailable(f"the hub refused the request: {reply.payload.error_code}: "
                                             f"{reply.payload.message}")
                    if isinstance(reply, ListDevicesResponse) and reply.payload.parts is not None:
                        parts[reply.payload.part or 1] = reply
                        if len(parts) < reply.payload.parts:
                            continue
                        reply = _joined(parts)
                    return cast(HubReply, reply)
    except TimeoutError:
        if offline_since is not None:
            raise HubUnavailable(f"the hub on {url} is offline — start it with `genie up`") from None
        raise HubUnavailable(f"no answer from a hub on {url} within {timeout:g}s — is `genie up` running?") from None
    except ConnectionError as exc:
        raise _unavailable(exc, connected, url.username) from None
    except ProtocolError as exc:
        raise HubUnavailable(f"the hub answered something unreadable: {exc.reason}") from None
    raise HubUnavailable(f"the connection to {url} closed before the hub answered")


async def say(url: BrokerURL, text: str, *, lang: str | None = None, timeout: float = 10.0,
              topics: Topics | None = None, session: str | None = None, home: str | None = None,
              speaker: str | None = None) -> CommandResult:
    """Send a text command to the hub (of home ``home``, when given), as said to ``speaker`` (its room is where
    "关灯" acts), and return what it did; ``session`` ties follow-ups together ("再亮一点", an answer to the hub's
    question) across separate calls."""
    reply = await _ask(url, "TextCommand", text, lang, timeout, topics, session, home=home, speaker=speaker)
    assert isinstance(reply, TextCommandResponse)
    return reply.payload


async def list_devices(url: BrokerURL, *, timeout: float = 10.0, topics: Topics | None = None,
                       home: str | None = None) -> list[DeviceView]:
    """The hub's directory (the hub of home ``home``, when given)."""
    reply = await _ask(url, "ListDevices", None, None, timeout, topics, home=home)
    assert isinstance(reply, ListDevicesResponse)
    return reply.payload.devices


async def remove_device(url: BrokerURL, device_id: str, *, timeout: float = 10.0,
                        topics: Topics | None = None, home: str | None = None) -> CommandResult:
    """Have the hub (of ``home``, when given) forget a device for good (``ok`` False when it does not know it)."""
    reply = await _ask(url, "RemoveDevice", None, None, timeout, topics, target=device_id, home=home)
    assert isinstance(reply, TextCommandResponse)
    return reply.payload


async def reset_home(url: BrokerURL, *, timeout: float = 10.0, topics: Topics | None = None,
                     home: str | None = None) -> CommandResult:
    """Put every device (of home ``home``, when given) back to its initial state."""
    reply = await _ask(url, "ResetHome", None, None, timeout, topics, home=home)
    assert isinstance(reply, TextCommandResponse)
    return reply.payload


async def hub_info(url: BrokerURL, *, timeout: float = 10.0, topics: Topics | None = None,
                   home: str | None = None) -> HubInfoPayload:
    """How many devices the hub (of ``home``, when given) knows and how many are online (cheap, whatever the
    fleet's size)."""
    reply = await _ask(url, "HubInfo", None, None, timeout, topics, home=home)
    assert isinstance(reply, HubInfoResponse)
    return reply.payload


async def list_automations(url: BrokerURL, *, timeout: float = 10.0, topics: Topics | None = None,
                           home: str | None = None) -> AutomationsPayload:
    """The hub's speakers, scenes, pending timers and routines (the hub of home ``home``, when given)."""
    reply = await _ask(url, "ListAutomations", None, None, timeout, topics, home=home)
    assert isinstance(reply, AutomationsResponse)
    return reply.payload


async def automation_request(url: BrokerURL, name: str, target: str, *, text: str | None = None,
                             lang: str | None = None, timeout: float = 10.0,
                             topics: Topics | None = None, home: str | None = None) -> CommandResult:
    """RunScene / DeleteScene (target: id or name), SaveScene (target: name, text: its orders) or
    CancelTimer (target: the timer's id), to the hub of ``home`` when given."""
    reply = await _ask(url, name, text, lang, timeout, topics, target=target, home=home)
    assert isinstance(reply, TextCommandResponse)
    return reply.payload


async def announcements(url: BrokerURL, *, topics: Topics | None = None,
                        listening: Callable[[], None] | None = None,
                        home: str | None = None) -> AsyncIterator[AnnouncePayload]:
    """What the hub (of home ``home``, when given) says unasked, as it says it (until the caller stops
    iterating); ``listening`` is called once the subscription is in place."""
    topics = (topics or Topics()).home(home)
    url = _logged_in(url, home_login(home, LISTENER_USER))
    prefix = f"{CLIENT_ID_PREFIX}listen-" if split_login(url.username)[1] == CLIENT_USER else LISTENER_ID_PREFIX
    client_id = home_login(home, f"{prefix}{uuid.uuid4().hex[:12]}")
    connected = False
    try:
        async with MqttConnection(url, client_id) as conn:
            connected = True
            await conn.subscribe(topics.announce)
            if listening is not None:
                listening()
            async for message in conn.messages():
                try:
                    yield decode(message.payload, Announcement).payload
                except ProtocolError:
                    continue
    except ConnectionError as exc:
        raise _unavailable(exc, connected, url.username) from None
