"""Writes the order audit trail: every order request and response, with the mode
(SANDBOX or LIVE) and the trace id of the API request that caused it."""

from __future__ import annotations

from typing import Any

from scripts.db import Database
from scripts.db.order_audit_rows import record_request, record_response
from scripts.logging_setup import trace_id_var

_ACTIONS = (
    ("/order/multi/place", "multi_place"),
    ("/order/multi/cancel", "cancel_all"),
    ("/order/positions/exit", "exit_all"),
    ("/order/gtt/place", "gtt_place"),
    ("/order/gtt/modify", "gtt_modify"),
    ("/order/gtt/cancel", "gtt_cancel"),
    ("/order/place", "place"),
    ("/order/modify", "modify"),
    ("/order/cancel", "cancel"),
    ("/portfolio/convert-position", "convert"),
)


def action_for(path: str) -> str:
    return next((action for suffix, action in _ACTIONS if suffix in path), "order_write")


class DatabaseOrderAudit:
    """The platform's ``OrderAuditSink``: rows in ``order_audit``."""

    def __init__(self, database: Database, mode: str) -> None:
        self._database = database
        self._mode = mode

    def request_sent(self, method: str, path: str, body: Any) -> object:
        tag = body.get("tag") if isinstance(body, dict) else None
        with self._database.transaction() as connection:
            return record_request(
                connection,
                self._mode,
                trace_id_var.get(),
                action_for(path),
                method,
                path,
                tag,
                body,
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
            rejected = type(error).__name__ in {"OrderRejected", "InvalidRequest", "RateLimited"}
            outcome, message = ("rejected" if rejected else "error"), str(error)
        with self._database.transaction() as connection:
            record_response(
                connection,
                int(handle),
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
