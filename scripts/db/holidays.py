"""Reads of the ``market_holidays`` table (bundled NSE holidays, later refreshed from Upstox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from scripts.db.schema import market_holidays
from scripts.db.upsert import upsert_rows


def holiday_on(connection: Connection, day: date, exchange: str) -> str | None:
    """The holiday's description if ``exchange`` is closed for one on ``day``, else None."""
    return connection.execute(
        select(market_holidays.c.description).where(
            market_holidays.c.exchange == exchange, market_holidays.c.holiday_date == day
        )
    ).scalar_one_or_none()


@dataclass(frozen=True)
class StoredHoliday:
    exchange: str
    holiday_date: date
    description: str
    source: str


def holidays_of(connection: Connection) -> list[StoredHoliday]:
    """Every stored holiday of every exchange (a few dozen rows a year), oldest first."""
    rows = connection.execute(
        select(
            market_holidays.c.exchange,
            market_holidays.c.holiday_date,
            market_holidays.c.description,
            market_holidays.c.source,
        ).order_by(market_holidays.c.holiday_date, market_holidays.c.exchange)
    )
    return [StoredHoliday(*row) for row in rows]


def store_fetched_holidays(connection: Connection, rows: list[StoredHoliday]) -> int:
    """Upsert holidays fetched from Upstox (source ``upstox``); bundled rows of other days stay."""
    values = [
        {
            "exchange": row.exchange,
            "holiday_date": row.holiday_date,
            "description": row.description,
            "source": row.source,
        }
        for row in rows
    ]
    return upsert_rows(connection, market_holidays, values, ["exchange", "holiday_date"])
