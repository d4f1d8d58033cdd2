"""The codec's limits: size, nesting depth, and how much of a payload a log line may quote."""

from __future__ import annotations

import json

import pytest

from devices.categories import device_class
from devices.home import load_home
from hub.protocol import DeviceStatus, ProtocolError, Registration, decode, encode
from hub.protocol.codec import LOG_QUOTE_CHARS, MAX_JSON_DEPTH, MAX_PAYLOAD_BYTES, clip, parse_json, quote

TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize("payload", [
    b"[" * 100_000,
    b'{"a":' * 50_000,
    b"[" * 900 + b"]" * 900,
    b'{"header": {}, "payload": ' + b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1) + b"}",
])
def test_deeply_nested_json_is_a_protocol_error_not_a_recursion_error(payload: bytes) -> None:
    assert len(payload) <= MAX_PAYLOAD_BYTES
    with pytest.raises(ProtocolError, match=f"nested deeper than {MAX_JSON_DEPTH} levels"):
        decode(payload, DeviceStatus)
    with pytest.raises(ProtocolError, match="nested deeper"):
        parse_json(payload)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    value: object = 1
    for _ in range(MAX_JSON_DEPTH - 1):
        value = [value]
    assert parse_json(json.dumps({"x": value}).encode()) == {"x": value}
    with pytest.raises(ProtocolError, match="nested deeper"):
        parse_json(json.dumps({"x": [value]}).encode())
    # many containers side by side are not deep
    wide = json.dumps({"x": [[1]] * 5000}).encode()
    assert parse_json(wide) == {"x": [[1]] * 5000}


def test_brackets_in_strings_and_other_encodings_are_read_as_the_parser_reads_them() -> None:
    inside = {"a": "[" * 1000 + '\\"{' * 100, "[[[[": ["]]]]"]}
    assert parse_json(json.dumps(inside).encode()) == inside
    assert parse_json(json.dumps(inside)) == inside
    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    for encoding in ("utf-16", "utf-32-le", "utf-8-sig"):
        assert parse_json(json.dumps(inside).encode(encoding)) == inside
        with pytest.raises(ProtocolError, match="nested deeper"):
            parse_json(deep.encode(encoding))
    # a character whose UTF-16 form holds the byte of '[' (U+5B5B) is not a bracket
    assert parse_json(json.dumps(["\u5b5b" * 100], ensure_ascii=False).encode("utf-16-le")) == ["\u5b5b" * 100]


def test_an_over_limit_payload_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(ProtocolError, match=f"payload of {TEN_MB} bytes exceeds {MAX_PAYLOAD_BYTES}"):
        parse_json(b"[" * TEN_MB)  # would be a RecursionError if it were parsed
    message = encode(DeviceStatus.create("tv", True, "connect"))
    assert decode(message, DeviceStatus).online


def test_quote_caps_what_a_log_line_shows_of_a_payload() -> None:
    shown = quote(b"O" * TEN_MB)
    assert len(shown) <= LOG_QUOTE_CHARS + 30
    assert shown.startswith("'OOOO") and shown.endswith(f"… ({TEN_MB} bytes)")
    assert quote(b"ON") == "'ON'"
    assert quote("打开") == "'打开'"
    assert quote("打" * 10_000).endswith(f"… ({30_000} bytes)")
    # characters that repr expands still stay within the cap
    assert len(quote(b"\x00" * 10_000)) <= LOG_QUOTE_CHARS + 30
    assert len(quote("\U0001f600" * 10_000)) <= LOG_QUOTE_CHARS + 30
    assert quote(b"\xff\xfe") == repr("\ufffd\ufffd")


def test_clip_caps_any_text_a_peer_chose() -> None:
    assert clip("genie/ha/tv/light/set") == "genie/ha/tv/light/set"
    long_topic = "genie/ha/" + "x" * 60_000 + "/light/set"
    assert len(clip(long_topic)) <= LOG_QUOTE_CHARS + 30
    assert clip(long_topic).endswith(f"… ({len(long_topic)} characters)")


def test_a_reason_never_carries_a_whole_field() -> None:
    """A validation message quotes the value it refused; a 200 KB value must not reach the log whole."""
    lamp = next(c for c in load_home().device_configs() if c.id == "desk-lamp")
    body = json.loads(encode(Registration.create(device_class(lamp.category)(lamp).info())))
    body["payload"]["deviceId"] = "x" * 200_000
    with pytest.raises(ProtocolError, match="invalid device id 'xxx") as caught:
        decode(json.dumps(body).encode(), Registration)
    assert len(caught.value.reason) <= 2 * LOG_QUOTE_CHARS + 30
    assert len(str(caught.value)) <= 2 * LOG_QUOTE_CHARS + 30
