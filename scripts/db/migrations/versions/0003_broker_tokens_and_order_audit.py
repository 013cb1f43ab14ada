"""Encrypted Upstox tokens and the order audit trail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "broker_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("user_name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("access_token_encrypted", sa.Text(), nullable=False),
        sa.Column("issued_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text()),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_broker_tokens"),
    )
    op.create_index("ix_broker_tokens_mode_status", "broker_tokens", ["mode", "status"])
    op.create_table(
        "order_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("trace_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("tag", sa.String(64)),
        sa.Column("request_json", sa.Text(), nullable=False),
        sa.Column("response_status", sa.Integer()),
        sa.Column("response_json", sa.Text()),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("order_ids", sa.Text()),
        sa.Column("latency_ms", sa.Integer()),
        sa.Column("error_message", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_order_audit"),
    )
    op.create_index("ix_order_audit_created", "order_audit", ["created_at"])
    op.create_index("ix_order_audit_tag", "order_audit", ["tag"])


def downgrade() -> None:
    op.drop_index("ix_order_audit_tag", table_name="order_audit")
    op.drop_index("ix_order_audit_created", table_name="order_audit")
    op.drop_table("order_audit")
    op.drop_index("ix_broker_tokens_mode_status", table_name="broker_tokens")
    op.drop_table("broker_tokens")
