"""Fixtures for candle backfill tests: a sandbox that keeps the real NSE calendar.

The session's shared sandbox runs ``--always-open`` (every day one 24-hour session), which
would make "candles equal the calendar's sessions" meaningless; this one is switched back to
weekday 09:15-15:30 sessions minus the holidays. Import the fixtures into a test module.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from scripts.clock import IST
from scripts.config.settings import Settings, load_settings
from scripts.db import Database
from scripts.services.container import PlatformServices
from scripts.services.trading_calendar import TradingCalendar
from tests.conftest import SandboxProcess
from tests.sandbox_session import log_in

RELIANCE = "NSE_EQ|INE002A01018"


@pytest.fixture(scope="module")
def calendar_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    server = SandboxProcess(tmp_path_factory.mktemp("sandbox") / "sandbox.log").wait_ready()
    answer = httpx.post(
        f"{server.url}/sandbox/control/always-open", json={"enabled": False}, timeout=30
    )
    assert answer.status_code == 200 and answer.json()["data"]["always_open"] is False
    yield server
    server.stop()


@pytest.fixture
def candle_settings(
    project_root: Any, settings_env: dict[str, str], calendar_sandbox: SandboxProcess
) -> Settings:
    return load_settings(
        environ={**settings_env, "UPSTOX_SANDBOX_URL": calendar_sandbox.url},
        project_root=project_root,
    )


@pytest.fixture
def candle_api(candle_settings: Settings, database: Database) -> Iterator[Any]:
    """The real app against the calendar sandbox, logged in, with the instrument list loaded."""
    from scripts.api.app import create_app

    app = create_app(candle_settings, database)
    client = app.test_client()
    client.environ_base["HTTP_X_API_KEY"] = candle_settings.api_key
    log_in(client)
    platform(client).instruments.sync()
    yield client
    httpx.delete(f"{candle_settings.sandbox_url}/sandbox/control/faults", timeout=10)
    platform(client).close()


def platform(client: Any) -> PlatformServices:
    services: PlatformServices = client.application.extensions["upstox_platform"]
    return services


def today_ist() -> date:
    return datetime.now(IST).date()


def last_full_week() -> tuple[date, date]:
    """Monday and Friday of the last week that ended before today."""
    today = today_ist()
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=4)


def session_days(calendar: TradingCalendar, start: date, end: date) -> list[date]:
    days = []
    day = start
    while day <= end:
        if calendar.trading_day("NSE", day).opens():
            days.append(day)
        day += timedelta(days=1)
    return days


def session_minutes(calendar: TradingCalendar, start: date, end: date) -> int:
    total = 0
    for day in session_days(calendar, start, end):
        for window in calendar.trading_day("NSE", day).windows:
            if window.kind in ("normal", "special"):
                opened = datetime.combine(day, window.start)
                total += int((datetime.combine(day, window.end) - opened).total_seconds() // 60)
    return total
