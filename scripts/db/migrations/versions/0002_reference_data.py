"""Bundled reference data: tracked NSE indices, constituents, market holidays.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nse_indices",
        sa.Column("index_name", sa.String(64), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("constituents_file", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("index_name", name="pk_nse_indices"),
    )
    op.create_table(
        "index_constituents",
        sa.Column("index_name", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("company_name", sa.String(255), nullable=False),
        sa.Column("industry", sa.String(128), nullable=False),
        sa.Column("series", sa.String(8), nullable=False),
        sa.Column("isin", sa.String(12), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["index_name"],
            ["nse_indices.index_name"],
            name="fk_index_constituents_index_name_nse_indices",
        ),
        sa.PrimaryKeyConstraint("index_name", "symbol", name="pk_index_constituents"),
    )
    op.create_table(
        "market_holidays",
        sa.Column("exchange", sa.String(8), nullable=False),
        sa.Column("holiday_date", sa.Date(), nullable=False),
        sa.Column("description", sa.String(255), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("exchange", "holiday_date", name="pk_market_holidays"),
    )


def downgrade() -> None:
    op.drop_table("market_holidays")
    op.drop_table("index_constituents")
    op.drop_table("nse_indices")
