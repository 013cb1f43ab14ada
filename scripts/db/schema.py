"""The central schema: every table the platform owns, in one place.

Migrations under ``migrations/versions`` create these tables; a test checks
that migrating a fresh database produces exactly this metadata, so the two
cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
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
    # Counted by the runner (revision 0008); skipped runs are not counted.
    Column("run_count", Integer, nullable=False, server_default="0"),
    Column("success_count", Integer, nullable=False, server_default="0"),
    Column("failure_count", Integer, nullable=False, server_default="0"),
    Column("consecutive_failures", Integer, nullable=False, server_default="0"),
    Column("alert", Text),  # "keeps failing: ..." until the next success
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

sync_history = Table(
    "sync_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(64), ForeignKey("sync_jobs.job_id"), nullable=False),
    Column("trigger", String(16), nullable=False),  # schedule | manual
    Column("status", String(16), nullable=False),  # running | success | failed | skipped
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("duration_ms", Integer),
    Column("rows_affected", Integer),
    Column("message", Text),
    Column("progress_done", Integer),  # reported by a long job while it runs (0008)
    Column("progress_total", Integer),
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

# --- NSE index data (revision 0007; docs/NSE_INDICES.md) ---------------------------
# The current members of each tracked index; a refresh replaces an index's rows only with a
# file that passed validation (scripts/nse/validation.py), so a bad download keeps these.
nse_index_membership = Table(
    "nse_index_membership",
    metadata,
    Column("index_name", String(64), primary_key=True),
    Column("symbol", String(32), primary_key=True),
    Column("company_name", String(255), nullable=False),
    Column("industry", String(128), nullable=False),
    Column("series", String(8), nullable=False),
    Column("isin", String(12), nullable=False),
    Column("instrument_key", String(64)),  # NSE_EQ|<ISIN> when the instrument list has it
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("source", String(32), nullable=False),  # bundled | nse
    Index("ix_nse_index_membership_symbol", "symbol"),
)

# symbol -> NSE's macro sector (the index files' Industry column); industry is a finer
# classification when a source gives one (the index files do not).
nse_sector_info = Table(
    "nse_sector_info",
    metadata,
    Column("symbol", String(32), primary_key=True),
    Column("sector", String(128), nullable=False),
    Column("industry", String(128)),
    Column("isin", String(12)),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# One row per tracked index: what the last good file held and how the last attempt went.
# last_error is where a later notifications table picks up failed refreshes.
nse_index_metadata = Table(
    "nse_index_metadata",
    metadata,
    Column("index_name", String(64), primary_key=True),
    Column("expected_count", Integer, nullable=False),
    Column("found_count", Integer, nullable=False),
    Column("source", String(255), nullable=False),  # bundled, or the URL of the good file
    Column("as_of", Date),  # the date the stored membership describes
    Column("last_good_at", UTCDateTime()),
    Column("last_attempt_at", UTCDateTime()),
    Column("last_status", String(16), nullable=False),  # bundled | accepted | kept_old
    Column("last_error", Text),
)

# Additions and removals seen between two accepted files of an index.
nse_index_changes = Table(
    "nse_index_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("index_name", String(64), nullable=False),
    Column("symbol", String(32), nullable=False),
    Column("isin", String(12), nullable=False),
    Column("company_name", String(255), nullable=False),
    Column("change", String(8), nullable=False),  # added | removed
    Column("change_date", Date, nullable=False),
    Index("ix_nse_index_changes_index_date", "index_name", "change_date"),
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

# --- Instrument master (revision 0004) ----------------------------------------
# One row per instrument of Upstox's BOD file (docs/UPSTOX_API.md §8), replaced as a whole by
# each load. ``search_symbol``/``search_name`` are upper-cased copies so a type-ahead prefix is a
# plain index range on SQLite and PostgreSQL alike; ``search_group`` (0 cash and indices,
# 1 futures, 2 options) lets a prefix search list RELIANCE before thousands of contracts
# without sorting them. On PostgreSQL those two columns use the "C" collation, so the range
# ``>= 'NIFTY 2' AND < 'NIFTY 2\uffff'`` means "starts with" whatever the database's locale
# (en_US ignores spaces at the first level); SQLite compares bytes already.
SEARCH_SYMBOL = String(64).with_variant(String(64, collation="C"), "postgresql")
SEARCH_NAME = String(255).with_variant(String(255, collation="C"), "postgresql")
instruments = Table(
    "instruments",
    metadata,
    Column("instrument_key", String(64), primary_key=True),
    Column("segment", String(16), nullable=False),
    Column("exchange", String(8), nullable=False),
    Column("instrument_type", String(16), nullable=False),
    Column("trading_symbol", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("short_name", String(255)),
    Column("isin", String(12)),
    Column("exchange_token", String(32)),
    Column("lot_size", Integer),
    Column("tick_size", Float),  # as in the file (paise in the JSON files, §8 [?])
    Column("freeze_quantity", Float),
    Column("expiry", Date),  # the IST date of the file's epoch-ms expiry
    Column("strike_price", Float),
    Column("weekly", Boolean),
    Column("underlying_key", String(64)),
    Column("underlying_symbol", String(64)),
    Column("search_group", Integer, nullable=False),
    Column("search_symbol", SEARCH_SYMBOL, nullable=False),
    Column("search_name", SEARCH_NAME, nullable=False),
    Index("ix_instruments_group_symbol", "search_group", "search_symbol"),
    Index("ix_instruments_search_symbol", "search_symbol"),
    Index("ix_instruments_search_name", "search_name"),
    Index("ix_instruments_isin", "isin"),
    Index("ix_instruments_exchange_token", "exchange_token"),
    Index("ix_instruments_contract", "underlying_symbol", "expiry", "strike_price"),
)

# Every attempt to load the instrument file, kept or rejected, with the reason and the counts.
instrument_loads = Table(
    "instrument_loads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=False),
    Column("status", String(16), nullable=False),  # loaded | rejected
    Column("source", String(255), nullable=False),
    Column("file_date", Date),
    Column("rows", Integer, nullable=False),
    Column("segment_counts", Text, nullable=False, default="{}"),  # JSON {segment: rows}
    Column("message", Text, nullable=False, default=""),
    Index("ix_instrument_loads_started", "started_at"),
)

# --- Candles (revision 0005) ---------------------------------------------------------------
# One row per candle of one instrument at one interval. ``interval`` is the platform's label
# (1m, 5m, 15m, 30m, 1h, 1d, 1w, 1M); ``ts`` is the candle's start as epoch seconds (UTC), so a
# range read is an index range over integers on both dialects and rows stay small. The primary
# key (instrument_key, interval, ts) is the uniqueness rule and the range-read index at once; on
# SQLite the table is WITHOUT ROWID so the key *is* the row (no second b-tree). Prices are REAL
# (Upstox sends floats); volume and oi are integers (oi is 0 for non-derivatives).
candles_new = Table(
    "candles_new",
    metadata,
    Column("instrument_key", String(64), primary_key=True),
    Column("interval", String(4), primary_key=True),
    Column("ts", BigInteger, primary_key=True, autoincrement=False),
    Column("open", Float, nullable=False),
    Column("high", Float, nullable=False),
    Column("low", Float, nullable=False),
    Column("close", Float, nullable=False),
    Column("volume", BigInteger, nullable=False),
    Column("oi", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

# --- Watchlists (revision 0005) ------------------------------------------------------------
watchlists = Table(
    "watchlists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

watchlist_items = Table(
    "watchlist_items",
    metadata,
    Column(
        "watchlist_id",
        Integer,
        ForeignKey("watchlists.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("instrument_key", String(64), primary_key=True),
    Column("position", Integer, nullable=False),  # order on the page, 0 first
    Column("added_at", UTCDateTime(), nullable=False),
)

# --- Candle backfill (revision 0006) -------------------------------------------------------
# One row per backfill a trader (or a job) asked for: the work item the scheduler's worker claims
# and the record the Data & Exports page watches. ``next_from`` is the checkpoint: the IST date
# the next chunk starts at, written in the same transaction as the previous chunk's candles, so
# a worker killed mid-task resumes there and re-inserts nothing (candles are insert-or-ignore).
candle_backfill_tasks = Table(
    "candle_backfill_tasks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("instrument_key", String(64), nullable=False),
    Column("trading_symbol", String(64), nullable=False),
    Column("exchange", String(8), nullable=False),  # whose trading calendar skips closed chunks
    Column("interval", String(4), nullable=False),  # 1m ... 1M, as candles_new.interval
    Column("from_date", Date, nullable=False),  # IST, after clamping to Upstox's history
    Column("to_date", Date, nullable=False),
    Column("state", String(16), nullable=False),  # queued | running | done | failed
    Column("next_from", Date),  # checkpoint; None once every chunk is done
    Column("chunks_total", Integer, nullable=False),
    Column("chunks_done", Integer, nullable=False),
    Column("rows_written", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("reject_sample", Text, nullable=False, default="[]"),  # JSON, first few rejects
    Column("note", Text),  # e.g. "from was clamped to 2022-01-01 (Upstox's minute history)"
    Column("error", Text),
    Column("worker", String(128)),  # host:pid of the worker that claimed it last
    Column("created_at", UTCDateTime(), nullable=False),
    Column("started_at", UTCDateTime()),
    Column("finished_at", UTCDateTime()),
    Index("ix_candle_backfill_tasks_state", "state", "id"),
)

# One row per (instrument, interval) series that has candles: the newest stored candle and the
# range backfills covered. The incremental sync jobs walk this table (series with a finished
# backfill) and fetch only what is missing since ``last_ts``.
candle_sync_state = Table(
    "candle_sync_state",
    metadata,
    Column("instrument_key", String(64), primary_key=True),
    Column("interval", String(4), primary_key=True),
    Column("exchange", String(8), nullable=False),
    Column("last_ts", BigInteger),  # start of the newest stored candle, epoch seconds
    Column("backfilled_from", Date),  # IST dates covered by finished backfills
    Column("backfilled_to", Date),
    Column("last_task_id", Integer),
    Column("synced_at", UTCDateTime()),  # last incremental sync that reached Upstox
    Column("sync_message", Text),
    Column("updated_at", UTCDateTime(), nullable=False),
)
