"""``GET /api/health``: version, mode, database, scheduler heartbeat and broker connection."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from scripts.api_schemas.auth import SessionStatus
from scripts.api_schemas.feed import FeedHealth


class DatabaseHealth(BaseModel):
    ok: bool
    dialect: str
    url: str = Field(description="Without the password")
    schema_revision: str | None = None
    schema_head: str | None = None
    up_to_date: bool | None = None
    size_bytes: int | None = Field(default=None, description="SQLite only")
    detail: str | None = Field(default=None, description="What is wrong, if anything")


class ScheduledJob(BaseModel):
    job_id: str
    next_run_at: datetime | None = None


class SchedulerHealth(BaseModel):
    """Alive if its heartbeat is younger than three beat intervals."""

    ok: bool
    state: Literal["running", "stale", "never", "unknown"]
    detail: str | None = None
    last_heartbeat_at: datetime | None = None
    age_seconds: float | None = None
    pid: int | None = None
    started_at: datetime | None = None
    jobs: list[ScheduledJob] = []


class BrokerHealth(BaseModel):
    ok: bool
    mode: str | None = None
    host: str | None = None
    reachable: bool = False
    http_status: int | None = None
    latency_ms: float | None = None
    detail: str | None = None
    token: SessionStatus | None = None
    feed: FeedHealth | None = None


class PlatformHealth(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    mode: str
    mode_label: str
    time: datetime
    database: DatabaseHealth
    scheduler: SchedulerHealth
    broker: BrokerHealth
