"""Historical and intraday candles built from the same minute bars the live market uses.

Limits follow docs/UPSTOX_API.md §7.3: units minutes (1-300), hours (1-5), days/weeks/months (1);
max span 1 month (minutes ≤15), 1 quarter (minutes >15, hours), 1 decade (days), unlimited
(weeks, months). Candles are newest first; ``oi`` is 0 for non-derivatives.
"""

from __future__ import annotations

from typing import Any
from datetime import date, datetime, timedelta

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.upstox_envelope import UpstoxError
from scripts.upstox_sandbox.market.pricing import Candle, Market
from scripts.upstox_sandbox.market.universe import Instrument

UNIT_INTERVALS = {"minutes": 300, "hours": 5, "days": 1, "weeks": 1, "months": 1}
V2_INTERVALS = {
    "1minute": ("minutes", 1),
    "30minute": ("minutes", 30),
    "day": ("days", 1),
    "week": ("weeks", 1),
    "month": ("months", 1),
}
INTRADAY_UNITS = ("minutes", "hours", "days")
MINUTE_HISTORY_FROM = date(2022, 1, 1)
DAILY_HISTORY_FROM = date(2000, 1, 1)


def parse_interval(unit: str, interval: str, intraday: bool = False) -> int:
    allowed = INTRADAY_UNITS if intraday else tuple(UNIT_INTERVALS)
    if unit not in allowed:
        raise UpstoxError("UDAPI1146", "Invalid unit", property_path="unit", invalid_value=unit)
    if not interval.isdigit() or not 1 <= int(interval) <= UNIT_INTERVALS[unit]:
        raise UpstoxError(
            "UDAPI1147", "Invalid interval", property_path="interval", invalid_value=interval
        )
    return int(interval)


def parse_date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UpstoxError(
            "UDAPI1015",
            f"Invalid {name}; expected YYYY-MM-DD",
            property_path=name,
            invalid_value=text,
        ) from exc


def _max_span(unit: str, interval: int) -> timedelta | None:
    if unit == "minutes":
        return timedelta(days=31) if interval <= 15 else timedelta(days=92)
    if unit == "hours":
        return timedelta(days=92)
    if unit == "days":
        return timedelta(days=3653)
    return None


def check_range(unit: str, interval: int, to_day: date, from_day: date | None) -> date:
    """Validate the span and return the effective from_date."""
    span = _max_span(unit, interval)
    if from_day is None:
        from_day = to_day - (span or timedelta(days=365))
    if to_day < from_day:
        raise UpstoxError(
            "UDAPI1015",
            "to_date cannot be before from_date",
            property_path="to_date",
            invalid_value=to_day.isoformat(),
        )
    if span is not None and to_day - from_day > span:
        raise UpstoxError(
            "UDAPI1148",
            "Invalid date range",
            property_path="from_date",
            invalid_value=from_day.isoformat(),
        )
    floor = MINUTE_HISTORY_FROM if unit in ("minutes", "hours") else DAILY_HISTORY_FROM
    return max(from_day, floor)


def _row(c: Candle, daily: bool) -> list[Any]:
    when = datetime.fromtimestamp(c.start, IST)
    if daily:
        when = datetime.combine(when.date(), datetime.min.time(), IST)
    return [when.isoformat(), c.open, c.high, c.low, c.close, c.volume, c.oi]


def _merge(group: list[Candle]) -> Candle:
    return Candle(
        group[0].start,
        group[0].open,
        max(c.high for c in group),
        min(c.low for c in group),
        group[-1].close,
        sum(c.volume for c in group),
        group[-1].oi,
    )


def session_candles(
    market: Market, inst: Instrument, day: date, size: int, now: float | None = None
) -> list[Candle]:
    """A day's ``size``-minute candles, oldest first, grouped from the session open, cut at ``now``.

    The one grouping shared by the candle endpoints and v3 OHLC's ``prev_ohlc``, so both
    show the same bar for the same minutes.
    """
    minutes = market.minute_candles(inst, day, now)
    return [_merge(minutes[i : i + size]) for i in range(0, len(minutes), size)]


def candles(
    market: Market, inst: Instrument, unit: str, interval: int, start: date, end: date, now: float
) -> list[list[Any]]:
    """Candle rows for [start, end] (dates), cut at ``now``, newest first."""
    cal = market.calendar
    end = min(end, datetime.fromtimestamp(now, IST).date())
    days = cal.trading_days(start, end) if start <= end else []
    out: list[Candle] = []
    if unit in ("minutes", "hours"):
        size = interval * (60 if unit == "hours" else 1)
        for day in days:
            out.extend(session_candles(market, inst, day, size, now))
        return [_row(c, False) for c in reversed(out)]
    daily = [c for c in (market.daily_candle(inst, d, now) for d in days) if c is not None]
    if unit == "days":
        return [_row(c, True) for c in reversed(daily)]
    groups: dict[tuple[Any, ...], list[Candle]] = {}
    for c in daily:
        d = datetime.fromtimestamp(c.start, IST).date()
        key = tuple(d.isocalendar()[:2]) if unit == "weeks" else (d.year, d.month)
        groups.setdefault(key, []).append(c)
    merged = [_merge(g) for g in groups.values()]
    return [_row(c, True) for c in reversed(merged)]
