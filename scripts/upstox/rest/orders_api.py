"""Order writes and order/trade reads (docs/UPSTOX_API.md §4).

Writes are sent at most once (see ``retry``): a lost answer to a placement is reconciled by tag
(``order_reconcile``); a lost answer to any other write raises ``OrderStateUnknown``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from scripts.upstox.rest.audit_hook import OrderWrite
from scripts.upstox.rest.client_base import ClientBase
from scripts.upstox.errors import InvalidRequest, OrderRejected, UpstoxUnavailable
from scripts.upstox.rest.models import MultiOrderLine, OrderRecord, OrderRequest, PlacedOrder, Trade
from scripts.upstox.rest.reconcile import new_order_tag, reconcile_placement
from scripts.upstox.rest.rate_limit import RateClass
from scripts.upstox.rest.request_caps import (
    CODE_BATCH_OVER_LIMIT,
    MAX_MULTI_CANCEL_ORDERS,
    MAX_MULTI_PLACE_LINES,
    check_count,
    check_tag,
)
from scripts.upstox.rest.retry import CallSafety, RetryPolicy
from scripts.upstox.rest.urls import build_query

ApiVersion = Literal[2, 3]

# A history lookup during reconciliation gets one quick retry, not the full read budget:
# the reconciliation loop already waits and looks again.
_LOOKUP_RETRY = RetryPolicy(max_attempts=2, base_delay_s=0.2, max_delay_s=0.5, max_total_s=3.0)


class OrdersMixin(ClientBase):
    """Place/modify/cancel (v2, v3), multi place, cancel-all, exit-all, order and trade reads."""

    # -- writes ------------------------------------------------------------------------

    def place_order(self, order: OrderRequest, *, version: ApiVersion = 3) -> PlacedOrder:
        """Place one order; always tagged so a lost answer can be reconciled, never re-sent.

        v3 (default) supports ``slice`` and ``market_protection`` and may return several ids.
        Raises ``OrderRejected`` (4xx), ``RateLimited`` (429 persisted), ``UpstoxUnavailable``
        (request certainly not sent) or ``OrderStateUnknown`` (sent, outcome unknown).
        """
        tag = order.tag or new_order_tag()
        check_tag(tag)
        path = f"/v{version}/order/place"
        sent_at = self._transport.now()
        try:
            body = self._transport.call(
                "POST",
                path,
                json_body=order.wire_body(tag, version),
                safety=CallSafety.WRITE,
                rate_class=RateClass.ORDERS,
                rejection=OrderRejected,
                algo_header=True,
                audit_as=OrderWrite.PLACE,
            )
        except UpstoxUnavailable as exc:
            if not exc.request_sent:
                raise
            return reconcile_placement(
                lookup=self._history_for_reconcile,
                order=order,
                tag=tag,
                sent_at=sent_at,
                cause=exc,
                policy=self._reconcile_policy,
                sleep=self._transport.sleep,
            )
        data = self._data(body)
        ids = data.get("order_ids") or ([data["order_id"]] if data.get("order_id") else [])
        latency = (body.get("metadata") or {}).get("latency")
        return PlacedOrder(order_ids=ids, tag=tag, latency_ms=latency)

    def _history_for_reconcile(self, tag: str) -> list[OrderRecord]:
        body = self._transport.call(
            "GET", "/v2/order/history", query=build_query({"tag": tag}), retry_policy=_LOOKUP_RETRY
        )
        return [OrderRecord.model_validate(row) for row in self._data(body) or []]

    def modify_order(
        self,
        order_id: str,
        *,
        order_type: str,
        price: float,
        trigger_price: float = 0.0,
        validity: str = "DAY",
        quantity: int | None = None,
        disclosed_quantity: int | None = None,
        market_protection: float | None = None,
        version: ApiVersion = 3,
    ) -> str:
        """Modify an open order; omitted optionals keep the original values (§4.3)."""
        body: dict[str, Any] = {
            "order_id": self._require(order_id, "order_id"),
            "order_type": order_type,
            "validity": validity,
            "price": price,
            "trigger_price": trigger_price,
        }
        optional = {
            "quantity": quantity,
            "disclosed_quantity": disclosed_quantity,
            "market_protection": market_protection,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        path = f"/v{version}/order/modify"
        result = self._write_once(
            "PUT",
            path,
            operation="modify_order",
            audit_as=OrderWrite.MODIFY,
            ref_id=order_id,
            json_body=body,
        )
        return str(self._data_object(result)["order_id"])

    def cancel_order(self, order_id: str, *, version: ApiVersion = 3) -> str:
        """Cancel an open order (v2 cancel also exits CO/OCO legs, §4.3)."""
        query = build_query({"order_id": self._require(order_id, "order_id")})
        path = f"/v{version}/order/cancel"
        result = self._write_once(
            "DELETE",
            path,
            operation="cancel_order",
            audit_as=OrderWrite.CANCEL,
            ref_id=order_id,
            query=query,
        )
        return str(self._data_object(result)["order_id"])

    def place_multi_order(self, lines: list[MultiOrderLine]) -> dict[str, Any]:
        """Place up to 25 orders in one request; returns ``{data, errors, summary}``.

        HTTP 207 ``partial_success`` is returned, not raised: per-line ``errors`` carry the
        ``correlation_id``. Any ``payload_error`` means nothing was placed (§4.2). A lost answer
        raises ``OrderStateUnknown``: tag each line to be able to find the orders again.
        """
        check_count(lines, MAX_MULTI_PLACE_LINES, "multi place lines")
        ids = [line.correlation_id for line in lines]
        if len(set(ids)) != len(ids):
            raise InvalidRequest("correlation_id must be unique within one multi place request")
        body = [line.wire_line() for line in lines]
        answer = self._write_once(
            "POST",
            "/v2/order/multi/place",
            operation="place_multi_order",
            audit_as=OrderWrite.MULTI_PLACE,
            ref_id=None,
            json_body=body,
        )
        return self._body_object(answer)

    def cancel_all_orders(
        self, *, segment: str | None = None, tag: str | None = None
    ) -> dict[str, Any]:
        """Cancel every open/pending order (incl. AMO), optionally by segment and/or tag."""
        return self._batch_write(
            "DELETE",
            "/v2/order/multi/cancel",
            "cancel_all_orders",
            OrderWrite.CANCEL_ALL,
            segment,
            tag,
        )

    def exit_all_positions(
        self, *, segment: str | None = None, tag: str | None = None
    ) -> dict[str, Any]:
        """Close open positions with opposite MARKET orders (not EQ delivery), §4.3."""
        return self._batch_write(
            "POST",
            "/v2/order/positions/exit",
            "exit_all_positions",
            OrderWrite.EXIT_ALL,
            segment,
            tag,
        )

    def _batch_write(
        self,
        method: str,
        path: str,
        operation: str,
        audit_as: OrderWrite,
        segment: str | None,
        tag: str | None,
    ) -> dict[str, Any]:
        """Cancel-all / exit-all: filters in the query, ``{data, errors, summary}`` back.

        Upstox caps them at 200 orders/positions, counted on its side; its terse UDAPI1109
        answer is reworded so the trader knows to narrow by segment or tag.
        """
        check_tag(tag)
        query = build_query({"segment": segment, "tag": tag})
        try:
            answer = self._write_once(
                method, path, operation=operation, audit_as=audit_as, query=query
            )
            return self._body_object(answer)
        except OrderRejected as exc:
            if exc.code != CODE_BATCH_OVER_LIMIT:
                raise
            raise OrderRejected(
                f"{operation}: more than {MAX_MULTI_CANCEL_ORDERS} match; narrow it by segment "
                f"or tag ({exc.message})",
                status=exc.status,
                code=exc.code,
                errors=exc.errors,
            ) from exc

    # -- reads -------------------------------------------------------------------------

    def order_book(self) -> list[OrderRecord]:
        """Today's orders (cleared at session end)."""
        body = self._transport.call("GET", "/v2/order/retrieve-all")
        # The doc page prints a bare array, the SDK model an envelope (§4.4, §14 [?]): take both.
        rows = body if isinstance(body, list) else self._data(body)
        return [OrderRecord.model_validate(row) for row in rows or []]

    def order_details(self, order_id: str) -> OrderRecord:
        """Latest state of one order."""
        query = build_query({"order_id": self._require(order_id, "order_id")})
        body = self._transport.call("GET", "/v2/order/details", query=query)
        return OrderRecord.model_validate(self._data(body))

    def order_history(
        self, *, order_id: str | None = None, tag: str | None = None
    ) -> list[OrderRecord]:
        """Status transitions of one order (``order_id``) or of all orders with ``tag``."""
        if not order_id and not tag:
            raise InvalidRequest("order_history needs order_id and/or tag")
        check_tag(tag)
        query = build_query({"order_id": order_id, "tag": tag})
        body = self._transport.call("GET", "/v2/order/history", query=query)
        return [OrderRecord.model_validate(row) for row in self._data(body) or []]

    def trades_for_day(self) -> list[Trade]:
        body = self._transport.call("GET", "/v2/order/trades/get-trades-for-day")
        return [Trade.model_validate(row) for row in self._data(body) or []]

    def trades_for_order(self, order_id: str) -> list[Trade]:
        query = build_query({"order_id": self._require(order_id, "order_id")})
        body = self._transport.call("GET", "/v2/order/trades", query=query)
        return [Trade.model_validate(row) for row in self._data(body) or []]

    def historical_trades(
        self,
        *,
        segment: str,
        start_date: date | str,
        end_date: date | str,
        page_number: int = 1,
        page_size: int = 100,
    ) -> dict[str, Any]:
        """Past trades, one page: ``{"trades": [...], "page": {...}}``.

        Upstox puts paging in a top-level camelCase ``metaData`` (§4.4); both casings accepted.
        """
        query = build_query(
            {
                "segment": segment,
                "start_date": self._iso_date(start_date, "start_date"),
                "end_date": self._iso_date(end_date, "end_date"),
                "page_number": page_number,
                "page_size": page_size,
            }
        )
        body = self._transport.call("GET", "/v2/charges/historical-trades", query=query)
        meta = body.get("metaData") or body.get("meta_data") or {}
        return {"trades": self._data(body) or [], "page": meta.get("page", {})}
