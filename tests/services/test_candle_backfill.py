"""Candle backfill end to end against the real sandbox (NSE calendar on): counts equal the
trading calendar's sessions, re-runs store nothing, closed chunks cost no request."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scripts.db.candle_backfill import series_state, task_by_id
from scripts.db.candles import count_candles, series_candles
from scripts.jobs.backfill_worker import BackfillWorker
from scripts.services.errors import ValidationFailed
from tests.candle_fixtures import (
    RELIANCE,
    last_full_week,
    platform,
    session_days,
    session_minutes,
    today_ist,
)


def backfill(client, interval: str, start: date, end: date, symbol: str = "RELIANCE") -> dict:
    """Queue through the service, run through the scheduler's worker, return the task."""
    services = platform(client)
    queued = services.candle_backfill.request(symbol, interval, start.isoformat(), end.isoformat())
    assert queued["state"] == "queued"
    assert BackfillWorker(services.candle_backfill).run_pending() == 1
    return services.candle_backfill.task(queued["task_id"])


def test_a_year_of_daily_candles_has_one_candle_per_calendar_session(candle_api) -> None:
    services = platform(candle_api)
    end = today_ist() - timedelta(days=7)
    start = end - timedelta(days=364)

    task = backfill(candle_api, "1d", start, end)

    sessions = session_days(services.trading_calendar.calendar(), start, end)
    assert task["state"] == "done", task["error"]
    assert task["progress"] == 1.0 and task["chunks_done"] == task["chunks_total"] == 1
    assert task["rows_rejected"] == 0
    with services.database.read() as connection:
        rows = series_candles(connection, RELIANCE, "1d")
        state = series_state(connection, RELIANCE, "1d")
    assert [row.ts for row in rows] == [
        int(date_ts) for date_ts in (_ist_midnight(day) for day in sessions)
    ]
    assert task["rows_written"] == len(sessions) > 240
    assert state is not None and state.last_ts == rows[-1].ts
    assert (state.backfilled_from, state.backfilled_to) == (start, end)


def test_a_week_of_minute_candles_has_every_minute_of_its_sessions(candle_api) -> None:
    services = platform(candle_api)
    monday, friday = last_full_week()

    task = backfill(candle_api, "1m", monday, friday)

    expected = session_minutes(services.trading_calendar.calendar(), monday, friday)
    assert task["state"] == "done", task["error"]
    assert task["rows_written"] == expected >= 4 * 375
    with services.database.read() as connection:
        assert count_candles(connection, RELIANCE, "1m") == expected


def test_running_the_same_backfill_again_inserts_nothing(candle_api) -> None:
    services = platform(candle_api)
    monday, friday = last_full_week()
    first = backfill(candle_api, "15m", monday, friday)
    with services.database.read() as connection:
        before = series_candles(connection, RELIANCE, "15m")

    again = backfill(candle_api, "15m", monday, friday)

    with services.database.read() as connection:
        after = series_candles(connection, RELIANCE, "15m")
    assert first["rows_written"] == len(before) > 0
    assert again["state"] == "done" and again["rows_written"] == 0
    assert after == before


def test_a_range_spanning_months_is_fetched_in_month_chunks_with_a_checkpoint(candle_api) -> None:
    services = platform(candle_api)
    monday, _ = last_full_week()
    start = (monday.replace(day=1) - timedelta(days=1)).replace(day=20)  # previous month's 20th

    task = backfill(candle_api, "5m", start, monday)

    assert task["chunks_total"] == task["chunks_done"] == 2
    with services.database.read() as connection:
        stored = task_by_id(connection, task["task_id"])
    assert stored is not None and stored.next_from is None  # the checkpoint moved past the end
    assert (
        task["rows_written"]
        == session_minutes(services.trading_calendar.calendar(), start, monday) // 5
    )


def test_a_weekend_chunk_is_not_requested_from_upstox(candle_api) -> None:
    services = platform(candle_api)
    monday, _ = last_full_week()
    saturday, sunday = monday - timedelta(days=2), monday - timedelta(days=1)
    services.broker.logout()  # any request to Upstox would now fail the task

    closed = backfill(candle_api, "1d", saturday, sunday)
    open_day = backfill(candle_api, "1d", monday, monday)

    assert closed["state"] == "done" and closed["rows_written"] == 0
    assert closed["chunks_done"] == 1
    assert open_day["state"] == "failed"
    assert "log in" in (open_day["error"] or "").lower()


def test_minute_history_before_2022_is_clamped_and_the_task_says_so(candle_api) -> None:
    services = platform(candle_api)
    queued = services.candle_backfill.request("RELIANCE", "1h", "2021-06-01", "2022-01-10")
    assert queued["from"] == date(2022, 1, 1)
    assert "2022-01-01" in queued["note"] and "2021-06-01" in queued["note"]


@pytest.mark.parametrize(
    ("interval", "start", "end", "field", "words"),
    [
        ("2m", "2025-01-01", "2025-01-02", "interval", "use one of 1m, 5m"),
        ("1d", "2025-02-01", "2025-01-01", "from", "after 'to'"),
        ("1d", "2025-01-01", "2999-01-01", "to", "in the future"),
        ("1m", "2019-01-01", "2021-12-31", "to", "keeps 1m candles from 2022-01-01"),
        ("1d", "01/02/2025", "2025-01-02", "from", "YYYY-MM-DD"),
    ],
)
def test_a_bad_range_is_refused_with_what_to_fix(
    candle_api, interval: str, start: str, end: str, field: str, words: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        platform(candle_api).candle_backfill.request("RELIANCE", interval, start, end)
    assert refused.value.field == field and words in refused.value.message


def _ist_midnight(day: date) -> int:
    from datetime import datetime

    from scripts.clock import IST

    return int(datetime.combine(day, datetime.min.time(), IST).timestamp())


def test_a_stopping_worker_hands_its_task_back_to_the_queue_untouched(candle_api) -> None:
    import threading

    services = platform(candle_api)
    monday, friday = last_full_week()
    queued = services.candle_backfill.request("RELIANCE", "1d", str(monday), str(friday))
    task = services.candle_backfill.claim_next("test:1")
    stop = threading.Event()
    stop.set()

    assert task is not None
    assert services.candle_backfill.run_task(task, stop) == "queued"
    again = services.candle_backfill.task(queued["task_id"])
    assert again["state"] == "queued" and again["chunks_done"] == 0
    assert again["finished_at"] is None
