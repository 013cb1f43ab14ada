"""The scheduler service: scheduled jobs, each run recorded in sync_jobs / sync_history."""
