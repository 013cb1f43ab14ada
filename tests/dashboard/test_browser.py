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


@pytest.mark.browser
def test_unknown_path_asks_for_login_then_shows_not_found_in_the_frame_and_leads_home(
    chromium_available: None, dashboard_process: str, tmp_path: Path
) -> None:
    missing = f"{dashboard_process}/no-such-page"
    with chromium_page() as page:
        page.goto(missing)
        page.wait_for_url("**/login?redirect_to=/no-such-page")
        assert "not found" not in page.inner_text("body").lower()
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(missing)
        page.get_by_text("Page not found: /no-such-page").wait_for()

        response = page.goto(missing)  # once more, to read the status of the answer itself
        assert response is not None and response.status == 404
        page.get_by_text("Page not found: /no-such-page").wait_for()
        page.get_by_text("NSE: ").first.wait_for()
        page.wait_for_timeout(500)  # let the status poll fill the header
        page.screenshot(path=str(tmp_path / "not_found.png"), full_page=True)
        assert page.title() == "Page not found · Upstox Trading Platform"
        header = page.locator(".q-header").inner_text()
        assert "SANDBOX" in header and "admin" in header
        sidebar = page.locator(".q-drawer").inner_text()
        assert "Dashboard" in sidebar and "Funds & Margins" in sidebar
        assert page.locator('[aria-current="page"]').count() == 0  # no sidebar page is open

        page.get_by_role("link", name="Back to the Dashboard").click()
        page.wait_for_url(f"{dashboard_process}/")
        page.get_by_text("Rows per table").wait_for()
        assert page.title() == "Dashboard · Upstox Trading Platform"
        assert page.locator('[aria-current="page"]').inner_text().split() == [
            "dashboard",  # the icon's ligature text
            "Dashboard",
        ]

    assert (tmp_path / "not_found.png").stat().st_size > 10_000


@pytest.mark.browser
def test_on_a_phone_width_screen_the_sidebar_starts_closed_and_the_menu_opens_it(
    chromium_available: None, dashboard_process: str
) -> None:
    with chromium_page(width=420, height=800) as page:
        page.goto(f"{dashboard_process}/login?redirect_to=/funds")
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(f"{dashboard_process}/funds")
        page.get_by_text("Margins per segment").wait_for()
        page.wait_for_timeout(500)
        drawer = page.locator(".q-drawer")
        assert not drawer.is_visible() or drawer.bounding_box()["x"] < -100  # off screen
        page.get_by_role("button", name="Show or hide the page list").click()
        page.locator('[aria-current="page"]').wait_for(state="visible")
        assert page.locator('[aria-current="page"]').inner_text().split()[-3:] == [
            "Funds",
            "&",
            "Margins",
        ]
