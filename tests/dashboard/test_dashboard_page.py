"""The Dashboard page against the real API: real figures, the chrome, and an API outage."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import httpx
from nicegui import ElementFilter, ui
from nicegui.testing.user import User

from scripts.clock import utc_now
from scripts.config.settings import Settings
from scripts.db import Database
from scripts.db.heartbeats import record_heartbeat
from scripts.db.jobs import finish_run, register_job, start_run
from scripts.db.migrate import head_revision
from tests.conftest import LiveServer
from tests.dashboard.test_login import log_in


async def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.05)


def texts(user: User, marker: str) -> list[str]:
    return [getattr(e, "text", "") for e in user.find(marker=marker).elements]


def panel_text(user: User, marker: str) -> str:
    """All visible words inside the element(s) with ``marker`` (a card, a chip, ...)."""
    words = []
    for element in user.find(marker=marker).elements:
        for part in [element, *element.descendants()]:
            if part.visible:
                words.append(str(getattr(part, "text", "")))
    return " ".join(words)


async def should_show(user: User, marker: str, text: str, timeout: float = 10.0) -> None:
    try:
        await wait_until(lambda: text in panel_text(user, marker), timeout)
    except AssertionError:
        raise AssertionError(f"{marker!r} never showed {text!r}: {panel_text(user, marker)!r}")


def banner_visible(user: User) -> bool:
    with user:  # the banner exists on every page, hidden while the API answers
        banners = list(ElementFilter(marker="api-banner"))
    assert banners, "the page has no API banner"
    return any(banner.visible for banner in banners)


async def open_dashboard(user: User) -> None:
    await log_in(user)
    await user.should_see(marker="rows-index_constituents", retries=100)


async def test_dashboard_shows_real_figures_from_the_api(user: User, database) -> None:
    await open_dashboard(user)
    assert texts(user, "rows-index_constituents") == ["50"]  # the bundled NIFTY 50
    head = head_revision()
    assert texts(user, "db-schema") == [f"{head} (head {head}, up to date)"]
    assert texts(user, "db-dialect") == [database.dialect]  # sqlite, or postgresql in CI
    await user.should_see(marker="platform-version", content="0.1.0", retries=50)
    assert texts(user, "platform-mode") == ["SANDBOX (sandbox)"]
    assert any("SANDBOX" in t for t in texts(user, "mode-badge"))
    await should_show(user, "panel-scheduler", "Never started")  # no heartbeat yet
    await user.should_see(marker="jobs-empty")
    await user.should_see(marker="scheduler-next-run", content="none scheduled")


async def test_header_shows_market_status_and_broker_state_from_the_api(
    user: User, settings: Settings
) -> None:
    market = httpx.get(
        f"{settings.api_url}/api/market/status", headers={"X-API-Key": settings.api_key}
    ).json()["data"]
    words = {"open": "Open", "pre_open": "Pre-open", "closed": "Closed", "holiday": "Holiday",
             "weekend": "Weekend"}[market["status"]]  # fmt: skip
    await open_dashboard(user)
    await user.should_see(marker="market-status", content=f"NSE: {words}", retries=50)
    await user.should_see(marker="market-words", content=words)
    # No sandbox runs in this test, so the broker is unreachable and no one is logged in.
    await user.should_see(marker="broker-status", content="Upstox: unreachable")
    await user.should_see(marker="broker-login", content="not logged in")
    await user.should_see(marker="bell")


async def test_sidebar_lists_core_group_with_dashboard_only(user: User) -> None:
    await open_dashboard(user)
    await user.should_see(marker="sidebar-group-Core", content="Core")
    await should_show(user, "nav-/", "Dashboard")
    await user.should_not_see(marker="sidebar-group-Trading")
    await user.should_not_see(marker="sidebar-group-Alerts")


async def test_jobs_table_and_scheduler_show_registered_jobs_and_heartbeat(
    user: User, database: Database
) -> None:
    soon = utc_now() + timedelta(minutes=5)
    with database.transaction() as connection:
        register_job(
            connection, "refresh_indices", "Refresh NSE indices", "NSE files", "daily 07:00", soon
        )
        run_id = start_run(connection, "refresh_indices", "manual")
        finish_run(connection, run_id, "success", 1200, 50, None, soon)
        # The shape scripts/jobs/scheduler_service.py beats with: job ids with their next run.
        beat = {"jobs": [{"job_id": "refresh_indices", "next_run_at": soon}]}
        record_heartbeat(connection, "scheduler", utc_now(), beat)
    await open_dashboard(user)
    await user.should_see(marker="jobs-table", retries=50)
    table = user.find(marker="jobs-table").elements.pop()
    assert isinstance(table, ui.table)
    (row,) = table.rows
    assert row["name"] == "Refresh NSE indices"
    assert row["schedule"] == "daily 07:00"
    assert row["last_status"] == "success"
    assert row["successes"] == "1 of 1"
    assert row["next_run"].endswith("IST")
    await should_show(user, "panel-scheduler", "Running")
    await user.should_see(marker="scheduler-next-run", content="IST · Refresh NSE indices")


async def test_api_outage_shows_banner_and_page_recovers_when_api_returns(
    user: User, api_server: LiveServer, app, settings: Settings  # noqa: ANN001
) -> None:
    await open_dashboard(user)
    assert not banner_visible(user)

    api_server.stop()
    await wait_until(lambda: banner_visible(user))
    await user.should_see(f"The API at {settings.api_url} is not answering.")
    await user.should_see("this page recovers by itself")
    await should_show(user, "panel-platform", "API not answering")
    await should_show(user, "panel-database", "IST; the API is not answering.")
    assert texts(user, "rows-index_constituents") == ["50"]  # last figures stay on screen

    replacement = LiveServer(app, settings.api_port).start()
    try:
        await wait_until(lambda: not banner_visible(user))
        await should_show(user, "panel-platform", "API answering")
        await wait_until(
            lambda: "the API is not answering" not in panel_text(user, "panel-database")
        )
    finally:
        replacement.stop()
