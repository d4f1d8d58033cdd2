"""What the dashboard's server reads of a request, and error answers that never repeat one.

- ``BodyLimit``: ASGI middleware in front of the whole application. A body whose ``Content-Length`` is over
  the route's limit is refused at once with 413, before a byte of it is read; a chunked body is counted as
  it arrives and refused with 413 as soon as it passes the limit. Every route is covered: the API, the
  page, static files, the live stream and the AliGenie gateway (which has a larger limit of its own).
- ``refuse``: how such a refusal (and ``TokenGate``'s 401) is answered: the JSON error, then whatever the
  client is still sending is discarded unread for a moment (at most ``DISCARD`` bytes, ``LINGER`` seconds),
  and the connection is closed. Closing at once would reset the connection under a client still sending,
  which then never sees the answer; lingering longer would let it make the hub read without end.
- ``invalid_request``: the 422 answer to a request that fails validation says where and what (``loc``,
  ``msg``, ``type``), never the value sent (FastAPI's default answer repeats it as ``input``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping

from fastapi import Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_LOGGER = logging.getLogger(__name__)

API_BODY_LIMIT = 64 * 1024
"""Bytes of request body any route accepts unless it has a limit of its own (the API's JSON bodies are tiny)."""
DISCARD = 32 * 1024 * 1024
"""Bytes a refused client may still send, discarded unread, before the connection is closed under it."""
LINGER = 2.0
"""Seconds a refused client has to stop sending before the connection is closed under it."""
QUOTED = 120
"""Characters of a request's path a log line quotes at most."""


class BodyTooLarge(HTTPException):
    """A request body over its route's limit (413); ``BodyLimit`` has answered it already."""

    def __init__(self, limit: int) -> None:
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, f"request body over {limit} bytes")


class BodyLimit:
    """ASGI middleware: request bodies of at most ``routes[path]`` bytes, else ``default`` (see the module)."""

    def __init__(self, app: ASGIApp, default: int = API_BODY_LIMIT, routes: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.default = default
        self.routes = dict(routes or {})

    def limit_for(self, path: str) -> int:
        return self.routes.get(path, self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            discarded = await refuse(receive, send, status.HTTP_413_CONTENT_TOO_LARGE, _too_large(limit))
            _LOGGER.warning("refused a request body over %d bytes: %s %s declares %d bytes (%d discarded)",
                            limit, scope["method"], _quoted(scope), declared, discarded)
            return
        cut = _Cut(limit)
        try:
            await self.app(scope, cut.counting(receive, send), cut.unless_answered(send))
        except BodyTooLarge:
            if not cut.answered:
                raise
        if cut.answered:
            discarded = await _finish(receive, send)
            _LOGGER.warning("refused a request body over %d bytes: %s %s, cut off after %d bytes read "
                            "(%d discarded)", limit, scope["method"], _quoted(scope), cut.read, discarded)


class _Cut:
    """One request's body as the application reads it, answered 413 as soon as it passes ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.read = 0
        self.started = False
        self.answered = False

    def counting(self, receive: Receive, send: Send) -> Receive:
        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.read += len(message.get("body", b""))
                if self.started:
                    return message  # answered already (TokenGate's 401): ``refuse`` discards, within its bounds
                if self.read > self.limit:
                    if not self.started and not self.answered:
                        self.answered = True
                        await _start(send, status.HTTP_413_CONTENT_TOO_LARGE, _too_large(self.limit))
                    raise BodyTooLarge(self.limit)  # stops the route; what it answers is not sent
            return message

        return counted

    def unless_answered(self, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if self.answered:
                return
            self.started = self.started or message["type"] == "http.response.start"
            await send(message)

        return sending


async def refuse(receive: Receive, send: Send, status_code: int, detail: str,
                 headers: Mapping[str, str] | None = None) -> int:
    """Answer ``{"detail": detail}`` without reading the request's body, then close the connection (see the
    module); return how many bytes of body were discarded meanwhile."""
    await _start(send, status_code, detail, headers)
    return await _finish(receive, send)


async def _start(send: Send, status_code: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           (b"connection", b"close")]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status_code, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": True})


async def _finish(receive: Receive, send: Send) -> int:
    """Discard what the client still sends (bounded), then end the answer, which closes the connection."""
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


def _too_large(limit: int) -> str:
    return f"request body over {limit} bytes"


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
