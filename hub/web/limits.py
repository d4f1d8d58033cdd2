"""What the dashboard's server reads of a request, and error answers that never repeat one.

``BodyLimit`` is ASGI middleware in front of the whole application (the API, the page, static files, the
live stream and the AliGenie gateway, which has a larger limit of its own):

- a body whose ``Content-Length`` is over the route's limit is refused at once with 413, before a byte of
  it is read;
- a chunked body is counted as the route reads it and refused with 413 as soon as it passes the limit;
- whenever an answer is given while the client is still sending (a refusal, ``TokenGate``'s 401, a route
  that reads no body), the connection is closed after it (``Connection: close``). What the client sends
  meanwhile is discarded unread for a moment (at most ``DISCARD`` bytes, ``LINGER`` seconds) before the
  answer ends: closing at once would reset the connection under a client still sending, which then never
  sees the answer; lingering longer would let it make the hub read without end. A route that goes on
  reading after it has answered (the live stream watching for the client to leave) is cut off at the
  limit plus ``DISCARD``;
- a body must be whole within ``BODY_TIMEOUT`` seconds of the route's first read, else 408 and the
  connection is closed (a client holding a body one byte short held its memory for ever);
- the bodies being read at once, across all connections, are at most ``BODY_BUDGET`` bytes (each counted
  at its declared length, or its route's limit when chunked): a body that would pass it gets 503 before a
  byte of it is read, and the refusals are one log line per ``BUSY_LOG_INTERVAL``;
- a client that leaves before its body is whole is one INFO line, not an error with a traceback.

``invalid_request``: the 422 answer to a request that fails validation says where and what (``loc``,
``msg``, ``type``), never the value sent (FastAPI's default answer repeats it as ``input``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from collections.abc import Mapping

from fastapi import Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_LOGGER = logging.getLogger(__name__)

API_BODY_LIMIT = 64 * 1024
"""Bytes of request body any route accepts unless it has a limit of its own (the API's JSON bodies are tiny)."""
DISCARD = 32 * 1024 * 1024
"""Bytes a client may still send after its answer, discarded unread, before the connection is closed under it."""
LINGER = 2.0
"""Seconds a client has to stop sending after its answer before the connection is closed under it."""
BODY_TIMEOUT = 10.0
"""Seconds a request's whole body has to arrive, from when the route first reads it; else 408 and close."""
BODY_BUDGET = 8 * 1024 * 1024
"""Bytes of request bodies being read at once, across all connections (each counted at its declared length,
or its route's limit when chunked); a body that would pass it gets 503 before a byte of it is read."""
BUSY_LOG_INTERVAL = 10.0
"""Seconds between two log lines about bodies refused with 503 (each line counts those since the last)."""
BUSY = "too many request bodies being received; try again later"
QUOTED = 120
"""Characters of a request's path a log line quotes at most."""
CLOSE = (b"connection", b"close")
DISCONNECT: Message = {"type": "http.disconnect"}


class BodyTooLarge(HTTPException):
    """A request body over its route's limit (413); ``BodyLimit`` has answered it already."""

    def __init__(self, limit: int) -> None:
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, _too_large(limit))


class BodyLimit:
    """ASGI middleware: request bodies of at most ``routes[path]`` bytes, else ``default`` (see the module)."""

    def __init__(self, app: ASGIApp, default: int = API_BODY_LIMIT, routes: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.default = default
        self.routes = dict(routes or {})
        self.reading = 0
        """Bytes of request bodies being read now (each counted at its declared length, or its limit)."""
        self._refused = 0
        """Bodies refused with 503 since the last line that said so."""
        self._refused_logged = -math.inf

    def limit_for(self, path: str) -> int:
        """The largest body a request to ``path`` may send."""
        return self.routes.get(path, self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _start(send, status.HTTP_413_CONTENT_TOO_LARGE, _too_large(limit))
            discarded = await _finish(receive, send)
            _LOGGER.warning("refused a request body over %d bytes: %s %s declares %d bytes (%d discarded)",
                            limit, scope["method"], _quoted(scope), declared, discarded)
            return
        expected = bool(declared) or _header(scope, b"transfer-encoding")
        share = (declared if declared is not None else limit) if expected else 0
        if share and self.reading + share > BODY_BUDGET:
            await _start(send, status.HTTP_503_SERVICE_UNAVAILABLE, BUSY)
            await _finish(receive, send)
            self._log_busy(scope, share)
            return
        self.reading += share
        if share:
            _LOGGER.debug("reading a body of up to %d bytes: %s %s (%d bytes being read in all)", share,
                          scope["method"], _quoted(scope), self.reading)
        body = _Body(limit, receive, send, expected=expected)
        try:
            await self.app(scope, body.receive, body.send)
        except ClientDisconnect:  # the client left before its body was whole: not an error
            _LOGGER.info("%s %s: the client left after %d bytes of its body", scope["method"], _quoted(scope),
                         body.read)
            return
        except Exception:
            if not body.answered:
                raise
            # ``_Body`` answered 413 or 408 and raised into the route: however the route ended on it
            # (the live stream, which had begun its own answer, ends in a RuntimeError), that was the point
        finally:
            self.reading -= share
        if body.late:  # our 408: end the answer, which closes the connection; nothing more is read
            await self._send_end(send)
            _LOGGER.warning("408: a request body not received within %g s: %s %s (%d bytes in)", BODY_TIMEOUT,
                            scope["method"], _quoted(scope), body.read)
        elif body.answered:  # our 413: the route has stopped, its own answer was dropped
            discarded = await _finish(receive, send)
            _LOGGER.warning("refused a request body over %d bytes: %s %s, cut off after %d bytes read "
                            "(%d discarded)", limit, scope["method"], _quoted(scope), body.read, discarded)
        elif body.started and not body.finished:  # cut off while answering (the live stream): end the answer
            await send({"type": "http.response.body", "body": b"", "more_body": False})


    @staticmethod
    async def _send_end(send: Send) -> None:
        with contextlib.suppress(OSError):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _log_busy(self, scope: Scope, share: int) -> None:
        """One line for the refusals of a BUSY_LOG_INTERVAL (the first at once), with their count."""
        self._refused += 1
        now = time.monotonic()
        if now - self._refused_logged >= BUSY_LOG_INTERVAL:
            _LOGGER.warning("503: %d request bodies refused, %d bytes of bodies being read (the last: %s %s of %d "
                            "bytes)", self._refused, self.reading, scope["method"], _quoted(scope), share)
            self._refused, self._refused_logged = 0, now


class BodyTooSlow(HTTPException):
    """A request body not whole within BODY_TIMEOUT (408); ``BodyLimit`` has answered it already."""

    def __init__(self) -> None:
        super().__init__(status.HTTP_408_REQUEST_TIMEOUT, _too_slow())


class _Body:
    """One request's body between the server and the route: counted, refused or cut off as the module says."""

    def __init__(self, limit: int, receive: Receive, send: Send, *, expected: bool) -> None:
        self.limit = limit
        self._receive = receive
        self._send = send
        self.complete = not expected
        """The whole body has arrived (or there is none)."""
        self.read = 0
        self.started = False
        self.finished = False
        self.answered = False
        """BodyLimit answered 413 itself."""
        self.cut = False
        self.late = False
        """BodyLimit answered 408 itself."""
        self.deadline: float | None = None

    async def receive(self) -> Message:
        """The route's next request message, counted against the limit and the body's deadline."""
        if self.cut:
            return DISCONNECT
        if self.complete or self.answered:
            message = await self._receive()
        else:
            if self.deadline is None:
                self.deadline = asyncio.get_running_loop().time() + BODY_TIMEOUT
            try:
                async with asyncio.timeout_at(self.deadline):
                    message = await self._receive()
            except TimeoutError:
                if self.started:  # answering already (the live stream): let the answer end as it does
                    self.cut = True
                    return DISCONNECT
                self.answered = self.late = self.started = True
                await _start(self._send, status.HTTP_408_REQUEST_TIMEOUT, _too_slow())
                raise BodyTooSlow() from None  # stops the route; what it answers is not sent
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
            if self.read > self.limit and not self.started:
                self.answered = True
                await _start(self._send, status.HTTP_413_CONTENT_TOO_LARGE, _too_large(self.limit))
                self.started = True
                raise BodyTooLarge(self.limit)  # stops the route; what it answers is not sent
            if self.read > self.limit + DISCARD or self.answered:
                self.cut = True
                return DISCONNECT
        return message

    async def send(self, message: Message) -> None:
        """Pass the route's response on, unless BodyLimit has answered already."""
        if self.answered or self.finished:
            return
        if message["type"] == "http.response.start":
            self.started = True
            if not self.complete:
                message = {**message, "headers": [*message.get("headers", []), CLOSE]}
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            self.finished = True
            if not self.complete:  # answered while the client is still sending
                await self._send({**message, "more_body": True})
                await _finish(self._receive, self._send)
                return
        await self._send(message)


async def _start(send: Send, status_code: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), CLOSE]
    await send({"type": "http.response.start", "status": status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": True})


async def _finish(receive: Receive, send: Send) -> int:
    """Discard what the client still sends (bounded), then end the answer, which closes the connection;
    return how many bytes were discarded."""
    discarded = 0
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(LINGER):
            while discarded < DISCARD:
                message = await receive()
                if message["type"] != "http.request":
                    break
                discarded += len(message.get("body", b""))
                if not message.get("more_body", False):
                    break
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    return discarded


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI exception handler for RequestValidationError: 422 with each error's place and reason only."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in errors]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _too_slow() -> str:
    return f"request body not received within {BODY_TIMEOUT:g} s"


def _too_large(limit: int) -> str:
    return f"request body over {limit} bytes"


def _header(scope: Scope, name: bytes) -> bool:
    return any(key == name for key, _ in scope.get("headers", []))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _quoted(scope: Scope) -> str:
    path = str(scope.get("path", ""))
    return repr(path if len(path) <= QUOTED else path[:QUOTED] + "…")
