"""Scheduled jobs: every run is recorded; a failing job is recorded, not fatal; heartbeats."""

from __future__ import annotations

import time
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from scripts.clock import IST
from scripts.db.heartbeats import latest_heartbeat
from scripts.db.jobs import job_history, list_jobs, register_job
from scripts.jobs.registry import JobOutcome, JobSpec, all_jobs
from scripts.nse.catalog import NSE_INDICES
from scripts.nse.client import NseIndexClient
from scripts.services.container import build_services
from scripts.jobs.runner import run_recorded
from scripts.jobs.scheduler_service import SchedulerService
from tests.nse.fake_nse import Answer, FakeNse, index_csv


def spec(job_id: str, run) -> JobSpec:
    return JobSpec(job_id, job_id.title(), "test job", "never", lambda: CronTrigger(hour=1), run)


def register(database, job: JobSpec) -> None:
    with database.transaction() as connection:
        register_job(connection, job.job_id, job.name, job.description, job.schedule, None)


def test_successful_run_is_recorded_with_rows_and_duration(settings, database) -> None:
    job = spec("counting", lambda ctx: JobOutcome(rows_affected=42, message="ok"))
    register(database, job)
    assert run_recorded(build_services(settings, database), job, "manual") == "success"
    with database.read() as connection:
        (run,) = job_history(connection, "counting")
        (record,) = [j for j in list_jobs(connection) if j.job_id == "counting"]
    assert (run.status, run.rows_affected, run.message, run.trigger) == (
        "success",
        42,
        "ok",
        "manual",
    )
    assert run.duration_ms is not None and run.finished_at >= run.started_at
    assert (record.last_status, record.runs, record.successes) == ("success", 1, 1)


def test_failing_job_is_recorded_as_failed_and_does_not_raise(settings, database) -> None:
    def explode(ctx):
        raise ValueError("NSE file had 3 rows, expected 50")

    job = spec("exploding", explode)
    register(database, job)
    assert run_recorded(build_services(settings, database), job, "schedule") == "failed"
    with database.read() as connection:
        (run,) = job_history(connection, "exploding")
        (record,) = [j for j in list_jobs(connection) if j.job_id == "exploding"]
    assert run.status == "failed" and "expected 50" in run.message
    assert (record.runs, record.successes, record.last_status) == (1, 0, "failed")


def test_builtin_maintenance_jobs_run_cleanly(sandbox_settings, database) -> None:
    with FakeNse() as nse:  # the NSE index job downloads from a local fake, never from NSE
        for index in NSE_INDICES:
            nse.serve(f"/IndexConstituent/{index.file_name}", Answer(200, index_csv(index.size)))
        ctx = build_services(  # the instrument job downloads from the sandbox
            sandbox_settings,
            database,
            nse_client_factory=lambda: NseIndexClient([nse.url()], min_interval=0.0),
        )
        # Inside an NSE session, so the market-hours jobs run rather than record a skip.
        tuesday_morning = datetime(2026, 1, 27, 10, 0, tzinfo=IST)
        for job in all_jobs():
            register(database, job)
            assert (
                run_recorded(ctx, job, "manual", now=lambda: tuesday_morning) == "success"
            ), job.job_id


def test_service_registers_jobs_and_beats(settings, database) -> None:
    service = SchedulerService(settings, database)
    service.start()
    try:
        with database.read() as connection:
            first = latest_heartbeat(connection, "scheduler")
            jobs = {j.job_id: j for j in list_jobs(connection)}
        assert first is not None
        assert set(jobs) == {job.job_id for job in all_jobs()}
        assert all(j.next_run_at is not None for j in jobs.values())
        time.sleep(settings.scheduler_heartbeat_seconds * 1.5)
        with database.read() as connection:
            later = latest_heartbeat(connection, "scheduler")
        assert later is not None and later.beat_at > first.beat_at
        assert {j["job_id"] for j in later.details["jobs"]} == set(jobs)
    finally:
        service.stop()


def test_jobs_api_lists_registered_jobs_and_history(client, settings, database) -> None:
    job = spec("listed", lambda ctx: JobOutcome(rows_affected=1))
    register(database, job)
    run_recorded(build_services(settings, database), job, "manual")
    jobs = client.get("/api/system/jobs").get_json()["data"]
    assert [j["job_id"] for j in jobs] == ["listed"] and jobs[0]["successes"] == 1
    history = client.get("/api/system/jobs/listed/history").get_json()["data"]
    assert history[0]["status"] == "success" and history[0]["rows_affected"] == 1
    missing = client.get("/api/system/jobs/nope/history")
    assert missing.status_code == 404 and missing.get_json()["error"]["field"] == "job_id"


def test_session_check_marks_a_refused_token_expired(sandbox_settings, database) -> None:
    from scripts.services.broker import BrokerService

    assert (
        build_services(sandbox_settings, database).broker.check_session()
        == "no active session (none)"
    )
    vault = BrokerService(sandbox_settings, database).vault
    vault.store("a-token-the-sandbox-forgot", "SBX001", "Demo", "")
    message = build_services(sandbox_settings, database).broker.check_session()
    assert message == "the token was refused by Upstox: session marked expired"
    assert vault.state().state == "expired"


def test_session_check_confirms_a_live_session(sandbox_login, sandbox_settings, database) -> None:

    assert build_services(sandbox_settings, database).broker.check_session() == "session valid"


def test_at_start_job_run_is_recorded_on_a_fresh_database(sandbox_settings, database) -> None:
    with database.read() as connection:
        assert list_jobs(connection) == []  # fresh: no sync_jobs rows yet
    at_start = [job.job_id for job in all_jobs() if job.run_at_start]
    assert at_start, "the registry has a job that runs at start"
    service = SchedulerService(sandbox_settings, database)  # the instrument job downloads
    service.start()
    try:
        deadline = time.monotonic() + 15
        runs: dict[str, list] = {}
        while time.monotonic() < deadline:
            with database.read() as connection:
                runs = {job_id: job_history(connection, job_id) for job_id in at_start}
            if all(r and r[0].finished_at is not None for r in runs.values()):
                break
            time.sleep(0.05)
    finally:
        service.stop()
    for job_id in at_start:
        (run,) = runs[job_id]
        assert (run.trigger, run.status) == ("schedule", "success"), job_id
