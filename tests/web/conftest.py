"""Fixtures of the dashboard tests: the demo home on a real secured amqtt broker, the dashboard
serving it on an ephemeral loopback port, and headless Chromium (Debian's package) through Playwright."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from devices.home import load_home
from devices.registry import load_registry
from genie.app import Running, run_stack
from hub.security import Credentials
from hub.web import Dashboard, serve_dashboard
from tests.brokers import BrokerUnderTest, amqtt_broker

CHROMIUM = os.environ.get("GENIE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUIRE_BROWSER = os.environ.get("GENIE_REQUIRE_BROWSER") == "1"
"""Set by .ci/run: a missing Chromium or Playwright is then a failure, not a skip."""


def need_browser() -> Any:
    """Playwright's async API, or a skip (a failure under GENIE_REQUIRE_BROWSER=1) saying what is missing."""
    problem = None
    try:
        from playwright import async_api
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[dev]')"
    if problem is None and not os.path.exists(CHROMIUM):
        problem = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    if problem is not None:
        if REQUIRE_BROWSER:
            pytest.fail(f"browser tests are required (GENIE_REQUIRE_BROWSER=1) but {problem}")
        pytest.skip(problem)
    return async_api


@pytest.fixture
async def secured_broker() -> AsyncIterator[BrokerUnderTest]:
    """The embedded amqtt broker, secured, on an ephemeral loopback port."""
    async with amqtt_broker(Credentials.generate()) as running:
        yield running


@pytest.fixture
async def home(secured_broker: BrokerUnderTest, tmp_path: Path) -> AsyncIterator[Running]:
    """Hub and the demo home's 19 devices, all online."""
    async with run_stack(home=load_home(), broker_url=str(secured_broker.url), credentials=secured_broker.credentials,
                         db=tmp_path / "hub.db", ready_timeout=20) as running:
        yield running


@pytest.fixture
async def dashboard(home: Running) -> AsyncIterator[Dashboard]:
    """The dashboard of the demo home on 127.0.0.1, with the brand registry."""
    assert home.hub is not None
    async with serve_dashboard(home.hub, "127.0.0.1", 0, brands=load_registry) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Headless Chromium from Debian's package (never a downloaded build)."""
    api = need_browser()
    api.expect.set_options(timeout=10_000)
    async with api.async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def open_page(browser: Any) -> AsyncIterator[Any]:
    """``await open_page(url, lang="en", script="")``: a fresh page on ``url`` (``script`` runs before the
    page's own); fails the test on any script error."""
    contexts = []
    errors: list[str] = []

    async def opener(url: str, lang: str = "en", script: str = "") -> Any:
        context = await browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
        contexts.append(context)
        await context.add_init_script(f"localStorage.setItem('genie-lang', {lang!r}); {script}")
        page = await context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(url)
        return page

    yield opener
    for context in contexts:
        await context.close()
    assert errors == [], f"script errors on the page: {errors}"
