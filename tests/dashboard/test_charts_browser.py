"""The Charts page in headless Chromium: a year of daily candles with overlays and indicator
panes, a day of minute candles resampled to 5 minutes, and plain words when nothing is stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.browser import chromium_page
from tests.candle_rows import (
    RELIANCE,
    daily_series,
    minute_series,
    nse_sessions,
    store_candles,
    store_instruments,
)
from tests.conftest import TEST_PASSWORD

YEAR = nse_sessions(date(2025, 1, 1), date(2025, 12, 31))
MINUTE_DAY = date(2025, 6, 2)
SHOTS = Path("/tmp/charts-screenshots")


@pytest.fixture
def candles_stored(database) -> None:
    store_instruments(database)
    store_candles(database, RELIANCE, "1d", daily_series(YEAR))
    store_candles(database, RELIANCE, "1m", minute_series(MINUTE_DAY))


def log_in(page, dashboard: str, path: str) -> None:
    page.goto(f"{dashboard}{path}")
    page.wait_for_url("**/login?redirect_to=**")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{dashboard}{path}")


def canvas_has_drawing(page) -> bool:
    """True when the chart's canvas holds more than one colour (ECharts drew on it)."""
    return bool(page.evaluate("""() => {
              const canvas = document.querySelector('canvas');
              if (!canvas) return false;
              const ctx = canvas.getContext('2d');
              const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
              const seen = new Set();
              for (let i = 0; i < d.length; i += 4 * 97) {
                seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
              }
              return seen.size > 5;
            }"""))


@pytest.mark.browser
def test_charts_page_draws_daily_and_resampled_candles_and_says_when_there_are_none(
    chromium_available: None, candles_stored: None, dashboard_process: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    with chromium_page(1400, 1000) as page:
        log_in(page, dashboard_process, "/charts?symbol=RELIANCE")
        page.get_by_text("Bollinger 20, 2").click()
        page.get_by_text("RSI 14").click()
        page.get_by_text("MACD 12, 26, 9").click()
        page.get_by_label("From").fill("2025-01-01")
        page.get_by_label("To").fill("2025-12-31")
        page.get_by_role("button", name="Show", exact=True).click()
        page.get_by_text(f"RELIANCE ({RELIANCE}) · 1 day · {len(YEAR)} candles").wait_for()
        page.wait_for_timeout(800)
        assert canvas_has_drawing(page)
        page.screenshot(path=str(SHOTS / "charts-daily.png"), full_page=True)

        page.get_by_label("From").fill("2025-06-03")
        page.get_by_label("To").fill("2025-06-03")
        page.get_by_label("Interval").click()
        page.get_by_role("option", name="5 minutes", exact=True).click()
        page.get_by_text("No candles to show.").wait_for()
        body = page.inner_text("body")
        assert "No 5m candles stored for RELIANCE between 2025-06-03 and 2025-06-03" in body
        assert page.get_by_role("link", name="Open Data & Exports to start a backfill").count()
        page.screenshot(path=str(SHOTS / "charts-none.png"), full_page=True)

        page.get_by_label("From").fill("2025-06-02")
        page.get_by_label("To").fill("2025-06-02")
        page.get_by_role("button", name="Show", exact=True).click()
        page.get_by_text("5 minutes, made from stored 1m candles · 75 candles").wait_for()
        page.wait_for_timeout(800)
        assert canvas_has_drawing(page)
        page.screenshot(path=str(SHOTS / "charts-5m.png"), full_page=True)

        page.get_by_label("Symbol").fill("INFY")
        page.get_by_label("Symbol").press("Enter")
        page.get_by_text("No candles stored for INFY at any interval").wait_for()

        page.get_by_label("Symbol").fill("NOSUCHTHING")
        page.get_by_label("Symbol").press("Enter")
        page.get_by_text("Could not load the chart:").wait_for()
    assert (SHOTS / "charts-daily.png").stat().st_size > 20_000
