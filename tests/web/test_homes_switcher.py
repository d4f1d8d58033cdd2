"""The dashboard's home switcher (issue 16, part 2): one process serving two homes serves a dashboard per home,
each listing both (``GET /api/homes``); choosing the other home in the page opens its dashboard."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from genie.app import run_stack
from hub.web import Dashboard, HomeLinks, serve_dashboard
from tests.brokers import BrokerUnderTest
from tests.e2e.test_homes_isolation import CODES, home_of
from tests.web.conftest import need_browser

pytestmark = pytest.mark.e2e


@pytest.fixture
async def dashboards(secured_broker: BrokerUnderTest, tmp_path: Path) -> AsyncIterator[dict[str, Dashboard]]:
    """Homes alpha and beta on one broker, a dashboard each, sharing their links as `genie up` does."""
    links: list[tuple[str | None, str]] = []
    async with contextlib.AsyncExitStack() as stack:
        served = {}
        for home_id in CODES:
            running = await stack.enter_async_context(run_stack(
                home=home_of(home_id), broker_url=str(secured_broker.url), credentials=secured_broker.credentials,
                db=tmp_path / f"{home_id}.db", scope=home_id, ready_timeout=20))
            assert running.hub is not None
            board = await stack.enter_async_context(serve_dashboard(running.hub, "127.0.0.1", 0,
                                                                    homes=HomeLinks(links, home_id)))
            links.append((home_id, board.base_url))
            served[home_id] = board
        yield served


async def test_each_home_s_dashboard_lists_both_homes(dashboards: dict[str, Dashboard]) -> None:
    for home_id, board in dashboards.items():
        async with httpx.AsyncClient(base_url=board.base_url) as client:
            homes = (await client.get("/api/homes")).json()
            devices = (await client.get("/api/devices")).json()
        assert homes == [{"id": h, "url": b.base_url, "current": h == home_id} for h, b in dashboards.items()]
        assert sorted(d["id"] for d in devices) == ["front-door", "lamp"]


async def test_a_single_home_lists_no_homes(secured_broker: BrokerUnderTest, tmp_path: Path) -> None:
    async with run_stack(home=home_of("alpha"), broker_url=str(secured_broker.url), scope="solo",
                         credentials=secured_broker.credentials, db=tmp_path / "solo.db", ready_timeout=20) as solo:
        assert solo.hub is not None
        async with serve_dashboard(solo.hub, "127.0.0.1", 0) as board, \
                httpx.AsyncClient(base_url=board.base_url) as client:
            assert (await client.get("/api/homes")).json() == []


async def test_choosing_the_other_home_in_the_page_opens_its_dashboard(open_page: Any,
                                                                      dashboards: dict[str, Dashboard]) -> None:
    expect = need_browser().expect
    page = await open_page(dashboards["alpha"].url)
    switch = page.locator("#home-switch")
    await expect(switch).to_be_visible()
    await expect(switch.locator("option")).to_have_text(["alpha", "beta"])
    await expect(switch).to_have_value(dashboards["alpha"].base_url)
    await switch.select_option(dashboards["beta"].base_url)
    await page.wait_for_url(f"{dashboards['beta'].base_url}/")
    await expect(page.locator("#home-switch")).to_have_value(dashboards["beta"].base_url)
    await expect(page.locator(".card")).to_have_count(2)
