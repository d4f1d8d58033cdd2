"""Text a person reads is plain text: a registration carrying a control character, an escape sequence or a
bidirectional override is malformed; log lines show such characters as ``\\x1b``, never raw; `genie`
prints text without them (``printable``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from devices.categories import device_class
from devices.home import load_home
from devices.registry import load_registry
from devices.registry.fleet import random_fleet
from hub.protocol import DeviceInfo, ProtocolError, Registration, decode, encode
from hub.protocol.codec import LOG_QUOTE_CHARS, clip, quote

SNEAKY = ["\x1b", "\x00", "\t", "\n", "\r", "\x7f", "\x85", "\x9b", "\u202a", "\u202e", "\u2066", "\u2069"]
"""C0 (tab and line breaks too), DEL, C1, bidi overrides and isolates."""


def lamp_document() -> dict[str, Any]:
    lamp = next(c for c in load_home().device_configs() if c.id == "desk-lamp")
    return json.loads(encode(Registration.create(device_class(lamp.category)(lamp).info())))


FIELDS: list[tuple[tuple[str | int, ...], str]] = [
    (("names", "zh", 0), "names.zh.0"),
    (("names", "en", 1), "names.en.1"),  # an alias, not only the display name
    (("names", "fr", 0), "names.fr.0"),
    (("deviceName",), "deviceName"),
    (("brand",), "brand"),
    (("model",), "model"),
    (("firmware",), "firmware"),
    (("zone",), "zone"),
    (("zoneId",), "zoneId"),
    (("zoneNames", "zh", 0), "zoneNames.zh.0"),
    (("zoneNames", "en", 0), "zoneNames.en.0"),
    (("deviceType",), "deviceType"),
    (("icon",), "icon"),
    (("actions", 0), "actions.0"),
    (("extensions", "room"), "extensions.room"),
    (("propertySpecs", 1, "unit"), "propertySpecs.1.unit"),
    (("propertySpecs", 0, "enumValues", 1), "propertySpecs.0.enumValues.1"),
    (("propertySpecs", 0, "name"), "propertySpecs.0.name"),
    (("properties", 0, "name"), "properties.0.name"),
]


def _set(document: dict[str, Any], path: tuple[str | int, ...], extra: str) -> None:
    """Add ``extra`` to the text at ``path`` of the payload (a new alias or entry if there is none)."""
    where: Any = document["payload"]
    for step in path[:-1]:
        where = where[step]
    last = path[-1]
    if isinstance(where, list) and last == len(where):
        where.append("")
    where[last] = where.get(last, "") + extra if isinstance(where, dict) else where[last] + extra


@pytest.mark.parametrize(("path", "shown"), FIELDS, ids=[f[1] for f in FIELDS])
@pytest.mark.parametrize("sneaky", SNEAKY, ids=[f"U+{ord(c):04X}" for c in SNEAKY])
def test_a_registration_with_a_control_character_in_text_a_person_reads_is_malformed(
        path: tuple[str | int, ...], shown: str, sneaky: str) -> None:
    document = lamp_document()
    _set(document, path, "x" + sneaky + "[2J")
    with pytest.raises(ProtocolError) as caught:  # the hub: one "dropped malformed message" line
        decode(json.dumps(document).encode(), Registration)
    assert f"payload.{shown}: " in caught.value.reason and f"U+{ord(sneaky):04X}" in caught.value.reason
    assert sneaky not in caught.value.reason
    with pytest.raises(ValidationError, match=f"U\\+{ord(sneaky):04X}"):  # a device's own code
        DeviceInfo.model_validate(document["payload"])


def test_a_registration_quoting_the_escape_sequence_shows_it_escaped() -> None:
    document = lamp_document()
    document["payload"]["names"]["zh"] = ["灯\x1b]0;PWNED\x07\x1b[2J"]
    with pytest.raises(ProtocolError) as caught:
        decode(json.dumps(document).encode(), Registration)
    assert caught.value.reason.startswith("payload.names.zh.0: U+001B (ESCAPE) in '灯\\x1b]0;PWNED\\x07")


@pytest.mark.parametrize("kept", ["台灯 二号", "lampe de l'entrée", "Philips Hue 👩‍👩‍👧", "ＡＢＣ　全角",
                                  "v1.2.3-rc.1"])
def test_readable_text_stays_registrable(kept: str) -> None:
    document = lamp_document()
    document["payload"]["names"]["zh"] = [kept]
    document["payload"]["brand"] = kept
    assert decode(json.dumps(document).encode(), Registration).payload.names.zh == [kept]


def test_every_device_of_the_demo_home_and_of_the_registry_still_registers() -> None:
    homes = [load_home(), random_fleet(load_registry(), 2000, seed=13)]
    count = 0
    for home in homes:
        for config in home.device_configs():
            info = device_class(config.category)(config).info()
            assert decode(encode(Registration.create(info)), Registration).payload == info
            count += 1
    assert count == 2019


@pytest.mark.parametrize(("given", "shown"), [
    ("x/49/\x1b[2J\x1b[31m", "x/49/\\x1b[2J\\x1b[31m"),
    ("t\x1b]0;PWNED\x07", "t\\x1b]0;PWNED\\x07"),
    ("a\x9b2Jb\x7fc\x00", "a\\x9b2Jb\\x7fc\\x00"),
    ("line\nforged INFO line\r", "line\\nforged INFO line\\r"),
    ("open \u202egnp.exe", "open \\u202egnp.exe"),
    ("\u2066iso\u2069 \u2028", "\\u2066iso\\u2069 \\u2028"),
    ("surrogate \ud800", "surrogate \\ud800"),
    ("打开 genie/dev/台灯/register 👩‍👩‍👧 \\x1b", "打开 genie/dev/台灯/register 👩‍👩‍👧 \\x1b"),
])
def test_clip_shows_control_characters_instead_of_writing_them(given: str, shown: str) -> None:
    assert clip(given) == shown
    assert quote(given) == repr(given) and "\x1b" not in quote(given)


def test_clip_of_a_long_text_of_escapes_stays_within_the_cap_and_never_splits_one() -> None:
    text = "\x1b[2J" * 10_000
    shown = clip(text)
    assert shown == ("\\x1b[2J" * 100)[:LOG_QUOTE_CHARS] + f"… ({len(text)} characters)"
    # an escape that would not fit whole is left out whole
    assert clip("a" + "\x1b" * 1000) == "a" + "\\x1b" * 49 + "… (1001 characters)"
    assert clip("\u202e" * 1000) == "\\u202e" * (LOG_QUOTE_CHARS // 6) + "… (1000 characters)"
    assert len(quote(b"\x1b[2J" * 10_000)) <= LOG_QUOTE_CHARS + 30 and "\x1b" not in quote(b"\x1b[2J" * 10_000)


def test_a_protocol_error_reason_carries_no_raw_control_character() -> None:
    reason = ProtocolError("payload.deviceId: invalid device id '\x1b[2J'").reason
    assert reason == "payload.deviceId: invalid device id '\\x1b[2J'"


def test_printable_is_one_helper_wherever_it_is_imported_from() -> None:
    from hub.automation.models import printable as timers_printable
    from hub.protocol.text import printable, visible

    assert timers_printable is printable
    assert visible("a\x1b[2J\u202e") == clip("a\x1b[2J\u202e") == "a\\x1b[2J\\u202e"
    assert printable("旧台灯\x1b]0;PWNED\x07\x1b[2J\x1b[31mEVIL\x1b[0m\x9b2J") == "旧台灯EVIL"


def test_a_reported_property_name_with_a_control_character_is_malformed_its_text_value_is_state() -> None:
    from hub.protocol import Property, PropertyChanged

    report = json.loads(encode(PropertyChanged.create("desk-lamp", [Property(name="note", value="ok")], "app")))
    report["payload"]["properties"][0]["name"] = "note\x1b[2J"
    with pytest.raises(ProtocolError) as caught:
        decode(json.dumps(report).encode(), PropertyChanged)
    assert caught.value.reason.startswith("payload.properties.0.name: U+001B (ESCAPE) in 'note\\x1b[2J'")
    report["payload"]["properties"][0] = {"name": "note", "value": "hi\x1b[2J"}  # state: printed, never acted on
    assert decode(json.dumps(report).encode(), PropertyChanged).payload.properties[0].value == "hi\x1b[2J"


def test_every_text_of_a_registration_is_checked_even_one_added_later() -> None:
    """The quick check lists the fields; the walk that names the culprit finds every text by itself. Each
    text the walk finds, tainted in turn, is refused: a field added to DeviceInfo and forgotten in the list
    fails here."""
    from hub.protocol.description import _texts

    document = lamp_document()
    document["payload"].update(icon="lamp.png", extensions={"vendor": "yeelight"})
    info = DeviceInfo.model_validate(document["payload"])
    paths = [where for where, _text in _texts(info, "")]
    assert len(paths) > 40 and "icon" in paths and "extensions.vendor" in paths and "names.fr.0" in paths
    for where in paths:
        tainted = json.loads(json.dumps(document))
        _set(tainted, tuple(int(step) if step.isdigit() else step for step in where.split(".")), "\u202e")
        with pytest.raises(ProtocolError) as caught:
            decode(json.dumps(tainted).encode(), Registration)
        own_rule = where == "deviceId" or where.endswith((".dataType", ".accessMode"))  # a stricter one of its own
        assert caught.value.reason.startswith(f"payload.{where}: " + ("" if own_rule else "U+202E")), where
    tainted = json.loads(json.dumps(document))
    tainted["payload"]["extensions"] = {"vendor\x1b[2J": "yeelight"}  # a key is text too
    with pytest.raises(ProtocolError, match="U\\+001B"):
        decode(json.dumps(tainted).encode(), Registration)


def test_a_message_id_with_a_control_character_is_malformed() -> None:
    """A peer's messageId is echoed in replies and quoted in the hub's debug lines: an identifier, not text."""
    from hub.protocol import DeviceStatus

    status = json.loads(encode(DeviceStatus.create("desk-lamp", True, "connect")))
    status["header"]["messageId"] = "abc\x1b]0;PWNED\x07"
    with pytest.raises(ProtocolError) as caught:
        decode(json.dumps(status).encode(), DeviceStatus)
    assert caught.value.reason == "header.messageId: U+001B (ESCAPE) in 'abc\\x1b]0;PWNED\\x07'"
