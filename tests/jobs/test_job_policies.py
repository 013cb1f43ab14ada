"""What the runner and scheduler do for every job: timing, misfire and coalescing, market-hours
skips, retries, counters, the keeps-failing notice, and progress while a job runs."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scripts.clock import IST, utc_now
from scripts.db.jobs import job_history, list_jobs, register_job, set_progress, start_run
from scripts.jobs import progress
from scripts.jobs.progress import report_progress
from scripts.jobs.registry import JobOutcome, JobSpec, all_jobs
from scripts.jobs.runner import KEEPS_FAILING_AFTER, run_recorded
from scripts.jobs.scheduler_service import SchedulerService, build_scheduler
from scripts.services.container import build_services


def spec(job_id: str, run, **options) -> JobSpec:
    return JobSpec(
        job_id, job_id.title(), "test job", "never", lambda: CronTrigger(hour=1), run, **options
    )


def register(database, job: JobSpec) -> None:
    with database.transaction() as connection:
        register_job(connection, job.job_id, job.name, job.description, job.schedule, None)


def record_of(database, job_id: str):
    with database.read() as connection:
        (record,) = [j for j in list_jobs(connection) if j.job_id == job_id]
        return record, job_history(connection, job_id)


def ist(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=IST)


def test_fresh_install_registers_at_least_eight_jobs_including_the_upkeep_ones(
    settings, database
) -> None:
    service = SchedulerService(settings, database)
    service.start()
    try:
        with database.read() as connection:
            jobs = {job.job_id for job in list_jobs(connection)}
    finally:
        service.stop()
    assert len(jobs) >= 8
    assert {"db_backup", "db_maintenance_weekly", "token_expiry_watch", "daily_summary"} <= jobs


def test_upkeep_jobs_fire_at_their_ist_times() -> None:
    specs = {job.job_id: job for job in all_jobs()}
    monday_evening = ist(2026, 12, 7, 21, 0)

    def next_fire(job_id: str) -> datetime:
        return specs[job_id].trigger().get_next_fire_time(None, monday_evening)

    assert next_fire("db_backup") == ist(2026, 12, 8, 2, 0)
    assert next_fire("db_maintenance") == ist(2026, 12, 8, 2, 30)
    assert next_fire("db_maintenance_weekly") == ist(2026, 12, 13, 3, 0)  # Sunday
    assert next_fire("daily_summary") == ist(2026, 12, 8, 16, 0)
    assert next_fire("db_backup").utcoffset() == timedelta(hours=5, minutes=30)


def test_a_job_missed_many_times_runs_once_and_one_missed_beyond_grace_waits() -> None:
    scheduler = build_scheduler()
    now = utc_now()
    calls: dict[str, int] = {"late": 0, "too_late": 0}
    missed: list[str] = []
    scheduler.add_listener(lambda event: missed.append(event.job_id), EVENT_JOB_MISSED)
    # Ten 10-s runs missed, the newest 5 s ago (within the 600-s default grace): one run.
    scheduler.add_job(
        lambda: calls.__setitem__("late", calls["late"] + 1),
        IntervalTrigger(seconds=10, start_date=now - timedelta(seconds=95)),
        id="late",
        next_run_time=now - timedelta(seconds=95),
    )
    # Its only run time is 700 s ago, past the default grace: skipped, not run.
    scheduler.add_job(
        lambda: calls.__setitem__("too_late", calls["too_late"] + 1),
        IntervalTrigger(hours=1, start_date=now - timedelta(seconds=700)),
        id="too_late",
        next_run_time=now - timedelta(seconds=700),
    )
    scheduler.start()
    time.sleep(1.5)
    scheduler.shutdown(wait=True)
    assert calls == {"late": 1, "too_late": 0}
    assert missed == ["too_late"]


def test_market_hours_job_is_skipped_on_a_holiday_weekend_and_after_hours(
    settings, database
) -> None:
    ran: list[datetime] = []
    job = spec(
        "intraday_like",
        lambda services: ran.append(utc_now()) or JobOutcome(rows_affected=1),
        market_hours_only=True,
    )
    register(database, job)
    services = build_services(settings, database)
    moments = {
        "holiday": ist(2026, 1, 26, 10, 0),  # Republic Day, a Monday
        "weekend": ist(2026, 1, 31, 10, 0),  # Saturday
        "evening": ist(2026, 1, 27, 20, 0),
        "session": ist(2026, 1, 27, 10, 0),
    }
    statuses = {
        name: run_recorded(services, job, "schedule", now=lambda m=moment: m)
        for name, moment in moments.items()
    }
    assert statuses == {
        "holiday": "skipped",
        "weekend": "skipped",
        "evening": "skipped",
        "session": "success",
    }
    assert len(ran) == 1
    record, history = record_of(database, "intraday_like")
    messages = [run.message for run in reversed(history)]
    assert "NSE holiday (Republic Day)" in messages[0]
    assert "NSE closed at the weekend" in messages[1]
    assert "outside NSE trading hours" in messages[2]
    assert (record.runs, record.successes, record.failures) == (1, 1, 0)  # skips not counted


def test_retry_safe_job_retries_with_backoff_then_is_flagged_as_keeps_failing(
    settings, database, caplog
) -> None:
    def broken(services):
        raise ConnectionError("upstream down")

    job = spec("flaky_feed", broken, retry_safe=True, retries=2, retry_backoff_seconds=0.5)
    register(database, job)
    waits: list[float] = []
    with caplog.at_level(logging.WARNING, logger="scripts.jobs.runner"):
        status = run_recorded(
            build_services(settings, database), job, "schedule", sleep=waits.append
        )
    assert status == "failed" and waits == [0.5, 1.0]
    record, history = record_of(database, "flaky_feed")
    assert [run.trigger for run in reversed(history)] == ["schedule", "retry", "retry"]
    assert (record.runs, record.failures, record.consecutive_failures) == (3, 3, 3)
    assert KEEPS_FAILING_AFTER == 3 and record.alert is not None
    assert record.alert.startswith("keeps failing: 3 failed runs in a row")
    assert "upstream down" in record.alert
    assert any("keeps failing" in line.getMessage() for line in caplog.records)


def test_a_success_clears_the_keeps_failing_notice_and_counts_stay(settings, database) -> None:
    outcomes = iter([False, False, False, True])

    def sometimes(services):
        if not next(outcomes):
            raise ValueError("bad file")
        return JobOutcome(rows_affected=5)

    job = spec("recovering", sometimes)  # not retry-safe: one run per call
    register(database, job)
    services = build_services(settings, database)
    assert [run_recorded(services, job, "schedule") for _ in range(3)] == ["failed"] * 3
    assert record_of(database, "recovering")[0].alert is not None
    assert run_recorded(services, job, "manual") == "success"
    record, history = record_of(database, "recovering")
    assert len(history) == 4 and record.alert is None and record.consecutive_failures == 0
    assert (record.runs, record.successes, record.failures) == (4, 1, 3)


def test_retry_safe_job_that_recovers_on_retry_succeeds(settings, database) -> None:
    attempts = iter([ConnectionError("blip"), None])

    def once_broken(services):
        error = next(attempts)
        if error:
            raise error
        return JobOutcome(message="ok")

    job = spec("blip", once_broken, retry_safe=True, retry_backoff_seconds=0)
    register(database, job)
    assert run_recorded(build_services(settings, database), job, "schedule") == "success"
    record, history = record_of(database, "blip")
    assert [run.status for run in reversed(history)] == ["failed", "success"]
    assert record.alert is None and record.consecutive_failures == 0


def test_long_job_progress_is_visible_while_it_runs(settings, database, monkeypatch) -> None:
    monkeypatch.setattr(progress, "MIN_INTERVAL_SECONDS", 0.0)
    seen: list[tuple[str, int | None, int | None]] = []

    def long_job(services):
        for done in range(1, 4):
            report_progress(done, 3)
            with database.read() as connection:
                (running,) = job_history(connection, "long_job", limit=1)
            seen.append((running.status, running.progress_done, running.progress_total))
        return JobOutcome(rows_affected=3)

    job = spec("long_job", long_job)
    register(database, job)
    assert run_recorded(build_services(settings, database), job, "manual") == "success"
    assert seen == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    (final,) = record_of(database, "long_job")[1]
    assert (final.progress_done, final.progress_total, final.rows_affected) == (3, 3, 3)
    report_progress(1, 1)  # outside a run: nothing to write, no error


def test_jobs_api_shows_counts_alert_and_progress(client, settings, database) -> None:
    def broken(services):
        raise ValueError("bad file")

    job = spec("shown", broken)
    register(database, job)
    services = build_services(settings, database)
    for _ in range(KEEPS_FAILING_AFTER):
        run_recorded(services, job, "schedule")
    (listed,) = client.get("/api/system/jobs").get_json()["data"]
    assert (listed["runs"], listed["failures"], listed["consecutive_failures"]) == (3, 3, 3)
    assert listed["alert"].startswith("keeps failing: 3 failed runs in a row")
    with database.transaction() as connection:
        run_id = start_run(connection, "shown", "manual")
        set_progress(connection, run_id, 40, 100)
    running = client.get("/api/system/jobs/shown/history").get_json()["data"][0]
    assert (running["status"], running["progress_done"], running["progress_total"]) == (
        "running",
        40,
        100,
    )


def test_a_calendar_that_cannot_answer_fails_the_run_instead_of_raising(settings, database) -> None:
    job = spec(
        "unknown_market",
        lambda services: JobOutcome(rows_affected=1),
        market_hours_only=True,
        exchanges=("NOPE",),
    )
    register(database, job)
    assert run_recorded(build_services(settings, database), job, "schedule") == "failed"
    record, (run,) = record_of(database, "unknown_market")
    assert run.status == "failed" and "NOPE" in (run.message or "")
    assert (record.runs, record.failures) == (1, 1)
