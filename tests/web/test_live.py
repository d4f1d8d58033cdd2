"""The dashboard's live feed, the suggested commands and the access rules, without a broker: a hub whose
directory is filled by hand (as discovery would fill it)."""

from __future__ import annotations

import asyncio
import json

import pytest

from hub.nlu import load_lexicon
from hub.nlu.speech import article
from hub.protocol import AnnouncePayload, DeviceInfo, Names, Property
from hub.service import Hub
from hub.web.access import DashboardError, check_binding, is_loopback, new_token
from hub.web.live import QUEUE_LENGTH, LiveFeed
from hub.web.models import Suggestions


def unconnected_hub() -> Hub:
    def never(client_id: str, will: object) -> object:
        raise AssertionError("these tests never connect")

    return Hub(never)  # type: ignore[arg-type]


def info(i: int, room: str = "living") -> DeviceInfo:
    return DeviceInfo(device_id=f"lamp-{i}", device_name=f"lamp {i}", device_type="light", brand="Yeelight",
                      model="sim-light", names=Names(zh=[f"灯{i}"], en=[f"lamp {i}"], fr=[f"lampe {i}"]),
                      zone_id=room, zone_names=Names(en=[room]),
                      properties=[Property(name="powerstate", value="off"), Property(name="brightness", value=50)])


def frames(text: str) -> list[tuple[str, dict]]:
    """(event, data) of each frame in ``text``."""
    found = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((lines["event"], json.loads(lines["data"])))
    return found


def no_suggestions() -> Suggestions:
    return Suggestions()


async def test_a_burst_of_changes_reaches_a_subscriber_as_one_batch() -> None:
    hub = unconnected_hub()
    for i in range(1000):
        hub.directory.register(info(i, room=f"room-{i % 10}"))
    feed = LiveFeed(hub, suggest=no_suggestions, interval=0.05)
    feed.start()
    try:
        async with feed.subscribe() as (first, subscriber):
            (name, snapshot), = frames(first)
            assert name == "snapshot" and len(snapshot["devices"]) == 1000 and len(snapshot["rooms"]) == 10
            for round_ in range(3):  # every device changes three times within one interval
                for i in range(1000):
                    hub.directory.update_state(f"lamp-{i}", [Property(name="brightness", value=60 + round_)])
            batch = frames(await subscriber.queue.get())
            devices = [data for name, data in batch if name == "devices"]
            assert len(devices) == 1 and len(devices[0]["devices"]) == 1000  # one batch, each device once
            assert {d["state"]["brightness"] for d in devices[0]["devices"]} == {62}  # as it is now
            assert subscriber.queue.empty()
    finally:
        await feed.close()


async def test_history_is_a_bounded_ring_of_changes_per_device() -> None:
    hub = unconnected_hub()
    hub.directory.register(info(1))
    feed = LiveFeed(hub, suggest=no_suggestions, history=3)
    feed.start()
    try:
        hub.directory.set_online("lamp-1", True)
        for level in (10, 20, 30, 40):
            hub.directory.update_state("lamp-1", [Property(name="brightness", value=level)])
        hub.directory.update_state("lamp-1", [Property(name="brightness", value=40)])  # no change: no entry
        history = feed.history("lamp-1")
        assert [h.changes for h in history] == [{"brightness": 20}, {"brightness": 30}, {"brightness": 40}]
        assert all(h.online for h in history)
        assert [h.changes for h in feed.history("lamp-1", limit=1)] == [{"brightness": 40}]
        hub.directory.set_online("lamp-1", False)
        assert feed.history("lamp-1")[-1].online is False and feed.history("lamp-1")[-1].changes == {}
        assert feed.history("nothing-here") == []
    finally:
        await feed.close()


async def test_the_message_log_keeps_each_device_apart_and_cuts_big_payloads() -> None:
    hub = unconnected_hub()
    feed = LiveFeed(hub, suggest=no_suggestions)
    feed.start()
    try:
        for tap in hub.taps:
            tap("genie/dev/lamp-1/report", b'{"x": 1}', "in")
            tap("genie/dev/lamp-2/request", b"\xff" + b"y" * 10_000, "out")
            tap("genie/hub/reply/genie-cli-1", b"{}", "out")
        everything = feed.messages()
        assert [(m.device, m.kind, m.direction) for m in everything] == [
            ("lamp-1", "report", "in"), ("lamp-2", "request", "out"), (None, "reply", "out")]
        big = everything[1]
        assert big.size == 10_001 and big.truncated and big.payload.startswith("\ufffd") and len(big.payload) < 5000
        assert [m.kind for m in feed.messages("lamp-1")] == ["report"]
        assert [m.seq for m in everything] == [1, 2, 3]
    finally:
        await feed.close()


async def test_a_subscriber_that_falls_behind_is_dropped_not_waited_for() -> None:
    hub = unconnected_hub()
    hub.directory.register(info(1))
    feed = LiveFeed(hub, suggest=no_suggestions, interval=0)
    feed.start()
    try:
        async with feed.subscribe() as (_, slow), feed.subscribe() as (_, fast):
            for level in range(QUEUE_LENGTH + 5):  # one batch per change; ``slow`` never reads them
                hub.directory.update_state("lamp-1", [Property(name="brightness", value=level % 100 + 1)])
                assert await fast.queue.get() is not None
            assert slow.dropped and not fast.dropped
            frames_left = [slow.queue.get_nowait() for _ in range(slow.queue.qsize())]
            assert frames_left[-1] is None  # its stream ends; the browser reconnects to a fresh snapshot
    finally:
        await feed.close()


async def test_closing_ends_every_stream_and_unhooks_the_hub() -> None:
    hub = unconnected_hub()
    feed = LiveFeed(hub, suggest=no_suggestions)
    own = list(hub.directory.listeners)  # the hub's own (its routines watch the directory)
    feed.start()
    assert len(hub.taps) == 1 and len(hub.command_listeners) == 1 and len(hub.announcement_listeners) == 1
    assert len(hub.directory.listeners) == len(own) + 1
    async with feed.subscribe() as (_, subscriber):
        await feed.close()
        assert await asyncio.wait_for(subscriber.queue.get(), 1) is None
    assert hub.taps == [] and hub.command_listeners == [] and hub.announcement_listeners == []
    assert hub.directory.listeners == own
    with pytest.raises(RuntimeError, match="stopping"):
        async with feed.subscribe():
            pass


def test_french_articles() -> None:
    fr = load_lexicon("fr")
    assert [article(fr, n) for n in ("lumière du salon", "lampadaire", "rideaux du salon", "aspirateur robot",
                                         "climatiseur", "télé", "chauffe-eau", "serrure")] == \
        ["la ", "le ", "les ", "l'", "le ", "la ", "le ", "la "]
    assert [article(fr, n, of=True) for n in ("salon", "chambre", "entrée", "salle de bain", "bureau")] == \
        ["du ", "de la ", "de l'", "de la ", "du "]
    assert {article(load_lexicon(lang), "lamp") for lang in ("zh", "en")} == {""}  # no article rule: none


def test_loopback_and_tokens() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "", "192.168.1.2", "genie.lan", "localhost.evil"))
    check_binding("127.0.0.1", None)
    check_binding("0.0.0.0", new_token())
    with pytest.raises(DashboardError, match=r"refusing to serve the dashboard on 0\.0\.0\.0 without an access token"):
        check_binding("0.0.0.0", None)
    with pytest.raises(DashboardError, match="at least 16 characters"):
        check_binding("127.0.0.1", "short")
    assert len(new_token()) >= 32 and new_token() != new_token()


async def test_what_the_hub_says_unasked_reaches_the_page() -> None:
    hub = unconnected_hub()
    feed = LiveFeed(hub, suggest=no_suggestions, interval=0.01)
    feed.start()
    try:
        async with feed.subscribe() as (_, subscriber):
            await hub.announce(AnnouncePayload(source="timer", id="3", lang="zh", text="定时任务：台灯已关闭。"))
            batch = frames(await asyncio.wait_for(subscriber.queue.get(), 2))
            said = [data for name, data in batch if name == "announce"]
            assert said == [{"source": "timer", "id": "3", "lang": "zh", "text": "定时任务：台灯已关闭。", "ok": True,
                             "actions": [], "at": 0.0}]
    finally:
        await feed.close()
