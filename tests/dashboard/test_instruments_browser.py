"""The Instruments page in headless Chromium: log in, type, see the sandbox's instruments."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium_page
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def settings(sandbox_settings):
    """The API behind the dashboard talks to the real sandbox."""
    return sandbox_settings


@pytest.mark.browser
def test_type_ahead_in_chromium_lists_reliance_and_the_load_counts(
    chromium_available: None, app, dashboard_process: str, tmp_path: Path
) -> None:
    app.extensions["upstox_platform"].instruments.sync()
    with chromium_page() as page:
        page.goto(f"{dashboard_process}/instruments")
        page.wait_for_url("**/login?redirect_to=/instruments")
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(f"{dashboard_process}/instruments")
        page.get_by_text("NSE_FO").first.wait_for()

        page.get_by_label("Search symbol, name, ISIN or key").fill("RELIANCE")
        page.get_by_role("cell", name="NSE_EQ|INE002A01018").wait_for()
        page.get_by_text("Resolves to RELIANCE").wait_for()
        page.screenshot(path=str(tmp_path / "instruments.png"), full_page=True)
        first_row = page.locator("tbody tr").first.inner_text()
        assert "RELIANCE" in first_row and "NSE_EQ" in first_row and "₹0.05" in first_row

        page.get_by_label("Search symbol, name, ISIN or key").fill("NIFTY 2")
        page.get_by_text("NIFTY 2", exact=False).nth(1).wait_for()
        page.wait_for_timeout(600)
        page.screenshot(path=str(tmp_path / "instruments-options.png"), full_page=True)
        body = page.inner_text("body")
        assert "Instrument list" in body and "NSE_EQ" in body
        assert " CE " in body or "\tCE\t" in body
    assert (tmp_path / "instruments.png").stat().st_size > 10_000
