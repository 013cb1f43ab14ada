"""A backfill survives ``kill -9`` of the scheduler: the real scheduler process runs it against
the sandbox (slowed by its latency fault), is killed mid-task, restarts and resumes from the
checkpoint; the stored candles then equal a clean fetch, with none missing or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from dotenv import dotenv_values

from scripts.config.settings import PROJECT_ROOT, Settings
from scripts.db.candle_backfill import BackfillTask, task_by_id
from scripts.db.candles import series_candles
from scripts.services.candle_intervals import INTERVALS, candle_row, chunks
from tests.candle_fixtures import (
    RELIANCE,
    last_full_week,
    platform,
    session_minutes,
)


@pytest.fixture
def scheduler_env(project_root: Path, settings_env: dict[str, str], candle_settings: Settings):
    """The test project's secrets and settings, as the launcher would give the scheduler."""
    secrets = {k: v for k, v in dotenv_values(project_root / ".env").items() if v is not None}
    env = {k: v for k, v in os.environ.items() if k not in secrets and k != "DATABASE_URL"}
    return {**env, **secrets, **settings_env, "UPSTOX_SANDBOX_URL": candle_settings.sandbox_url}


@pytest.fixture
def start_scheduler(scheduler_env, project_root: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = (project_root / f"scheduler-{len(started)}.out").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "scripts.jobs.scheduler_service"],
            cwd=PROJECT_ROOT,
            env=scheduler_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def wait_for(
    read: Callable[[], BackfillTask], done: Callable[[BackfillTask], bool]
) -> BackfillTask:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        task = read()
        if done(task):
            return task
        time.sleep(0.2)
    raise AssertionError(f"the task did not get there in time: {read()}")


def test_a_backfill_resumes_after_kill_9_of_the_scheduler_with_nothing_missing_or_doubled(
    candle_api, candle_settings: Settings, start_scheduler
) -> None:
    services = platform(candle_api)
    _, friday = last_full_week()
    start = (friday.replace(day=1) - timedelta(days=40)).replace(day=1)  # 3 month chunks
    queued = services.candle_backfill.request(
        "RELIANCE", "1m", start.isoformat(), friday.isoformat()
    )
    assert queued["chunks_total"] == 3
    # Every candle request takes 2 s more, so the kill lands while the task is running.
    armed = httpx.post(
        f"{candle_settings.sandbox_url}/sandbox/control/faults",
        json={
            "path_prefix": "/v3/historical-candle/",
            "kind": "latency",
            "latency_ms": 2000,
            "count": 50,
        },
        timeout=10,
    )
    assert armed.status_code == 200

    def read() -> BackfillTask:
        with services.database.read() as connection:
            task = task_by_id(connection, queued["task_id"])
        assert task is not None
        return task

    first = start_scheduler()
    wait_for(read, lambda task: task.chunks_done >= 1)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    interrupted = read()
    assert interrupted.state == "running" and 1 <= interrupted.chunks_done < 3
    assert interrupted.next_from is not None and interrupted.next_from > start

    second = start_scheduler()
    finished = wait_for(read, lambda task: task.state in ("done", "failed"))
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=30)
    httpx.delete(f"{candle_settings.sandbox_url}/sandbox/control/faults", timeout=10)

    assert finished.state == "done", finished.error
    assert finished.chunks_done == 3
    rule = INTERVALS["1m"]
    clean = [
        candle_row(RELIANCE, rule, candle)
        for piece_start, piece_end in chunks(rule, start, friday)
        for candle in services.broker.client.historical_candles(
            RELIANCE, "minutes", 1, piece_end, piece_start
        )
    ]
    with services.database.read() as connection:
        stored = series_candles(connection, RELIANCE, "1m")
    assert stored == clean
    assert len(stored) == finished.rows_written
    assert len(stored) == session_minutes(services.trading_calendar.calendar(), start, friday)
