"""The AliGenie cloud-to-cloud gateway: answer the requests a vendor cloud receives from Tmall Genie.

In the field, the Tmall Genie cloud POSTs AliGenie v1 envelopes to a brand's "gateway URL" — discovery,
control and query (reference/protocols.md §1) — with the user's OAuth access token inside the payload.
``AliGenieGateway(hub, token).handle(body)`` answers them as that vendor cloud would, from the hub's
simulated devices: ``DiscoveryDevicesResponse`` with every device, ``<Op>Response`` after the device
acknowledged the directive, ``<Query>Response`` with the device's properties, or ``ErrorResponse`` with an
AliGenie error code. It never raises: whatever the body, the answer is an envelope (HTTP 200, as AliGenie
expects). The HTTP route that calls it lives with the hub's web server (docs/interop.md).
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.protocol import COLORS, ErrorCode, ErrorResponse, PropertyValue, Request
from hub.protocol.codec import ProtocolError, parse_json, quote
from hub.protocol.messages import ERROR_MESSAGES
from hub.protocol.vocabulary import ACTIONS, QUERY_ACTIONS

if TYPE_CHECKING:
    from hub.service import Hub

_LOGGER = logging.getLogger(__name__)

DISCOVERY = "AliGenie.Iot.Device.Discovery"
CONTROL = "AliGenie.Iot.Device.Control"
QUERY = "AliGenie.Iot.Device.Query"
NAMESPACES = (DISCOVERY, CONTROL, QUERY)
MAX_BODY = 256 * 1024
"""Bytes of request body accepted (the size limit of every message on our own bus). Over HTTP, the
dashboard's server refuses a larger body with 413 before reading it (``hub.web.limits``)."""
GATEWAY_PATH = "/aligenie/gateway"
"""Where the dashboard's server answers AliGenie requests."""
TOKEN_ENV = "GENIE_ALIGENIE_TOKEN"
TOKEN_FILE = "aligenie-token"
ICON_BASE = "https://genie-sim.invalid/icons"
"""Devices without an icon of their own get ``{ICON_BASE}/{deviceType}.png`` (a reserved, never-resolving domain)."""
HIDDEN_ACTIONS = frozenset({"Reset"})
"""Our own test action, not offered to AliGenie."""
V1_CONTROLS = frozenset({
    "TurnOn", "TurnOff", "SelectChannel", "AdjustUpChannel", "AdjustDownChannel", "SetVolume", "AdjustUpVolume",
    "AdjustDownVolume", "SetMute", "CancelMute", "Play", "Pause", "Continue", "Next", "Previous", "FastForward",
    "SetBrightness", "AdjustUpBrightness", "AdjustDownBrightness", "SetColor", "SetColorTemperature",
    "AdjustUpColorTemperature", "AdjustDownColorTemperature", "SetTemperature", "AdjustUpTemperature",
    "AdjustDownTemperature", "SetWindSpeed", "AdjustUpWindSpeed", "AdjustDownWindSpeed", "SetHumidity",
    "AdjustUpHumidity", "AdjustDownHumidity", "OpenSwing", "CloseSwing", "OpenUpAndDownSwing",
    "OpenLeftAndRightSwing", "OpenForwardAndBackSwing", "OpenUpSwing", "OpenDownSwing", "OpenLeftSwing",
    "OpenRightSwing", "OpenForwardSwing", "OpenBackSwing", "SetMode", "OpenFunction", "CloseFunction"})
"""Every AliGenie v1 control name (reference/protocols.md §1.3): one a device lacks is DEVICE_NOT_SUPPORT_FUNCTION,
a name outside the list INVALIDATE_CONTROL_ORDER."""
V1_QUERIES = frozenset({"Query", "QueryPowerState", "QueryColor", "QueryTemperature", "QueryHumidity",
                        "QueryWindSpeed", "QueryBrightness", "QueryFog", "QueryMode", "QueryPM25", "QueryDirection",
                        "QueryAngle"})
"""Every AliGenie v1 query name (§1.4), likewise."""
CHANNEL_LINEUP: dict[str, int] = {
    **{f"CCTV-{n}": n for n in range(1, 16)},
    "北京卫视": 21, "湖南卫视": 22, "浙江卫视": 23, "江苏卫视": 24, "东方卫视": 25, "深圳卫视": 26, "广东卫视": 27,
    "安徽卫视": 28, "山东卫视": 29, "天津卫视": 30,
}
"""The simulated cable lineup SelectChannel's channel names are looked up in (AliGenie sends the name, e.g.
浙江卫视; which number carries it is the operator's; these are ours). ``CCTV5`` and ``cctv-5`` work too."""
_LINEUP_FOLDED = {**{k.casefold(): v for k, v in CHANNEL_LINEUP.items()},
                  **{k.casefold().replace("-", ""): v for k, v in CHANNEL_LINEUP.items()}}
_COLOR_NAMES = {rgb.upper(): name for name, rgb in COLORS.items()}


class GatewayError(Exception):
    """A request the gateway refuses, with the AliGenie error code it answers."""

    def __init__(self, code: ErrorCode, message: str = "") -> None:
        super().__init__(message or ERROR_MESSAGES[code])
        self.code = code
        self.message = message or ERROR_MESSAGES[code]


def load_or_create_token(path: Path) -> str:
    """``$GENIE_ALIGENIE_TOKEN``, else the token stored at ``path``, else a new one stored there (mode 0600)."""
    env = os.environ.get(TOKEN_ENV)
    if env:
        return env
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    token = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(token + "\n")
    return token


class AliGenieGateway:
    """A vendor cloud's gateway for AliGenie v1, backed by the hub (see the module docstring)."""

    def __init__(self, hub: Hub, token: str) -> None:
        if not token:
            raise ValueError("the AliGenie gateway needs a non-empty access token")
        self.hub = hub
        self.token = token

    async def handle(self, body: dict[str, Any] | bytes | str) -> dict[str, Any]:
        """Answer one request body (the JSON object, or its bytes); never raises."""
        header: dict[str, Any] = {}
        payload: dict[str, Any] = {}
        try:
            request = self._parse(body)
            header = request["header"] if isinstance(request.get("header"), dict) else {}
            payload = request["payload"] if isinstance(request.get("payload"), dict) else {}
            if not header or not isinstance(request.get("payload"), dict):  # the answer still echoes the header
                raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER,
                                   "the request needs a header and a payload object")
            self._check(header, payload)
            namespace = header["namespace"]
            if namespace == DISCOVERY:
                return self._discovery(header)
            if namespace == CONTROL:
                return await self._control(header, payload)
            return await self._query(header, payload)
        except GatewayError as exc:
            return self._error(header, payload, exc.code, exc.message)
        except Exception:  # a bug must still answer an envelope, never an HTTP 500
            _LOGGER.exception("aligenie gateway: failed on %s", quote(repr(header)))
            return self._error(header, payload, ErrorCode.SERVICE_ERROR, ERROR_MESSAGES[ErrorCode.SERVICE_ERROR])

    # ------------------------------------------------------------------ request checks
    @staticmethod
    def _parse(body: dict[str, Any] | bytes | str) -> dict[str, Any]:
        if isinstance(body, bytes | bytearray | str):
            size = len(body.encode()) if isinstance(body, str) else len(body)
            if size > MAX_BODY:
                raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER, f"request of {size} bytes exceeds {MAX_BODY}")
            try:
                body = parse_json(body, max_bytes=MAX_BODY)
            except ProtocolError as exc:  # not JSON, or nested past what any request needs
                raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER, f"the request is not usable JSON: {exc.reason}"
                                   ) from None
        if not isinstance(body, dict):
            raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER, "the request is not a JSON object")
        return body

    def _check(self, header: dict[str, Any], payload: dict[str, Any]) -> None:
        for field in ("namespace", "name", "messageId"):
            if not isinstance(header.get(field), str) or not header[field]:
                raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER, f"header.{field} is required")
        if header["namespace"] not in NAMESPACES:
            raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER,
                               f"unknown namespace {header['namespace']!r}; expected one of {', '.join(NAMESPACES)}")
        version = header.get("payLoadVersion", header.get("payloadVersion"))
        if version != 1 or isinstance(version, bool):
            raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER,
                               f"header.payLoadVersion must be 1 (this gateway speaks v1), got {version!r}")
        token = payload.get("accessToken")
        if not isinstance(token, str) or not hmac.compare_digest(token.encode(), self.token.encode()):
            raise GatewayError(ErrorCode.ACCESS_TOKEN_INVALIDATE)

    def _device(self, payload: dict[str, Any]) -> Any:
        device_id = payload.get("deviceId")
        if not isinstance(device_id, str) or not device_id:
            raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER, "payload.deviceId is required")
        record = self.hub.directory.get(device_id)
        if record is None:
            raise GatewayError(ErrorCode.DEVICE_IS_NOT_EXIST, f"no device {device_id!r}")
        return record

    # ------------------------------------------------------------------ answers
    @staticmethod
    def _header(header: dict[str, Any], name: str) -> dict[str, Any]:
        namespace = header.get("namespace") if header.get("namespace") in NAMESPACES else CONTROL
        message_id = header.get("messageId") if isinstance(header.get("messageId"), str) else uuid.uuid4().hex
        return {"namespace": namespace, "name": name, "messageId": message_id, "payLoadVersion": 1}

    def _error(self, header: dict[str, Any], payload: dict[str, Any], code: ErrorCode, message: str) -> dict[str, Any]:
        device_id = payload.get("deviceId") if isinstance(payload.get("deviceId"), str) else ""
        return {"header": self._header(header, "ErrorResponse"),
                "payload": {"deviceId": device_id, "errorCode": str(code), "message": message}}

    def _discovery(self, header: dict[str, Any]) -> dict[str, Any]:
        if header["name"] != "DiscoveryDevices":
            raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER, f"unknown discovery request {header['name']!r}")
        devices = []
        for record in sorted(self.hub.directory.all(), key=lambda r: r.id):
            info = record.info
            devices.append({
                "deviceId": info.device_id,
                "deviceName": info.device_name,
                "deviceType": info.device_type,
                "zone": info.zone,
                "brand": info.brand,
                "model": info.model,
                "icon": info.icon or f"{ICON_BASE}/{info.device_type}.png",
                "properties": [{"name": k, "value": said(v)} for k, v in record.state.items()],
                "actions": [a for a in info.actions if a not in HIDDEN_ACTIONS],
                "extensions": dict(info.extensions),
            })
        return {"header": self._header(header, "DiscoveryDevicesResponse"), "payload": {"devices": devices}}

    async def _control(self, header: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
        record = self._device(payload)
        action = header["name"]
        if (action not in ACTIONS and action not in V1_CONTROLS) or action in HIDDEN_ACTIONS:
            raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER, f"unknown control {action!r}")
        if action not in record.info.actions:  # a v1 name this device (or every simulated one) lacks
            raise GatewayError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION, f"{record.id} cannot {action}")
        attribute = payload.get("attribute")
        value = payload.get("value")
        if attribute is not None and not isinstance(attribute, str):
            raise GatewayError(ErrorCode.INVALIDATE_PARAMS, "payload.attribute must be a string")
        if value is not None and not isinstance(value, bool | int | float | str):
            raise GatewayError(ErrorCode.INVALIDATE_PARAMS, "payload.value must be a string or a number")
        if action == "SelectChannel" and isinstance(value, str) and not value.strip().isdigit():
            value = channel_number(value)
        request = Request.control(record.id, action, attribute or ACTIONS[action].attribute,
                                  _value(value), record.category)
        response = await self.hub.send(request)
        if isinstance(response, ErrorResponse):
            raise GatewayError(response.payload.error_code, response.payload.message)
        return {"header": self._header(header, f"{action}Response"), "payload": {"deviceId": record.id}}

    async def _query(self, header: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
        record = self._device(payload)
        name = header["name"]
        if name not in QUERY_ACTIONS and name not in V1_QUERIES:
            raise GatewayError(ErrorCode.INVALIDATE_CONTROL_ORDER, f"unknown query {name!r}")
        if name not in record.info.actions:
            raise GatewayError(ErrorCode.DEVICE_NOT_SUPPORT_FUNCTION, f"{record.id} cannot answer {name}")
        response = await self.hub.send(Request.query(record.id, name, record.category))
        if isinstance(response, ErrorResponse):
            raise GatewayError(response.payload.error_code, response.payload.message)
        properties = [{"name": p.name, "value": said(p.value)} for p in response.payload.properties]
        # AliGenie v1 puts a query's properties beside header and payload (reference/protocols.md §1.4).
        return {"header": self._header(header, f"{name}Response"), "payload": {"deviceId": record.id},
                "properties": properties}


def said(value: PropertyValue) -> str:
    """A property value as AliGenie's samples write it: a string ("on", "26", "Red"); two-valued properties
    "on"/"off", a colour by its AliGenie name when it has one (else ``#RRGGBB``)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return _COLOR_NAMES.get(value.upper(), value)
    return str(value)


def channel_number(name: str) -> int:
    """The number of channel ``name`` in the lineup (INVALIDATE_PARAMS if it has none)."""
    number = _LINEUP_FOLDED.get(name.strip().casefold().replace(" ", ""))
    if number is None:
        raise GatewayError(ErrorCode.INVALIDATE_PARAMS, f"no channel called {name[:40]!r} in the lineup")
    return number


def _value(value: Any) -> PropertyValue | None:
    """AliGenie sends values as strings ("50", "on", "max"); devices coerce them by their specs."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)
