"""GTT (good-till-triggered) orders, v3 only, on the api host (docs/UPSTOX_API.md §5).

GTT writes are order writes: sent once, never retried after they may have reached Upstox.
"""

from __future__ import annotations

from typing import Any, Literal

from scripts.upstox.rest.audit_hook import OrderWrite
from scripts.upstox.rest.client_base import ClientBase
from scripts.upstox.errors import InvalidRequest
from scripts.upstox.rest.models import GttRule
from scripts.upstox.rest.urls import build_query

MAX_GTT_RULES = 3  # §5 [DOC]


def _check_rules(rules: list[GttRule]) -> None:
    """ENTRY is mandatory, at most 3 rules, no strategy twice (§5); Upstox would refuse."""
    strategies = [rule.strategy for rule in rules]
    if "ENTRY" not in strategies:
        raise InvalidRequest("a GTT needs an ENTRY rule")
    if len(rules) > MAX_GTT_RULES:
        raise InvalidRequest(f"a GTT has at most {MAX_GTT_RULES} rules, got {len(rules)}")
    if len(set(strategies)) != len(strategies):
        raise InvalidRequest("a GTT may not repeat a strategy")


class GttMixin(ClientBase):
    """Place, modify, cancel and list GTT orders."""

    def _gtt_write(
        self, method: str, path: str, write: OrderWrite, gtt_id: str | None, body: Any
    ) -> list[str]:
        operation = {
            OrderWrite.GTT_PLACE: "place_gtt",
            OrderWrite.GTT_MODIFY: "modify_gtt",
            OrderWrite.GTT_CANCEL: "cancel_gtt",
        }[write]
        result = self._write_once(
            method, path, operation=operation, audit_as=write, ref_id=gtt_id, json_body=body
        )
        return [str(gtt_id) for gtt_id in self._data_object(result).get("gtt_order_ids") or []]

    def place_gtt(
        self,
        *,
        instrument_token: str,
        transaction_type: Literal["BUY", "SELL"],
        quantity: int,
        product: Literal["I", "D", "MTF"],
        rules: list[GttRule],
    ) -> list[str]:
        """Place a GTT; ``type`` is SINGLE for one rule, MULTIPLE otherwise. Returns GTT ids."""
        _check_rules(rules)
        body = {
            "type": "SINGLE" if len(rules) == 1 else "MULTIPLE",
            "quantity": quantity,
            "product": product,
            "instrument_token": self._require(instrument_token, "instrument_token"),
            "transaction_type": transaction_type,
            "rules": [rule.wire() for rule in rules],
        }
        return self._gtt_write("POST", "/v3/order/gtt/place", OrderWrite.GTT_PLACE, None, body)

    def modify_gtt(self, gtt_order_id: str, *, quantity: int, rules: list[GttRule]) -> list[str]:
        """Replace a GTT's rules (the full new set) and quantity."""
        if not str(gtt_order_id).startswith("GTT-"):
            raise InvalidRequest("gtt_order_id must look like GTT-...")
        _check_rules(rules)
        body = {
            "type": "SINGLE" if len(rules) == 1 else "MULTIPLE",
            "quantity": quantity,
            "gtt_order_id": gtt_order_id,
            "rules": [rule.wire() for rule in rules],
        }
        return self._gtt_write(
            "PUT", "/v3/order/gtt/modify", OrderWrite.GTT_MODIFY, gtt_order_id, body
        )

    def cancel_gtt(self, gtt_order_id: str) -> list[str]:
        """Cancel a GTT; note the id travels in a JSON body on DELETE (§5)."""
        body = {"gtt_order_id": self._require(gtt_order_id, "gtt_order_id")}
        return self._gtt_write(
            "DELETE", "/v3/order/gtt/cancel", OrderWrite.GTT_CANCEL, gtt_order_id, body
        )

    def gtt_orders(self, gtt_order_id: str | None = None) -> list[dict[str, Any]]:
        """One GTT, or all non-completed ones; ``expires_at``/``created_at`` are epoch µs."""
        query = build_query({"gtt_order_id": gtt_order_id})
        body = self._transport.call("GET", "/v3/order/gtt", query=query)
        return self._data(body) or []
