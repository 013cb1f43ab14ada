"""Job run counters, the keeps-failing notice, and progress of a running job.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_jobs") as batch:
        batch.add_column(sa.Column("run_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("success_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("failure_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("alert", sa.Text(), nullable=True))
    with op.batch_alter_table("sync_history") as batch:
        batch.add_column(sa.Column("progress_done", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("progress_total", sa.Integer(), nullable=True))
    # Existing installs keep their statistics: count what sync_history already holds.
    for column, condition in (
        ("run_count", "h.status IN ('success', 'failed')"),
        ("success_count", "h.status = 'success'"),
        ("failure_count", "h.status = 'failed'"),
    ):
        op.execute(
            f"UPDATE sync_jobs SET {column} = (SELECT COUNT(*) FROM sync_history h "
            f"WHERE h.job_id = sync_jobs.job_id AND {condition})"
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_history") as batch:
        batch.drop_column("progress_total")
        batch.drop_column("progress_done")
    with op.batch_alter_table("sync_jobs") as batch:
        for column in (
            "alert",
            "consecutive_failures",
            "failure_count",
            "success_count",
            "run_count",
        ):
            batch.drop_column(column)
