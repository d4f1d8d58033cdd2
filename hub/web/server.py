"""Serving the dashboard: one more task in the hub's event loop, started and stopped with it.

    async with serve_dashboard(hub, "127.0.0.1", 8321, brands=load_registry) as dashboard:
        print(dashboard.url)       # the address to open (with ?token=… when there is a token)
        ...                        # serves until the block ends

The listening socket is bound before the block is entered, so a port in use is a clear
``DashboardError`` at start, and ``port=0`` picks a free one (``dashboard.port`` says which).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import quote

import uvicorn
from fastapi.exceptions import RequestValidationError

from hub.interop.aligenie import GATEWAY_PATH, MAX_BODY, AliGenieGateway
from hub.service import Hub
from hub.web.access import DashboardError, TokenGate, check_binding, is_loopback
from hub.web.api import HomeLinks, RunningCommands, build_app
from hub.web.brands import BrandCatalog, BrandRegistry
from hub.web.limits import API_BODY_LIMIT, BodyLimit, invalid_request
from hub.web.live import HISTORY_LENGTH, INTERVAL, LiveFeed
from hub.web.models import Suggestions
from hub.web.suggest import suggestions

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT = 8321
STOP_TIMEOUT = 5
"""Seconds open connections get to finish when the dashboard stops."""


@dataclass(frozen=True)
class Dashboard:
    """A running dashboard."""

    host: str
    port: int
    token: str | None
    feed: LiveFeed

    @property
    def base_url(self) -> str:
        """``http://host:port`` (IPv6 hosts in brackets; this machine's name when bound to every interface)."""
        host = socket.gethostname() if self.host in ("", "0.0.0.0", "::") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The page's address, with the token when there is one (what ``genie up`` prints)."""
        return f"{self.base_url}/?token={quote(self.token)}" if self.token else f"{self.base_url}/"

    def __str__(self) -> str:
        return self.url


def _bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise DashboardError(f"cannot serve the dashboard on {host!r}: {exc.strerror}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        hint = "; pick another port" if port else ""
        raise DashboardError(f"cannot serve the dashboard on {host}:{port}: {exc.strerror}{hint}") from None
    sock.setblocking(False)
    return sock


@contextlib.asynccontextmanager
async def serve_dashboard(
    hub: Hub,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    token: str | None = None,
    brands: Callable[[], BrandRegistry] | None = None,
    history: int = HISTORY_LENGTH,
    interval: float = INTERVAL,
    aligenie: AliGenieGateway | None = None,
    homes: HomeLinks | None = None,
) -> AsyncIterator[Dashboard]:
    """Serve the dashboard and API of ``hub`` on ``host:port`` while the block runs.

    ``host`` other than loopback needs ``token`` (DashboardError otherwise); with a token, every API
    request must carry it. Request bodies are bounded (``hub.web.limits``: 64 KiB; the AliGenie gateway's
    256 KiB), must be whole within 10 s (else 408), and take at most 8 MiB all together (else 503).
    ``brands`` returns the brand registry (read on first use; without it the brands panel says
    the registry is not available). ``history``: changes kept per device; ``interval``: seconds between
    live batches. ``homes``: the homes of this process and their dashboards (the page's home switcher).
    """
    check_binding(host, token)
    sock = _bind(host, port)
    feed = LiveFeed(hub, suggest=functools.partial(_suggestions, hub), auth=token is not None, history=history,
                    interval=interval)
    commands = RunningCommands()
    app = build_app(hub, feed, BrandCatalog(brands), token=token, loopback_only=is_loopback(host) and token is None,
                    commands=commands, aligenie=aligenie, homes=homes)
    app.add_exception_handler(RequestValidationError, invalid_request)  # never repeats what was sent
    # In front of everything: bodies bounded before they are read, the token checked before the body is.
    guarded = BodyLimit(TokenGate(app, token), API_BODY_LIMIT, {GATEWAY_PATH: MAX_BODY})
    config = uvicorn.Config(guarded, log_config=None, access_log=False, lifespan="off", ws="none",
                            timeout_graceful_shutdown=STOP_TIMEOUT, timeout_keep_alive=5)
    server = uvicorn.Server(config)  # run piecewise below: no signal handlers, no second event loop
    config.load()
    server.lifespan = config.lifespan_class(config)
    feed.start()
    try:
        await server.startup(sockets=[sock])  # listening once this returns
    except BaseException:
        await feed.close()
        sock.close()
        raise
    task = asyncio.get_running_loop().create_task(_serve(server, sock), name="dashboard")
    try:
        dashboard = Dashboard(host, sock.getsockname()[1], token, feed)
        _LOGGER.info("dashboard on %s", dashboard.base_url)
        yield dashboard
    finally:
        await feed.close()  # ends the live streams, so that the server can finish its responses
        server.should_exit = True
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:  # we are being cancelled: stop without waiting for open responses
            server.force_exit = True
            await task
            raise
        finally:
            await commands.aclose()  # commands whose client went away and are still running


def _suggestions(hub: Hub) -> Suggestions:
    """Suggested commands; none (logged) if understanding fails, so the page still loads."""
    try:
        return suggestions(hub.directory, hub.speaker.catalog())
    except Exception:
        _LOGGER.exception("dashboard: could not make suggested commands")
        return Suggestions()


async def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
    """What ``uvicorn.Server.serve`` does after start-up: serve until told to stop, then shut down."""
    try:
        await server.main_loop()
    finally:
        await server.shutdown(sockets=[sock])
