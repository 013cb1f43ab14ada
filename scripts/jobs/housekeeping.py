"""The platform's own upkeep jobs: backup, weekly maintenance, token watch, daily summary.

Each is a plain function of the scheduler's services (plus an injectable
clock), so it runs in the scheduler, from ``python -m scripts.jobs.run_job``,
or from a test alike.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from scripts.clock import IST, utc_now
from scripts.db.backup import BackupUnavailable, backup_database
from scripts.db.candle_backfill import backfilled_series
from scripts.db.instruments import latest_load
from scripts.db.jobs import list_jobs, runs_since
from scripts.db.maintenance import vacuum_and_check
from scripts.jobs.spec import JobOutcome, JobSkipped
from scripts.services.container import PlatformServices
from scripts.services.trading_calendar import CalendarNotCovered

log = logging.getLogger(__name__)
# Warn this long before the daily token dies (03:30 IST): time to log in before it matters.
TOKEN_WARN_MINUTES = 60
Clock = Callable[[], datetime]


def backup(services: PlatformServices) -> JobOutcome:
    """Back up the database into BACKUP_DIR (see :mod:`scripts.db.backup`)."""
    try:
        result = backup_database(services.database, services.settings.backup_dir)
    except BackupUnavailable as unavailable:
        raise JobSkipped(str(unavailable)) from unavailable
    return JobOutcome(rows_affected=None, message=result.message())


def weekly_maintenance(services: PlatformServices) -> JobOutcome:
    """Integrity check, VACUUM and ANALYZE; a failed integrity check fails the run."""
    return JobOutcome(message=vacuum_and_check(services.database))


def _ist(moment: datetime) -> str:
    return moment.astimezone(IST).strftime("%d %b %H:%M IST")


def _trading_day(services: PlatformServices, moment: datetime) -> bool:
    try:
        day = services.trading_calendar.calendar().trading_day("NSE", moment.astimezone(IST).date())
    except CalendarNotCovered:
        return True  # unknown: assume it matters rather than stay quiet
    return day.kind == "trading" or bool(day.windows)


def watch_token(services: PlatformServices, now: Clock = utc_now) -> JobOutcome:
    """Warn (log WARNING, "warning:" message) when the Upstox token is about to expire, or
    is already gone on a trading day, when jobs and pages need it."""
    moment = now()
    state = services.broker.vault.state()
    if state.state == "active" and state.expires_at is not None:
        left = state.expires_at - moment
        minutes = int(left.total_seconds() // 60)
        if left <= timedelta(minutes=TOKEN_WARN_MINUTES):
            text = (
                f"the Upstox token expires in {minutes} min ({_ist(state.expires_at)}); "
                "log in again afterwards (./authenticate.sh)"
            )
            log.warning("%s", text)
            return JobOutcome(message=f"warning: {text}")
        return JobOutcome(
            message=f"token valid until {_ist(state.expires_at)} "
            f"({minutes // 60} h {minutes % 60} min left)"
        )
    why = f"{state.state}: {state.reason}" if state.reason else state.state
    if not _trading_day(services, moment):
        return JobOutcome(message=f"no active Upstox session ({why}); not a trading day")
    text = f"no active Upstox session ({why}) on a trading day; log in with ./authenticate.sh"
    log.warning("%s", text)
    return JobOutcome(message=f"warning: {text}")


def daily_summary(services: PlatformServices, now: Clock = utc_now) -> JobOutcome:
    """What ran in the last 24 hours, what failed or keeps failing, and how fresh the data is."""
    moment = now()
    with services.database.read() as connection:
        runs = [
            run
            for run in runs_since(connection, moment - timedelta(hours=24))
            if run.status != "running"  # this very run, or one still going: not an outcome yet
        ]
        alerts = [job.job_id for job in list_jobs(connection) if job.alert]
        load = latest_load(connection, "success")
        series = backfilled_series(connection)
    statuses = Counter(run.status for run in runs)
    failed = sorted({run.job_id for run in runs if run.status == "failed"})
    parts = [
        f"last 24 h: {len(runs)} runs ({statuses['success']} ok, {statuses['failed']} failed, "
        f"{statuses['skipped']} skipped)"
    ]
    if failed:
        parts.append("failed: " + ", ".join(failed))
    if alerts:
        parts.append("keeps failing: " + ", ".join(alerts))
    parts.append(
        f"instruments loaded {_ist(load.finished_at)}" if load else "instruments never loaded"
    )
    synced = [state.synced_at for state in series if state.synced_at is not None]
    parts.append(
        f"candles: {len(series)} series, newest sync {_ist(max(synced))}"
        if synced
        else f"candles: {len(series)} series, none synced yet"
    )
    return JobOutcome(rows_affected=len(runs), message="; ".join(parts))
