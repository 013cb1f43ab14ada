"""What of the candles fetched from Upstox is stored: sound, finished candles, judged against
the trading calendar. The backfill (``candle_backfill.py``) and the incremental sync
(``candle_sync.py``) both store through :func:`checked_candles`, so the rules live once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from scripts.clock import IST
from scripts.db.candles import CandleRow
from scripts.services.candle_intervals import (
    IntervalRule,
    candle_row,
    check_candle,
    describe_reject,
    finished,
)
from scripts.services.trading_calendar import CalendarNotCovered, TradingCalendar
from scripts.upstox.rest.models import Candle

# The calendar windows in which candles form (not pre-open, not the closing session).
TRADING_WINDOWS = ("normal", "special")


def checked_candles(
    exchange: str,
    rule: IntervalRule,
    key: str,
    candles: list[Candle],
    calendar: TradingCalendar,
    now: datetime,
) -> tuple[list[CandleRow], list[str]]:
    """Sound, finished candles to store, and the rejects described in words."""
    rows: list[CandleRow] = []
    rejects: list[str] = []
    for candle in candles:
        row = candle_row(key, rule, candle)
        reason = check_candle(rule, row)
        if reason is not None:
            rejects.append(describe_reject(row, reason))
        elif finished(rule, row.ts, now, session_end(calendar, exchange, row.ts)):
            rows.append(row)
    return rows, rejects


def has_session(calendar: TradingCalendar, exchange: str, start: date, end: date) -> bool:
    """Whether any day of [start, end] trades; True where the calendar has no data (ask)."""
    day = start
    while day <= end:
        try:
            if calendar.trading_day(exchange, day).opens():
                return True
        except CalendarNotCovered:
            return True
        day += timedelta(days=1)
    return False


def session_end(calendar: TradingCalendar, exchange: str, ts: int) -> datetime | None:
    """When trading stops on the IST day of ``ts``; None where the calendar cannot say."""
    day = datetime.fromtimestamp(ts, IST).date()
    try:
        windows = calendar.trading_day(exchange, day).windows
    except CalendarNotCovered:
        return None
    ends = [w.end for w in windows if w.kind in TRADING_WINDOWS]
    return datetime.combine(day, max(ends), IST) if ends else None


def trading_now(calendar: TradingCalendar, exchange: str, now: datetime) -> bool:
    try:
        window = calendar.trading_day(exchange, now.astimezone(IST).date()).window_at(now)
    except CalendarNotCovered:
        return False
    return window is not None and window.kind in TRADING_WINDOWS
