"""What a scheduled job is: its identity, trigger, function and how the runner treats it.

Kept apart from :mod:`scripts.jobs.registry` (the list of jobs) so job modules
can import these types without importing the list that imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger

from scripts.services.container import PlatformServices

# A job runs late by at most this much (machine asleep, long job before it) and still runs;
# later than that it waits for its next time. Ten minutes keeps a 5-minute job from piling
# up yet lets a job delayed by a slow neighbour run. Daily jobs set a longer grace.
DEFAULT_MISFIRE_GRACE_SECONDS = 600
# A daily job (backup, maintenance, summary) missed while the machine slept still runs when
# it wakes within six hours: a late backup beats none, and six hours stays on the same day.
DAILY_MISFIRE_GRACE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class JobOutcome:
    rows_affected: int | None = None
    message: str | None = None


class JobSkipped(Exception):
    """Raised by a job that has nothing it may do now; recorded as ``skipped`` with the reason."""


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    name: str
    description: str
    schedule: str  # human-readable, shown on the Background Jobs page
    trigger: Callable[[], BaseTrigger]
    run: Callable[[PlatformServices], JobOutcome]  # the scheduler's services, built once
    run_at_start: bool = False  # also once as soon as the scheduler starts
    # Runs only while one of ``exchanges`` trades (TradingCalendar: weekends, holidays and
    # hours outside the session skip); a skipped run is recorded as ``skipped`` with the reason.
    market_hours_only: bool = False
    exchanges: tuple[str, ...] = ("NSE",)
    # Safe to run again at once after a failure (idempotent, no side effect outside the
    # database): the runner retries ``retries`` times, waiting backoff, 2x backoff, ...
    retry_safe: bool = False
    retries: int = 2
    retry_backoff_seconds: float = 30.0
    misfire_grace_seconds: int = DEFAULT_MISFIRE_GRACE_SECONDS
