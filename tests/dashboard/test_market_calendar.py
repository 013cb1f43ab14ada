"""Market Calendar (page 20): holidays, session times and today's status from the real API."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing.user import User

from scripts.clock import IST
from tests.browser import chromium_page
from tests.conftest import TEST_PASSWORD
from tests.dashboard.test_login import log_in


def pick(user: User, marker: str, value: object) -> None:
    (select,) = user.find(marker=marker, kind=ui.select).elements
    select.value = value


async def table_rows(user: User, marker: str, wanted: dict[str, str]) -> list[dict]:
    """The table's rows once one of them holds ``wanted`` (the reload after a pick is async)."""
    rows: list[dict] = []
    for _ in range(100):
        tables = user.find(marker=marker, kind=ui.table).elements if _has(user, marker) else set()
        rows = [dict(row) for table in tables for row in table.rows]
        if any(wanted.items() <= row.items() for row in rows):
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"no row with {wanted} in {marker}: {rows}")


def _has(user: User, marker: str) -> bool:
    try:
        user.find(marker=marker).elements
    except AssertionError:
        return False
    return True


async def test_page_lists_2026_nse_holidays_sessions_and_todays_status(user: User) -> None:
    await log_in(user, TEST_PASSWORD, "/market-calendar")
    await user.should_see(marker="holidays-table", retries=100)
    pick(user, "calendar-year", 2026)
    rows = await table_rows(user, "holidays-table", {"description": "Republic Day"})
    assert {"date": "26 Jan 2026", "weekday": "Monday", "closed": "All day"}.items() <= rows[
        1
    ].items()
    await user.should_see("16 weekday holidays on NSE in 2026")
    await user.should_see(marker="sessions-table")
    await user.should_see(marker="today-status", retries=100)
    await user.should_see("Calendar data covers 01 Jan 2025 to 31 Dec 2026.")


async def test_switching_to_mcx_shows_its_hours_and_evening_only_holidays(user: User) -> None:
    await log_in(user, TEST_PASSWORD, "/market-calendar")
    await user.should_see(marker="holidays-table", retries=100)
    pick(user, "calendar-year", 2025)
    pick(user, "calendar-exchange", "MCX")
    special = await table_rows(user, "special-table", {"date": "14 Mar 2025"})
    assert {"description": "Holi: evening session only", "hours": "17:00–23:55"} in [
        {k: row[k] for k in ("description", "hours")} for row in special
    ]
    sessions = await table_rows(user, "sessions-table", {"hours": "09:00–23:55"})
    assert [row["note"] for row in sessions] == [
        "while the US keeps winter time",
        "while the US keeps summer time",
    ]
    holidays = await table_rows(user, "holidays-table", {"description": "Holi"})
    assert next(r for r in holidays if r["description"] == "Holi")["closed"] == (
        "Morning only (evening session trades)"
    )


async def test_a_year_past_the_data_says_to_update_it_instead_of_listing_nothing(
    user: User,
) -> None:
    await log_in(user, TEST_PASSWORD, "/market-calendar")
    await user.should_see(marker="holidays-table", retries=100)
    pick(user, "calendar-year", datetime.now(IST).year + 3)
    await user.should_see(marker="calendar-not-covered", retries=100)
    await user.should_see("Update the calendar data")
    await user.should_not_see(marker="holidays-table")


@pytest.mark.browser
def test_market_calendar_in_chromium(
    chromium_available: None, dashboard_process: str, tmp_path: Path
) -> None:
    with chromium_page(height=1300) as page:
        page.goto(f"{dashboard_process}/market-calendar")
        page.wait_for_url("**/login?redirect_to=/market-calendar")
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(f"{dashboard_process}/market-calendar")
        page.get_by_text("Trading holidays").wait_for()
        page.get_by_role("cell", name="Republic Day").wait_for()
        page.get_by_text("Next open").first.wait_for()
        page.wait_for_timeout(500)  # let the header's status poll fill in
        shot = tmp_path / "market_calendar.png"
        page.screenshot(path=str(shot), full_page=True)
        body = page.inner_text("body")
        assert "Normal market\t09:15–15:30" in body
        assert "26 Jan 2026\tMonday\tRepublic Day" in body
        assert "MARKETS" in page.locator(".q-drawer").inner_text()
        assert page.title() == "Market Calendar · Upstox Trading Platform"
    assert shot.stat().st_size > 10_000
