"""The instrument tables: prefix ranges mean "starts with" on both databases, and the
search columns are what the indexes serve."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from scripts.db import Database
from scripts.db.instruments import replace_instruments, symbols_starting, GROUP_CASH


def row(symbol: str) -> dict:
    return {
        "instrument_key": f"NSE_EQ|{symbol}",
        "segment": "NSE_EQ",
        "exchange": "NSE",
        "instrument_type": "EQ",
        "trading_symbol": symbol,
        "name": symbol,
    }


def test_a_prefix_with_a_space_matches_only_symbols_that_start_with_it(database: Database) -> None:
    with database.transaction() as connection:
        replace_instruments(connection, [row(s) for s in ("NIFTY 50", "NIFTYBANK", "NIFTY", "M&M")])
    with database.read() as connection:
        spaced = symbols_starting(connection, "nifty ", GROUP_CASH, 10)
        ampersand = symbols_starting(connection, "M&", GROUP_CASH, 10)
    assert [r.trading_symbol for r in spaced] == ["NIFTY 50"]
    assert [r.trading_symbol for r in ampersand] == ["M&M"]


def test_replacing_the_list_removes_what_the_new_file_lacks(database: Database) -> None:
    with database.transaction() as connection:
        replace_instruments(connection, [row("OLD"), row("KEPT")])
        replace_instruments(connection, [row("KEPT"), row("NEW")])
    with database.read() as connection:
        found = symbols_starting(connection, "", GROUP_CASH, 10)
    assert [r.trading_symbol for r in found] == ["KEPT", "NEW"]


def test_on_postgresql_the_search_columns_compare_bytewise_whatever_the_locale(
    database: Database,
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SQLite compares text bytewise already")
    with database.read() as connection:
        collations = dict(
            connection.execute(
                text(
                    "SELECT column_name, collation_name FROM information_schema.columns "
                    "WHERE table_name = 'instruments' AND column_name LIKE 'search_%'"
                    " AND column_name <> 'search_group'"
                )
            ).all()
        )
    assert collations == {"search_symbol": "C", "search_name": "C"}
