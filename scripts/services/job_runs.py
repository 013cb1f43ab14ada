"""Scheduled jobs and their recorded runs, for the dashboard and ``/api/system/jobs``."""

from __future__ import annotations

from scripts.db import Database
from scripts.db.jobs import JobRecord, JobRun, job_history, list_jobs
from scripts.services.errors import NotFound


class JobRunsService:
    def __init__(self, database: Database) -> None:
        self._database = database

    def jobs(self) -> list[JobRecord]:
        """Every scheduled job with its schedule, next run and last outcome."""
        with self._database.read() as connection:
            return list_jobs(connection)

    def history(self, job_id: str, limit: int) -> list[JobRun]:
        """The newest ``limit`` runs of one job; an unknown job is a 404 that says where to look."""
        with self._database.read() as connection:
            if job_id not in {record.job_id for record in list_jobs(connection)}:
                raise NotFound(f"No job {job_id!r}; GET /api/system/jobs lists them.", "job_id")
            return job_history(connection, job_id, limit)
