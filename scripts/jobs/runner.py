"""Run one job and record it: a ``sync_history`` row per run, whatever happens.

A job that raises is recorded as ``failed`` with the error text and never
takes the scheduler down with it.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from scripts.db.jobs import finish_run, start_run
from scripts.jobs.registry import JobSpec
from scripts.services.container import PlatformServices

log = logging.getLogger(__name__)
MAX_MESSAGE = 2000


def run_recorded(
    services: PlatformServices, spec: JobSpec, trigger: str, next_run_at: datetime | None = None
) -> str:
    """Run ``spec`` now; returns the recorded status (``success`` or ``failed``)."""
    with services.database.transaction() as connection:
        run_id = start_run(connection, spec.job_id, trigger)
    started = time.perf_counter()
    status, rows, message = "success", None, None
    try:
        outcome = spec.run(services)
        rows, message = outcome.rows_affected, outcome.message
    except Exception as error:  # noqa: BLE001 - a failing job is recorded, not fatal
        log.exception("job %s failed", spec.job_id)
        status, message = "failed", f"{type(error).__name__}: {error}"
    duration_ms = int((time.perf_counter() - started) * 1000)
    with services.database.transaction() as connection:
        finish_run(
            connection,
            run_id,
            status,
            duration_ms,
            rows,
            (message or "")[:MAX_MESSAGE] or None,
            next_run_at,
        )
    log.info("job %s %s in %d ms (rows=%s)", spec.job_id, status, duration_ms, rows)
    return status
