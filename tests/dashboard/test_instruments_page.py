"""The Instruments page: type-ahead over the sandbox's instrument list, filters, the resolver's
line, and the last load with its counts per segment, the API talking to the real sandbox."""

from __future__ import annotations

import asyncio

import pytest
from nicegui.testing.user import User

from tests.conftest import TEST_PASSWORD
from tests.dashboard.test_login import log_in


@pytest.fixture
def settings(sandbox_settings):
    """Every fixture of this module (API, dashboard) uses the sandbox-backed settings."""
    return sandbox_settings


@pytest.fixture
def loaded(app) -> None:
    """The sandbox's BOD file loaded, as the morning job leaves it."""
    app.extensions["upstox_platform"].instruments.sync()


async def results(user: User, expected: int | None = None) -> list[dict]:
    """The table's rows once the search has answered (a non-empty table, or ``expected``)."""
    table = next(iter(user.find(marker="instrument-results").elements))
    for _ in range(100):
        if table.rows and (expected is None or len(table.rows) == expected):
            break
        await asyncio.sleep(0.05)
    return list(table.rows)


async def test_typing_lists_matches_with_exact_symbol_first(user: User, loaded) -> None:
    await log_in(user, TEST_PASSWORD, "/instruments")
    await user.should_see(marker="instruments-instruments", retries=100)
    await user.should_see(marker="segment-counts")
    await user.should_see("NSE_EQ")

    user.find(marker="instrument-search").type("reliance")
    rows = await results(user)

    assert rows[0]["symbol"] == "RELIANCE" and rows[0]["key"] == "NSE_EQ|INE002A01018"
    assert rows[0]["tick"] == "₹0.05" and rows[0]["lot"] == 1
    await user.should_see(marker="resolved", content="Resolves to RELIANCE", retries=50)


async def test_filters_narrow_to_option_contracts_with_expiry_and_strike(
    user: User, loaded
) -> None:
    await log_in(user, TEST_PASSWORD, "/instruments")
    await user.should_see(marker="instrument-search", retries=100)
    select = next(iter(user.find(marker="type-filter").elements))
    select.value = "CE"
    user.find(marker="instrument-search").type("NIFTY")

    rows = await results(user)

    assert rows and {row["type"] for row in rows} == {"CE"}
    assert all(row["expiry"] != "—" and row["strike"] != "—" for row in rows)


async def test_an_empty_list_says_how_to_load_it(user: User) -> None:
    await log_in(user, TEST_PASSWORD, "/instruments")
    await user.should_see(marker="instruments-empty", retries=100)
    user.find(marker="instrument-search").type("RELIANCE")
    await user.should_see(marker="search-summary", content="No instrument matches", retries=50)
    await user.should_see(marker="resolved", content="scripts.cli.instruments sync", retries=50)
