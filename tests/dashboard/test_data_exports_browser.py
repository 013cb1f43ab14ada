"""The Data & Exports page in headless Chromium: start a backfill from the form, watch its
progress bar move while the scheduler's worker runs it, and read a refusal in plain words."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from scripts.clock import IST
from scripts.jobs.backfill_worker import BackfillWorker
from tests.browser import chromium_page
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def settings(sandbox_settings):
    """The API behind the dashboard talks to the real sandbox."""
    return sandbox_settings


@pytest.mark.browser
def test_a_backfill_started_on_the_page_shows_live_progress_until_done(
    chromium_available: None, app, sandbox_login, dashboard_process: str, tmp_path: Path
) -> None:
    services = app.extensions["upstox_platform"]
    services.instruments.sync()
    today = datetime.now(IST).date()
    start = (today.replace(day=1) - timedelta(days=100)).replace(day=1)  # 2 quarter chunks
    sandbox = services.settings.sandbox_url
    with chromium_page() as page:
        page.goto(f"{dashboard_process}/data")
        page.wait_for_url("**/login?redirect_to=/data")
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(f"{dashboard_process}/data")
        page.get_by_text("No backfill yet").wait_for()

        page.get_by_label("Symbol or instrument key").fill("NOPE")
        page.get_by_role("button", name="Start backfill").click()
        page.get_by_text("Not started: No instrument matches 'NOPE'").wait_for()

        page.get_by_label("Symbol or instrument key").fill("RELIANCE")
        page.get_by_label("Interval").click()
        page.get_by_role("option", name="1 hour").click()
        page.get_by_label("From (IST)").fill(start.isoformat())
        page.get_by_label("To (IST)").fill((today - timedelta(days=1)).isoformat())
        page.get_by_role("button", name="Start backfill").click()
        page.get_by_text("Queued task #").wait_for()
        page.get_by_text("Waiting for the scheduler").wait_for()

        httpx.post(
            f"{sandbox}/sandbox/control/faults",
            json={"path_prefix": "/v3/historical-candle/", "kind": "latency",
                  "latency_ms": 2500, "count": 2},
            timeout=10,
        )  # fmt: skip
        worker = threading.Thread(target=BackfillWorker(services.candle_backfill).run_pending)
        worker.start()
        try:
            page.get_by_text("Running: request 2 of 2").wait_for(timeout=20_000)
            page.screenshot(path=str(tmp_path / "data-running.png"), full_page=True)
            page.get_by_text("Done ").wait_for(timeout=20_000)
        finally:
            worker.join(30)
            httpx.delete(f"{sandbox}/sandbox/control/faults", timeout=10)
        page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "data-done.png"), full_page=True)
        row = page.locator("tbody tr").first.inner_text()
        assert "RELIANCE" in row and "1 hour" in row and "100%" in row
        assert page.get_by_text("Not started").count() == 0  # the refusal gave way
    assert (tmp_path / "data-running.png").stat().st_size > 10_000
