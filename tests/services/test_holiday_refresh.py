"""Refreshing the trading holidays from Upstox (the real sandbox), keeping them on a failure."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from scripts.db.holidays import holidays_of
from scripts.jobs.registry import all_jobs
from scripts.services.broker import BrokerService
from scripts.services.errors import ServiceError
from scripts.services.holiday_refresh import holidays_from_upstox, refresh_holidays


def test_only_all_day_trading_closures_of_our_exchanges_are_taken() -> None:
    records = [
        {"date": "2026-03-03", "description": "Holi", "holiday_type": "TRADING_HOLIDAY",
         "closed_exchanges": ["NSE", "NFO", "BSE", "MCX"],
         "open_exchanges": [{"exchange": "MCX", "start_time": 1772537400000,
                             "end_time": 1772577000000}]},
        {"date": "2026-02-19", "description": "Chhatrapati Shivaji Maharaj Jayanti",
         "holiday_type": "SETTLEMENT_HOLIDAY", "closed_exchanges": [], "open_exchanges": []},
    ]  # fmt: skip
    rows = holidays_from_upstox(records)
    assert [(r.exchange, r.holiday_date, r.source) for r in rows] == [
        ("NSE", date(2026, 3, 3), "upstox"),
        ("BSE", date(2026, 3, 3), "upstox"),
    ]


def test_refresh_from_the_sandbox_stores_this_years_holidays(
    sandbox_settings, sandbox_login, database
) -> None:
    broker = BrokerService(sandbox_settings, database)
    try:
        written, message = refresh_holidays(broker, database)
    finally:
        broker.close()
    with database.read() as connection:
        stored = holidays_of(connection)
    fetched = [row for row in stored if row.source == "upstox"]
    assert written == len(fetched) > 0 and "holidays from Upstox" in message
    assert {row.exchange for row in fetched} >= {"NSE", "BSE", "MCX"}


def test_a_failed_fetch_keeps_the_bundled_holidays(
    sandbox_settings, sandbox_login, sandbox_process, database
) -> None:
    with database.read() as connection:
        before = holidays_of(connection)
    control = f"{sandbox_process.url}/sandbox/control/faults"
    fault = {"path_prefix": "/v2/market/holidays", "kind": "http_503", "count": 20}
    httpx.post(control, json=fault, timeout=5).raise_for_status()
    broker = BrokerService(sandbox_settings, database)
    try:
        with pytest.raises(ServiceError):
            refresh_holidays(broker, database)
    finally:
        broker.close()
        httpx.delete(control, timeout=5).raise_for_status()
    with database.read() as connection:
        assert holidays_of(connection) == before
    assert len(before) >= 30  # the bundled NSE rows


def test_the_refresh_is_a_daily_scheduled_job() -> None:
    (job,) = [job for job in all_jobs() if job.job_id == "holiday_refresh"]
    assert job.schedule == "daily 07:30 IST"


def test_without_an_upstox_session_the_refresh_is_skipped_not_failed(
    sandbox_settings, database
) -> None:
    broker = BrokerService(sandbox_settings, database)
    try:
        assert refresh_holidays(broker, database) == (
            0,
            "skipped: not logged in to Upstox; the stored and bundled holidays stay",
        )
    finally:
        broker.close()
