"""System state: the database report and the scheduled jobs with their runs."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from scripts.api_schemas.health import DatabaseHealth


class TableRows(BaseModel):
    table: str
    rows: int


class DatabaseReport(DatabaseHealth):
    tables: list[TableRows] | None = Field(
        default=None, description="Only when the schema is up to date"
    )


class JobSummary(BaseModel):
    job_id: str
    name: str
    description: str
    schedule: str
    enabled: bool
    next_run_at: datetime | None = None
    last_run_at: datetime | None = None
    last_status: str | None = None
    runs: int
    successes: int
    failures: int = 0
    consecutive_failures: int = 0
    alert: str | None = None  # "keeps failing: ..." until the job next succeeds


class JobRun(BaseModel):
    id: int
    job_id: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: int | None = None
    rows_affected: int | None = None
    message: str | None = None
    progress_done: int | None = None  # while running: rows done of progress_total
    progress_total: int | None = None
