"""hub.conversation.act.execute: a command with one directive sends it from the command's own task (no task of
gather's to run it in: a turn of the loop and its callbacks saved on most commands); several still go at once."""

from __future__ import annotations

import asyncio

from hub.conversation.act import execute
from hub.conversation.model import Outcome, Step
from hub.directory import DeviceRecord
from hub.nlu.models import Intent, Target
from hub.protocol import DeviceInfo, ErrorCode, ErrorResponse, Request, Response


def lamp(device_id: str) -> DeviceRecord:
    info = DeviceInfo(device_id=device_id, device_name="灯", device_type="light", brand="Yeelight", model="m")
    return DeviceRecord(info=info, online=True, state={"powerstate": "off"})


async def test_one_directive_is_sent_from_the_commands_own_task() -> None:
    senders: list[asyncio.Task[object] | None] = []

    async def send(request: Request) -> Response | ErrorResponse:
        senders.append(asyncio.current_task())
        return ErrorResponse.to(request, ErrorCode.IOT_DEVICE_OFFLINE, "asleep")

    outcome = Outcome(Intent("on", Target()), [Step(lamp("a"), "power", "TurnOn")])
    await execute(outcome, send)
    assert senders == [asyncio.current_task()]
    assert outcome.steps[0].detail == "asleep"


async def test_several_directives_still_go_at_once() -> None:
    both = asyncio.Event()
    waiting: list[str] = []

    async def send(request: Request) -> Response | ErrorResponse:
        waiting.append(request.payload.device_id)
        if len(waiting) == 2:
            both.set()
        await both.wait()  # the first waits for the second: only if they run at once does this end
        return ErrorResponse.to(request, ErrorCode.IOT_DEVICE_OFFLINE, "asleep")

    outcome = Outcome(Intent("on", Target()), [Step(lamp("a"), "power", "TurnOn"), Step(lamp("b"), "power", "TurnOn")])
    async with asyncio.timeout(5):
        await execute(outcome, send)
    assert sorted(waiting) == ["a", "b"]
