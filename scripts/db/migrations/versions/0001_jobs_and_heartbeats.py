"""Scheduled jobs, their run history, and service heartbeats.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_jobs",
        sa.Column("job_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("schedule", sa.String(128), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("next_run_at", UTC),
        sa.Column("last_run_at", UTC),
        sa.Column("last_status", sa.String(16)),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("job_id", name="pk_sync_jobs"),
    )
    op.create_table(
        "sync_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(64), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("finished_at", UTC),
        sa.Column("duration_ms", sa.Integer()),
        sa.Column("rows_affected", sa.Integer()),
        sa.Column("message", sa.Text()),
        sa.ForeignKeyConstraint(
            ["job_id"], ["sync_jobs.job_id"], name="fk_sync_history_job_id_sync_jobs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sync_history"),
    )
    op.create_index("ix_sync_history_job_started", "sync_history", ["job_id", "started_at"])
    op.create_table(
        "service_heartbeats",
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("hostname", sa.String(255), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("beat_at", UTC, nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("service", name="pk_service_heartbeats"),
    )


def downgrade() -> None:
    op.drop_table("service_heartbeats")
    op.drop_index("ix_sync_history_job_started", table_name="sync_history")
    op.drop_table("sync_history")
    op.drop_table("sync_jobs")
