"""What every endpoint family shares: the transport and small envelope/argument helpers.

Each ``client_*.py`` family is a mixin over ``ClientBase``; ``UpstoxClient`` composes them so
callers see one flat object while each family stays a short file.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from scripts.upstox.errors import (
    InvalidRequest,
    OrderRejected,
    OrderStateUnknown,
    UpstoxError,
    UpstoxUnavailable,
)
from scripts.upstox.rest.audit_hook import OrderWrite
from scripts.upstox.rest.reconcile import ReconcilePolicy
from scripts.upstox.rest.rate_limit import RateClass
from scripts.upstox.rest.retry import CallSafety
from scripts.upstox.rest.transport import Transport


class ClientBase:
    """Holds the transport; families call ``self._transport.call(...)``."""

    _transport: Transport
    _reconcile_policy: ReconcilePolicy

    def _write_once(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        audit_as: OrderWrite,
        ref_id: str | None = None,
        order_api: bool = True,
        **kw: Any,
    ) -> Any:
        """Send a write that must not be repeated (see ``retry``).

        Every such write is audited as ``audit_as``. ``order_api`` writes count against the
        order rate limit, carry ``X-Algo-Name`` and turn 4xx into ``OrderRejected``. If the
        request may have reached Upstox but no answer came back, raise ``OrderStateUnknown``
        naming ``ref_id`` (order or GTT id) to check.
        """
        try:
            return self._transport.call(
                method,
                path,
                safety=CallSafety.WRITE,
                rate_class=RateClass.ORDERS if order_api else RateClass.STANDARD,
                rejection=OrderRejected if order_api else UpstoxError,
                algo_header=order_api,
                audit_as=audit_as,
                **kw,
            )
        except UpstoxUnavailable as exc:
            if not exc.request_sent:
                raise
            raise OrderStateUnknown(
                f"{operation} was sent but its outcome is unknown ({exc.message}); "
                "check the order book / positions before trying again",
                operation=operation,
                order_id=ref_id,
                status=exc.status,
                code=exc.code,
            ) from exc

    @staticmethod
    def _data(body: Any) -> Any:
        """The ``data`` of a success envelope (§0); a missing ``data`` is a protocol error."""
        if not isinstance(body, dict) or "data" not in body:
            raise UpstoxError("Upstox response has no 'data' field")
        return body["data"]

    @classmethod
    def _data_object(cls, body: Any) -> dict[str, Any]:
        """The envelope's ``data`` where Upstox documents an object; anything else is refused."""
        data = cls._data(body)
        if not isinstance(data, dict):
            raise UpstoxError(f"Upstox response 'data' is {type(data).__name__}, not an object")
        return data

    @classmethod
    def _data_list(cls, body: Any) -> list[Any]:
        """The envelope's ``data`` where Upstox documents an array (``null`` reads as empty)."""
        data = cls._data(body)
        if data is None:
            return []
        if not isinstance(data, list):
            raise UpstoxError(f"Upstox response 'data' is {type(data).__name__}, not an array")
        return data

    @staticmethod
    def _body_object(body: Any) -> dict[str, Any]:
        """A whole JSON body that must be an object (batch writes: ``{data, errors, summary}``)."""
        if not isinstance(body, dict):
            raise UpstoxError(f"Upstox response is {type(body).__name__}, not a JSON object")
        return body

    @staticmethod
    def _iso_date(value: date | str, name: str) -> str:
        """``YYYY-MM-DD`` from a date or string; refused locally if it is not a real date."""
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise InvalidRequest(f"{name} must be a date in YYYY-MM-DD form, got {value!r}")

    @staticmethod
    def _require(value: str | None, name: str) -> str:
        if not value or not str(value).strip():
            raise InvalidRequest(f"{name} is required")
        return str(value)
