"""Candle backfill tasks and per-series sync state.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "candle_backfill_tasks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instrument_key", sa.String(64), nullable=False),
        sa.Column("trading_symbol", sa.String(64), nullable=False),
        sa.Column("exchange", sa.String(8), nullable=False),
        sa.Column("interval", sa.String(4), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("next_from", sa.Date(), nullable=True),
        sa.Column("chunks_total", sa.Integer(), nullable=False),
        sa.Column("chunks_done", sa.Integer(), nullable=False),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("reject_sample", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("worker", sa.String(128), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("started_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_candle_backfill_tasks"),
    )
    op.create_index(
        "ix_candle_backfill_tasks_state", "candle_backfill_tasks", ["state", "id"], unique=False
    )
    op.create_table(
        "candle_sync_state",
        sa.Column("instrument_key", sa.String(64), nullable=False),
        sa.Column("interval", sa.String(4), nullable=False),
        sa.Column("exchange", sa.String(8), nullable=False),
        sa.Column("last_ts", sa.BigInteger(), nullable=True),
        sa.Column("backfilled_from", sa.Date(), nullable=True),
        sa.Column("backfilled_to", sa.Date(), nullable=True),
        sa.Column("last_task_id", sa.Integer(), nullable=True),
        sa.Column("synced_at", UTC, nullable=True),
        sa.Column("sync_message", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("instrument_key", "interval", name="pk_candle_sync_state"),
    )


def downgrade() -> None:
    op.drop_table("candle_sync_state")
    op.drop_index("ix_candle_backfill_tasks_state", table_name="candle_backfill_tasks")
    op.drop_table("candle_backfill_tasks")
