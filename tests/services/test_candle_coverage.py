"""Coverage: gaps are missing *sessions* by the trading calendar, never weekends or holidays;
intraday sessions with too few candles are partial gaps; freshness counts sessions behind."""

from __future__ import annotations

from datetime import date, datetime, time

from scripts.clock import IST
from scripts.db.candle_reads import SeriesSummary
from scripts.services.calendar_data import CALENDAR_DIR, load_bundled
from scripts.services.candle_coverage import judge
from scripts.services.trading_calendar import TradingCalendar
from tests.candle_rows import (
    RELIANCE,
    daily_series,
    minute_series,
    nse_sessions,
    store_candles,
    store_instruments,
    ts,
)

CALENDAR = TradingCalendar(load_bundled(CALENDAR_DIR))
AFTER_CLOSE_30_APRIL = datetime.combine(date(2025, 4, 30), time(16, 0), IST)


def day_numbers(days: list[date]) -> dict[int, int]:
    return {d.toordinal() - date(1970, 1, 1).toordinal(): 1 for d in days}


def daily_coverage(days: list[date], now: datetime = AFTER_CLOSE_30_APRIL):
    summary = SeriesSummary(RELIANCE, "1d", ts(days[0]), ts(days[-1]), len(days))
    return judge(summary, "RELIANCE", day_numbers(days), CALENDAR, now)


def test_holidays_and_weekends_inside_the_range_are_not_gaps() -> None:
    """April 2025 had holidays on Thu 10, Mon 14 and Fri 18: a series with every session
    has no gap."""
    april = nse_sessions(date(2025, 4, 1), date(2025, 4, 30))
    assert date(2025, 4, 14) not in april and date(2025, 4, 18) not in april
    coverage = daily_coverage(april)
    assert coverage.gaps == [] and coverage.missing_sessions == 0
    assert coverage.sessions_behind == 0 and coverage.last_session == date(2025, 4, 30)


def test_missing_sessions_across_a_weekend_and_a_holiday_are_one_gap() -> None:
    """Fri 11 and Tue 15 April missing: between them only a weekend and the Monday holiday,
    so it is one gap of two sessions; Wed 23 alone is another."""
    april = nse_sessions(date(2025, 4, 1), date(2025, 4, 30))
    stored = [
        d for d in april if d not in (date(2025, 4, 11), date(2025, 4, 15), date(2025, 4, 23))
    ]
    gaps = [(g.kind, g.first_day, g.last_day, g.sessions) for g in daily_coverage(stored).gaps]
    assert gaps == [
        ("missing", date(2025, 4, 11), date(2025, 4, 15), 2),
        ("missing", date(2025, 4, 23), date(2025, 4, 23), 1),
    ]


def test_freshness_counts_the_sessions_begun_since_the_last_candle() -> None:
    april = nse_sessions(date(2025, 4, 1), date(2025, 4, 25))
    before_open_monday = datetime.combine(date(2025, 4, 28), time(9, 0), IST)
    after_open_tuesday = datetime.combine(date(2025, 4, 29), time(9, 20), IST)
    assert daily_coverage(april, before_open_monday).sessions_behind == 0
    late = daily_coverage(april, after_open_tuesday)
    assert (late.sessions_behind, late.last_session) == (2, date(2025, 4, 29))


def test_weekly_series_miss_a_week_not_its_days(database) -> None:
    weeks = [date(2025, 4, 1), date(2025, 4, 7), date(2025, 4, 21)]  # the week of 14th missing
    summary = SeriesSummary(RELIANCE, "1w", ts(weeks[0]), ts(weeks[-1]), 3)
    coverage = judge(summary, None, day_numbers(weeks), CALENDAR, AFTER_CLOSE_30_APRIL)
    assert [(g.first_day, g.last_day, g.sessions) for g in coverage.gaps] == [
        (date(2025, 4, 15), date(2025, 4, 17), 3)
    ]


def test_intraday_sessions_with_few_candles_are_partial_gaps_through_the_service(
    app, database
) -> None:
    store_instruments(database)
    store_candles(database, RELIANCE, "1m", minute_series(date(2025, 6, 2)))
    store_candles(database, RELIANCE, "1m", minute_series(date(2025, 6, 3), 120))
    store_candles(database, RELIANCE, "1m", minute_series(date(2025, 6, 5), 370))
    store_candles(database, RELIANCE, "1d", daily_series([date(2025, 6, 2)]))
    service = app.extensions["upstox_platform"].candle_coverage
    minute = service.coverage("RELIANCE", "1m")[0]
    assert (minute.trading_symbol, minute.count) == ("RELIANCE", 375 + 120 + 370)
    assert [(g.kind, g.first_day, g.sessions) for g in minute.gaps] == [
        ("partial", date(2025, 6, 3), 1),
        ("missing", date(2025, 6, 4), 1),
    ]
    assert (minute.missing_sessions, minute.partial_sessions) == (1, 1)
    assert [c.interval for c in service.coverage()] == ["1d", "1m"]
