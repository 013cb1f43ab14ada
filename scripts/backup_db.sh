#!/usr/bin/env bash
# Back up the platform's database now, exactly as the scheduler's daily db_backup job does
# (SQLite: online copy into BACKUP_DIR checked with integrity_check, newest 7 kept;
# PostgreSQL: pg_dump when installed). The run is recorded in the job history.
#   ./scripts/backup_db.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m scripts.jobs.run_job db_backup "$@"
