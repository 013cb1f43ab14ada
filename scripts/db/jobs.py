"""Scheduled jobs and their runs: ``sync_jobs`` is the registry, ``sync_history`` the log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select, update

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
) -> None:
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
    connection.execute(
        update(sync_jobs)
        .where(sync_jobs.c.job_id == job_id)
        .values(last_run_at=finished, last_status=status, next_run_at=next_run_at)
    )


def list_jobs(connection: Connection) -> list[JobRecord]:
    runs = (
        select(sync_history.c.job_id, func.count().label("runs"))
        .group_by(sync_history.c.job_id)
        .subquery()
    )
    successes = (
        select(sync_history.c.job_id, func.count().label("successes"))
        .where(sync_history.c.status == "success")
        .group_by(sync_history.c.job_id)
        .subquery()
    )
    rows = connection.execute(
        select(
            sync_jobs,
            func.coalesce(runs.c.runs, 0).label("runs"),
            func.coalesce(successes.c.successes, 0).label("successes"),
        )
        .select_from(
            sync_jobs.outerjoin(runs, runs.c.job_id == sync_jobs.c.job_id).outerjoin(
                successes, successes.c.job_id == sync_jobs.c.job_id
            )
        )
        .order_by(sync_jobs.c.job_id)
    )
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
            runs=int(r.runs),
            successes=int(r.successes),
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
