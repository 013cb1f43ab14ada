"""Positions, MTF positions, holdings and position conversion (docs/UPSTOX_API.md §6)."""

from __future__ import annotations

from typing import Any, Literal

from scripts.upstox.rest.audit_hook import OrderWrite
from scripts.upstox.rest.client_base import ClientBase
from scripts.upstox.rest.models import Holding, Position

Product = Literal["I", "D", "MTF"]


class PortfolioMixin(ClientBase):
    """Portfolio reads and the one portfolio write (convert)."""

    def positions(self) -> list[Position]:
        """Day and carried positions; carried equity moves to holdings the next day."""
        body = self._transport.call("GET", "/v2/portfolio/short-term-positions")
        return [Position.model_validate(row) for row in self._data(body) or []]

    def mtf_positions(self) -> list[Position]:
        body = self._transport.call("GET", "/v3/portfolio/mtf-positions")
        return [Position.model_validate(row) for row in self._data(body) or []]

    def holdings(self) -> list[Holding]:
        body = self._transport.call("GET", "/v2/portfolio/long-term-holdings")
        return [Holding.model_validate(row) for row in self._data(body) or []]

    def convert_position(
        self,
        *,
        instrument_token: str,
        old_product: Product,
        new_product: Product,
        transaction_type: Literal["BUY", "SELL"],
        quantity: int,
    ) -> dict[str, Any]:
        """Convert a position's product (e.g. I -> D). Sent once: a repeat would convert twice."""
        body = {
            "instrument_token": self._require(instrument_token, "instrument_token"),
            "new_product": new_product,
            "old_product": old_product,
            "transaction_type": transaction_type,
            "quantity": quantity,
        }
        result = self._write_once(
            "PUT",
            "/v2/portfolio/convert-position",
            operation="convert_position",
            audit_as=OrderWrite.CONVERT_POSITION,
            order_api=False,
            json_body=body,
        )
        return self._data_object(result)
