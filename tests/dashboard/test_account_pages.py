"""Profile & Connection and Funds & Margins, with the API talking to the real sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nicegui.testing.user import User

from scripts.services.broker import BrokerService
from tests.conftest import TEST_PASSWORD
from tests.dashboard.test_login import log_in


@pytest.fixture
def settings(sandbox_settings):
    """Every fixture of this module (API, dashboard) uses the sandbox-backed settings."""
    return sandbox_settings


@pytest.fixture(autouse=True)
def feed(feed_server) -> None:
    """The market-feed process the API reads feed health from, as the launcher runs it."""


@pytest.fixture
def logged_in(sandbox_login) -> None:
    """The sandbox demo user is logged in before the page opens."""


async def log_in_to_dashboard(user: User, page: str) -> None:
    await log_in(user, TEST_PASSWORD, page)
    await user.should_see(
        marker="panel-session" if page == "/profile" else "panel-funds", retries=100
    )


async def test_profile_without_session_offers_login(user: User) -> None:
    await log_in_to_dashboard(user, "/profile")
    await user.should_see(marker="upstox-login", retries=100)
    await user.should_see("Log in to Upstox to see your profile.")
    await user.should_see("Feed stopped")


async def test_profile_shows_the_sandbox_user_and_session(user: User, logged_in) -> None:
    await log_in_to_dashboard(user, "/profile")
    await user.should_see(marker="profile-user-id", content="SBX001", retries=100)
    await user.should_see(marker="session-valid-until", content="03:30 IST")
    await user.should_see(marker="session-mode", content="SANDBOX (sandbox)")
    await user.should_see("Account", retries=5)  # the sidebar group


async def test_logout_button_ends_the_session(
    user: User, logged_in, sandbox_settings, database
) -> None:
    await log_in_to_dashboard(user, "/profile")
    await user.should_see(marker="upstox-logout", retries=100)
    user.find(marker="upstox-logout").click()
    await user.should_see(marker="confirm-logout", retries=50)
    user.find(marker="confirm-logout").click()
    await user.should_see(marker="upstox-login", retries=100)
    assert BrokerService(sandbox_settings, database).vault.state().state == "revoked"


async def test_funds_show_available_used_and_collateral(user: User, logged_in) -> None:
    await log_in_to_dashboard(user, "/funds")
    await user.should_see(marker="equity-available", content="₹", retries=100)
    await user.should_see(marker="equity-collateral-(pledged)", content="₹0.00")
    await user.should_see(marker="segment-commodity")


async def test_funds_without_session_say_how_to_log_in(user: User) -> None:
    await log_in_to_dashboard(user, "/funds")
    await user.should_see(marker="funds-login-needed", retries=100)
    await user.should_see("./authenticate.sh")


@pytest.mark.browser
def test_one_click_login_in_a_real_browser(
    chromium_available, dashboard_process: str, sandbox_settings, database, tmp_path
) -> None:
    from tests.browser import chromium_page

    shots = Path(os.environ.get("DASHBOARD_SHOTS", tmp_path))
    with chromium_page() as page:
        page.goto(f"{dashboard_process}/profile")
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.get_by_role("button", name="Log in to Upstox").click()
        # sandbox dialog -> API callback -> back to this page with ?login=ok
        page.wait_for_url(f"{dashboard_process}/profile?login=ok", timeout=20000)
        page.get_by_text("SBX001").first.wait_for(timeout=15000)
        page.get_by_text("Logged in to Upstox.").wait_for()
        page.screenshot(path=str(shots / "profile.png"), full_page=True)
        body = page.inner_text("body")
        assert "03:30 IST" in body and "Sandbox Demo Trader" in body
        assert BrokerService(sandbox_settings, database).vault.state().state == "active"

        page.get_by_text("Funds & Margins").first.click()
        page.wait_for_url(f"{dashboard_process}/funds")
        page.get_by_text("available to trade").first.wait_for(timeout=15000)
        page.screenshot(path=str(shots / "funds.png"), full_page=True)
        assert "₹" in page.inner_text("body")


@pytest.mark.browser
def test_login_declined_at_upstox_comes_back_to_the_profile_with_a_notice(
    chromium_available, dashboard_process: str, sandbox_settings, database
) -> None:
    import httpx

    from tests.browser import chromium_page

    httpx.post(f"{sandbox_settings.sandbox_url}/sandbox/control/login-dialog", json={"decline": 1})
    with chromium_page() as page:
        page.goto(f"{dashboard_process}/profile")
        page.get_by_label("User name").fill("admin")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.get_by_role("button", name="Log in to Upstox").click()
        page.wait_for_url(f"{dashboard_process}/profile?login=cancelled", timeout=20000)
        page.get_by_text("The Upstox login was cancelled at Upstox").wait_for(timeout=15000)
        assert page.get_by_role("button", name="Log in to Upstox").is_visible()
    assert BrokerService(sandbox_settings, database).vault.state().state == "none"
