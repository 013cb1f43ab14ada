"""NSE index data: membership, sector info, per-index metadata, additions/removals.

The bundled members in ``index_constituents`` move across (first and last seen on their
``as_of`` date). ``index_constituents`` stays as the frozen legacy copy of the bundled list
(the health report and dashboard count it); nothing writes NSE downloads there any more.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "nse_index_membership",
        sa.Column("index_name", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("company_name", sa.String(255), nullable=False),
        sa.Column("industry", sa.String(128), nullable=False),
        sa.Column("series", sa.String(8), nullable=False),
        sa.Column("isin", sa.String(12), nullable=False),
        sa.Column("instrument_key", sa.String(64), nullable=True),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("index_name", "symbol", name="pk_nse_index_membership"),
    )
    op.create_index(
        "ix_nse_index_membership_symbol", "nse_index_membership", ["symbol"], unique=False
    )
    op.create_table(
        "nse_sector_info",
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("sector", sa.String(128), nullable=False),
        sa.Column("industry", sa.String(128), nullable=True),
        sa.Column("isin", sa.String(12), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("symbol", name="pk_nse_sector_info"),
    )
    op.create_table(
        "nse_index_metadata",
        sa.Column("index_name", sa.String(64), nullable=False),
        sa.Column("expected_count", sa.Integer(), nullable=False),
        sa.Column("found_count", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("last_good_at", UTC, nullable=True),
        sa.Column("last_attempt_at", UTC, nullable=True),
        sa.Column("last_status", sa.String(16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("index_name", name="pk_nse_index_metadata"),
    )
    op.create_table(
        "nse_index_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("index_name", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("isin", sa.String(12), nullable=False),
        sa.Column("company_name", sa.String(255), nullable=False),
        sa.Column("change", sa.String(8), nullable=False),
        sa.Column("change_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_nse_index_changes"),
    )
    op.create_index(
        "ix_nse_index_changes_index_date",
        "nse_index_changes",
        ["index_name", "change_date"],
        unique=False,
    )
    # Move the bundled members across; plain SQL reads the same on SQLite and PostgreSQL.
    op.execute(
        "INSERT INTO nse_index_membership (index_name, symbol, company_name, industry, series,"
        " isin, instrument_key, first_seen, last_seen, source)"
        " SELECT index_name, symbol, company_name, industry, series, isin, NULL, as_of, as_of,"
        " source FROM index_constituents"
    )
    op.execute(
        "INSERT INTO nse_index_metadata (index_name, expected_count, found_count, source, as_of,"
        " last_good_at, last_attempt_at, last_status, last_error)"
        " SELECT index_name, COUNT(*), COUNT(*), MIN(source), MAX(as_of), NULL, NULL,"
        " 'bundled', NULL FROM index_constituents GROUP BY index_name"
    )
    op.execute(
        "INSERT INTO nse_sector_info (symbol, sector, industry, isin, updated_at)"
        " SELECT symbol, MIN(industry), NULL, MIN(isin), CURRENT_TIMESTAMP"
        " FROM index_constituents GROUP BY symbol"
    )


def downgrade() -> None:
    op.drop_index("ix_nse_index_changes_index_date", table_name="nse_index_changes")
    op.drop_table("nse_index_changes")
    op.drop_table("nse_index_metadata")
    op.drop_table("nse_sector_info")
    op.drop_index("ix_nse_index_membership_symbol", table_name="nse_index_membership")
    op.drop_table("nse_index_membership")
