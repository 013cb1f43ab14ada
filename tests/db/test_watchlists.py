"""The watchlist tables on SQLite and PostgreSQL: unique names regardless of case, items in the
order added, adding twice changes nothing, and deleting a list takes its items with it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from scripts.db import Database
from scripts.db.instruments import replace_instruments
from scripts.db.schema import watchlist_items
from scripts.db.watchlists import (
    DuplicateWatchlistName,
    add_watchlist_item,
    all_watchlist_keys,
    create_watchlist,
    delete_watchlist,
    list_watchlists,
    remove_watchlist_item,
    rename_watchlist,
    watchlist_by_id,
    watchlist_items_of,
)
from tests.instrument_files import equity

RELIANCE, TCS, GONE = "NSE_EQ|INE002A01018", "NSE_EQ|INE467B01029", "NSE_EQ|INE000000GON"


@pytest.fixture
def stocked(database: Database) -> Database:
    with database.transaction() as connection:
        replace_instruments(
            connection, [equity("RELIANCE", "INE002A01018"), equity("TCS", "INE467B01029")]
        )
    return database


def test_names_are_unique_regardless_of_case(stocked: Database) -> None:
    with stocked.transaction() as connection:
        banks = create_watchlist(connection, "Banks")
        create_watchlist(connection, "IT")
        with pytest.raises(DuplicateWatchlistName):
            create_watchlist(connection, "BANKS")
        with pytest.raises(DuplicateWatchlistName):
            rename_watchlist(connection, banks, "it")
        assert rename_watchlist(connection, banks, "Private banks") is True
        assert rename_watchlist(connection, 999, "Nothing") is False
    with stocked.read() as connection:
        assert [w.name for w in list_watchlists(connection)] == ["IT", "Private banks"]


def test_items_keep_the_order_added_and_adding_twice_changes_nothing(stocked: Database) -> None:
    with stocked.transaction() as connection:
        listed = create_watchlist(connection, "Core")
        assert add_watchlist_item(connection, listed, TCS) is True
        assert add_watchlist_item(connection, listed, GONE) is True
        assert add_watchlist_item(connection, listed, RELIANCE) is True
        assert add_watchlist_item(connection, listed, TCS) is False
    with stocked.read() as connection:
        items = watchlist_items_of(connection, listed)
        summary = watchlist_by_id(connection, listed)
    assert [i.instrument_key for i in items] == [TCS, GONE, RELIANCE]
    assert [i.position for i in items] == [0, 1, 2]
    assert [i.trading_symbol for i in items] == ["TCS", None, "RELIANCE"]
    assert summary is not None and summary.items == 3


def test_removing_and_deleting(stocked: Database) -> None:
    with stocked.transaction() as connection:
        first, second = create_watchlist(connection, "A"), create_watchlist(connection, "B")
        for key in (RELIANCE, TCS):
            add_watchlist_item(connection, first, key)
        add_watchlist_item(connection, second, TCS)
        assert remove_watchlist_item(connection, first, RELIANCE) is True
        assert remove_watchlist_item(connection, first, RELIANCE) is False
    with stocked.read() as connection:
        assert all_watchlist_keys(connection) == {first: [TCS], second: [TCS]}
    with stocked.transaction() as connection:
        assert delete_watchlist(connection, first) is True
        assert delete_watchlist(connection, first) is False
    with stocked.read() as connection:
        left = connection.execute(select(func.count()).select_from(watchlist_items)).scalar_one()
        assert watchlist_by_id(connection, first) is None
        assert all_watchlist_keys(connection) == {second: [TCS]}
    assert left == 1
