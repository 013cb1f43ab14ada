"""The instrument master and the record of its loads.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
# "C" on PostgreSQL: a prefix range means "starts with" whatever the locale (see schema.py).
SEARCH_SYMBOL = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
SEARCH_NAME = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")
INDEXES = (
    ("ix_instruments_group_symbol", ["search_group", "search_symbol"]),
    ("ix_instruments_search_symbol", ["search_symbol"]),
    ("ix_instruments_search_name", ["search_name"]),
    ("ix_instruments_isin", ["isin"]),
    ("ix_instruments_exchange_token", ["exchange_token"]),
    ("ix_instruments_contract", ["underlying_symbol", "expiry", "strike_price"]),
)


def upgrade() -> None:
    op.create_table(
        "instruments",
        sa.Column("instrument_key", sa.String(64), nullable=False),
        sa.Column("segment", sa.String(16), nullable=False),
        sa.Column("exchange", sa.String(8), nullable=False),
        sa.Column("instrument_type", sa.String(16), nullable=False),
        sa.Column("trading_symbol", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("short_name", sa.String(255)),
        sa.Column("isin", sa.String(12)),
        sa.Column("exchange_token", sa.String(32)),
        sa.Column("lot_size", sa.Integer()),
        sa.Column("tick_size", sa.Float()),
        sa.Column("freeze_quantity", sa.Float()),
        sa.Column("expiry", sa.Date()),
        sa.Column("strike_price", sa.Float()),
        sa.Column("weekly", sa.Boolean()),
        sa.Column("underlying_key", sa.String(64)),
        sa.Column("underlying_symbol", sa.String(64)),
        sa.Column("search_group", sa.Integer(), nullable=False),
        sa.Column("search_symbol", SEARCH_SYMBOL, nullable=False),
        sa.Column("search_name", SEARCH_NAME, nullable=False),
        sa.PrimaryKeyConstraint("instrument_key", name="pk_instruments"),
    )
    for name, columns in INDEXES:
        op.create_index(name, "instruments", columns)
    op.create_table(
        "instrument_loads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("finished_at", UTC, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("file_date", sa.Date()),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("segment_counts", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_instrument_loads"),
    )
    op.create_index("ix_instrument_loads_started", "instrument_loads", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_instrument_loads_started", table_name="instrument_loads")
    op.drop_table("instrument_loads")
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="instruments")
    op.drop_table("instruments")
