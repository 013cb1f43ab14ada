"""Run one job and record it: a ``sync_history`` row per run, whatever happens.

A job that raises is recorded as ``failed`` with the error text and never
takes the scheduler down with it. The runner also owns what every job shares:
skipping a market-hours job while its exchange is closed (recorded as
``skipped`` with the reason), retrying a retry-safe job with backoff, the
job's run/success/failure counters, the "keeps failing" notice, and the
progress a long job reports while it runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from scripts.clock import IST, utc_now
from scripts.db.jobs import finish_run, set_alert, set_progress, start_run
from scripts.jobs.progress import progress_reporting
from scripts.jobs.spec import JobOutcome, JobSkipped, JobSpec
from scripts.services.container import PlatformServices
from scripts.services.trading_calendar import CalendarNotCovered

log = logging.getLogger(__name__)
MAX_MESSAGE = 2000
# This many failed runs in a row (retries included) and the job is flagged as "keeps failing":
# one failure is often a network blip, three in a row needs a person.
KEEPS_FAILING_AFTER = 3


def run_recorded(
    services: PlatformServices,
    spec: JobSpec,
    trigger: str,
    next_run_at: datetime | None = None,
    *,
    now: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Run ``spec`` now (retrying when it is retry-safe); returns the last recorded status.

    ``now`` and ``sleep`` are the clock and the wait between retries, injected by tests.
    """

    def first_attempt() -> JobOutcome:
        # Inside the recorded run: a calendar that cannot be read fails the run, not the thread.
        reason = market_closed_reason(services, spec, now())
        if reason is not None:
            raise JobSkipped(reason)
        return spec.run(services)

    def retry() -> JobOutcome:
        return spec.run(services)  # the session was open a moment ago: no second check

    attempt = 0
    work: Callable[[], JobOutcome] = first_attempt
    while True:
        status = _record(services, spec, trigger, next_run_at, work)
        work = retry
        if status != "failed" or not spec.retry_safe or attempt >= spec.retries:
            return status
        delay = spec.retry_backoff_seconds * 2**attempt
        attempt += 1
        log.info(
            "job %s failed; retry %d of %d in %.0f s", spec.job_id, attempt, spec.retries, delay
        )
        sleep(delay)
        trigger = "retry"


def market_closed_reason(services: PlatformServices, spec: JobSpec, moment: datetime) -> str | None:
    """Why a market-hours job must not run at ``moment`` (None when one of its exchanges
    trades now)."""
    if not spec.market_hours_only:
        return None
    calendar = services.trading_calendar.calendar()
    local = moment.astimezone(IST)
    when = local.strftime("%a %d %b %Y %H:%M IST")
    reasons = []
    for exchange in spec.exchanges:
        try:
            day = calendar.trading_day(exchange, local.date())
        except CalendarNotCovered as error:
            reasons.append(str(error))
            continue
        if day.window_at(moment) is not None:
            return None
        if day.kind == "holiday" and day.holiday is not None:
            reasons.append(f"{exchange} holiday ({day.holiday.description})")
        elif day.kind == "weekend":
            reasons.append(f"{exchange} closed at the weekend")
        else:
            reasons.append(f"outside {exchange} trading hours")
    return f"skipped on {when}: " + "; ".join(reasons)


def _record(
    services: PlatformServices,
    spec: JobSpec,
    trigger: str,
    next_run_at: datetime | None,
    work: Callable[[], JobOutcome],
) -> str:
    with services.database.transaction() as connection:
        run_id = start_run(connection, spec.job_id, trigger)

    def write_progress(done: int, total: int | None) -> None:
        with services.database.transaction() as connection:
            set_progress(connection, run_id, done, total)

    started = time.perf_counter()
    status, rows, message = "success", None, None
    try:
        with progress_reporting(write_progress):
            outcome = work()
        rows, message = outcome.rows_affected, outcome.message
    except JobSkipped as skipped:
        status, message = "skipped", str(skipped)
    except Exception as error:  # noqa: BLE001 - a failing job is recorded, not fatal
        log.exception("job %s failed", spec.job_id)
        status, message = "failed", f"{type(error).__name__}: {error}"
    duration_ms = int((time.perf_counter() - started) * 1000)
    message = (message or "")[:MAX_MESSAGE] or None
    with services.database.transaction() as connection:
        failures = finish_run(connection, run_id, status, duration_ms, rows, message, next_run_at)
        if status == "failed" and failures >= KEEPS_FAILING_AFTER:
            alert = f"keeps failing: {failures} failed runs in a row; last: {message}"
            set_alert(connection, spec.job_id, alert[:MAX_MESSAGE])
            log.warning("job %s %s", spec.job_id, alert)
    log.info("job %s %s in %d ms (rows=%s)", spec.job_id, status, duration_ms, rows)
    return status
