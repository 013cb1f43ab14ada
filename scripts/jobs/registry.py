"""What a scheduled job is, and the list of jobs the scheduler runs.

A capability adds a job by adding a ``JobSpec`` to :func:`all_jobs`; the
scheduler service registers it in ``sync_jobs``, schedules it, and records
every run in ``sync_history`` through :mod:`scripts.jobs.runner`.
"""

from __future__ import annotations

from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scripts.clock import IST, utc_now
from scripts.db.backup import BACKUP_KEEP
from scripts.db.maintenance import delete_history_before, optimize
from scripts.jobs import housekeeping
from scripts.jobs.housekeeping import TOKEN_WARN_MINUTES
from scripts.jobs.spec import DAILY_MISFIRE_GRACE_SECONDS, JobOutcome, JobSkipped, JobSpec
from scripts.services.container import PlatformServices
from scripts.services.holiday_refresh import refresh_holidays

__all__ = ["JobOutcome", "JobSkipped", "JobSpec", "all_jobs"]

# Job runs are kept this long: enough to see a quarter's pattern, small enough to stay fast.
HISTORY_RETENTION_DAYS = 90


def sync_instruments(services: PlatformServices) -> JobOutcome:
    """Load today's instrument file unless it is stored already (see the service)."""
    outcome = services.instruments.sync_unless_loaded_today()
    if outcome is None:
        return JobOutcome(rows_affected=0, message="today's instrument file is already loaded")
    return JobOutcome(rows_affected=outcome.rows, message=outcome.message)


def all_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            job_id="upstox_session_check",
            name="Upstox session check",
            description="Checks the stored Upstox token still works; a refused token is "
            "marked expired everywhere.",
            schedule="at start, then every 5 minutes",
            trigger=lambda: IntervalTrigger(minutes=5, timezone=IST),
            run=lambda services: JobOutcome(message=services.broker.check_session()),
            run_at_start=True,
        ),
        JobSpec(
            job_id="instrument_sync",
            name="Instrument list",
            description="Downloads Upstox's instrument file and replaces the instrument list; "
            "a broken or much smaller file keeps the previous list.",
            schedule="at start if not loaded today, then daily 06:30 IST",
            # Upstox publishes the BOD files early in the morning; 06:30 is well before 09:00.
            trigger=lambda: CronTrigger(hour=6, minute=30, timezone=IST),
            run=sync_instruments,
            run_at_start=True,
        ),
        JobSpec(
            job_id="db_backup",
            name="Database backup",
            description="Copies the database into BACKUP_DIR (SQLite online backup, checked "
            "with integrity_check; PostgreSQL with pg_dump when installed) and keeps the "
            f"newest {BACKUP_KEEP}.",
            schedule="daily 02:00 IST",
            # The quietest hour: no market, no user; before maintenance rewrites the file.
            trigger=lambda: CronTrigger(hour=2, minute=0, timezone=IST),
            run=housekeeping.backup,
            retry_safe=True,  # a new file each time; a failed copy leaves nothing behind
            misfire_grace_seconds=DAILY_MISFIRE_GRACE_SECONDS,
        ),
        JobSpec(
            job_id="db_maintenance",
            name="Database maintenance",
            description="Checkpoints the SQLite WAL and refreshes query-planner statistics.",
            schedule="daily 02:30 IST",
            # After the 02:00 backup, so the two never hold the database at once.
            trigger=lambda: CronTrigger(hour=2, minute=30, timezone=IST),
            run=lambda services: JobOutcome(message=optimize(services.database)),
            misfire_grace_seconds=DAILY_MISFIRE_GRACE_SECONDS,
        ),
        JobSpec(
            job_id="db_maintenance_weekly",
            name="Database weekly maintenance",
            description="Integrity check, VACUUM and ANALYZE; a damaged database fails the run.",
            schedule="Sundays 03:00 IST",
            # Sunday night: no session for a day and a half if VACUUM holds the file a while.
            trigger=lambda: CronTrigger(day_of_week="sun", hour=3, minute=0, timezone=IST),
            run=housekeeping.weekly_maintenance,
            misfire_grace_seconds=DAILY_MISFIRE_GRACE_SECONDS,
        ),
        JobSpec(
            job_id="token_expiry_watch",
            name="Upstox token expiry watch",
            description=f"Warns when the Upstox token expires within {TOKEN_WARN_MINUTES} "
            "minutes, or is missing or expired on a trading day.",
            schedule="every 15 minutes",
            trigger=lambda: IntervalTrigger(minutes=15, timezone=IST),
            run=lambda services: housekeeping.watch_token(services),
        ),
        JobSpec(
            job_id="daily_summary",
            name="Daily summary",
            description="Records what ran in the last 24 hours, what failed or keeps failing, "
            "and how fresh instruments and candles are.",
            schedule="daily 16:00 IST",
            trigger=lambda: CronTrigger(hour=16, minute=0, timezone=IST),
            run=lambda services: housekeeping.daily_summary(services),
            misfire_grace_seconds=DAILY_MISFIRE_GRACE_SECONDS,
        ),
        JobSpec(
            job_id="history_cleanup",
            name="Job history cleanup",
            description=f"Deletes job-run history older than {HISTORY_RETENTION_DAYS} days.",
            schedule="daily 02:15 IST",
            trigger=lambda: CronTrigger(hour=2, minute=15, timezone=IST),
            run=lambda services: JobOutcome(
                rows_affected=delete_history_before(
                    services.database, utc_now() - timedelta(days=HISTORY_RETENTION_DAYS)
                )
            ),
        ),
        JobSpec(
            job_id="candle_sync_intraday",
            name="Candles: intraday sync",
            description="Adds today's finished minute and hour candles of every backfilled "
            "series from Upstox's intraday endpoint while its market trades; skips when closed.",
            schedule="every 5 minutes (works only while the market is open)",
            trigger=lambda: IntervalTrigger(minutes=5, timezone=IST),
            run=lambda services: _candle_outcome(services.candle_sync.sync_intraday()),
            # Recorded as skipped (with why) when none of the three trades; the service
            # still picks the series whose own exchange is open.
            market_hours_only=True,
            exchanges=("NSE", "BSE", "MCX"),
        ),
        JobSpec(
            job_id="candle_sync_eod",
            name="Candles: end-of-day sync",
            description="Fetches every candle missing since the newest stored one of each "
            "backfilled series (all intervals), after the close.",
            schedule="daily 16:00 IST",
            # NSE/BSE close at 15:30 and the closing session ends at 16:00 (NSE_DATA.md §2).
            trigger=lambda: CronTrigger(hour=16, minute=0, timezone=IST),
            run=lambda services: _candle_outcome(services.candle_sync.sync_end_of_day()),
        ),
        JobSpec(
            job_id="holiday_refresh",
            name="Trading holidays refresh",
            description="Fetches this year's NSE, BSE and MCX holidays from Upstox into the "
            "trading calendar; a failed fetch keeps the stored and bundled holidays.",
            schedule="daily 07:30 IST",
            trigger=lambda: CronTrigger(hour=7, minute=30, timezone=IST),
            run=lambda services: _holiday_outcome(services),
        ),
        JobSpec(
            job_id="nse_index_update",
            name="NSE index membership",
            description="Downloads the constituent files of the tracked NSE indices; a file "
            "that fails validation keeps the stored members and records why per index.",
            schedule="daily 23:30 IST",
            # Late evening: NSE Indices posts changes after the close; paced at one request
            # per 6 s per host (docs/NSE_DATA.md §1.3), the ~27 files take a few minutes.
            trigger=lambda: CronTrigger(hour=23, minute=30, timezone=IST),
            run=_nse_index_outcome,
        ),
    ]


def _candle_outcome(result: tuple[int, str]) -> JobOutcome:
    return JobOutcome(rows_affected=result[0], message=result[1])


def _holiday_outcome(services: PlatformServices) -> JobOutcome:
    written, message = refresh_holidays(services.broker, services.database)
    return JobOutcome(rows_affected=written, message=message)


def _nse_index_outcome(services: PlatformServices) -> JobOutcome:
    """Accepted rows and one line per refused index (the job fails only if none was accepted)."""
    results = services.nse_indices.refresh()
    accepted = [r for r in results if r.accepted]
    refused = [r for r in results if not r.accepted]
    summary = f"{len(accepted)} of {len(results)} indices accepted"
    if refused:
        summary += "; kept old: " + "; ".join(r.line() for r in refused)
    if not accepted:
        raise RuntimeError(summary)
    return JobOutcome(rows_affected=sum(r.members for r in accepted), message=summary)
