"""The candle coverage panel of Data & Exports in headless Chromium: each stored series with
its gaps in words, filtering, the CSV download, and a row's "Backfill gaps" action queueing
exactly the missing sessions, which the scheduler's worker fills, after which the panel
re-reads coverage by itself."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from scripts.jobs.backfill_worker import BackfillWorker
from tests.browser import chromium_page
from tests.candle_fixtures import calendar_sandbox, candle_settings  # noqa: F401
from tests.candle_rows import INFY, RELIANCE, daily_series, nse_sessions, store_candles
from tests.dashboard.test_charts_browser import log_in
from tests.sandbox_session import log_in as upstox_log_in

SHOTS = Path("/tmp/charts-screenshots")
APRIL = nse_sessions(date(2025, 4, 1), date(2025, 4, 30))
HOLES = {date(2025, 4, 11), date(2025, 4, 15), date(2025, 4, 23)}


@pytest.fixture
def settings(candle_settings):  # noqa: F811
    return candle_settings


@pytest.fixture
def stored(app, client, database) -> Iterator[BackfillWorker]:
    """April 2025 of RELIANCE without three sessions, all of INFY's; the worker, not started."""
    services = app.extensions["upstox_platform"]
    upstox_log_in(client)
    services.instruments.sync()
    store_candles(database, RELIANCE, "1d", daily_series([d for d in APRIL if d not in HOLES]))
    store_candles(database, INFY, "1d", daily_series(APRIL, 1500.0))
    worker = BackfillWorker(services.candle_backfill, poll_seconds=0.3)
    yield worker
    worker.stop()


def rows(page) -> list[str]:
    panel = page.locator(".q-card", has_text="Candle coverage")
    return [row.inner_text() for row in panel.locator("tbody tr").all()]


@pytest.mark.browser
def test_the_coverage_panel_says_the_gaps_and_its_action_fills_exactly_them(
    chromium_available: None, stored: BackfillWorker, dashboard_process: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    with chromium_page(1500, 1100) as page:
        log_in(page, dashboard_process, "/data")
        page.get_by_text(
            "2 sessions missing: 11–15 Apr 2025; 1 session missing: 23 Apr 2025"
        ).wait_for()
        page.screenshot(path=str(SHOTS / "data-coverage.png"), full_page=True)
        assert len(rows(page)) == 2
        reliance = next(r for r in rows(page) if "RELIANCE" in r)
        assert "2025-04-01 00:00" in reliance and "2025-04-30 00:00" in reliance
        assert "sessions behind" in reliance and "Backfill gaps and extend to today" in reliance
        infy = next(r for r in rows(page) if "INFY" in r)
        assert "None" in infy and "Extend to today" in infy and str(len(APRIL)) in infy

        page.get_by_label("Filter").fill("INFY")
        page.wait_for_timeout(400)
        assert [r for r in rows(page) if "RELIANCE" in r] == [] and len(rows(page)) == 1
        page.get_by_label("Filter").fill("")

        with page.expect_download() as download:
            page.get_by_role("button", name="Download CSV").click()
        table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        assert {(r["symbol"], r["interval"], r["count"]) for r in table} == {
            ("RELIANCE", "1d", str(len(APRIL) - 3)),
            ("INFY", "1d", str(len(APRIL))),
        }

        page.get_by_role("button", name="Backfill gaps and extend to today").click()
        page.get_by_text("Queued 3 backfill(s) for RELIANCE 1 day: 11 Apr 2025 – 15 Apr 2025, "
                         "23 Apr 2025 – 23 Apr 2025, 30 Apr 2025 – ").wait_for()  # fmt: skip
        page.get_by_text("Waiting for the scheduler").first.wait_for()
        stored.start()
        page.get_by_text("11–15 Apr 2025").wait_for(state="detached", timeout=30_000)
        reliance = next(r for r in rows(page) if "RELIANCE" in r)
        assert "23 Apr 2025" not in reliance and "2025-04-01 00:00" in reliance
        for _ in range(60):  # the third task extends the series to today; coverage follows
            reliance = next(r for r in rows(page) if "RELIANCE" in r)
            if "2025-04-30 00:00" not in reliance:
                break
            page.wait_for_timeout(500)
        assert "2025-04-30 00:00" not in reliance and "396 sessions behind" not in reliance
        page.screenshot(path=str(SHOTS / "data-coverage-filled.png"), full_page=True)
