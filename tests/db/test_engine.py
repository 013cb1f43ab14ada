"""Connections: SQLite pragmas against 'database is locked', aware UTC timestamps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from scripts.db import Database
from scripts.db.heartbeats import latest_heartbeat, record_heartbeat
from scripts.db.schema import sync_jobs


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("SQLite pragmas apply to SQLite only")
    with database.read() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_timestamps_come_back_aware_in_utc(database: Database) -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    started = datetime(2026, 11, 25, 9, 15, tzinfo=ist)
    with database.transaction() as connection:
        record_heartbeat(connection, "probe", started, {"k": 1})
    with database.read() as connection:
        beat = latest_heartbeat(connection, "probe")
    assert beat is not None and beat.started_at == started
    assert beat.started_at.tzinfo is not None and beat.started_at.utcoffset() == timedelta(0)
    assert beat.details == {"k": 1}


def test_naive_datetime_is_refused(database: Database) -> None:
    with pytest.raises(StatementError):
        with database.transaction() as connection:
            connection.execute(
                sync_jobs.insert().values(
                    job_id="x",
                    name="x",
                    description="",
                    schedule="s",
                    enabled=True,
                    created_at=datetime(2026, 1, 1),
                    updated_at=datetime(2026, 1, 1),
                )
            )


def test_failed_transaction_rolls_back(database: Database) -> None:
    now = datetime.now(timezone.utc)
    with pytest.raises(RuntimeError):
        with database.transaction() as connection:
            connection.execute(
                sync_jobs.insert().values(
                    job_id="rolled",
                    name="x",
                    description="",
                    schedule="s",
                    enabled=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            raise RuntimeError("boom")
    with database.read() as connection:
        assert (
            connection.execute(select(sync_jobs).where(sync_jobs.c.job_id == "rolled")).first()
            is None
        )


def test_ping_reports_an_unreachable_database() -> None:
    broken = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert broken.ping() is False
    assert Database("sqlite:///:memory:").ping() is True
