"""The chart's one-click backfill and a series' gap filling: which stored series a chart
interval needs over which range, and exactly the missing sessions of a stored series queued
and filled by the scheduler's worker against the real sandbox (NSE calendar on)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scripts.jobs.backfill_worker import BackfillWorker
from scripts.services.errors import NotFound, ValidationFailed
from tests.candle_fixtures import RELIANCE, platform, today_ist
from tests.candle_rows import daily_series, nse_sessions, store_candles


@pytest.mark.parametrize("chart", ["1m", "5m", "15m", "30m", "1h"])
def test_an_intraday_chart_backfills_a_month_of_minute_candles(candle_api, chart: str) -> None:
    plan = platform(candle_api).candle_backfill.chart_plan(chart)
    assert (plan.interval, plan.end, plan.words) == ("1m", today_ist(), "one month")
    assert plan.start == today_ist() - timedelta(days=30)


@pytest.mark.parametrize("chart", ["1d", "1w", "1M"])
def test_a_daily_or_coarser_chart_backfills_a_year_of_daily_candles(candle_api, chart) -> None:
    plan = platform(candle_api).candle_backfill.chart_plan(chart)
    assert (plan.interval, plan.end, plan.words) == ("1d", today_ist(), "one year")
    assert plan.start == today_ist() - timedelta(days=365)


def test_a_chosen_range_is_kept_clamped_to_history_and_today(candle_api) -> None:
    service = platform(candle_api).candle_backfill
    plan = service.chart_plan("5m", "2021-06-01", "2099-01-01")
    assert (plan.start, plan.end) == (date(2022, 1, 1), today_ist())
    assert plan.words == f"01 Jun 2021 to {today_ist():%d %b %Y}"
    with pytest.raises(ValidationFailed, match="Unknown interval '2m'"):
        service.chart_plan("2m")
    with pytest.raises(ValidationFailed, match="'from' must be a date as YYYY-MM-DD"):
        service.chart_plan("1d", "yesterday")


def test_the_chart_backfill_queues_the_base_series_and_the_worker_draws_it(candle_api) -> None:
    services = platform(candle_api)
    task = services.candle_backfill.request_for_chart("RELIANCE", "1w")
    assert (task["interval"], task["state"], task["trading_symbol"]) == ("1d", "queued", "RELIANCE")
    assert BackfillWorker(services.candle_backfill).run_pending() == 1
    done = services.candle_backfill.task(task["task_id"])
    assert done["state"] == "done" and done["rows_written"] > 240
    weekly = services.candle_reads.read("RELIANCE", "1w", None, None, 500, None, [])
    assert weekly.source_interval == "1d" and len(weekly.candles) >= 50


def test_filling_gaps_queues_exactly_the_missing_sessions_and_the_way_to_today(
    candle_api, database
) -> None:
    """April 2025 without Fri 11 and Tue 15 (one gap: a weekend and a holiday between) and
    without Wed 23: two gap tasks, and one from the last candle's day to today."""
    services = platform(candle_api)
    april = nse_sessions(date(2025, 4, 1), date(2025, 4, 30))
    holes = {date(2025, 4, 11), date(2025, 4, 15), date(2025, 4, 23)}
    store_candles(database, RELIANCE, "1d", daily_series([d for d in april if d not in holes]))

    tasks = services.candle_backfill.fill_gaps("RELIANCE", "1d")

    assert [(t["from"], t["to"], t["interval"]) for t in tasks] == [
        (date(2025, 4, 11), date(2025, 4, 15), "1d"),
        (date(2025, 4, 23), date(2025, 4, 23), "1d"),
        (date(2025, 4, 30), today_ist(), "1d"),
    ]
    assert BackfillWorker(services.candle_backfill).run_pending() == 3
    (after,) = services.candle_coverage.coverage("RELIANCE", "1d")
    # The sandbox serves no daily candle for the evening-only Muhurat session (21 Oct 2025),
    # which the calendar counts; every gap of April is filled.
    assert [g for g in after.gaps if g.first_day <= date(2025, 5, 1)] == []
    assert all(g.sessions == 1 for g in after.gaps)
    assert after.last.date() >= today_ist() - timedelta(days=4)


def test_filling_gaps_of_a_series_never_stored_says_to_backfill(candle_api) -> None:
    with pytest.raises(NotFound, match="No 1h candles stored for 'RELIANCE'"):
        platform(candle_api).candle_backfill.fill_gaps("RELIANCE", "1h")
    with pytest.raises(ValidationFailed, match="Unknown interval"):
        platform(candle_api).candle_backfill.fill_gaps("RELIANCE", "7m")
