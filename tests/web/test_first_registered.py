"""Each device card on the page says when the device first registered (so a newcomer posing as a known
device stands out), in a real browser against the demo home on a real broker."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from genie.app import Running
from hub.web import Dashboard
from tests.web.conftest import need_browser

pytestmark = pytest.mark.e2e


async def test_every_card_shows_when_its_device_first_registered(open_page: Any, dashboard: Dashboard, home: Running,
                                                               tmp_path: Path) -> None:
    expect = need_browser().expect
    assert home.hub is not None
    page = await open_page(dashboard.url, "en")
    await expect(page.locator(".card")).to_have_count(19)
    since = page.locator('.card [data-slot="since"]')
    await expect(since).to_have_count(19)
    for record in home.hub.directory.all():
        assert record.registered is not None
        slot = page.locator(f'.card[data-device="{record.id}"] [data-slot="since"]')
        iso = datetime.fromtimestamp(record.registered, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        await expect(slot).to_have_attribute("title", iso)
        await expect(slot).to_have_text(re.compile(r"^First registered \d{1,2} \w{3} \d{4}, \d\d:\d\d$"))
    await page.locator('.card[data-device="front-door"]').screenshot(path=str(tmp_path / "card.png"))
    assert (tmp_path / "card.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    zh = await open_page(dashboard.url, "zh")
    await expect(zh.locator('.card[data-device="front-door"] [data-slot="since"]')).to_have_text(
        re.compile(r"^首次注册 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d$"))
