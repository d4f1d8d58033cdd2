"""The brokers of `python -m bench scale`: Mosquittos started as the bench starts them, amqtt, or the 2-node
RabbitMQ cluster of tests/rabbitmq.py; and the login that reads every home's topics on them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bench import _harness as h
from hub.protocol.mqtt import BrokerURL


@contextlib.asynccontextmanager
async def brokers(kind: str, count: int, homes: dict[str, list[str]]) -> AsyncIterator[list[tuple[BrokerURL, Any]]]:
    """``count`` brokers of ``kind`` (anonymous, loopback), or the RabbitMQ cluster's two nodes (secured, with
    the logins of ``homes``); yields (URL, process or cluster) pairs."""
    async with contextlib.AsyncExitStack() as stack:
        if kind == "rabbitmq":
            node_a, node_b = await stack.enter_async_context(_rabbitmq(homes))
            yield [node_a, node_b]
            return
        started = []
        for _ in range(count):
            started.append(await (_mosquitto() if kind == "mosquitto" else stack.enter_async_context(
                h.broker(kind))))
            if kind == "mosquitto":
                stack.push_async_callback(started[-1][1].stop)
        yield started


async def _mosquitto() -> tuple[BrokerURL, h.Proc]:
    """Mosquitto as `h.broker` starts it, and no limit on the messages queued for a slow subscriber (a hub
    taking in a whole fleet's announcements, the counter of statuses): by default it drops any past 1,000."""
    from hub.security import export_mosquitto

    if h.MOSQUITTO is None:
        raise h.BenchError("mosquitto is not installed: apt-get install -y mosquitto")
    port = h.free_port()
    conf = export_mosquitto(h.scratch("mosquitto"), None, [], port=port)[0]
    with conf.open("a") as file:
        file.write("log_dest stderr\nlog_type notice\nlog_type information\nmax_connections -1\n"
                   "max_queued_messages 0\n")
    proc, _ = await h.start("mosquitto", h.MOSQUITTO, "-c", str(conf), ready=b" running")
    return BrokerURL("127.0.0.1", port), proc


@contextlib.asynccontextmanager
async def _rabbitmq(homes: dict[str, list[str]]) -> AsyncIterator[list[tuple[BrokerURL, Any]]]:
    from hub.security import Credentials
    from tests.rabbitmq import RabbitCluster

    credentials = Credentials.load_or_create(Path(h.env()["GENIE_DATA_DIR"]) / "credentials.json")
    cluster = RabbitCluster(h.scratch("rabbitmq"), credentials, [], homes)
    await asyncio.to_thread(cluster.start, 300.0)
    try:
        yield [(cluster.url(0), cluster), (cluster.url(1), cluster)]
    finally:
        leftovers = await asyncio.to_thread(cluster.stop)
    if leftovers:  # after a clean run only: a failure's own reason is not hidden by this
        raise h.BenchError(f"processes of the RabbitMQ cluster outlived its stop: {leftovers}")


def observer(url: BrokerURL, kind: str) -> tuple[BrokerURL, str]:
    """A login that may read every home's topics: anonymous, or the hub's on the secured cluster."""
    if kind != "rabbitmq":
        return url, "genie-bench-observer"
    from hub.security import HUB_USER, Credentials

    credentials = Credentials.load(Path(h.env()["GENIE_DATA_DIR"]) / "credentials.json")
    return BrokerURL(url.host, url.port, HUB_USER, credentials.password_for(HUB_USER)), "genie-bench-observer"
