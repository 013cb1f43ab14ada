"""The seam through which every order write is audited (request before it leaves, then its
response), so the client stays free of database code and the platform decides where rows go.

What is audited is decided by what the call *is*: every client method that changes orders,
GTTs or positions names its ``OrderWrite`` kind, and only those calls are audited, whatever
headers they carry. An exception from ``request_sent`` stops the order from being sent: an
order the platform could not record must not reach the exchange. An exception from
``response_received`` is logged by the transport and never hides the order's real outcome.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol


class OrderWrite(StrEnum):
    """Every kind of call that changes orders or positions at Upstox (the audit's ``action``)."""

    PLACE = "place"
    MODIFY = "modify"
    CANCEL = "cancel"
    MULTI_PLACE = "multi_place"
    CANCEL_ALL = "cancel_all"
    EXIT_ALL = "exit_all"
    CONVERT_POSITION = "convert"
    GTT_PLACE = "gtt_place"
    GTT_MODIFY = "gtt_modify"
    GTT_CANCEL = "gtt_cancel"


class OrderAuditSink(Protocol):
    def request_sent(self, write: OrderWrite, method: str, path: str, request: Any) -> object:
        """Record the request about to be sent; returns a handle for the response.

        ``request`` is the JSON body, or the query parameters as a dict when the call sends
        its arguments in the query string (cancel, cancel-all, exit-all).
        """

    def response_received(
        self,
        handle: object,
        status: int | None,
        body: Any,
        error: Exception | None,
        latency_ms: int,
    ) -> None:
        """Record what came back (``error`` set when the call raised)."""
