"""The HTTP API and the page: a FastAPI application over the hub's service API (never MQTT directly).

Every ``/api`` route, the live stream and the OpenAPI schema (``/api/openapi.json``) check the access
token when the server has one; the page and its static files carry no data and need none.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Security, status
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import APIKeyHeader, APIKeyQuery, HTTPBearer
from fastapi.staticfiles import StaticFiles

from hub.directory import DeviceRecord
from hub.interop.aligenie import GATEWAY_PATH, AliGenieGateway
from hub.language import Lang
from hub.protocol import AutomationsPayload, CommandResult, DeviceView
from hub.requests import speaker_views
from hub.service import VERSION, Hub
from hub.web.access import LoopbackHosts, TokenGuard
from hub.web.brands import BrandCatalog, RegistryUnavailable, normalize
from hub.web.live import HISTORY_LENGTH, MESSAGES_LENGTH, LiveFeed, request_id
from hub.web.models import (
    BrandCatalogue,
    BrandDetail,
    BrandPage,
    CommandRequest,
    HistoryEntry,
    HomeLink,
    HubView,
    MessageEntry,
    RoomView,
    Suggestions,
)

_LOGGER = logging.getLogger(__name__)

STATIC = files("hub.web") / "static"
NO_REGISTRY: dict[int | str, dict[str, str]] = {503: {"description": "the brand registry is not available"}}
KEEPALIVE = 15.0
"""Seconds of silence after which the live stream sends a comment (so dead connections are noticed)."""

# Declared for the OpenAPI schema; TokenGuard does the checking (any one of the three will do).
_BEARER = HTTPBearer(auto_error=False, description="the dashboard's access token")
_HEADER = APIKeyHeader(name="X-Genie-Token", auto_error=False)
_QUERY = APIKeyQuery(name="token", auto_error=False)


def build_app(hub: Hub, feed: LiveFeed, catalog: BrandCatalog, *, token: str | None, loopback_only: bool,
              commands: RunningCommands, aligenie: AliGenieGateway | None = None,
              homes: HomeLinks | None = None) -> FastAPI:
    """The application: ``/`` (the page), ``/static``, ``/api/...``; text commands run on ``commands``;
    ``homes``: the homes of this process and their dashboards, for the page's home switcher."""
    app = FastAPI(title="Genie Sim hub", version=VERSION, openapi_url=None, docs_url=None, redoc_url=None,
                  description="The hub's HTTP API: devices, rooms, state history, text commands, the MQTT "
                              "message log, the brand registry and a live event stream (docs/dashboard.md).")
    # the three Security entries document the ways to send the token; TokenGuard checks it
    check = [Security(_BEARER), Security(_HEADER), Security(_QUERY), Depends(TokenGuard(token))]
    api = APIRouter(prefix="/api", dependencies=check)
    _routes(api, hub, feed, catalog, commands)

    @api.get("/homes", tags=["home"])
    async def home_links() -> list[HomeLink]:
        """The homes this process serves, each with its dashboard's address (empty when it serves one)."""
        if homes is None or len(homes.links) < 2:
            return []
        return [HomeLink(id=home_id, url=url, current=home_id == homes.current) for home_id, url in homes.links]

    app.include_router(api)

    if aligenie is not None:
        # Not under /api: AliGenie sends no dashboard token; its envelope carries its own (docs/interop.md).
        @app.post(GATEWAY_PATH, include_in_schema=False)
        async def aligenie_gateway(request: Request) -> JSONResponse:
            return JSONResponse(await aligenie.handle(await request.body()))

    @app.get("/api/openapi.json", include_in_schema=False, dependencies=check)
    async def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"), headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    if loopback_only:
        app.add_middleware(LoopbackHosts)
    return app


def _device_or_404(hub: Hub, device_id: str) -> DeviceRecord:
    record = hub.directory.get(device_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no device {device_id!r} in the hub's directory")
    return record


def _home_brands(hub: Hub) -> frozenset[str]:
    return frozenset(normalize(r.info.brand) for r in hub.directory.all())


class RunningCommands:
    """The text commands the API is carrying out: each runs to its end even if its client goes away, and
    those still running when the server stops are cancelled and awaited (``aclose``)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[CommandResult]] = set()

    async def run(self, command: Coroutine[Any, Any, CommandResult]) -> CommandResult:
        """Carry out ``command`` on a task of its own and return its result."""
        # Shielded: a browser that goes away mid-command must not cut the command in half.
        task = asyncio.get_running_loop().create_task(command, name="dashboard.command")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return await asyncio.shield(task)

    async def aclose(self) -> None:
        """Cancel the commands still running and wait until they have ended."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class HomeLinks:
    """The homes of one process and their dashboards' addresses (filled as each dashboard starts: its port may
    be chosen then), shared by their dashboards; ``current``: the home this one shows."""

    def __init__(self, links: list[tuple[str | None, str]], current: str | None) -> None:
        self.links = links
        self.current = current


def _routes(api: APIRouter, hub: Hub, feed: LiveFeed, catalog: BrandCatalog, commands: RunningCommands) -> None:
    _home_routes(api, hub, feed)
    _command_routes(api, hub, feed, commands)
    _brand_routes(api, hub, catalog)
    _live_routes(api, feed)


def _home_routes(api: APIRouter, hub: Hub, feed: LiveFeed) -> None:
    """The home: the hub, its devices and rooms, a device's history, the MQTT message log."""
    @api.get("/hub", tags=["home"], response_model_exclude_none=True)
    async def hub_info() -> HubView:
        """The hub: broker connection, device and command counts."""
        return feed.hub_view()

    @api.get("/devices", tags=["home"], response_model_exclude_none=True)
    async def devices(room: str | None = None, category: str | None = None,
                      online: bool | None = None) -> list[DeviceView]:
        """Every device of the directory (filtered by room, category or availability), by room then id."""
        records = [r for r in hub.directory.all()
                   if (room is None or r.room == room) and (category is None or r.category == category)
                   and (online is None or r.online == online)]
        return sorted((r.view() for r in records), key=lambda v: (v.room, v.id))

    @api.get("/devices/{device_id}", tags=["home"], response_model_exclude_none=True)
    async def device(device_id: str) -> DeviceView:
        """One device: names, room, brand, model, availability and state."""
        return _device_or_404(hub, device_id).view()

    @api.delete("/devices/{device_id}", tags=["home"], response_model_exclude_none=True,
                responses={404: {"description": "no device with that id in the directory"}})
    async def remove_device(device_id: str) -> CommandResult:
        """Remove a device for good (``genie devices remove``): from the directory, the database and the
        broker's retained messages. Not a ban: a device still running comes back when it registers again."""
        _device_or_404(hub, device_id)
        return await hub.remove_device(device_id)

    @api.get("/devices/{device_id}/history", tags=["home"], response_model_exclude_none=True)
    async def history(device_id: str, limit: Annotated[int, Query(ge=1, le=HISTORY_LENGTH)] = HISTORY_LENGTH
                      ) -> list[HistoryEntry]:
        """The device's recent changes, oldest first (kept in memory since the dashboard started)."""
        _device_or_404(hub, device_id)
        return feed.history(device_id, limit)

    @api.get("/rooms", tags=["home"], response_model_exclude_none=True)
    async def rooms() -> list[RoomView]:
        """Rooms with their device counts, most populated first."""
        return feed.rooms()

    @api.get("/messages", tags=["messages"], response_model_exclude_none=True)
    async def messages(device: str | None = None,
                       limit: Annotated[int, Query(ge=1, le=MESSAGES_LENGTH)] = 200) -> list[MessageEntry]:
        """The last MQTT messages the hub received or sent (of one device, if given), oldest first."""
        return feed.messages(device, limit)


def _command_routes(api: APIRouter, hub: Hub, feed: LiveFeed, commands: RunningCommands) -> None:
    """Conversation and commands: a reply spoken, the command log, text commands, scenes and timers."""
    @api.get("/speech", tags=["conversation"], response_class=Response,
             responses={200: {"content": {"audio/wav": {}}}, 503: {"description": "espeak-ng is not installed"}})
    async def speech(text: Annotated[str, Query(min_length=1, max_length=1000)],
                     lang: Lang = "zh") -> Response:
        """A reply spoken in its language (espeak-ng), as a WAV file."""
        from hub.interop.voice import VoiceUnavailable, synthesize

        try:
            return Response(await synthesize(text, lang), media_type="audio/wav")
        except VoiceUnavailable as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None

    @api.get("/commands", tags=["commands"], response_model_exclude_none=True)
    async def command_log(limit: Annotated[int, Query(ge=1, le=1000)] = 30) -> list[CommandResult]:
        """The command log (persisted by the hub), oldest first."""
        return feed.recent_commands(limit)

    @api.post("/commands", tags=["commands"], response_model_exclude_none=True)
    async def command(body: CommandRequest) -> CommandResult:
        """Carry out a text command, as ``genie say --json`` does, and return the same result."""
        request_id.set(body.request_id)
        try:
            return await commands.run(hub.handle_text(body.text, body.lang, speaker=body.speaker))
        except Exception as exc:  # a bug in understanding or acting: say so, as the MQTT path does
            _LOGGER.exception("dashboard: the hub failed on %r", body.text)
            raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR,
                                f"the hub failed to carry out {body.text!r}: {type(exc).__name__}: {exc}") from None

    @api.post("/reset", tags=["commands"], response_model_exclude_none=True)
    async def reset() -> CommandResult:
        """Send every device ``Reset``: the home as its home file describes it."""
        return await hub.reset_home()

    @api.get("/automations", tags=["scenes and timers"], response_model_exclude_none=True)
    async def automations() -> AutomationsPayload:
        """The home's speakers (POST /api/commands speaks as one), scenes (run one by saying its name), pending
        timers and schedules, routines,
        and the hub's simulated time — what ``genie scenes list`` and ``genie timers list`` show."""
        scenes, timers, routines = hub.automation.views()
        return AutomationsPayload(speakers=speaker_views(hub), scenes=scenes, timers=timers, routines=routines,
                                  now=hub.automation.now().isoformat(timespec="seconds"))

    @api.delete("/timers/{timer_id}", tags=["scenes and timers"], status_code=status.HTTP_204_NO_CONTENT,
                responses={404: {"description": "no pending timer with that id"}})
    async def cancel_timer(timer_id: int) -> Response:
        """Cancel a timer or schedule (``genie timers cancel``)."""
        if not hub.automation.cancel(timer_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no pending timer {timer_id}")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @api.get("/suggestions", tags=["commands"], response_model_exclude_none=True)
    async def suggestions() -> Suggestions:
        """Commands to try in zh, en and fr, made from this home's devices."""
        return feed.suggest()


def _brand_routes(api: APIRouter, hub: Hub, catalog: BrandCatalog) -> None:
    """The brand registry: by category, a page of brands, one brand."""
    @api.get("/brands/categories", tags=["brands"], response_model_exclude_none=True,
             responses=NO_REGISTRY)
    async def brand_categories() -> BrandCatalogue:
        """The brand registry at a glance: brands and models per category."""
        try:
            return await catalog.catalogue()
        except RegistryUnavailable as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None

    @api.get("/brands", tags=["brands"], response_model_exclude_none=True,
             responses=NO_REGISTRY)
    async def brands(category: str | None = None, q: str = "",
                     offset: Annotated[int, Query(ge=0)] = 0,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> BrandPage:
        """Brands by name, optionally only those making ``category`` or whose names contain ``q``."""
        try:
            return await catalog.page(category=category, query=q, offset=offset, limit=limit,
                                      home_brands=_home_brands(hub))
        except RegistryUnavailable as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None

    @api.get("/brands/{brand_id}", tags=["brands"], response_model_exclude_none=True,
             responses=NO_REGISTRY)
    async def brand(brand_id: str) -> BrandDetail:
        """A brand and every model of it in the registry."""
        try:
            found = await catalog.detail(brand_id, _home_brands(hub))
        except RegistryUnavailable as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no brand {brand_id!r} in the registry")
        return found


def _live_routes(api: APIRouter, feed: LiveFeed) -> None:
    """The live stream of server-sent events."""
    @api.get("/events", tags=["live"], response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "server-sent events: snapshot, then devices, messages, command, hub"}})
    async def events() -> StreamingResponse:
        """The live stream (server-sent events): a ``snapshot``, then batches of what changed."""
        return StreamingResponse(_stream(feed), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _stream(feed: LiveFeed) -> AsyncIterator[str]:
    async with feed.subscribe() as (first, subscriber):
        yield "retry: 1000\n\n" + first
        while True:
            try:
                async with asyncio.timeout(KEEPALIVE):
                    frame = await subscriber.queue.get()
            except TimeoutError:
                frame = ": keep-alive\n\n"
            if frame is None:
                return
            yield frame
