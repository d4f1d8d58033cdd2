"""Text a device chose never reaches a terminal or a log line as an escape sequence.

A rogue device (its own valid login) that registers names, brand, model, firmware or room carrying
terminal escapes (``ESC]0;…BEL`` retitles the window, ``ESC[2J`` clears the screen) or bidirectional
overrides is dropped by the hub like any malformed message: one log line, which shows the characters as
``\\x1b``, and the directory never holds it. Whatever a hub does send (an older hub's directory, a text
property a device reports) is printed by `genie` without them, and ``--json`` escapes them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from devices.home import Home, parse_home
from genie.app import Running, run_stack
from hub.directory import DeviceRecord
from hub.protocol import Names, Property, PropertyChanged, Registration, encode
from hub.protocol.mqtt import MqttConnection
from tests.brokers import BrokerUnderTest
from tests.cli import genie
from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

ROGUE = "rogue-plug"
"""A device id the tests may log in as (in Mosquitto's password file too)."""

ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x1b[31mEVIL\x1b[0m"
"""What /tmp/attack/esc.py put in every field: retitle the window, clear the screen, turn the text red."""

SNEAKY = ("\x1b]0;PWNED\x07", "\x1b[2J", "\x9b2J", "\u202e", "\u2066", "\x7f", "\x00", "\n")
"""One of each kind the protocol refuses in text a person reads: OSC, CSI, 8-bit CSI, a bidi override,
a bidi isolate, DEL, NUL and a line break."""


def small_home() -> Home:
    return parse_home({
        "rooms": [{"id": "study", "names": {"zh": ["书房"], "en": ["study"]}}],
        "devices": [{"id": "desk-lamp", "category": "light", "brand": "Yeelight", "room": "study",
                     "names": {"zh": ["台灯"], "en": ["desk lamp"]}}],
    })


@asynccontextmanager
async def hub_and_lamp(broker: BrokerUnderTest, tmp_path: Path) -> AsyncIterator[Running]:
    async with run_stack(home=small_home(), broker_url=str(broker.url), credentials=broker.credentials,
                         db=tmp_path / "hub.db", ready_timeout=20) as running:
        yield running


class _Dropped(logging.Handler):
    """The hub's "dropped malformed message" lines; ``seen`` is set once ``expected`` of them came."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.expected = expected
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        if "dropped malformed message" in line:
            self.lines.append(line)
            if len(self.lines) >= self.expected:
                self.seen.set()


def _raw_controls(text: str) -> list[str]:
    """Characters in ``text`` a terminal would act on or reorder by (a line's own end aside)."""
    return [c for c in text if c != "\n" and (unicodedata.category(c) in ("Cc", "Cs")
                                               or "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069")]


def _tainted(payload: dict[str, Any], field: str, text: str) -> dict[str, Any]:
    """A copy of a registration payload with ``text`` added to one human-readable field."""
    document = json.loads(json.dumps(payload))
    info = document["payload"]
    if field in ("names", "zoneNames"):
        info[field]["zh"] = [info[field]["zh"][0] + text]
    else:
        info[field] = info[field] + text
    return document


async def test_a_device_registering_escape_sequences_is_dropped_with_one_readable_log_line(
        any_broker: BrokerUnderTest, tmp_path: Path) -> None:
    fields = ("names", "deviceName", "brand", "model", "firmware", "zone", "zoneNames")
    bad = [(field, text) for field in fields for text in (ESCAPES,)] + [("names", text) for text in SNEAKY]
    dropped = _Dropped(len(bad))
    service_log = logging.getLogger("hub.service")
    service_log.addHandler(dropped)
    async with hub_and_lamp(any_broker, tmp_path) as stack:
        hub = stack.hub
        assert hub is not None
        held: list[DeviceRecord] = []
        hub.directory.listeners.append(lambda record=None: held.append(record) if record is not None else None)
        lamp = hub.directory.get("desk-lamp")
        assert lamp is not None
        good = json.loads(encode(Registration.create(lamp.info.model_copy(update={"device_id": ROGUE}))))
        topic = f"genie/dev/{ROGUE}/register"
        try:
            async with MqttConnection(any_broker.as_user(ROGUE), ROGUE) as rogue:
                for field, text in bad:
                    await rogue.publish(topic, json.dumps(_tainted(good, field, text)).encode())
                async with asyncio.timeout(10):
                    await dropped.seen.wait()
                # then a clean registration: the hub is still there, and handled everything before it
                await rogue.publish(topic, json.dumps(good).encode())
                await wait_for(hub.directory, lambda d: d.get(ROGUE) is not None)
        finally:
            service_log.removeHandler(dropped)
    assert len(dropped.lines) == len(bad), dropped.lines
    for line, (field, _text) in zip(dropped.lines, bad, strict=True):
        assert f"dropped malformed message on {topic}: payload" in line and field in line, line
        assert _raw_controls(line) == [] and "\n" not in line, line
    assert "\\x1b" in dropped.lines[0]  # shown, not acted on
    assert {r.id for r in held} >= {ROGUE}
    for record in held:  # the directory never held a tainted registration, not even for a moment
        info = record.info
        texts = [info.device_name, info.brand, info.model, info.firmware, info.zone]
        texts += [name for _lang, name in info.names.all() + info.zone_names.all()]
        assert all(_raw_controls(text) == [] and "PWNED" not in text for text in texts), info


async def test_genie_prints_no_escape_sequence_a_hub_sends(any_broker: BrokerUnderTest, tmp_path: Path,
                                                           _private_data_dir: Path) -> None:
    """A hub of an older version (or a record it stored before the rule) holds a lamp whose names carry
    escapes; a real device reports a text property full of them. `genie` prints neither raw."""
    assert any_broker.credentials is not None
    any_broker.credentials.save(_private_data_dir / "credentials.json")  # what `genie` commands log in with
    url = str(any_broker.url)
    evil_zh, evil_en = "旧台灯" + ESCAPES + "\x9b2J", "old lamp\u202e" + ESCAPES
    async with hub_and_lamp(any_broker, tmp_path) as stack:
        hub = stack.hub
        assert hub is not None
        lamp = hub.directory.get("desk-lamp")
        assert lamp is not None
        # the bypass: model_copy does not validate, as a hub predating the rule did not
        old = lamp.info.model_copy(update={"device_id": "old-lamp", "names": Names.model_construct(
            zh=[evil_zh], en=[evil_en], fr=[]), "brand": "B" + ESCAPES, "model": "M\u2066" + ESCAPES})
        hub.directory.register(old)
        hub.directory.set_online("old-lamp", False)
        async with MqttConnection(any_broker.as_user(ROGUE), ROGUE) as rogue:  # a real device, named plainly
            info = lamp.info.model_copy(update={"device_id": ROGUE, "names": Names(zh=["插座"], en=["plug"]),
                                                "zone_id": "hall", "zone": "门厅", "zone_names": Names(zh=["门厅"])})
            await rogue.publish(f"genie/dev/{ROGUE}/register", encode(Registration.create(info)))
            note = PropertyChanged.create(ROGUE, [Property(name="note", value="hi" + ESCAPES)], "app")
            await rogue.publish(f"genie/dev/{ROGUE}/report", encode(note))
            await wait_for(hub.directory, lambda d: "note" in getattr(d.get(ROGUE), "state", {}))

        code, out, err = await genie("devices", "list", "--broker", url)
        assert code == 0, err
        assert _raw_controls(out) == [], out
        rows = {line.split()[0]: line for line in out.splitlines()[1:]}
        assert "旧台灯" in rows["old-lamp"] and "old lamp" in rows["old-lamp"] and "note=hiEVIL" in rows[ROGUE]

        code, out, err = await genie("devices", "list", "--json", "--broker", url)
        assert code == 0, err
        assert _raw_controls(out) == [] and "\x9b" not in out and "\u202e" not in out, out
        devices = {d["id"]: d for d in json.loads(out)}  # escaped, not lost
        assert devices["old-lamp"]["names"]["zh"] == [evil_zh] and devices["old-lamp"]["names"]["en"] == [evil_en]
        assert devices[ROGUE]["state"]["note"] == "hi" + ESCAPES

        code, out, err = await genie("say", "--broker", url, "打开书房的灯")
        assert "旧台灯" in out, (out, err)
        assert _raw_controls(out + err) == [], out
        code, out, err = await genie("say", "--json", "--broker", url, "打开书房的灯")
        assert _raw_controls(out + err) == [] and evil_zh in json.loads(out)["reply"], out
