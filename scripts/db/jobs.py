"""Scheduled jobs and their runs: ``sync_jobs`` is the registry, ``sync_history`` the log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from scripts.clock import utc_now
from scripts.db.engine import inserted_id
from scripts.db.schema import sync_history, sync_jobs
from scripts.db.upsert import upsert_rows


@dataclass(frozen=True)
class JobRecord:
    job_id: str
    name: str
    description: str
    schedule: str
    enabled: bool
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_status: str | None
    runs: int
    successes: int
    failures: int = 0
    consecutive_failures: int = 0
    alert: str | None = None  # "keeps failing: ..." until the job next succeeds


@dataclass(frozen=True)
class JobRun:
    id: int
    job_id: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    rows_affected: int | None
    message: str | None
    progress_done: int | None = None  # rows done of progress_total, while it runs
    progress_total: int | None = None


def register_job(
    connection: Connection,
    job_id: str,
    name: str,
    description: str,
    schedule: str,
    next_run_at: datetime | None,
) -> None:
    """Create or refresh a job's registry row; keeps its run statistics and enabled flag."""
    now = utc_now()
    exists = connection.execute(
        select(sync_jobs.c.job_id).where(sync_jobs.c.job_id == job_id)
    ).first()
    if exists:
        connection.execute(
            update(sync_jobs)
            .where(sync_jobs.c.job_id == job_id)
            .values(
                name=name,
                description=description,
                schedule=schedule,
                next_run_at=next_run_at,
                updated_at=now,
            )
        )
        return
    upsert_rows(
        connection,
        sync_jobs,
        [
            {
                "job_id": job_id,
                "name": name,
                "description": description,
                "schedule": schedule,
                "enabled": True,
                "next_run_at": next_run_at,
                "created_at": now,
                "updated_at": now,
            }
        ],
        ["job_id"],
    )


def start_run(connection: Connection, job_id: str, trigger: str) -> int:
    result = connection.execute(
        sync_history.insert().values(
            job_id=job_id, trigger=trigger, status="running", started_at=utc_now()
        )
    )
    return inserted_id(result)


def finish_run(
    connection: Connection,
    run_id: int,
    status: str,
    duration_ms: int,
    rows_affected: int | None,
    message: str | None,
    next_run_at: datetime | None,
) -> int:
    """Close a run and update its job's counters; returns the job's consecutive failures.

    A ``skipped`` run (market closed, not applicable) is history, not a run: it
    changes neither the counts nor the failure streak.
    """
    finished = utc_now()
    job_id = connection.execute(
        select(sync_history.c.job_id).where(sync_history.c.id == run_id)
    ).scalar_one()
    connection.execute(
        update(sync_history)
        .where(sync_history.c.id == run_id)
        .values(
            status=status,
            finished_at=finished,
            duration_ms=duration_ms,
            rows_affected=rows_affected,
            message=message,
        )
    )
    values: dict[str, Any] = {
        "last_run_at": finished,
        "last_status": status,
        "next_run_at": next_run_at,
    }
    if status == "success":
        values.update(
            run_count=sync_jobs.c.run_count + 1,
            success_count=sync_jobs.c.success_count + 1,
            consecutive_failures=0,
            alert=None,
        )
    elif status == "failed":
        values.update(
            run_count=sync_jobs.c.run_count + 1,
            failure_count=sync_jobs.c.failure_count + 1,
            consecutive_failures=sync_jobs.c.consecutive_failures + 1,
        )
    connection.execute(update(sync_jobs).where(sync_jobs.c.job_id == job_id).values(**values))
    return int(
        connection.execute(
            select(sync_jobs.c.consecutive_failures).where(sync_jobs.c.job_id == job_id)
        ).scalar_one()
    )


def set_alert(connection: Connection, job_id: str, alert: str | None) -> None:
    """Record (or clear) the notice the Jobs page shows for a job that keeps failing."""
    connection.execute(update(sync_jobs).where(sync_jobs.c.job_id == job_id).values(alert=alert))


def set_progress(connection: Connection, run_id: int, done: int, total: int | None) -> None:
    """Store a running job's progress on its ``sync_history`` row, for the API to show."""
    connection.execute(
        update(sync_history)
        .where(sync_history.c.id == run_id)
        .values(progress_done=done, progress_total=total)
    )


def runs_since(connection: Connection, since: datetime) -> list[JobRun]:
    """Every run that started at or after ``since``, oldest first (the daily summary reads it)."""
    rows = connection.execute(
        select(sync_history)
        .where(sync_history.c.started_at >= since)
        .order_by(sync_history.c.started_at, sync_history.c.id)
    )
    return [JobRun(**row._mapping) for row in rows]


def list_jobs(connection: Connection) -> list[JobRecord]:
    rows = connection.execute(select(sync_jobs).order_by(sync_jobs.c.job_id))
    return [
        JobRecord(
            job_id=r.job_id,
            name=r.name,
            description=r.description,
            schedule=r.schedule,
            enabled=r.enabled,
            next_run_at=r.next_run_at,
            last_run_at=r.last_run_at,
            last_status=r.last_status,
            runs=int(r.run_count),
            successes=int(r.success_count),
            failures=int(r.failure_count),
            consecutive_failures=int(r.consecutive_failures),
            alert=r.alert,
        )
        for r in rows
    ]


def job_history(connection: Connection, job_id: str, limit: int = 50) -> list[JobRun]:
    rows = connection.execute(
        select(sync_history)
        .where(sync_history.c.job_id == job_id)
        .order_by(sync_history.c.started_at.desc(), sync_history.c.id.desc())
        .limit(limit)
    )
    return [JobRun(**row._mapping) for row in rows]
