"""The real thing: the dashboard process, the real API, and Chromium through the login form."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scripts.clock import utc_now
from scripts.db import Database
from scripts.db.jobs import finish_run, register_job, start_run
from scripts.db.migrate import head_revision
from tests.browser import chromium_page
from tests.conftest import TEST_PASSWORD


@pytest.mark.browser
def test_log_in_through_the_real_form_and_see_the_dashboard(
    chromium_available: None, database: Database, dashboard_process: str, tmp_path: Path
) -> None:
    soon = utc_now() + timedelta(hours=2)
    with database.transaction() as connection:
        register_job(
            connection, "refresh_indices", "Refresh NSE indices", "NSE files", "daily 07:00", soon
        )
        finish_run(connection, start_run(connection, "refresh_indices", "manual"), "success",
                   900, 50, None, soon)  # fmt: skip

    with chromium_page() as page:
        page.goto(f"{dashboard_process}/")
        page.wait_for_url("**/login?redirect_to=/")
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Wrong user name or password").wait_for()
        page.screenshot(path=str(tmp_path / "login.png"))

        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(f"{dashboard_process}/")
        page.get_by_text("Rows per table").wait_for()
        page.get_by_role("cell", name="Refresh NSE indices").wait_for()
        page.get_by_text("NSE: ").first.wait_for()
        page.wait_for_timeout(500)  # let the status poll fill the header
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

        body = page.inner_text("body")
        assert "SANDBOX" in body
        head = head_revision()
        assert f"{head} (head {head}, up to date)" in body
        assert "index_constituents\n50" in body
        assert "Upstox: unreachable" in body  # no sandbox broker runs in this test
        sidebar = page.locator(".q-drawer").inner_text()
        assert sidebar.split()[:3] == ["CORE", "dashboard", "Dashboard"]  # group, icon, page
        assert "ACCOUNT" in sidebar and "Funds & Margins" in sidebar
        assert "is not answering" not in body

        page.get_by_role("button", name="Notifications").click()
        page.get_by_text("No notifications yet.").wait_for()

    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
