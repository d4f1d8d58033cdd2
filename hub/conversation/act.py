"""Act: send every step's directive to its device and record the answer (the transport is injected)."""

from __future__ import annotations

import asyncio

from hub.conversation.model import Outcome, Send, Step
from hub.protocol import ErrorCode, ErrorResponse, Request
from hub.protocol.vocabulary import QUERY_ACTIONS


async def execute(outcome: Outcome, send: Send) -> None:
    """Send every step's directive concurrently and record each answer."""
    group_question = outcome.intent.action == "query" and outcome.intent.quantifier not in (None, "plain")

    async def run(step: Step) -> None:
        record = step.device
        if not record.online:
            step.error = ErrorCode.IOT_DEVICE_OFFLINE
            return
        if group_question:
            return  # "which lights are on?" is answered from the directory
        if step.action == "Query":
            name = next((q for q, a in QUERY_ACTIONS.items() if a == step.attribute), "Query")
            if name not in record.info.actions:
                name = "Query"
            request = Request.query(record.id, name, record.category)
        else:
            request = Request.control(record.id, step.action, step.attribute, step.value, record.category)
        response = await send(request)
        step.response = response
        if isinstance(response, ErrorResponse):
            step.error, step.detail = response.payload.error_code, response.payload.message

    steps = [s for s in outcome.steps if s.ok]
    if len(steps) == 1:  # most commands: no task to run it in (gather's task, its callbacks, a turn of the loop)
        await run(steps[0])
    else:
        await asyncio.gather(*(run(s) for s in steps))
