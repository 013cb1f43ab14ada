"""Writes the order audit trail: every order request and response, with the mode
(SANDBOX or LIVE) and the trace id of the API request that caused it."""

from __future__ import annotations

from typing import Any

from scripts.db import Database
from scripts.db.order_audit_rows import record_request, record_response
from scripts.logging_setup import trace_id_var
from scripts.upstox.errors import InvalidRequest, OrderRejected, RateLimited
from scripts.upstox.rest.audit_hook import OrderWrite

# Outcomes by exception type: a refusal by Upstox (or by our own checks before sending)
# is "rejected"; anything else (outage, unknown state, a bug) is "error".
REJECTIONS = (OrderRejected, InvalidRequest, RateLimited)


class DatabaseOrderAudit:
    """The platform's ``OrderAuditSink``: rows in ``order_audit``."""

    def __init__(self, database: Database, mode: str) -> None:
        self._database = database
        self._mode = mode

    def request_sent(self, write: OrderWrite, method: str, path: str, request: Any) -> object:
        tag = request.get("tag") if isinstance(request, dict) else None
        with self._database.transaction() as connection:
            return record_request(
                connection,
                self._mode,
                trace_id_var.get(),
                write.value,
                method,
                path,
                tag,
                request,
            )

    def response_received(
        self,
        handle: object,
        status: int | None,
        body: Any,
        error: Exception | None,
        latency_ms: int,
    ) -> None:
        if error is None:
            outcome, message = "accepted", None
        else:
            rejected = isinstance(error, REJECTIONS)
            outcome, message = ("rejected" if rejected else "error"), str(error)
        if not isinstance(handle, int):
            raise TypeError(f"not an audit row id from request_sent: {handle!r}")
        with self._database.transaction() as connection:
            record_response(
                connection,
                handle,
                outcome,
                status,
                body,
                _order_ids(body),
                latency_ms,
                message,
            )


def _order_ids(body: Any) -> list[str]:
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, dict):
        ids = data.get("order_ids") or data.get("gtt_order_ids") or []
        single = data.get("order_id")
        return [str(i) for i in ids] + ([str(single)] if single else [])
    if isinstance(data, list):
        return [
            str(row["order_id"]) for row in data if isinstance(row, dict) and row.get("order_id")
        ]
    return []
