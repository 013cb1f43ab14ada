"""Incremental candle sync: the end-of-day job fills every backfilled series up to today; the
intraday job stores today's finished candles while the market trades and skips when closed."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import httpx

from scripts.clock import IST
from scripts.db.candles import count_candles, last_candle_ts
from scripts.db.jobs import job_history, register_job
from scripts.jobs.backfill_worker import BackfillWorker
from scripts.jobs.registry import all_jobs
from scripts.jobs.runner import run_recorded
from scripts.services.candle_sync import CandleSyncService
from tests.candle_fixtures import (
    RELIANCE,
    last_full_week,
    platform,
    session_days,
    session_minutes,
    today_ist,
)


def run_job(services, job_id: str):
    (spec,) = [job for job in all_jobs() if job.job_id == job_id]
    with services.database.transaction() as connection:
        register_job(connection, spec.job_id, spec.name, spec.description, spec.schedule, None)
    assert run_recorded(services, spec, "manual") == "success"
    with services.database.read() as connection:
        return job_history(connection, spec.job_id)[0]


def test_end_of_day_sync_fetches_what_is_missing_since_the_last_candle(candle_api) -> None:
    services = platform(candle_api)
    end = today_ist() - timedelta(days=20)
    services.candle_backfill.request("RELIANCE", "1d", str(end - timedelta(days=30)), str(end))
    BackfillWorker(services.candle_backfill).run_pending()
    with services.database.read() as connection:
        before = count_candles(connection, RELIANCE, "1d")

    run = run_job(services, "candle_sync_eod")

    calendar = services.trading_calendar.calendar()
    yesterday = today_ist() - timedelta(days=1)
    added = len(session_days(calendar, end + timedelta(days=1), yesterday))
    with services.database.read() as connection:
        assert count_candles(connection, RELIANCE, "1d") == before + added
    assert added >= 10 and run.rows_affected == added
    assert run.message == f"{added} candle(s) for 1 series"
    assert run_job(services, "candle_sync_eod").rows_affected == 0  # nothing new the 2nd time


def test_intraday_sync_skips_with_a_message_while_the_market_is_closed(candle_api) -> None:
    services = platform(candle_api)
    monday, _ = last_full_week()
    services.candle_backfill.request("RELIANCE", "1m", str(monday), str(monday))
    BackfillWorker(services.candle_backfill).run_pending()
    sunday_noon = datetime.combine(monday - timedelta(days=1), time(12), IST)
    closed = CandleSyncService(
        services.database,
        services.broker,
        services.trading_calendar,
        clock=lambda: sunday_noon,
    )

    assert closed.sync_intraday() == (
        0,
        "skipped: the market is closed now; the end-of-day sync fills the rest",
    )


def test_intraday_sync_stores_todays_finished_candles_only(candle_api, candle_settings) -> None:
    services = platform(candle_api)
    monday, _ = last_full_week()
    wednesday = monday + timedelta(days=2)
    services.candle_backfill.request("RELIANCE", "1m", str(monday), str(monday))
    BackfillWorker(services.candle_backfill).run_pending()
    moment = datetime.combine(wednesday, time(11, 0, 30), IST)  # 11:00 is still forming
    frozen = httpx.post(
        f"{candle_settings.sandbox_url}/sandbox/control/clock",
        json={"action": "freeze", "at": moment.isoformat()},
        timeout=10,
    )
    assert frozen.status_code == 200
    intraday = CandleSyncService(
        services.database,
        services.broker,
        services.trading_calendar,
        clock=lambda: moment,
    )

    try:
        written, message = intraday.sync_intraday()
    finally:  # the sandbox runs on real time again for the tests after this one
        for body in (
            {"action": "set", "at": datetime.now(IST).isoformat()},
            {"action": "factor", "factor": 1},
        ):
            httpx.post(f"{candle_settings.sandbox_url}/sandbox/control/clock", json=body)

    assert written == 105 and message == "105 candle(s) for 1 series"  # 09:15 ... 10:59
    calendar = services.trading_calendar.calendar()
    with services.database.read() as connection:
        assert (
            count_candles(connection, RELIANCE, "1m")
            == session_minutes(calendar, monday, monday) + 105
        )
        last = last_candle_ts(connection, RELIANCE, "1m")
    assert last == int(datetime.combine(wednesday, time(10, 59), IST).timestamp())
