"""Seed the bundled reference data (indices, NIFTY 50 members, NSE holidays).

Seeding is an upsert of rows whose ``source`` is ``bundled``: it never removes
rows and never overwrites rows a later refresh fetched from NSE or Upstox.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, select

from scripts.db.schema import index_constituents, market_holidays, nse_indices
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
