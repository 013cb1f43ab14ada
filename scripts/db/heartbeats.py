"""Service heartbeats: each long-running process stamps its row so others can see it is alive."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from scripts.clock import utc_now
from scripts.db.schema import service_heartbeats
from scripts.db.upsert import upsert_rows


@dataclass(frozen=True)
class Heartbeat:
    service: str
    pid: int
    hostname: str
    started_at: datetime
    beat_at: datetime
    details: dict[str, Any]


def record_heartbeat(
    connection: Connection, service: str, started_at: datetime, details: dict[str, Any]
) -> None:
    upsert_rows(
        connection,
        service_heartbeats,
        [
            {
                "service": service,
                "pid": os.getpid(),
                "hostname": socket.gethostname(),
                "started_at": started_at,
                "beat_at": utc_now(),
                "details": json.dumps(details, default=str),
            }
        ],
        ["service"],
    )


def latest_heartbeat(connection: Connection, service: str) -> Heartbeat | None:
    row = connection.execute(
        select(service_heartbeats).where(service_heartbeats.c.service == service)
    ).first()
    if row is None:
        return None
    return Heartbeat(
        service=row.service,
        pid=row.pid,
        hostname=row.hostname,
        started_at=row.started_at,
        beat_at=row.beat_at,
        details=json.loads(row.details or "{}"),
    )
