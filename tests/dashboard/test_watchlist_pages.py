"""The Watchlist and Live Quote pages without an Upstox session, and with no list or symbol:
they say why prices are missing and what to do, instead of erroring or showing nothing."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from tests.conftest import TEST_PASSWORD
from tests.dashboard.test_login import log_in


@pytest.fixture
def settings(sandbox_settings):
    return sandbox_settings


@pytest.fixture
def listed(app) -> None:
    """The instrument list loaded and a list "Core" holding RELIANCE; nobody logged in."""
    app.extensions["upstox_platform"].instruments.sync()
    services = app.extensions["upstox_platform"]
    created = services.watchlists.create("Core")
    services.watchlists.add(created["id"], "RELIANCE")


async def test_watchlist_without_a_session_lists_rows_and_says_why_no_prices(
    user: User, listed
) -> None:
    await log_in(user, TEST_PASSWORD, "/watchlist")
    await user.should_see(marker="watchlist-table", retries=100)
    await user.should_see("Prices unavailable", retries=100)
    await user.should_see("Log in with", retries=20)
    table = next(iter(user.find(marker="watchlist-table").elements))
    assert [(r["symbol"], r["ltp"]) for r in table.rows] == [("RELIANCE", "—")]


async def test_watchlist_with_no_list_offers_to_make_one(user: User) -> None:
    await log_in(user, TEST_PASSWORD, "/watchlist")
    await user.should_see("No watchlist yet", retries=100)


async def test_live_quote_without_a_session_says_how_to_log_in(user: User, listed) -> None:
    await log_in(user, TEST_PASSWORD, "/quote?symbol=RELIANCE")
    await user.should_see(marker="quote-login-needed", retries=100)
    await user.should_see("Go to Profile & Connection to log in")


async def test_live_quote_without_a_symbol_says_what_to_type(user: User) -> None:
    await log_in(user, TEST_PASSWORD, "/quote")
    await user.should_see(marker="quote-empty", retries=100)
