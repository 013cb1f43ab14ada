"""The trader's path from no data to a chart, in headless Chromium: the Charts page with an
empty candle store offers "Backfill one year", a progress bar follows the task while the
scheduler's worker (started in-process exactly as the scheduler starts it) fetches it from
the sandbox, and the candlesticks appear; an intraday chart backfills a month of minutes in
two requests (the bar stops half-way), and a failed backfill is said with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.jobs.backfill_worker import BackfillWorker
from tests.browser import chromium_page
from tests.candle_fixtures import RELIANCE, calendar_sandbox, candle_settings  # noqa: F401
from tests.dashboard.test_charts_browser import canvas_has_drawing, log_in
from tests.sandbox_session import log_in as upstox_log_in

SHOTS = Path("/tmp/charts-screenshots")
CANDLES = "/v3/historical-candle/"


@pytest.fixture
def settings(candle_settings):  # noqa: F811
    """The API behind the dashboard talks to a sandbox with the real NSE calendar."""
    return candle_settings


@pytest.fixture
def worker(app, client) -> Iterator[BackfillWorker]:
    """Logged in to the sandbox, instruments loaded, no candles; the scheduler's worker."""
    services = app.extensions["upstox_platform"]
    upstox_log_in(client)
    services.instruments.sync()
    running = BackfillWorker(services.candle_backfill, poll_seconds=0.3)
    running.start()
    yield running
    running.stop()
    httpx.delete(f"{services.settings.sandbox_url}/sandbox/control/faults", timeout=10)


def arm(app, kind: str, count: int, latency_ms: int = 0) -> None:
    sandbox = app.extensions["upstox_platform"].settings.sandbox_url
    fault = {"path_prefix": CANDLES, "kind": kind, "count": count, "latency_ms": latency_ms}
    assert httpx.post(f"{sandbox}/sandbox/control/faults", json=fault, timeout=10).is_success


@pytest.mark.browser
def test_backfill_one_year_from_the_chart_shows_progress_then_the_candles(
    chromium_available: None, app, worker: BackfillWorker, dashboard_process: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    with chromium_page(1400, 1000) as page:
        log_in(page, dashboard_process, "/charts?symbol=RELIANCE")
        page.get_by_text("No candles to show.").wait_for()
        arm(app, "latency", 1, 3000)
        page.get_by_role("button", name="Backfill one year").click()
        page.get_by_text("Running: request 1 of 1 · 0%").wait_for(timeout=10_000)
        page.screenshot(path=str(SHOTS / "charts-backfill-running.png"), full_page=True)
        page.get_by_text(f"RELIANCE ({RELIANCE}) · 1 day ·").wait_for(timeout=30_000)
        page.wait_for_timeout(800)
        assert canvas_has_drawing(page)
        assert page.get_by_text("No candles to show.").count() == 0
        page.screenshot(path=str(SHOTS / "charts-backfill-done.png"), full_page=True)

        # 5 minutes: a month of 1-minute candles, two monthly requests; the bar halts at 50%.
        arm(app, "latency", 2, 3000)
        page.get_by_label("Interval").click()
        page.get_by_role("option", name="5 minutes", exact=True).click()
        page.get_by_role("button", name="Backfill one month").click()
        page.get_by_text("Running: request 2 of 2 · 50%").wait_for(timeout=30_000)
        page.screenshot(path=str(SHOTS / "charts-backfill-half.png"), full_page=True)
        page.get_by_text("5 minutes, made from stored 1m candles").wait_for(timeout=60_000)
        page.wait_for_timeout(800)
        assert canvas_has_drawing(page)
        page.screenshot(path=str(SHOTS / "charts-backfill-5m.png"), full_page=True)
    assert (SHOTS / "charts-backfill-done.png").stat().st_size > 20_000


@pytest.mark.browser
def test_a_failed_chart_backfill_says_why_and_offers_it_again(
    chromium_available: None, app, worker: BackfillWorker, dashboard_process: str
) -> None:
    with chromium_page(1400, 1000) as page:
        log_in(page, dashboard_process, "/charts?symbol=RELIANCE&interval=1w")
        page.get_by_text("No candles to show.").wait_for()
        arm(app, "http_500", 20)
        page.get_by_role("button", name="Backfill one year").click()
        page.get_by_text("failed:").wait_for(timeout=60_000)
        failed = page.get_by_text("failed:").inner_text()
        page.screenshot(path=str(SHOTS / "charts-backfill-failed.png"), full_page=True)
        assert failed.startswith("Backfill #") and len(failed) > 30
        assert page.get_by_role("button", name="Backfill one year").count() == 1
