"""Exactly one scheduler per database: a second start refuses, a kill -9 does not block forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.db.heartbeats import latest_heartbeat
from scripts.db.instance_lock import AlreadyRunning, SchedulerLock

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_lock_on_the_same_database_is_refused_until_the_first_is_released(
    database,
) -> None:
    first = SchedulerLock(database)
    first.acquire()
    try:
        with pytest.raises(
            AlreadyRunning, match=rf"scheduler already running \(pid {os.getpid()} since "
        ):
            SchedulerLock(database).acquire()
    finally:
        first.release()
    again = SchedulerLock(database)
    again.acquire()  # released: free again
    again.release()


def _start(settings_env: dict[str, str], *command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env={**os.environ, **settings_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_heartbeat_of(database, pid: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        with database.read() as connection:
            beat = latest_heartbeat(connection, "scheduler")
        if beat is not None and beat.pid == pid:
            return
        time.sleep(0.2)
    raise AssertionError(f"scheduler pid {pid} never beat")


def test_second_scheduler_process_exits_saying_who_runs_and_kill_9_frees_the_lock(
    settings_env, database
) -> None:
    first = _start(settings_env, "scripts/scheduler_service.py")
    try:
        _wait_for_heartbeat_of(database, first.pid, first)
        second = subprocess.run(
            [sys.executable, "-m", "scripts.jobs.scheduler_service"],
            cwd=ROOT,
            env={**os.environ, **settings_env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 3
        assert f"scheduler already running (pid {first.pid} since " in second.stderr
    finally:
        first.send_signal(signal.SIGKILL)  # no clean shutdown: the lock must still go
        first.communicate(timeout=30)
    third = _start(settings_env, "scripts/scheduler_service.py")
    try:
        _wait_for_heartbeat_of(database, third.pid, third)
    finally:
        third.send_signal(signal.SIGTERM)
        third.communicate(timeout=60)
    assert third.returncode == 0
