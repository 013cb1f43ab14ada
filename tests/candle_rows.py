"""Put candles and a few instruments into a test database, until the write path's bulk insert
exists: a plain SQLAlchemy insert of the schema's ``candles_new`` table, nothing else.

Synthetic series follow the real shape: daily candles at 00:00 IST on NSE sessions only
(weekends and the bundled holidays skipped), one-minute candles 09:15-15:29 IST.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from scripts.clock import IST
from scripts.db import Database
from scripts.db.instruments import replace_instruments
from scripts.db.schema import candles_new
from scripts.services.calendar_data import CALENDAR_DIR, load_bundled
from scripts.services.trading_calendar import TradingCalendar

RELIANCE = "NSE_EQ|INE002A01018"
INFY = "NSE_EQ|INE009A01021"

Candle = tuple[int, float, float, float, float, int, int]


def instrument(key: str, symbol: str, name: str) -> dict[str, Any]:
    return {
        "instrument_key": key,
        "segment": key.split("|")[0],
        "exchange": key[:3],
        "instrument_type": "EQ",
        "trading_symbol": symbol,
        "name": name,
        "short_name": None,
        "isin": key.split("|")[1],
        "exchange_token": None,
        "lot_size": 1,
        "tick_size": 5.0,
        "freeze_quantity": None,
        "expiry": None,
        "strike_price": None,
        "weekly": None,
        "underlying_key": None,
        "underlying_symbol": None,
    }


def store_instruments(database: Database) -> None:
    """RELIANCE and INFY on NSE_EQ, as the instrument file would list them."""
    with database.transaction() as connection:
        replace_instruments(
            connection,
            [
                instrument(RELIANCE, "RELIANCE", "RELIANCE INDUSTRIES LTD"),
                instrument(INFY, "INFY", "INFOSYS LIMITED"),
            ],
        )


def store_candles(database: Database, key: str, interval: str, rows: Iterable[Candle]) -> int:
    values = [
        {
            "instrument_key": key,
            "interval": interval,
            "ts": r[0],
            "open": r[1],
            "high": r[2],
            "low": r[3],
            "close": r[4],
            "volume": r[5],
            "oi": r[6],
        }
        for r in rows
    ]
    with database.transaction() as connection:
        for start in range(0, len(values), 5000):
            connection.execute(candles_new.insert(), values[start : start + 5000])
    return len(values)


def ts(day: date, hour: int = 0, minute: int = 0) -> int:
    """Epoch seconds of an IST wall-clock moment."""
    return int(datetime.combine(day, time(hour, minute), IST).timestamp())


def nse_sessions(first: date, last: date) -> list[date]:
    """NSE's sessions in [first, last] by the bundled calendar (weekends, holidays out; the
    Muhurat session in)."""
    calendar = TradingCalendar(load_bundled(CALENDAR_DIR))
    days, day = [], first
    while day <= last:
        if calendar.trading_day("NSE", day).opens():
            days.append(day)
        day += timedelta(days=1)
    return days


def daily_series(days: Sequence[date], start_price: float = 2500.0) -> list[Candle]:
    """One candle per day at 00:00 IST; a smooth wave so indicators have something to do."""
    rows: list[Candle] = []
    price = start_price
    for n, day in enumerate(days):
        open_ = price
        close = start_price + 150 * math.sin(n / 15) + n * 0.5
        high = max(open_, close) + 12
        low = min(open_, close) - 12
        rows.append((ts(day), round(open_, 2), round(high, 2), round(low, 2), round(close, 2),
                     100_000 + n * 10, 0))  # fmt: skip
        price = close
    return rows


def minute_series(day: date, minutes: int = 375, start_price: float = 2500.0) -> list[Candle]:
    """``minutes`` one-minute candles from 09:15 IST (375 fills the session to 15:29)."""
    rows: list[Candle] = []
    first = ts(day, 9, 15)
    price = start_price
    for n in range(minutes):
        close = start_price + 8 * math.sin(n / 20) + n * 0.01
        rows.append((first + 60 * n, round(price, 2), round(max(price, close) + 1, 2),
                     round(min(price, close) - 1, 2), round(close, 2), 1000 + n, 0))  # fmt: skip
        price = close
    return rows
