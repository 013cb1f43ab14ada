"""Is the NSE equity market open right now? From session hours and the holiday table.

Session hours are NSE's (docs/NSE_DATA.md §2): pre-open 09:00–09:15, normal
market 09:15–15:30 IST, Monday–Friday. Holidays come from ``market_holidays``
(bundled, later refreshed from Upstox). Special sessions (Muhurat) are not
modelled yet; the trading-calendar capability extends this module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from scripts.clock import IST, utc_now
from scripts.db import Connection, Database
from scripts.db.holidays import holiday_on

PRE_OPEN = time(9, 0)
OPEN = time(9, 15)
CLOSE = time(15, 30)


def _is_trading_day(connection: Connection, day: date, exchange: str) -> bool:
    return day.weekday() < 5 and holiday_on(connection, day, exchange) is None


def market_status(connection: Connection, now: datetime, exchange: str = "NSE") -> dict[str, Any]:
    """Status (open, pre_open, closed, holiday, weekend), the reason, and the next open."""
    local = now.astimezone(IST)
    today = local.date()
    holiday = holiday_on(connection, today, exchange)
    if today.weekday() >= 5:
        status, reason = "weekend", "Markets are closed on weekends."
    elif holiday:
        status, reason = "holiday", f"Trading holiday: {holiday}."
    elif PRE_OPEN <= local.time() < OPEN:
        status, reason = "pre_open", "Pre-open session (09:00–09:15 IST)."
    elif OPEN <= local.time() < CLOSE:
        status, reason = "open", "Normal market (09:15–15:30 IST)."
    else:
        status, reason = "closed", "Outside market hours (09:15–15:30 IST)."
    return {
        "exchange": exchange,
        "status": status,
        "reason": reason,
        "now": local.isoformat(),
        "next_open": next_open(connection, local, exchange).isoformat(),
    }


def next_open(connection: Connection, local: datetime, exchange: str = "NSE") -> datetime:
    """The next 09:15 IST on a trading day strictly after ``local`` (or today if still ahead)."""
    day = local.date()
    if local.time() >= OPEN or not _is_trading_day(connection, day, exchange):
        day += timedelta(days=1)
    for _ in range(30):
        if _is_trading_day(connection, day, exchange):
            return datetime.combine(day, OPEN, tzinfo=IST)
        day += timedelta(days=1)
    raise RuntimeError("no trading day found within 30 days; the holiday table looks wrong")


class MarketStatusService:
    """Market status as of now (clock injectable, so tests pin the instant)."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self._database = database
        self._clock = clock

    def status(self, exchange: str = "NSE") -> dict[str, Any]:
        with self._database.read() as connection:
            return market_status(connection, self._clock(), exchange)
