"""The order audit trail: one row per order request sent to the broker, completed with
its response. Written before the request leaves, so a crash mid-request still leaves
a ``sent`` row to reconcile."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from scripts.clock import utc_now
from scripts.db.engine import inserted_id
from scripts.db.schema import order_audit


@dataclass(frozen=True)
class AuditRow:
    id: int
    created_at: datetime
    mode: str
    trace_id: str
    action: str
    method: str
    path: str
    tag: str | None
    request_json: str
    response_status: int | None
    response_json: str | None
    outcome: str
    order_ids: str | None
    latency_ms: int | None
    error_message: str | None


def record_request(
    connection: Connection,
    mode: str,
    trace_id: str,
    action: str,
    method: str,
    path: str,
    tag: str | None,
    request: Any,
) -> int:
    result = connection.execute(
        order_audit.insert().values(
            created_at=utc_now(),
            mode=mode,
            trace_id=trace_id,
            action=action,
            method=method,
            path=path,
            tag=tag,
            request_json=json.dumps(request, default=str),
            outcome="sent",
        )
    )
    return inserted_id(result)


def record_response(
    connection: Connection,
    audit_id: int,
    outcome: str,
    status: int | None,
    response: Any,
    order_ids: list[str],
    latency_ms: int,
    error_message: str | None,
) -> None:
    connection.execute(
        update(order_audit)
        .where(order_audit.c.id == audit_id)
        .values(
            outcome=outcome,
            response_status=status,
            response_json=None if response is None else json.dumps(response, default=str),
            order_ids=",".join(order_ids) or None,
            latency_ms=latency_ms,
            error_message=error_message,
        )
    )


def recent_audit_rows(connection: Connection, limit: int = 100) -> list[AuditRow]:
    rows = connection.execute(select(order_audit).order_by(order_audit.c.id.desc()).limit(limit))
    return [AuditRow(**row._mapping) for row in rows]
