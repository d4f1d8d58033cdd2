"""``decode`` reads a valid message in one pass (pydantic's JSON reader) and gives, for every payload, valid or
hostile, what reading it step by step gives: the same message, or the same error."""

from __future__ import annotations

from unittest import mock

import pytest

from hub.protocol import ErrorResponse, Property, Request, Response, codec, encode

REQUEST = Request.control("dev-1", "TurnOn")
GOOD = encode(Response.to(REQUEST, [Property(name="powerstate", value="on")])).decode()
VARIANTS = [
    GOOD, GOOD.replace('"on"', "NaN"), GOOD.replace('"on"', "1e400"), GOOD.replace('"on"', '"\\ud800"'),
    GOOD.replace('"deviceId":"dev-1"', '"deviceId":"dev-1","deviceId":"dev-2"'),
    GOOD.replace('"deviceId":"dev-1"', '"deviceId":"dev-1","deviceId":5'),
    GOOD.replace('"deviceId":"dev-1"', '"deviceId":"dev\\u0000"'), GOOD.replace('"on"', "123456789012345678901234"),
    GOOD.replace('"on"', "true"), GOOD.replace('"on"', "1.0"), GOOD.replace('"on"', '"\\u00e9t\\u00e9"'),
    GOOD.replace('"payLoadVersion":1', '"payLoadVersion":1.0'),
    GOOD.replace('"payLoadVersion":1', '"payloadVersion":"1"'),
    GOOD.replace('"payLoadVersion":1', '"payLoadVersion":9'),
    GOOD.replace('"timestamp":', '"timestamp":"12", "x":'), "\ufeff" + GOOD, GOOD + " ", " " + GOOD, GOOD[:-1],
    GOOD.replace('"name":"TurnOnResponse"', '"name":"ErrorResponse"'), "[]", "null", '{"header": {}}', "{}",
    GOOD.replace('"value":"on"', '"value":{"a":[1,{"b":2}]}'),
    GOOD.replace('"properties":[', '"extra":' + "[" * 40 + "]" * 40 + ',"properties":['),
    GOOD.replace('"TurnOnResponse"', '"TurnOnResponse\\u001b"'), GOOD.replace('"payload":', '"payloads":'),
    GOOD.replace("AliGenie.Iot.Device.Control", "AliGenie.Iot.Device.Query"),
]


def _outcome(read: object, data: object, classes: tuple[type, ...]) -> str:
    try:
        message = read(data, *classes)  # type: ignore[operator]
    except Exception as exc:  # the error itself is the outcome compared
        return f"{type(exc).__name__}: {exc}"
    return f"{type(message).__name__}: {message.model_dump()!r}"


@pytest.mark.parametrize("classes", [(Response,), (Response, ErrorResponse), (ErrorResponse, Response), (Request,)])
def test_every_payload_reads_as_step_by_step(classes: tuple[type, ...]) -> None:
    read = 0
    for text in VARIANTS:
        for data in (text, text.encode("utf-8", "surrogatepass"), bytearray(text.encode("utf-8", "surrogatepass")),
                     text.encode("utf-16")):
            one_pass = _outcome(codec.decode, data, classes)
            assert one_pass == _outcome(codec._decode_checked, data, classes), (data, classes)
            read += not one_pass.startswith("ProtocolError")
    assert read >= 4  # some of them are messages of the classes: the comparison is not of errors alone


def test_a_valid_message_is_read_in_one_pass() -> None:
    with mock.patch.object(codec.json, "loads", side_effect=AssertionError("read step by step")):
        assert codec.decode(GOOD.encode(), Response).payload.device_id == "dev-1"
    with mock.patch.object(codec.json, "loads", wraps=codec.json.loads) as loads:
        with pytest.raises(codec.ProtocolError, match="payload"):
            codec.decode(GOOD.replace('"deviceId":"dev-1"', '"deviceId":5').encode(), Response)
        assert loads.called  # an invalid one is read again, for the reason to name the field
