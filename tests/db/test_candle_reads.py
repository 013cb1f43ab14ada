"""Candle range reads on real SQLite and PostgreSQL: one series, oldest first, bounded."""

from __future__ import annotations

from datetime import date

from scripts.db.candle_reads import (
    candles_before,
    candles_between,
    candles_per_day,
    series_summaries,
    stored_intervals,
)
from tests.candle_rows import INFY, RELIANCE, daily_series, minute_series, store_candles, ts


def test_range_read_returns_one_series_oldest_first_within_bounds_and_limit(database) -> None:
    days = [date(2025, 1, d) for d in (1, 2, 3, 6, 7, 8)]
    store_candles(database, RELIANCE, "1d", daily_series(days))
    store_candles(database, INFY, "1d", daily_series(days, 1500))
    store_candles(database, RELIANCE, "1m", minute_series(date(2025, 1, 2), 5))
    with database.read() as connection:
        rows = candles_between(connection, RELIANCE, "1d", ts(days[1]), ts(days[4]), 10)
        limited = candles_between(connection, RELIANCE, "1d", ts(days[0]), ts(days[-1]), 2)
        before = candles_before(connection, RELIANCE, "1d", ts(days[3]), 2)
    assert [r[0] for r in rows] == [ts(d) for d in days[1:5]]
    assert rows[0] == daily_series(days)[1] and isinstance(rows[0][5], int)
    assert [r[0] for r in limited] == [ts(days[0]), ts(days[1])]
    assert [r[0] for r in before] == [ts(days[1]), ts(days[2])]


def test_summaries_per_day_counts_and_stored_intervals(database) -> None:
    store_candles(database, RELIANCE, "1m", minute_series(date(2025, 1, 2), 375))
    store_candles(database, RELIANCE, "1m", minute_series(date(2025, 1, 3), 100))
    store_candles(database, RELIANCE, "1d", daily_series([date(2025, 1, 2)]))
    with database.read() as connection:
        summaries = series_summaries(connection, RELIANCE)
        per_day = candles_per_day(connection, RELIANCE, "1m", 0, 2**40)
        intervals = stored_intervals(connection, RELIANCE, ["1m", "5m", "1d"])
        nothing = series_summaries(connection, INFY)
    assert [(s.interval, s.count) for s in summaries] == [("1d", 1), ("1m", 475)]
    assert summaries[1].first_ts == ts(date(2025, 1, 2), 9, 15)
    assert summaries[1].last_ts == ts(date(2025, 1, 3), 9, 15) + 99 * 60
    first_day = date(2025, 1, 2).toordinal() - date(1970, 1, 1).toordinal()
    assert per_day == {first_day: 375, first_day + 1: 100}
    assert intervals == ["1m", "1d"] and nothing == []
