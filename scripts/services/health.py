"""The platform's health: version, mode, database, scheduler heartbeat, broker connection.

Used by ``/api/health`` (which monitors and the launcher poll) and by the
dashboard's header and first page. It never raises: a part that cannot be
checked is reported as not ok with the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from scripts import __version__
from scripts.clock import utc_now
from scripts.config.settings import Settings, redact_database_url
from scripts.db import Database
from scripts.db.heartbeats import latest_heartbeat
from scripts.db.inspection import sqlite_file_size, table_counts
from scripts.db.migrate import current_revision, head_revision

if TYPE_CHECKING:
    from scripts.services.broker import BrokerService
    from scripts.services.broker_status import BrokerProbe
    from scripts.services.market_feed import MarketFeedService

SCHEDULER_SERVICE = "scheduler"


class HealthService:
    """What ``/api/health`` and the dashboard's database panel report."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        probe: BrokerProbe,
        broker: BrokerService,
        market_feed: MarketFeedService,
    ) -> None:
        self._settings = settings
        self._database = database
        self._probe = probe
        self._broker = broker
        self._market_feed = market_feed

    def platform(self) -> dict[str, Any]:
        """Version, mode, database, scheduler and broker (reachability, token, feed)."""
        broker = dict(self._probe.status())
        broker["token"] = self._broker.status()
        broker["feed"] = self._market_feed.health()
        return platform_health(self._settings, self._database, broker)

    def database(self) -> dict[str, Any]:
        return database_report(self._settings, self._database)


def platform_health(
    settings: Settings, database: Database, broker: dict[str, Any] | None = None
) -> dict[str, Any]:
    db_state = database_health(settings, database)
    scheduler = scheduler_health(settings, database) if db_state["ok"] else _unknown("database")
    broker_state = broker or {"ok": False, "state": "unknown", "detail": "not checked"}
    ok = db_state["ok"] and scheduler["ok"]
    return {
        "status": "ok" if ok and broker_state.get("ok") else "degraded",
        "version": __version__,
        "mode": settings.mode,
        "mode_label": settings.mode_label,
        "time": utc_now().isoformat(),
        "database": db_state,
        "scheduler": scheduler,
        "broker": broker_state,
    }


def database_health(settings: Settings, database: Database) -> dict[str, Any]:
    state: dict[str, Any] = {
        "ok": False,
        "dialect": database.dialect,
        "url": redact_database_url(settings.database_url),
    }
    if not database.ping():
        state["detail"] = "the database does not answer"
        return state
    revision, head = current_revision(database), head_revision()
    state.update(
        ok=revision == head,
        schema_revision=revision,
        schema_head=head,
        up_to_date=revision == head,
        size_bytes=sqlite_file_size(settings.database_url),
    )
    if revision != head:
        state["detail"] = "the schema is not up to date: run ./setup.sh"
    return state


def database_report(settings: Settings, database: Database) -> dict[str, Any]:
    """Health plus the row count of every table, for the dashboard's database panel."""
    report = database_health(settings, database)
    if report.get("up_to_date"):
        with database.read() as connection:
            report["tables"] = [
                {"table": t.table, "rows": t.rows} for t in table_counts(connection)
            ]
    return report


def scheduler_health(settings: Settings, database: Database) -> dict[str, Any]:
    """The scheduler is alive if its heartbeat is younger than three beat intervals."""
    with database.read() as connection:
        beat = latest_heartbeat(connection, SCHEDULER_SERVICE)
    if beat is None:
        return {"ok": False, "state": "never", "detail": "the scheduler has not started yet"}
    age = (utc_now() - beat.beat_at).total_seconds()
    stale_after = settings.scheduler_heartbeat_seconds * 3
    return {
        "ok": age <= stale_after,
        "state": "running" if age <= stale_after else "stale",
        "last_heartbeat_at": _iso(beat.beat_at),
        "age_seconds": round(age, 1),
        "pid": beat.pid,
        "started_at": _iso(beat.started_at),
        "jobs": beat.details.get("jobs", []),
    }


def _unknown(reason: str) -> dict[str, Any]:
    return {"ok": False, "state": "unknown", "detail": f"cannot check without the {reason}"}


def _iso(value: datetime) -> str:
    return value.isoformat()
