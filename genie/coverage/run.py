"""Running the probes: a hub and each product's simulated device on the embedded broker, in this process.

The product has no in-memory bus outside its tests (tests/fakes.py), so the run goes through the real
embedded amqtt broker on 127.0.0.1, secured as ``genie up`` runs it: the fastest honest path (about 4 ms a
sentence). One hub serves the run; each product is spawned as a real registry device (latency set to zero:
reply times test nothing here), said every probe, then stopped and forgotten by the hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import asdict, dataclass

from devices.base import DeviceConfig, SimulatedDevice
from devices.categories import device_class
from devices.registry import Product, load_registry
from devices.runner import DeviceRunner
from genie.app import connector
from genie.coverage.judge import judge
from genie.coverage.probes import Probe, generate
from hub.broker import EmbeddedBroker, default_config_path, load_config
from hub.clock import ManualClock
from hub.directory import Directory
from hub.protocol import Names, PropertyValue, Topics
from hub.protocol.mqtt import BrokerURL
from hub.security import Credentials
from hub.service import Hub

SCOPE = "coverage"
ROOM = Names(zh=["客厅"], en=["living room"], fr=["salon"])
CODE = "135790"
TIMEOUT = 10.0
"""Seconds a sentence may take before it counts as unanswered."""
SETUP_TIMEOUT = 3.0
"""Seconds the hub has to hear a starting state set on the device (a report on the broker takes ~1 ms)."""


@dataclass(frozen=True)
class Result:
    """One probe's outcome, as the report keeps it."""

    brand: str
    model: str
    category: str
    spec: str
    capability: str
    lang: str
    text: str
    passed: bool
    reason: str
    expected: str
    state: dict[str, PropertyValue]
    reply: str

    def to_json(self) -> dict[str, object]:
        """As a JSON object."""
        return asdict(self)


@dataclass(frozen=True)
class Job:
    """A product to try, with the id of its capability specification."""

    spec: str
    brand: str
    model: str
    category: str


Progress = Callable[[Job, list[Result]], None]


def expected_text(probe: Probe) -> str:
    """What the probe expects, in one line."""
    e = probe.expect
    parts = [f"{k}={v!r}" for k, v in e.equal.items()]
    parts += [f"{k} in {list(v)!r}" for k, v in e.among.items()]
    if e.direction:
        parts.append(f"{e.direction[0]} {e.direction[1]}")
    if e.still:
        parts.append("no change")
    if e.heard:
        parts.append(f"reply says {e.heard[0]!r}")
    return "; ".join(parts)


@contextlib.asynccontextmanager
async def coverage_hub() -> AsyncIterator[tuple[Hub, Callable[[str, object], object]]]:
    """An embedded broker (secured, ephemeral loopback port) and a hub on it; yields the hub and the
    connector devices use. Both are stopped on exit."""
    credentials = Credentials.generate()
    broker = EmbeddedBroker(load_config(default_config_path(), host="127.0.0.1", port=0), credentials=credentials)
    await broker.start()
    try:
        connect = connector(BrokerURL.parse(broker.url), credentials, home=SCOPE)
        hub = Hub(connect, topics=Topics().home(SCOPE))
        task = asyncio.create_task(hub.run(), name="coverage.hub")
        try:
            async with asyncio.timeout(20):
                await hub.ready.wait()
            yield hub, connect
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    finally:
        await broker.stop()


async def until(directory: Directory, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Wait, woken by directory changes, until ``predicate()`` holds; False after ``timeout``."""
    done = asyncio.Event()

    def check(_record: object = None) -> None:
        if predicate():
            done.set()

    directory.listeners.append(check)
    try:
        check()
        async with asyncio.timeout(timeout):
            await done.wait()
        return True
    except TimeoutError:
        return False
    finally:
        directory.listeners.remove(check)


class Session:
    """Probes said to one hub, one product at a time."""

    def __init__(self, hub: Hub, connect: Callable[[str, object], object]) -> None:
        self.hub = hub
        self.connect = connect
        self._ids = itertools.count(1)

    async def product(self, job: Job, product: Product, langs: Iterable[str], seed: int,
                      phrasings: int) -> list[Result]:
        """Spawn ``product``, say it every probe in ``langs``, stop it; the results."""
        clock = ManualClock()
        number = next(self._ids)
        config = DeviceConfig(id=f"cov-{number}", category=product.category, brand=job.brand, model=product.model,
                              room="living", room_names=ROOM, specs=product.specs, code=CODE)
        device = device_class(product.category)(config, clock=clock)
        runner = DeviceRunner(device, self.connect, self.hub.topics)  # type: ignore[arg-type]
        task = asyncio.create_task(runner.run(), name=f"coverage.device[{device.id}]")
        results: list[Result] = []
        try:
            directory = self.hub.directory
            if not await until(directory, lambda: (r := directory.get(device.id)) is not None and r.online, 10):
                raise RuntimeError(f"{job.brand} {product.model}: the device never came online")
            # the device reports its changes only once its own session is up (the hub may see it online first)
            async with asyncio.timeout(10):
                await runner.online.wait()
            for lang in langs:
                own = f"{seed}:{job.brand}:{product.model}"  # each product its own phrasings and values
                for probe in generate(product.category, product.specs, product.actions, lang, own, phrasings, CODE):
                    results.append(await self.say(job, device, clock, probe, number))
        finally:
            runner.stop()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await self.hub.remove_device(device.id)
        return results

    async def say(self, job: Job, device: SimulatedDevice, clock: ManualClock, probe: Probe, number: int) -> Result:
        """Set the device up, say the probe's sentence, and judge what followed."""
        reply, ok = "", False
        ready = await self._setup(device, clock, probe)
        before = dict(device.state)
        if ready:
            try:
                async with asyncio.timeout(TIMEOUT):
                    result = await self.hub.handle_text(probe.text, session=f"cov-{number}-{next(self._ids)}")
                reply, ok = result.reply, result.ok
            except TimeoutError:
                reply = ""
            if probe.expect.settle:
                await clock.advance(probe.expect.settle)
        after = dict(device.state)
        verdict = judge(probe, before, after, reply, ok) if ready else None
        reason = "setup: the hub never heard the starting state" if verdict is None else verdict.reason
        if ready and not reply:
            reason = f"no reply within {TIMEOUT:g} s"
        return Result(job.brand, job.model, job.category, job.spec, probe.capability, probe.lang, probe.text,
                      bool(verdict and verdict.passed and reply), reason, expected_text(probe), after, reply)

    async def _setup(self, device: SimulatedDevice, clock: ManualClock, probe: Probe) -> bool:
        setup = dict(probe.setup)
        position = setup.pop("position", None)
        if position is not None:  # a curtain moves there by its own motor
            await device.control("SetPosition", "position", position)
            await clock.advance(12.0)
        if device.category == "roboticvacuum" and probe.start is None:
            setup.update({"status": "docked", "powerstate": "off"})
        if setup:
            device.apply(setup, cause="app")
        if probe.start == "move":
            await device.control("SetPosition", "position", 0)
            await clock.advance(12.0)
            await device.control("TurnOn", None, None)
            await clock.advance(2.0)
        elif probe.start == "clean":
            await device.control("TurnOn", None, None)
        keys = set(probe.setup) | {"powerstate"} & set(device.state)
        if device.category == "curtain":
            keys |= {"position", "motion"}
        if device.category == "roboticvacuum":
            keys |= {"status"}
        want = {k: device.state[k] for k in keys if k in device.state}
        directory = self.hub.directory

        def heard() -> bool:
            record = directory.get(device.id)
            return record is not None and all(record.state.get(k) == v for k, v in want.items())

        return await until(directory, heard, SETUP_TIMEOUT)


async def run_jobs(jobs: list[Job], langs: list[str], seed: int, phrasings: int,
                   progress: Progress | None = None) -> list[Result]:
    """Every job's probes on one hub in this process."""
    registry = load_registry()
    results: list[Result] = []
    async with coverage_hub() as (hub, connect):
        session = Session(hub, connect)
        for job in jobs:
            product = registry.product(job.brand, job.model, job.category)
            found = await session.product(job, product, langs, seed, phrasings)
            results += found
            if progress is not None:
                progress(job, found)
    return results
