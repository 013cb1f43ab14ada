"""Seed the bundled reference data (indices, NIFTY 50 members, NSE holidays).

The NIFTY 50 members go to both ``index_constituents`` (the legacy copy) and
``nse_index_membership`` (what the NSE index refresh maintains), so a fresh install
shows index data before any download. No NIFTY BANK list is bundled: its members are
not documented in docs/NSE_DATA.md, and bundled data is never invented.

Seeding is an upsert of rows whose ``source`` is ``bundled``: it never removes
rows and never overwrites rows a later refresh fetched from NSE or Upstox.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, select

from scripts.clock import utc_now

from scripts.db.schema import (
    index_constituents,
    market_holidays,
    nse_index_membership,
    nse_index_metadata,
    nse_indices,
    nse_sector_info,
)
from scripts.db.upsert import upsert_rows

REFERENCE_DIR = Path(__file__).parent / "reference_data"
NIFTY50_AS_OF = date(2026, 9, 18)  # snapshot date, see reference_data/README.md
NIFTY50_HEADER = ["Company Name", "Industry", "Symbol", "Series", "ISIN Code"]


def _read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def seed_reference_data(connection: Connection) -> int:
    """Upsert the bundled rows; returns how many rows were written."""
    written = upsert_rows(connection, nse_indices, _read_csv("nse_indices.csv"), ["index_name"])
    fresher = {
        row.symbol
        for row in connection.execute(
            select(index_constituents.c.symbol).where(
                index_constituents.c.index_name == "NIFTY 50",
                index_constituents.c.source != "bundled",
            )
        )
    }
    members = [
        {
            "index_name": "NIFTY 50",
            "symbol": row["Symbol"],
            "company_name": row["Company Name"],
            "industry": row["Industry"],
            "series": row["Series"],
            "isin": row["ISIN Code"],
            "as_of": NIFTY50_AS_OF,
            "source": "bundled",
        }
        for row in _read_csv("ind_nifty50list.csv")
        if not fresher
    ]
    written += upsert_rows(connection, index_constituents, members, ["index_name", "symbol"])
    written += _seed_index_membership(connection, members)
    holidays = [
        {
            "exchange": "NSE",
            "holiday_date": date.fromisoformat(row["date"]),
            "description": row["description"],
            "source": "bundled",
        }
        for row in _read_csv("nse_holidays.csv")
    ]
    written += upsert_rows(
        connection, market_holidays, holidays, ["exchange", "holiday_date"], update_existing=False
    )
    return written


def _seed_index_membership(connection: Connection, members: list[dict[str, object]]) -> int:
    """The bundled NIFTY 50 into the refreshed tables, unless a download replaced it already."""
    downloaded = connection.execute(
        select(nse_index_membership.c.symbol).where(
            nse_index_membership.c.index_name == "NIFTY 50",
            nse_index_membership.c.source != "bundled",
        )
    ).first()
    if downloaded is not None or not members:
        return 0
    rows = [
        {
            "index_name": row["index_name"],
            "symbol": row["symbol"],
            "company_name": row["company_name"],
            "industry": row["industry"],
            "series": row["series"],
            "isin": row["isin"],
            "first_seen": NIFTY50_AS_OF,
            "last_seen": NIFTY50_AS_OF,
            "source": "bundled",
        }
        for row in members
    ]
    written = upsert_rows(
        connection,
        nse_index_membership,
        rows,
        ["index_name", "symbol"],
        update_existing=False,
    )
    written += upsert_rows(
        connection,
        nse_index_metadata,
        [
            {
                "index_name": "NIFTY 50",
                "expected_count": 50,
                "found_count": len(rows),
                "source": "bundled",
                "as_of": NIFTY50_AS_OF,
                "last_status": "bundled",
            }
        ],
        ["index_name"],
        update_existing=False,
    )
    now = utc_now()
    sectors = [
        {"symbol": r["symbol"], "sector": r["industry"], "isin": r["isin"], "updated_at": now}
        for r in rows
    ]
    written += upsert_rows(connection, nse_sector_info, sectors, ["symbol"], update_existing=False)
    return written
