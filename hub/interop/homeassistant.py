"""The Home Assistant MQTT discovery bridge: a hub extension (``genie up --ha-discovery``).

Every device in the hub's directory is announced with one retained device-based discovery message,
``homeassistant/device/<id>/config`` (``hub.interop.ha_mapping`` builds it), or with ``legacy`` (Home
Assistant before 2025.2) one per component; a removed device's messages are cleared with an empty retained
payload. Home Assistant reads availability and state from our own topics and publishes its commands under
``genie/ha/<id>/…/set``: the bridge, on the hub's MQTT session, turns each into directives sent with
``hub.send`` — checked, acknowledged and logged like any other. When Home Assistant announces itself
(``homeassistant/status`` = ``online``) the bridge republishes everything and asks every device to re-
announce, so Home Assistant gets the state even from a broker without retained messages. A message over the
protocol's 256 KiB on any of these topics is dropped unread, with one short log line; a log line quotes at
most ``LOG_QUOTE_CHARS`` of what Home Assistant sent. An unlock code Home Assistant sends (the ``code`` of a
lock's command) is starred in what the hub's taps see (``/api/messages``, a recording) and in the failure log
lines; the device gets the real one.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from hub.conversation.redact import hide, star
from hub.directory import DeviceRecord
from hub.interop.ha_mapping import CommandError, DeviceMapping, HaTopics, map_device
from hub.interop.worker import SerialWorker
from hub.protocol import DeviceInfo, DiscoveryRequest, ErrorResponse, encode
from hub.protocol.codec import ProtocolError, check_size, clip, parse_json, quote
from hub.service import VERSION

if TYPE_CHECKING:
    from hub.service import Hub

_LOGGER = logging.getLogger(__name__)


class HomeAssistantBridge:
    """Announces the home to Home Assistant and carries out its commands (see the module docstring)."""

    def __init__(self, hub: Hub, *, discovery_prefix: str = "homeassistant", lang: str = "en",
                 legacy: bool = False) -> None:
        self.hub = hub
        self.ha = HaTopics(hub.topics, discovery_prefix)
        self.lang = lang
        self.legacy = legacy
        """Per-component discovery, ``object_id`` and mireds, for Home Assistant before 2025.2 (``map_device``)."""
        self.version = VERSION
        self.filters: tuple[str, ...] = (*self.ha.command_filters, self.ha.birth)
        self._mappings: dict[str, tuple[DeviceInfo, DeviceMapping]] = {}
        self._published: dict[str, bytes] = {}
        """Topic -> the retained payload last published on it (discovery configs and mirrors)."""
        self._commands: dict[str, tuple[str, DeviceMapping]] = {}
        self._out = SerialWorker("ha-bridge.publish")
        self._work = SerialWorker("ha-bridge.commands")
        self.failures: list[str] = []
        """The last command failures, newest last (also logged): what Home Assistant asked that did not happen."""
        hub.directory.listeners.append(self._changed)
        hub.redactors.append(self._shown)

    # ------------------------------------------------------------------ extension interface
    async def on_connect(self, hub: Hub) -> None:
        """After every (re)connection: republish the whole home (a broker restart loses retained messages)."""
        self._out.start()
        self._work.start()
        self._published.clear()
        for record in hub.directory.all():
            self._changed(record)

    def on_message(self, topic: str, payload: bytes) -> None:
        """Home Assistant came online (republish the home) or sent a command (carry it out, in order)."""
        try:
            check_size(payload)
        except ProtocolError as exc:
            _LOGGER.warning("home assistant: dropped a message on %s: %s", clip(topic), exc.reason)
            return
        if topic == self.ha.birth:
            if payload.strip() == b"online":
                self._published.clear()
                for record in self.hub.directory.all():
                    self._changed(record)
                self._out.submit(lambda: self.hub.publish(self.hub.topics.discover,
                                                          encode(DiscoveryRequest.create(self.hub.hub_id))))
            return
        entry = self._commands.get(topic)
        if entry is None:
            _LOGGER.info("home assistant: no device listens on %s", clip(topic))
            return
        text = payload.decode("utf-8", "replace")
        self._work.submit(lambda: self._execute(topic, text))

    async def aclose(self) -> None:
        """Stop the bridge's tasks (the hub's own shutdown does not know them)."""
        if self._changed in self.hub.directory.listeners:
            self.hub.directory.listeners.remove(self._changed)
        if self._shown in self.hub.redactors:
            self.hub.redactors.remove(self._shown)
        await self._work.aclose()
        await self._out.aclose()

    async def idle(self) -> None:
        """Return once every command received and every message queued so far has been handled."""
        await self._work.join()
        await self._out.join()

    # ------------------------------------------------------------------ directory -> Home Assistant
    def mapping(self, device_id: str) -> DeviceMapping | None:
        """The current mapping of ``device_id`` (None if the bridge does not know it)."""
        entry = self._mappings.get(device_id)
        return entry[1] if entry else None

    def _changed(self, record: DeviceRecord) -> None:
        if record.id not in self.hub.directory:
            self._removed(record.id)
            return
        entry = self._mappings.get(record.id)
        if entry is None or entry[0] is not record.info:  # a (re-)registration: map it again
            mapping = map_device(record.info, self.ha, lang=self.lang, version=self.version, legacy=self.legacy)
            messages = mapping.messages()
            if entry is not None:
                for topic in entry[1].commands:
                    self._commands.pop(topic, None)
                for topic in set(entry[1].messages()) - set(messages):  # a component the device no longer has
                    self._retain(topic, b"")
            self._commands.update({topic: (record.id, mapping) for topic in mapping.commands})
            self._mappings[record.id] = (record.info, mapping)
            for topic, payload in messages.items():
                self._retain(topic, payload)
        else:
            mapping = entry[1]
            for topic, payload in mapping.messages().items():
                if topic not in self._published:  # after a reconnection or Home Assistant's birth
                    self._retain(topic, payload)
        for topic, mirror in mapping.mirrors.items():
            self._retain(topic, mirror(record.state))

    def _removed(self, device_id: str) -> None:
        entry = self._mappings.pop(device_id, None)
        if entry is None:
            return
        mapping = entry[1]
        for topic in mapping.commands:
            self._commands.pop(topic, None)
        for topic in (*mapping.messages(), *mapping.mirrors):
            self._retain(topic, b"")

    def _retain(self, topic: str, payload: bytes) -> None:
        """Publish ``payload`` retained on ``topic`` unless that is what it already holds."""
        if self._published.get(topic) == payload:
            return
        self._published[topic] = payload
        self._out.submit(lambda: self.hub.publish(topic, payload, retain=True))

    # ------------------------------------------------------------------ Home Assistant -> directives
    async def _execute(self, topic: str, text: str) -> None:
        entry = self._commands.get(topic)
        if entry is None:  # the device went away while the command waited
            return
        device_id, mapping = entry
        record = self.hub.directory.get(device_id)
        state = dict(record.state) if record is not None else {}
        try:
            requests = mapping.commands[topic](text, state)
        except CommandError as exc:
            self._failed(topic, text, str(exc))
            return
        except RecursionError:  # a JSON command nested deeper than the parser goes
            self._failed(topic, text, "JSON nested too deeply")
            return
        for request in requests:
            response = await self.hub.send(request)
            if isinstance(response, ErrorResponse):
                self._failed(topic, text, f"{request.action} -> {response.payload.error_code}: "
                                          f"{response.payload.message}")
                return

    def _shown(self, topic: str, payload: bytes) -> bytes:
        """A message on one of the bridge's command topics as the hub's taps may see it (a hub redactor)."""
        if topic not in self._commands:
            return payload
        text = payload.decode("utf-8", "replace")
        shown, _code = hidden(text)
        return payload if shown == text else shown.encode()

    def _failed(self, topic: str, text: str, why: str) -> None:
        text, code = hidden(text)
        if code:
            why = why.replace(code, star(code))
        what = f"{clip(topic)} {quote(text)}: {clip(hide(why))}"
        _LOGGER.warning("home assistant command failed: %s", what)
        self.failures = [*self.failures[-19:], what]


def hidden(text: str) -> tuple[str, str | None]:
    """A command from Home Assistant as it may be shown: the ``code`` of a JSON command (a lock's, as its
    ``command_template`` renders it) starred, and a code said after a code word in it (``hide``); and the
    code it held, if any."""
    try:
        data = parse_json(text)
    except ProtocolError:
        return hide(text), None
    if not isinstance(data, dict) or data.get("code") in (None, ""):
        return hide(text), None
    code = str(data["code"])
    return hide(json.dumps({**data, "code": star(code)}, ensure_ascii=False)), code
