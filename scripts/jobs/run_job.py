"""Run one registered job by hand: ``python -m scripts.jobs.run_job <job_id>``.

The run is recorded like a scheduled one (trigger ``manual``: ``sync_history``,
counters, alert), so by-hand and scheduled runs read the same on the Jobs page.
Exit code: 0 success or skipped, 1 failed, 2 unknown job or configuration.
"""

from __future__ import annotations

import argparse
import sys

from scripts.clock import utc_now
from scripts.config.settings import settings_for_command
from scripts.db import Database
from scripts.db.jobs import job_history, register_job
from scripts.jobs.registry import all_jobs
from scripts.jobs.runner import run_recorded
from scripts.logging_setup import configure_logging
from scripts.services.container import build_services


def main(argv: list[str] | None = None) -> int:
    specs = {spec.job_id: spec for spec in all_jobs()}
    parser = argparse.ArgumentParser(description="Run one background job now, recorded.")
    parser.add_argument("job_id", choices=sorted(specs), help="the job to run")
    arguments = parser.parse_args(argv)
    spec = specs[arguments.job_id]
    settings = settings_for_command()
    configure_logging(settings, "jobs", to_file=False)
    database = Database(settings.database_url)
    services = build_services(settings, database)
    try:
        with database.transaction() as connection:
            register_job(  # a fresh install may not have run the scheduler yet
                connection,
                spec.job_id,
                spec.name,
                spec.description,
                spec.schedule,
                spec.trigger().get_next_fire_time(None, utc_now()),
            )
        status = run_recorded(services, spec, "manual")
        with database.read() as connection:
            (run,) = job_history(connection, spec.job_id, limit=1)
    finally:
        services.close()
        database.dispose()
    print(f"{spec.job_id}: {status}: {run.message or ''}".rstrip(": "))
    return 1 if status == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
