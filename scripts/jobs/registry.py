"""What a scheduled job is, and the list of jobs the scheduler runs.

A capability adds a job by adding a ``JobSpec`` to :func:`all_jobs`; the
scheduler service registers it in ``sync_jobs``, schedules it, and records
every run in ``sync_history`` through :mod:`scripts.jobs.runner`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scripts.clock import IST, utc_now
from scripts.db.maintenance import delete_history_before, optimize
from scripts.services.container import PlatformServices
from scripts.services.holiday_refresh import refresh_holidays

# Job runs are kept this long: enough to see a quarter's pattern, small enough to stay fast.
HISTORY_RETENTION_DAYS = 90


@dataclass(frozen=True)
class JobOutcome:
    rows_affected: int | None = None
    message: str | None = None


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    name: str
    description: str
    schedule: str  # human-readable, shown on the Background Jobs page
    trigger: Callable[[], BaseTrigger]
    run: Callable[[PlatformServices], JobOutcome]  # the scheduler's services, built once
    run_at_start: bool = False  # also once as soon as the scheduler starts


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
            job_id="db_maintenance",
            name="Database maintenance",
            description="Checkpoints the SQLite WAL and refreshes query-planner statistics.",
            schedule="daily 02:00 IST",
            trigger=lambda: CronTrigger(hour=2, minute=0, timezone=IST),
            run=lambda services: JobOutcome(message=optimize(services.database)),
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
