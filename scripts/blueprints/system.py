"""System state for the dashboard: the database report and the scheduled jobs."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.envelope import success

blueprint = APIBlueprint(
    "system",
    __name__,
    url_prefix="/api/system",
    abp_tags=[Tag(name="System")],
    abp_security=[{"ApiKey": []}],
)


class DatabaseResponse(BaseModel):
    status: str
    data: dict[str, Any]


class JobPath(BaseModel):
    job_id: str = Field(min_length=1, max_length=64)


class HistoryQuery(BaseModel):
    limit: int = Field(default=50, ge=1, le=500)


@blueprint.get("/database", responses={200: DatabaseResponse})
def database():  # type: ignore[no-untyped-def]
    """Schema revision, dialect, file size and row count per table."""
    return success(services().health.database())


@blueprint.get("/jobs")
def jobs():  # type: ignore[no-untyped-def]
    """Every scheduled job with its schedule, next run, last status and success count."""
    return success([_jsonable(record.__dict__) for record in services().job_runs.jobs()])


@blueprint.get("/jobs/<job_id>/history")
def history(path: JobPath, query: HistoryQuery):  # type: ignore[no-untyped-def]
    """The newest runs of one job: status, duration, rows, message."""
    runs = services().job_runs.history(path.job_id, query.limit)
    return success([_jsonable(run.__dict__) for run in runs])


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
