"""The scheduler process: ``python scripts/scheduler_service.py`` (the documented entry).

Also ``python -m scripts.jobs.scheduler_service`` (what the launcher starts).

Runs every job of :func:`scripts.jobs.registry.all_jobs` on its trigger, and
stamps a heartbeat (with each job's next run) every few seconds so the API's
health check can tell a live scheduler from a dead one. Exactly one runs per
database (:mod:`scripts.db.instance_lock`); a second start exits with
:data:`EXIT_ALREADY_RUNNING` and says which process holds the lock.

Job defaults, and why: ``coalesce=True`` (a job that missed several times while
the machine slept runs once, not once per missed time), ``max_instances=1`` (a
slow run is never overlapped by the next), and a misfire grace per job
(:mod:`scripts.jobs.spec`: 10 minutes by default, 6 hours for daily jobs).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler

from scripts.clock import IST, utc_now
from scripts.config.settings import Settings, settings_for_command
from scripts.db import Database
from scripts.db.heartbeats import record_heartbeat
from scripts.db.jobs import register_job
from scripts.db.migrate import current_revision, head_revision
from scripts.jobs.backfill_worker import BackfillWorker
from scripts.db.instance_lock import AlreadyRunning, SchedulerLock
from scripts.jobs.registry import JobSpec, all_jobs
from scripts.jobs.runner import run_recorded
from scripts.jobs.spec import DEFAULT_MISFIRE_GRACE_SECONDS
from scripts.logging_setup import configure_logging
from scripts.services.container import build_services
from scripts.services.health import SCHEDULER_SERVICE

log = logging.getLogger(__name__)


EXIT_ALREADY_RUNNING = 3


def build_scheduler() -> BackgroundScheduler:
    """The APScheduler instance with the defaults the module docstring explains."""
    return BackgroundScheduler(
        timezone=IST,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": DEFAULT_MISFIRE_GRACE_SECONDS,
        },
    )


class SchedulerService:
    def __init__(self, settings: Settings, database: Database) -> None:
        self.services = build_services(settings, database)  # once, for every job run
        self.scheduler = build_scheduler()
        self.started_at = utc_now()
        self.specs = {spec.job_id: spec for spec in all_jobs()}
        self.backfill_worker = BackfillWorker(self.services.candle_backfill)

    def start(self) -> None:
        """Register every job's ``sync_jobs`` row, then schedule: no run may precede its row.

        The at-start job fires the moment the scheduler starts; its ``sync_history``
        row references ``sync_jobs``, so on a fresh database registering after
        ``scheduler.start()`` lost that run to a FOREIGN KEY failure.
        """
        now = datetime.now(timezone.utc)
        with self.services.database.transaction() as connection:
            for spec in self.specs.values():
                register_job(
                    connection,
                    spec.job_id,
                    spec.name,
                    spec.description,
                    spec.schedule,
                    now if spec.run_at_start else spec.trigger().get_next_fire_time(None, now),
                )
        for spec in self.specs.values():
            self.scheduler.add_job(
                self._run_scheduled,
                trigger=spec.trigger(),
                args=[spec],
                id=spec.job_id,
                name=spec.name,
                misfire_grace_time=spec.misfire_grace_seconds,
                **({"next_run_time": now} if spec.run_at_start else {}),
            )
        self.scheduler.add_job(
            self.beat,
            "interval",
            seconds=self.services.settings.scheduler_heartbeat_seconds,
            id="__heartbeat__",
        )
        self.scheduler.start()
        self.backfill_worker.start()
        self.beat()
        log.info("scheduler started with %d jobs", len(self.specs))

    def _next_run(self, job_id: str) -> datetime | None:
        job = self.scheduler.get_job(job_id)
        return job.next_run_time if job else None

    def _run_scheduled(self, spec: JobSpec) -> None:
        run_recorded(self.services, spec, "schedule", self._next_run(spec.job_id))

    def beat(self) -> None:
        jobs = [
            {"job_id": job_id, "next_run_at": (self._next_run(job_id) or None)}
            for job_id in self.specs
        ]
        try:
            with self.services.database.transaction() as connection:
                record_heartbeat(connection, SCHEDULER_SERVICE, self.started_at, {"jobs": jobs})
        except Exception:  # noqa: BLE001 - a missed beat must not stop the scheduler
            log.warning("could not record the scheduler heartbeat", exc_info=True)

    def stop(self) -> None:
        self.backfill_worker.stop()
        self.scheduler.shutdown(wait=True)
        self.services.close()
        log.info("scheduler stopped")


def main() -> int:
    settings = settings_for_command()
    configure_logging(settings, "scheduler")
    database = Database(settings.database_url)
    if current_revision(database) != head_revision():
        log.error("the database schema is not up to date; run ./setup.sh first")
        return 2
    lock = SchedulerLock(database)
    try:
        lock.acquire()
    except AlreadyRunning as error:
        log.error("%s", error)
        print(str(error), file=sys.stderr)
        database.dispose()
        return EXIT_ALREADY_RUNNING
    service = SchedulerService(settings, database)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    service.start()
    stop.wait()
    service.stop()
    lock.release()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
