"""System state for the dashboard: the database report and the scheduled jobs."""

from __future__ import annotations

import dataclasses

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.contract import Answer, KEY_ERRORS, answer, documented
from scripts.api_schemas.system import DatabaseReport, JobRun, JobSummary

blueprint = APIBlueprint(
    "system",
    __name__,
    url_prefix="/api/system",
    abp_tags=[Tag(name="System")],
    abp_security=[{"ApiKey": []}],
)


class JobPath(BaseModel):
    job_id: str = Field(min_length=1, max_length=64)


class HistoryQuery(BaseModel):
    limit: int = Field(default=50, ge=1, le=500)


@blueprint.get("/database", responses=documented(DatabaseReport, *KEY_ERRORS))
def database() -> Answer:
    """Schema revision, dialect, file size and row count per table."""
    return answer(DatabaseReport, services().health.database())


@blueprint.get("/jobs", responses=documented(list[JobSummary], *KEY_ERRORS))
def jobs() -> Answer:
    """Every scheduled job with its schedule, next run, last status and success count."""
    records = services().job_runs.jobs()
    return answer(list[JobSummary], [dataclasses.asdict(record) for record in records])


@blueprint.get("/jobs/<job_id>/history", responses=documented(list[JobRun], *KEY_ERRORS, 404, 422))
def history(path: JobPath, query: HistoryQuery) -> Answer:
    """The newest runs of one job: status, duration, rows, message."""
    runs = services().job_runs.history(path.job_id, query.limit)
    return answer(list[JobRun], [dataclasses.asdict(run) for run in runs])
