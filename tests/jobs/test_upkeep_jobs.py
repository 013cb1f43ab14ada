"""The upkeep jobs: backup (made, pruned, restorable), weekly maintenance, token watch, summary."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from scripts.clock import IST
from scripts.db import Database
from scripts.db.backup import BACKUP_KEEP
from scripts.db.jobs import job_history, list_jobs, register_job
from scripts.db.migrate import current_revision, head_revision
from scripts.jobs.housekeeping import daily_summary, watch_token
from scripts.jobs.registry import all_jobs
from scripts.jobs.runner import run_recorded
from scripts.services.container import build_services

ROOT = Path(__file__).resolve().parents[2]


def registered(database, job_id: str):
    (job,) = [job for job in all_jobs() if job.job_id == job_id]
    with database.transaction() as connection:
        register_job(connection, job.job_id, job.name, job.description, job.schedule, None)
    return job


def last_run(database, job_id: str):
    with database.read() as connection:
        return job_history(connection, job_id, limit=1)[0]


def test_backup_job_makes_a_restorable_copy_and_keeps_the_newest(settings, database) -> None:
    job = registered(database, "db_backup")  # its sync_jobs row is in the copy
    backup_dir = settings.backup_dir
    if database.dialect == "sqlite":
        stem = Path(make_url(database.url).database or "").stem
        backup_dir.mkdir(parents=True, exist_ok=True)
        for day in range(1, BACKUP_KEEP + 2):  # older than today's, by name
            (backup_dir / f"{stem}-backup-2020010{day}T000000000000Z.db").write_bytes(b"old")
        (backup_dir / f"{stem}-20200101T000000Z-rev0005.db").write_bytes(b"migration copy")
    assert run_recorded(build_services(settings, database), job, "schedule") == "success"
    run = last_run(database, "db_backup")
    if database.dialect != "sqlite":
        (dump,) = backup_dir.glob("*-backup-*.dump")
        listing = subprocess.run(
            ["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True
        ).stdout
        assert "TABLE public sync_jobs" in listing or " sync_jobs " in listing
        assert "pg_dump of schema" in run.message
        return
    backups = sorted(backup_dir.glob(f"{stem}-backup-*.db"))
    assert len(backups) == BACKUP_KEEP and backups[-1].read_bytes()[:6] == b"SQLite"
    assert (backup_dir / f"{stem}-20200101T000000Z-rev0005.db").exists()  # never pruned
    assert "integrity_check ok" in run.message and "removed 2" in run.message
    restored = backup_dir.parent / "restored.db"
    shutil.copy(backups[-1], restored)
    copy = Database(f"sqlite:///{restored}")
    try:
        assert current_revision(copy) == head_revision()
        with copy.read() as connection:
            assert "db_backup" in {job.job_id for job in list_jobs(connection)}
    finally:
        copy.dispose()
    with sqlite3.connect(restored) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_shell_script_runs_the_same_job_recorded_as_manual(settings_env, database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("the script's file copy is checked on SQLite; pg_dump is covered above")
    result = subprocess.run(
        [str(ROOT / "scripts" / "backup_db.sh")],
        cwd=ROOT,
        env={**os.environ, **settings_env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("db_backup: success: backup ")
    assert list(Path(settings_env["BACKUP_DIR"]).glob("*-backup-*.db"))
    assert last_run(database, "db_backup").trigger == "manual"


def test_weekly_maintenance_reports_its_check(settings, database) -> None:
    job = registered(database, "db_maintenance_weekly")
    assert run_recorded(build_services(settings, database), job, "schedule") == "success"
    message = last_run(database, "db_maintenance_weekly").message
    if database.dialect == "sqlite":
        assert message == "integrity_check ok; VACUUM and ANALYZE done"
    else:
        assert message.startswith("VACUUM (ANALYZE) of ")


def test_token_watch_warns_on_a_trading_day_without_a_session_but_not_on_sunday(
    settings, database, caplog
) -> None:
    services = build_services(settings, database)
    tuesday = datetime(2026, 1, 27, 8, 0, tzinfo=IST)
    sunday = datetime(2026, 2, 1, 8, 0, tzinfo=IST)
    with caplog.at_level("WARNING", logger="scripts.jobs.housekeeping"):
        warned = watch_token(services, now=lambda: tuesday).message
    assert warned == (
        "warning: no active Upstox session (none) on a trading day; "
        "log in with ./authenticate.sh"
    )
    assert any("no active Upstox session" in r.getMessage() for r in caplog.records)
    quiet = watch_token(services, now=lambda: sunday).message
    assert quiet == "no active Upstox session (none); not a trading day"


def test_token_watch_warns_shortly_before_expiry_only(settings, database) -> None:
    services = build_services(settings, database)
    state = services.broker.vault.store("a-token", "SBX001", "Demo", "")
    assert state.expires_at is not None
    soon = watch_token(services, now=lambda: state.expires_at - timedelta(minutes=30)).message
    assert soon is not None and soon.startswith("warning: the Upstox token expires in 30 min")
    later = watch_token(services, now=lambda: state.expires_at - timedelta(hours=5)).message
    assert later is not None and later.startswith("token valid until ")
    assert "5 h 0 min left" in later


def test_daily_summary_counts_runs_failures_and_freshness(settings, database) -> None:
    services = build_services(settings, database)
    weekly = registered(database, "db_maintenance_weekly")
    run_recorded(services, weekly, "manual")
    from tests.jobs.test_job_policies import register, spec

    def broken(services):
        raise RuntimeError("no")

    failing = spec("always_failing", broken)
    register(database, failing)
    for _ in range(3):
        run_recorded(services, failing, "schedule")
    summary = registered(database, "daily_summary")
    assert run_recorded(services, summary, "schedule") == "success"
    message = last_run(database, "daily_summary").message
    assert message.startswith("last 24 h: 4 runs (1 ok, 3 failed, 0 skipped)")
    assert "failed: always_failing" in message and "keeps failing: always_failing" in message
    assert "instruments never loaded" in message and "candles: 0 series, none synced yet" in message
    assert daily_summary(services).rows_affected == 5  # the summary's own finished run too
