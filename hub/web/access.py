"""Who may use the dashboard: loopback by default; anywhere else only with an access token.

- ``check_binding`` refuses a non-loopback address without a token, before anything listens;
- ``TokenGate`` checks the token on every API request (``Authorization: Bearer``, ``X-Genie-Token``
  or ``?token=``, for EventSource, which cannot set headers) before anything else happens: a request
  without it is answered 401 and its body is never read; ``TokenGuard`` is the same check as a FastAPI
  dependency (what the OpenAPI schema describes);
- ``LoopbackHosts`` answers 421 to a request whose ``Host`` is not a loopback name when the server is
  bound to loopback: a web page elsewhere cannot reach the hub by pointing its own name at 127.0.0.1
  (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import secrets

from fastapi import HTTPException, Request, status
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.errors import GenieError

MIN_TOKEN_LENGTH = 16
LOOPBACK_NAMES = ("localhost", "localhost.")


class DashboardError(GenieError, RuntimeError):
    """The dashboard cannot be served as asked; the message says why and what to do instead."""


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """A fresh random access token (URL-safe, 32 characters)."""
    return secrets.token_urlsafe(24)


def check_binding(host: str, token: str | None) -> None:
    """Raise DashboardError unless serving on ``host`` with ``token`` is safe."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise DashboardError(f"the dashboard token must be at least {MIN_TOKEN_LENGTH} characters long; "
                             f"make one with: python -c 'import secrets; print(secrets.token_urlsafe(24))'")
    if not is_loopback(host) and token is None:
        where = host or "every interface"
        raise DashboardError(f"refusing to serve the dashboard on {where} without an access token: anyone who "
                             f"can reach this machine could control the home; give a token, or bind to 127.0.0.1")


class TokenGuard:
    """FastAPI dependency: 401 unless the request carries the token (a no-op when there is none)."""

    def __init__(self, token: str | None) -> None:
        self.token = token

    def presented(self, request: Request) -> str | None:
        """The token the request carries: a bearer token, the X-Genie-Token header or ``?token=``."""
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            return header[7:].strip()
        return request.headers.get("x-genie-token") or request.query_params.get("token")

    def refusal(self, request: Request) -> str | None:
        """Why ``request`` may not pass (reads headers and query only), or None if it may."""
        if self.token is None:
            return None
        given = self.presented(request)
        if given is None:
            return ("this dashboard needs its access token: send 'Authorization: Bearer <token>' "
                    "or add ?token=<token> to the address")
        return None if secrets.compare_digest(given.encode(), self.token.encode()) else "wrong access token"

    async def __call__(self, request: Request) -> None:
        refused = self.refusal(request)
        if refused is not None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, refused, headers={"WWW-Authenticate": "Bearer"})


class TokenGate:
    """ASGI middleware: ``TokenGuard``'s check on every request under ``prefix``, before any of it is read
    (behind ``hub.web.limits.BodyLimit``, which closes the connection if the client is still sending)."""

    def __init__(self, app: ASGIApp, token: str | None, prefix: str = "/api") -> None:
        self.app = app
        self.guard = TokenGuard(token)
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _under(scope["path"], self.prefix):
            refused = self.guard.refusal(Request(scope))
            if refused is not None:
                response = JSONResponse({"detail": refused}, status_code=status.HTTP_401_UNAUTHORIZED,
                                        headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


class LoopbackHosts:
    """ASGI middleware: only loopback ``Host`` names may talk to a loopback-bound server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = _host_of(scope)
            if host is not None and not is_loopback(host):
                response = PlainTextResponse(
                    f"this dashboard only answers to localhost, not {host!r} (it is bound to loopback)",
                    status_code=status.HTTP_421_MISDIRECTED_REQUEST)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _host_of(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"host":
            text = value.decode("latin-1")
            if text.startswith("["):  # [::1]:8080
                return text[1:text.find("]")] if "]" in text else text
            return text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    return None
