"""The central schema: every table the platform owns, in one place.

Migrations under ``migrations/versions`` create these tables; a test checks
that migrating a fresh database produces exactly this metadata, so the two
cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from scripts.db.types import UTCDateTime

# Deterministic constraint names, so migrations can name what they alter on
# both SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# --- Scheduled jobs (revision 0001) ------------------------------------------
sync_jobs = Table(
    "sync_jobs",
    metadata,
    Column("job_id", String(64), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("schedule", String(128), nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("next_run_at", UTCDateTime()),
    Column("last_run_at", UTCDateTime()),
    Column("last_status", String(16)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

sync_history = Table(
    "sync_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(64), ForeignKey("sync_jobs.job_id"), nullable=False),
    Column("trigger", String(16), nullable=False),  # schedule | manual
    Column("status", String(16), nullable=False),  # running | success | failed
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("duration_ms", Integer),
    Column("rows_affected", Integer),
    Column("message", Text),
    Index("ix_sync_history_job_started", "job_id", "started_at"),
)

service_heartbeats = Table(
    "service_heartbeats",
    metadata,
    Column("service", String(32), primary_key=True),
    Column("pid", Integer, nullable=False),
    Column("hostname", String(255), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("beat_at", UTCDateTime(), nullable=False),
    Column("details", Text, nullable=False, default="{}"),
)

# --- Bundled reference data (revision 0002) ----------------------------------
nse_indices = Table(
    "nse_indices",
    metadata,
    Column("index_name", String(64), primary_key=True),
    Column("category", String(16), nullable=False),  # broad | sectoral
    Column("constituents_file", String(128), nullable=False),
)

index_constituents = Table(
    "index_constituents",
    metadata,
    Column("index_name", String(64), ForeignKey("nse_indices.index_name"), primary_key=True),
    Column("symbol", String(32), primary_key=True),
    Column("company_name", String(255), nullable=False),
    Column("industry", String(128), nullable=False),
    Column("series", String(8), nullable=False),
    Column("isin", String(12), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("source", String(32), nullable=False),  # bundled | nse
)

market_holidays = Table(
    "market_holidays",
    metadata,
    Column("exchange", String(8), primary_key=True),
    Column("holiday_date", Date, primary_key=True),
    Column("description", String(255), nullable=False),
    Column("source", String(32), nullable=False),  # bundled | upstox
)

# --- Upstox session and order audit (revision 0003) ---------------------------
broker_tokens = Table(
    "broker_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mode", String(16), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("user_name", String(255), nullable=False, default=""),
    Column("email", String(255), nullable=False, default=""),
    Column("access_token_encrypted", Text, nullable=False),  # Fernet token, never plain
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("status", String(16), nullable=False),  # active | expired | revoked
    Column("status_reason", Text),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_broker_tokens_mode_status", "mode", "status"),
)

order_audit = Table(
    "order_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("trace_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),  # place | modify | cancel | ...
    Column("method", String(8), nullable=False),
    Column("path", String(255), nullable=False),
    Column("tag", String(64)),
    Column("request_json", Text, nullable=False),
    Column("response_status", Integer),
    Column("response_json", Text),
    Column("outcome", String(16), nullable=False),  # sent | accepted | rejected | error
    Column("order_ids", Text),
    Column("latency_ms", Integer),
    Column("error_message", Text),
    Index("ix_order_audit_created", "created_at"),
    Index("ix_order_audit_tag", "tag"),
)
