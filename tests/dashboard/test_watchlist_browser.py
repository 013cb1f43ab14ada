"""The Watchlist and Live Quote pages in headless Chromium, the API talking to the real sandbox
with its demo user logged in: live prices in the list, adding by type-ahead, creating a list,
and a row opening the instrument's live quote with its depth."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser import chromium_page
from tests.conftest import TEST_PASSWORD

# Screenshots go here when set (to look at them after the run), else to the test's temp folder.
SHOTS = os.environ.get("WATCHLIST_SHOTS")


@pytest.fixture
def settings(sandbox_settings):
    """The API behind the dashboard talks to the real sandbox."""
    return sandbox_settings


@pytest.fixture
def stocked(app, sandbox_login, feed_server) -> int:
    """The instrument list loaded, the demo user logged in, and a list "Core" with two rows."""
    app.extensions["upstox_platform"].instruments.sync()
    client = app.test_client()
    client.environ_base["HTTP_X_API_KEY"] = app.extensions["upstox_platform"].settings.api_key
    created = client.post("/api/watchlists", json={"name": "Core"}).get_json()["data"]
    for symbol in ("RELIANCE", "NIFTY 50"):
        client.post(f"/api/watchlists/{created['id']}/items", json={"symbol": symbol})
    return int(created["id"])


def shot(page, tmp_path: Path, name: str) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def log_in(page, dashboard: str, path: str) -> None:
    page.goto(f"{dashboard}{path}")
    page.wait_for_url(f"**/login?redirect_to={path}")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{dashboard}{path}")


@pytest.mark.browser
def test_watchlist_shows_live_prices_adds_by_search_and_opens_a_quote(
    chromium_available: None, stocked: int, dashboard_process: str, tmp_path: Path
) -> None:
    with chromium_page() as page:
        log_in(page, dashboard_process, "/watchlist")
        page.get_by_role("cell", name="RELIANCE", exact=True).wait_for()
        page.get_by_text("Live, refreshed every").wait_for()
        first = page.locator("tbody tr").first.inner_text()
        assert re.search(r"\d[\d,]*\.\d\d", first), first  # an LTP, not "—"
        assert re.search(r"[+-][\d,.]+%", first), first  # % change with its sign
        changes = page.locator("tbody tr").first.locator("span.text-positive, span.text-negative")
        assert changes.count() >= 1  # green or red

        page.get_by_label("Add an instrument: type a symbol, name or key").fill("TCS")
        page.locator(".q-item", has_text="TCS").first.click()
        page.get_by_role("cell", name="TCS", exact=True).wait_for()
        page.wait_for_timeout(2500)  # one more refresh: the new row priced too
        shot(page, tmp_path, "watchlist.png")
        assert page.locator("tbody tr").count() == 3

        page.get_by_role("button", name="New list").click()
        page.get_by_label("Name", exact=True).fill("Banks")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("This list is empty").wait_for()
        shot(page, tmp_path, "watchlist-new.png")

        page.locator(".q-select").first.click()
        page.get_by_role("option", name=re.compile("Core")).click()
        page.get_by_role("cell", name="RELIANCE", exact=True).click()
        page.wait_for_url("**/quote?symbol=NSE_EQ%7CINE002A01018")
        page.get_by_text("Total buy").wait_for()
        page.wait_for_timeout(1500)
        shot(page, tmp_path, "live-quote.png")
        body = page.inner_text("body")
        assert "RELIANCE" in body and "Previous close" in body and "Upper circuit" in body
        assert page.locator("tbody tr").count() == 5  # five depth levels
        ltp = page.get_by_text(re.compile(r"^\d[\d,]*\.\d\d$")).first.inner_text()
        assert float(ltp.replace(",", "")) > 0
