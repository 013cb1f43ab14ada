"""The seam through which every order write is audited (request before it leaves, then its
response), so the client stays free of database code and the platform decides where rows go.

An exception from ``request_sent`` stops the order from being sent: an order the platform
could not record must not reach the exchange. An exception from ``response_received`` is
logged by the transport and never hides the order's real outcome.
"""

from __future__ import annotations

from typing import Any, Protocol


class OrderAuditSink(Protocol):
    def request_sent(self, method: str, path: str, body: Any) -> object:
        """Record the request about to be sent; returns a handle for the response."""

    def response_received(
        self,
        handle: object,
        status: int | None,
        body: Any,
        error: Exception | None,
        latency_ms: int,
    ) -> None:
        """Record what came back (``error`` set when the call raised)."""
