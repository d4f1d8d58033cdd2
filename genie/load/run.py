"""Sending the plan: open loop over several MQTT client sessions, every answer timed from its scheduled time.

Each session is a text client of one home (its own client id and reply topic, logged in as the home's text
client), as ``bench/_harness.py``'s ``ask`` and ``hub.client`` talk to the hub: a ``HubRequest`` TextCommand
on the home's command topic, the answer on the session's reply topic, matched by message id. A command
without an answer within ``timeout`` of its scheduled time is the error ``TIMEOUT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from genie.load.schedule import Planned
from hub.errors import GenieError
from hub.protocol import ErrorResponse, HubRequest, ProtocolError, TextCommandResponse, Topics, decode, encode
from hub.protocol.envelope import SUCCESS
from hub.protocol.mqtt import BrokerURL, MqttConnection
from hub.security import CLIENT_ID_PREFIX, home_login

TIMEOUT = "TIMEOUT"
"""Error code of a command the hub did not answer in time."""
SEND_FAILED = "SEND_FAILED"
"""Error code of a command the broker did not take (the session's connection failed)."""
NOT_DONE = "NOT_DONE"
"""Error code of a not-ok answer that names no device error (not understood, or asked back)."""
LEAD = 0.05
"""Seconds between the sessions being ready and the first scheduled send."""


@dataclass
class Outcome:
    """What became of one planned command; times are seconds after the run's start."""

    planned: Planned
    sent: float | None = None
    answered: float | None = None
    ok: bool = False
    code: str | None = None
    """None when ok; else the hub's error code, NOT_DONE, TIMEOUT or SEND_FAILED."""

    @property
    def latency_ms(self) -> float | None:
        """From the scheduled send time to the answer, in ms (None: no answer)."""
        return None if self.answered is None else (self.answered - self.planned.at) * 1000


@dataclass
class Tally:
    """Running counts for the progress line, and the latencies since it was last drawn."""

    planned: int
    sent: int = 0
    answered: int = 0
    errors: int = 0
    window: list[float] = field(default_factory=list)
    finished: bool = False
    """Set before the last call: every command is answered or timed out."""


@dataclass
class Run:
    """A finished run: every outcome, the sessions used, and when it started (wall clock) and how long it took."""

    outcomes: list[Outcome]
    sessions: int
    started: float
    elapsed: float
    warmup: list[Outcome] = field(default_factory=list)
    """The warm-up commands, sent all at once before the run (latency from their own send)."""
    lost: int = 0
    """Sessions the broker closed before the run ended."""


def code_of(reply: TextCommandResponse | ErrorResponse) -> str | None:
    """None for an ok answer; else its error code (a refused request's, the first failed device action's,
    or NOT_DONE)."""
    if isinstance(reply, ErrorResponse):
        return str(reply.payload.error_code)
    if reply.payload.ok:
        return None
    failed = [a.result for a in reply.payload.actions if a.result != SUCCESS]
    return str(failed[0]) if failed else NOT_DONE


class _Session:
    """One MQTT text-client session of one home, and the answers it awaits (by message id)."""

    def __init__(self, url: BrokerURL, home: str | None, index: int) -> None:
        self.home = home
        self.client_id = f"{CLIENT_ID_PREFIX}load{index}-{uuid.uuid4().hex[:8]}"
        self.topics = Topics().home(home)
        self.conn = MqttConnection(url, home_login(home, self.client_id), keepalive=30)
        self.pending: dict[str, asyncio.Future[tuple[float, TextCommandResponse | ErrorResponse]]] = {}
        self.lost = False
        """The broker closed the session before the run ended."""

    async def open(self, stack: contextlib.AsyncExitStack) -> None:
        """Connect, subscribe to the reply topic and start reading; ``stack`` closes it all."""
        await stack.enter_async_context(self.conn)
        await self.conn.subscribe(self.topics.command_reply(self.client_id))
        reader = asyncio.create_task(self._read(), name=f"load reader {self.client_id}")

        async def stop() -> None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

        stack.push_async_callback(stop)

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            await self._receive(loop)
        except ConnectionError as exc:
            self.lost = True
            for waiter in self.pending.values():  # their answers cannot come now
                if not waiter.done():
                    waiter.set_exception(ConnectionError(str(exc)))

    async def _receive(self, loop: asyncio.AbstractEventLoop) -> None:
        async for message in self.conn.messages():
            now = loop.time()
            try:
                reply = cast(TextCommandResponse | ErrorResponse,
                             decode(message.payload, TextCommandResponse, ErrorResponse))
            except ProtocolError:
                continue
            waiter = self.pending.pop(reply.header.message_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result((now, reply))

    async def send(self, outcome: Outcome, start: float, timeout: float, tally: Tally) -> None:
        """Send ``outcome``'s command now and wait for its answer until ``timeout`` after its scheduled time."""
        loop = asyncio.get_running_loop()
        said = outcome.planned.sentence
        request = HubRequest.create("TextCommand", self.client_id, said.text, said.lang)
        key = request.header.message_id
        waiter = self.pending[key] = loop.create_future()
        outcome.sent = loop.time() - start
        tally.sent += 1
        try:
            if self.lost:
                raise ConnectionError(f"{self.client_id}: closed by the broker")
            await self.conn.publish(self.topics.command, encode(request))
            remaining = start + outcome.planned.at + timeout - loop.time()
            answered, reply = await asyncio.wait_for(waiter, max(0.0, remaining))
        except TimeoutError:
            outcome.code = TIMEOUT
        except ConnectionError:
            outcome.code = SEND_FAILED
        else:
            outcome.answered = answered - start
            outcome.code = code_of(reply)
            outcome.ok = outcome.code is None
            tally.answered += 1
            tally.window.append(outcome.latency_ms or 0.0)
        finally:
            self.pending.pop(key, None)
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # retrieved: a session lost before its publish failed is not logged as unseen
        tally.errors += not outcome.ok


class SessionsLost(GenieError, ConnectionError):
    """The broker closed a session as the others connected (exit status 2)."""


def hint(sessions: int, homes: int) -> str:
    """What to say when the broker closed sessions: nothing, or (several sessions per home) why it may have."""
    if sessions <= homes:
        return ""
    return (f"; with several sessions per login, a broker that makes every session's client id its login's name "
            f"(Mosquitto, as `genie broker --export mosquitto` sets it up) closes each as the next connects: "
            f"give --clients {homes} (one per home)")


def _spread(homes: Sequence[str | None], clients: int) -> list[str | None]:
    """The home of each session: ``clients`` spread round-robin over ``homes``, at least one each."""
    return [homes[i % len(homes)] for i in range(max(clients, len(homes)))]


async def drive(planned: Sequence[Planned], urls: dict[str | None, BrokerURL], *, clients: int, timeout: float,
                progress: Callable[[Tally, float], None] | None = None, interval: float = 1.0,
                warmup: Sequence[Planned] = ()) -> Run:
    """Send ``planned`` open loop over ``clients`` sessions (``urls``: each home's broker URL, logged in as
    its text client), each command at its scheduled time on a session of its home, round-robin; call
    ``progress(tally, elapsed)`` every ``interval`` seconds while it runs. ``warmup`` commands go first, all at
    once, and are awaited (a hub's first sentence in a language costs it more than the rest)."""
    loop = asyncio.get_running_loop()
    tally = Tally(len(planned))
    outcomes = [Outcome(p) for p in planned]
    async with contextlib.AsyncExitStack() as stack:
        sessions: dict[str | None, list[_Session]] = {}
        for index, home in enumerate(_spread(list(urls), clients)):
            sessions.setdefault(home, []).append(_Session(urls[home], home, index))
        every = [s for group in sessions.values() for s in group]
        try:
            for session in every:  # one after the other: a session cancelled mid-connect leaves the client in pieces
                await session.open(stack)
        except ConnectionError as exc:
            raise SessionsLost(f"{str(exc).rstrip('.')}{hint(len(every), len(sessions))}") from None
        warmed = [Outcome(p) for p in warmup]
        now, scratch = loop.time(), Tally(len(warmed))  # all at once: a dead hub costs one timeout, not one each
        await asyncio.gather(*(sessions[o.planned.target.home][0].send(o, now - o.planned.at, timeout, scratch)
                               for o in warmed))
        turn = dict.fromkeys(sessions, 0)
        wall, start = time.time(), loop.time() + LEAD
        ticker = asyncio.create_task(_tick(tally, start, interval, progress)) if progress else None
        tasks = []
        for outcome in outcomes:
            delay = start + outcome.planned.at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            home = outcome.planned.target.home
            group = sessions[home]
            session = group[turn[home] % len(group)]
            turn[home] += 1
            tasks.append(asyncio.create_task(session.send(outcome, start, timeout, tally)))
        await asyncio.gather(*tasks)
        elapsed = loop.time() - start
        if ticker is not None:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
            assert progress is not None
            tally.finished = True
            progress(tally, elapsed)
    return Run(outcomes, len(every), wall + LEAD, elapsed, warmed, sum(s.lost for s in every))


async def _tick(tally: Tally, start: float, interval: float, progress: Callable[[Tally, float], None] | None) -> None:
    loop = asyncio.get_running_loop()
    while progress is not None:  # a first line at once: the set-up is ready and sending has begun
        progress(tally, max(0.0, loop.time() - start))
        tally.window = []
        await asyncio.sleep(interval)
