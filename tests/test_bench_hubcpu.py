"""``python -m bench hubcpu``: its indexed bus delivers as the in-memory bus does, its meter splits the CPU by
whose code ran, and a small run reports every figure."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from bench import hubcpu
from tests.fakes import MemoryBroker


async def _deliveries(broker: MemoryBroker) -> dict[str, list[tuple[str, bytes, bool]]]:
    """What three sessions receive of a fixed exchange on ``broker``."""
    got: dict[str, list[tuple[str, bytes, bool]]] = {}
    async with broker.connect("a") as a, broker.connect("b") as b, broker.connect("c") as c:
        await a.publish("dev/x/state", b"held", retain=True)
        await b.subscribe("dev/x/state", "dev/+/report")
        await c.subscribe("dev/#", "hub/status")
        for topic in ("dev/x/state", "dev/y/report", "hub/status", "other"):
            await a.publish(topic, topic.encode())
        await c.abort()
        await a.publish("dev/y/report", b"after c left")
        for conn in (b, c):
            got[conn.client_id] = []
            while not conn.queue.empty():
                message = conn.queue.get_nowait()
                if message is not None:
                    got[conn.client_id].append((message.topic, message.payload, message.retain))
    return got


async def test_the_indexed_bus_delivers_as_the_memory_bus() -> None:
    assert await _deliveries(hubcpu.Bus()) == await _deliveries(MemoryBroker())
    assert (await _deliveries(hubcpu.Bus()))["b"][0] == ("dev/x/state", b"held", True)


def test_the_meter_counts_a_callback_under_the_part_whose_code_it_runs() -> None:
    loop = hubcpu.MeteredLoop()
    try:
        def busy() -> None:  # this file is under tests/: the bus and the client's part
            until = time.process_time() + 0.02
            while time.process_time() < until:
                pass

        loop.on = True
        loop.call_soon(busy)
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()
    assert loop.spent["bus_client"] >= 0.02
    assert loop.spent["hub"] == loop.spent["devices"] == 0
    assert hubcpu._part("/x/hub/service.py") == "hub" and hubcpu._part("/x/devices/runner.py") == "devices"


def test_a_small_run_reports_the_hub_cpu_per_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert hubcpu.main(["--devices", "6", "--runs", "2", "--rounds", "8", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    figures = report["hubcpu"]["6"]
    assert 0 < figures["hub_ms_per_cmd"] < figures["cpu_ms_per_cmd"]
    assert figures["devices_ms_per_cmd"] > 0 and figures["ok_share"] > 0.5
    assert len(figures["runs"]) == 2 and figures["devices_listed"] == 6


def test_commands_are_drawn_anew_for_each_seed() -> None:
    from genie.load.sentences import Target

    lamp = Target(None, "lamp", "light", {"zh": "台灯", "en": "desk lamp", "fr": "lampe"},
                  {"brightness": (0, 100, 1)}, True, frozenset({"powerstate", "brightness"}))
    rooms = {"study": {"zh": "书房", "en": "study", "fr": "bureau"}}
    first, again, other = (hubcpu.commands([lamp], rooms, 50, seed) for seed in (1, 1, 2))
    assert first == again and first != other
    assert {lang for lang, _ in first} == {"zh", "en", "fr"}
    assert any("bureau" in text or "书房" in text or "study" in text for _, text in first)
