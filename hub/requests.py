"""The hub's requests over MQTT (``genie/hub/command``): a text command, the hub's facts, the directory, the
scenes and timers, removing a device, resetting the home. Each is answered on the caller's reply topic."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, cast

from hub.automation.models import Speaking
from hub.conversation.model import DEFAULT_SESSION
from hub.directives import NOT_CONNECTED
from hub.language import Lang
from hub.nlu import detect_language
from hub.protocol import (
    SUCCESS,
    ActionResult,
    AutomationsPayload,
    AutomationsResponse,
    CommandResult,
    DeviceTopic,
    ErrorCode,
    ErrorResponse,
    HubInfoPayload,
    HubInfoResponse,
    HubRequest,
    ListDevicesResponse,
    Message,
    Request,
    Response,
    TextCommandResponse,
    encode,
)
from hub.protocol.codec import MAX_PAYLOAD_BYTES
from hub.protocol.description import Names
from hub.protocol.envelope import Header
from hub.protocol.messages import DirectoryPayload, SpeakerView, reply_header
from hub.protocol.views import DeviceView
from hub.store import StoreError

if TYPE_CHECKING:
    from hub.service import Hub

_LOGGER = logging.getLogger(__name__)

MQTT_SESSION = "mqtt:"
"""What every conversation named in a request over MQTT is filed under: a client on the bus can go on with its own
conversation (``genie say --session``) but never answer one held by the dashboard or another in-process caller."""
_AUTOMATION = ("RunScene", "SaveScene", "DeleteScene", "CancelTimer")
PAGE_BYTES = MAX_PAYLOAD_BYTES - 1024
"""The most one message of the directory may take; what the broker passes (``MAX_PAYLOAD_BYTES``), with room."""


def mqtt_session(name: str) -> str:
    """The conversation a TextCommand over MQTT that names ``name`` belongs to: "local" -> "mqtt:local"."""
    return MQTT_SESSION + name


async def serve(hub: Hub, request: HubRequest) -> None:
    """Answer one request on its reply topic; a failure is answered as SERVICE_ERROR, never raised."""
    name = request.header.name
    try:
        reply = await _answer(hub, request)
    except Exception as exc:
        _LOGGER.exception("error serving %s", name)
        reply = ErrorResponse.to(request, ErrorCode.SERVICE_ERROR, f"the hub failed: {exc}")
    try:
        for message in reply if isinstance(reply, list) else [reply]:
            await hub.publish(hub.topics.command_reply(request.payload.reply_to), encode(message))
    except ConnectionError:
        _LOGGER.warning("could not answer %s: %s", name, NOT_CONNECTED)


def speaker_views(hub: Hub) -> list[SpeakerView]:
    """The home's speakers as listed: each with its room and the names the room's devices gave it."""
    return [_speaker_view(hub, s) for s in hub.automation.speakers.values()]


def _speaker_view(hub: Hub, speaker: Speaking) -> SpeakerView:
    in_room = next((r for r in hub.directory.all() if r.room == speaker.room), None) if speaker.room else None
    return SpeakerView(id=speaker.id, room=speaker.room, names=speaker.names, language=speaker.language,
                       room_names=in_room.info.zone_names if in_room is not None else Names())


def directory_pages(header: Header, devices: list[DeviceView]) -> list[ListDevicesResponse]:
    """The directory as one ListDevicesResponse, or as numbered parts of at most PAGE_BYTES each when it is bigger
    (a broker drops a packet over its limit, and with it the hub's connection)."""
    whole = ListDevicesResponse(header=header, payload=DirectoryPayload(devices=devices))
    if len(encode(whole)) <= PAGE_BYTES:
        return [whole]
    room = PAGE_BYTES - len(encode(ListDevicesResponse(header=header, payload=DirectoryPayload(
        devices=[], part=999_999, parts=999_999)))) - 1
    pages: list[list[DeviceView]] = [[]]
    used = 0
    for view in devices:
        size = len(view.model_dump_json(by_alias=True, exclude_none=True).encode()) + 1  # and its comma
        if pages[-1] and used + size > room:
            pages.append([])
            used = 0
        pages[-1].append(view)
        used += size
    return [ListDevicesResponse(header=header, payload=DirectoryPayload(devices=page, part=i, parts=len(pages)))
            for i, page in enumerate(pages, 1)]


async def _answer(hub: Hub, request: HubRequest) -> Message | list[ListDevicesResponse]:
    name, payload = request.header.name, request.payload
    header = reply_header(request)
    if name == "TextCommand":
        if payload.session:
            session = mqtt_session(payload.session)
        else:  # said to a speaker, the hub keeps the speaker's conversation (whichever client relays it)
            session = DEFAULT_SESSION if payload.speaker else mqtt_session(payload.reply_to)
        result = await hub.handle_text(payload.text or "", payload.lang, session, payload.speaker)
        return TextCommandResponse(header=header, payload=result)
    if name == "HubInfo":
        records = hub.directory.all()
        return HubInfoResponse(header=header, payload=HubInfoPayload(
            hub_id=hub.hub_id, version=hub.version, connected=hub.connected, devices=len(records),
            online=sum(1 for r in records if r.online), commands=hub.commands_done))
    if name == "ListAutomations":
        scenes, timers, routines = hub.automation.views()
        return AutomationsResponse(header=header, payload=AutomationsPayload(
            speakers=speaker_views(hub),
            scenes=scenes, timers=timers, routines=routines,
            now=hub.automation.now().isoformat(timespec="seconds")))
    if name in _AUTOMATION:
        return TextCommandResponse(header=header, payload=await automation_request(hub, request))
    if name == "RemoveDevice":
        return TextCommandResponse(header=header, payload=await remove_device(hub, (payload.target or "").strip()))
    if name == "ListDevices":
        devices = sorted((r.view() for r in hub.directory.all()), key=lambda v: (v.room, v.id))
        return directory_pages(header, devices)
    return TextCommandResponse(header=header, payload=await reset_home(hub))  # ResetHome


async def automation_request(hub: Hub, request: HubRequest) -> CommandResult:
    """RunScene, SaveScene, DeleteScene, CancelTimer (what ``genie scenes`` / ``genie timers`` send)."""
    payload, name = request.payload, request.header.name
    target = (payload.target or "").strip()
    said = payload.text if name == "SaveScene" else target  # the reply's language, unless one is asked for
    lang = cast(Lang, payload.lang or (detect_language(said or "") if name != "CancelTimer" else "en"))
    conversation = hub.conversation
    if name == "SaveScene":
        return await hub.logged(conversation.save_scene(target, payload.text or "", lang, payload.text or ""))
    if name == "CancelTimer":
        found = target.isdigit() and hub.automation.cancel(int(target))
        reply = f"timer {target} cancelled" if found else f"no timer with id {target!r}"
        return CommandResult(text=f"cancel timer {target}", lang=lang, reply=reply, ok=bool(found))
    scene = conversation.scene_named(target)
    if scene is None:
        return CommandResult(text=target, lang=lang, reply=f"no scene {target!r}; see genie scenes list", ok=False)
    if name == "DeleteScene":
        return conversation.schedule.delete_scene(scene.id, scene, lang, target)
    return await hub.logged(await conversation.schedule.run_scene(scene, lang, target))


async def remove_device(hub: Hub, device_id: str) -> CommandResult:
    """Forget a device for good: from the directory and the store (committed before this returns), and
    its retained registration, status and state cleared on the broker so that no restart brings it
    back. Not a ban: a device that registers again is back (``ok`` False: it was not in the directory)."""
    text = f"remove device {device_id}"
    if device_id not in hub.directory:
        return CommandResult(text=text, lang="en", ok=False,
                             reply=f"no device {device_id!r} in the hub's directory; "
                                   f"`genie devices list` shows the ids")
    hub.directory.remove(device_id)
    notes = []
    if hub.store is not None:
        hub.store.delete(device_id)
        try:
            hub.store.flush()
        except StoreError:
            notes.append(f"the hub database could not record it ({hub.store.failure})")
    try:
        for kind in (DeviceTopic.REGISTER, DeviceTopic.STATUS, DeviceTopic.STATE):
            await hub.publish(hub.topics.device(device_id, kind), b"", retain=True)
    except ConnectionError:
        notes.append(f"its retained messages could not be cleared: {NOT_CONNECTED}")
    reply = (f"removed {device_id} from the hub's directory" + "".join(f"; but {n}" for n in notes)
             + ". This is not a ban: if the device is still running it comes back when it registers again "
               "(at its next reconnection or the hub's next start); stop it, or change its credentials.")
    return CommandResult(text=text, lang="en", ok=True, reply=reply,
                         actions=[ActionResult(device=device_id, action="Remove")])


async def reset_home(hub: Hub) -> CommandResult:
    """Send every online device ``Reset`` (back to the home file's initial state)."""
    records = [r for r in hub.directory.all() if "Reset" in r.info.actions]
    responses = await asyncio.gather(*(hub.send(Request.control(r.id, "Reset", device_type=r.category))
                                       for r in records))
    actions = [
        ActionResult(device=r.id, action="Reset",
                     result=SUCCESS if isinstance(resp, Response) else str(resp.payload.error_code),
                     message=None if isinstance(resp, Response) else resp.payload.message)
        for r, resp in zip(records, responses, strict=True)
    ]
    failed = [a for a in actions if a.result != SUCCESS]
    reply = f"reset {len(actions) - len(failed)} of {len(actions)} devices"
    if failed:
        reply += "; not reset: " + ", ".join(f"{a.device} ({a.result})" for a in failed)
    return CommandResult(text="reset", lang="en", reply=reply, ok=not failed and bool(actions), actions=actions)
