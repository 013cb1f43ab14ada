"""Resampling against hand-worked examples: the 09:15 grid, the short last hour, weeks and
months that start on their first trading day (a holiday week included)."""

from __future__ import annotations

from datetime import date

import pytest

from scripts.services.candle_resample import (
    ResampleError,
    divides,
    resample,
    session_start_seconds,
    source_for,
)
from tests.candle_rows import ts


def minute(day: date, hh: int, mm: int, o: float, h: float, low: float, c: float, v: int, oi=0):
    return (ts(day, hh, mm), o, h, low, c, v, oi)


DAY = date(2025, 6, 2)  # a Monday session


def test_five_minute_buckets_start_at_0915_and_0920_with_first_max_min_last_sum() -> None:
    rows = [
        minute(DAY, 9, 15, 100, 101, 99, 100.5, 10, 7),
        minute(DAY, 9, 16, 100.5, 103, 100, 102, 20, 8),
        minute(DAY, 9, 19, 102, 102.5, 98, 99, 30, 9),
        minute(DAY, 9, 20, 99, 99.5, 97, 98, 40, 10),
        minute(DAY, 9, 24, 98, 100, 97.5, 99.5, 50, 11),
    ]
    assert resample(rows, "1m", "5m") == [
        (ts(DAY, 9, 15), 100, 103, 98, 99, 60, 9),
        (ts(DAY, 9, 20), 99, 100, 97, 99.5, 90, 11),
    ]


def test_hourly_buckets_run_0915_1015_and_the_last_one_1515_is_short() -> None:
    rows = [
        minute(DAY, 9, 15, 10, 11, 9, 10, 1),
        minute(DAY, 10, 14, 10, 12, 10, 11, 2),  # still the 09:15 hour
        minute(DAY, 10, 15, 11, 11, 8, 9, 3),  # the 10:15 hour
        minute(DAY, 15, 14, 9, 9, 9, 9, 4),  # the 14:15 hour
        minute(DAY, 15, 15, 9, 10, 9, 10, 5),  # 15:15-15:30: fifteen minutes at most
        minute(DAY, 15, 29, 10, 13, 10, 12, 6),
    ]
    assert resample(rows, "1m", "1h") == [
        (ts(DAY, 9, 15), 10, 12, 9, 11, 3, 0),
        (ts(DAY, 10, 15), 11, 11, 8, 9, 3, 0),
        (ts(DAY, 14, 15), 9, 9, 9, 9, 4, 0),
        (ts(DAY, 15, 15), 9, 13, 9, 12, 11, 0),
    ]


def test_fifteen_minute_candles_make_thirty_minute_ones_on_the_same_grid() -> None:
    rows = [minute(DAY, 9, 15 + 15 * n, 1 + n, 2 + n, n, 1.5 + n, 1) for n in range(3)]
    assert [r[0] for r in resample(rows, "15m", "30m")] == [ts(DAY, 9, 15), ts(DAY, 9, 45)]


def test_minute_candles_make_a_daily_candle_starting_at_midnight_ist() -> None:
    rows = [minute(DAY, 9, 15, 5, 6, 4, 5.5, 10, 1), minute(DAY, 15, 29, 5.5, 9, 5, 8, 20, 2)]
    assert resample(rows, "1m", "1d") == [(ts(DAY), 5, 9, 4, 8, 30, 2)]


def test_a_holiday_week_starts_on_its_first_trading_day_tuesday() -> None:
    """Week of 14 April 2025: Monday 14 (Ambedkar Jayanti) and Friday 18 (Good Friday) were
    NSE holidays, so the week has three sessions and starts on Tuesday 15."""
    rows = [
        (ts(date(2025, 4, 11)), 50, 52, 49, 51, 100, 0),  # the week before (Thursday 10 a holiday)
        (ts(date(2025, 4, 15)), 51, 55, 50, 54, 200, 0),
        (ts(date(2025, 4, 16)), 54, 58, 53, 57, 300, 0),
        (ts(date(2025, 4, 17)), 57, 57, 45, 46, 400, 0),
        (ts(date(2025, 4, 21)), 46, 47, 44, 45, 500, 0),
    ]
    assert resample(rows, "1d", "1w") == [
        (ts(date(2025, 4, 11)), 50, 52, 49, 51, 100, 0),
        (ts(date(2025, 4, 15)), 51, 58, 45, 46, 900, 0),
        (ts(date(2025, 4, 21)), 46, 47, 44, 45, 500, 0),
    ]


def test_a_month_starts_on_its_first_trading_day() -> None:
    """1 March 2025 was a Saturday: March's candle starts on Monday 3 March."""
    rows = [
        (ts(date(2025, 2, 28)), 10, 11, 9, 10, 1, 0),
        (ts(date(2025, 3, 3)), 10, 12, 10, 11, 2, 0),
        (ts(date(2025, 3, 28)), 11, 15, 8, 14, 3, 0),
        (ts(date(2025, 4, 1)), 14, 14, 13, 13, 4, 0),
    ]
    assert resample(rows, "1d", "1M") == [
        (ts(date(2025, 2, 28)), 10, 11, 9, 10, 1, 0),
        (ts(date(2025, 3, 3)), 10, 15, 8, 14, 5, 0),
        (ts(date(2025, 4, 1)), 14, 14, 13, 13, 4, 0),
    ]


def test_minute_candles_make_weeks_through_days() -> None:
    tuesday = date(2025, 4, 15)
    rows = [minute(tuesday, 9, 15, 1, 2, 1, 2, 1), minute(date(2025, 4, 16), 9, 15, 2, 3, 2, 3, 1)]
    assert resample(rows, "1m", "1w") == [(ts(tuesday), 1, 3, 1, 3, 2, 0)]


def test_finer_or_non_dividing_intervals_are_refused() -> None:
    assert divides("15m", "1h") and not divides("1h", "15m") and not divides("1w", "1M")
    with pytest.raises(ResampleError):
        resample([], "1d", "1h")


def test_source_prefers_the_exact_interval_then_daily_for_calendar_then_the_finest_divisor() -> (
    None
):
    assert source_for("5m", ["1m", "5m", "1d"]) == "5m"
    assert source_for("1w", ["1m", "1d"]) == "1d"
    assert source_for("1d", ["1m", "15m"]) == "1m"
    assert source_for("1h", ["15m", "30m"]) == "15m"
    assert source_for("15m", ["1d", "30m"]) is None


def test_mcx_hourly_buckets_start_at_0900_its_session_open() -> None:
    gold = "MCX_FO|440001"
    assert session_start_seconds(gold) == 9 * 3600
    assert session_start_seconds("NSE_EQ|INE002A01018") == 9 * 3600 + 15 * 60
    rows = [
        minute(DAY, 9, 0, 10, 11, 9, 10, 1),
        minute(DAY, 9, 59, 10, 12, 10, 11, 2),  # still the 09:00 hour
        minute(DAY, 10, 0, 11, 11, 8, 9, 3),  # the 10:00 hour
        minute(DAY, 23, 29, 9, 9, 9, 9, 4),  # 23:00-23:30, the evening close
    ]
    assert resample(rows, "1m", "1h", session_start_seconds(gold)) == [
        (ts(DAY, 9, 0), 10, 12, 9, 11, 3, 0),
        (ts(DAY, 10, 0), 11, 11, 8, 9, 3, 0),
        (ts(DAY, 23, 0), 9, 9, 9, 9, 4, 0),
    ]


def test_an_early_candle_never_joins_the_previous_days_bucket() -> None:
    """The 09:15 grid run backwards puts 00:00-00:15 in a bucket from 23:15 of the day before;
    the bucket starts at the day's own midnight instead, so each day keeps its own candles."""
    rows = [minute(DAY, 0, 5, 1, 2, 1, 2, 5), minute(DAY, 0, 20, 2, 3, 2, 3, 7)]
    assert resample(rows, "1m", "1h") == [
        (ts(DAY, 0, 0), 1, 2, 1, 2, 5, 0),
        (ts(DAY, 0, 15), 2, 3, 2, 3, 7, 0),
    ]
