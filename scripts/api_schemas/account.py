"""Upstox account reads: profile, funds per segment, margins per segment.

Money is ``Decimal`` (sent as a JSON string, e.g. ``"1000000.0"``) so paise never
go through a float on the way to the page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel


class Profile(BaseModel):
    user_id: str
    user_name: str | None = None
    email: str | None = None
    broker: str | None = None
    user_type: str | None = None
    exchanges: list[str] = []
    products: list[str] = []
    order_types: list[str] = []
    poa: bool | None = None
    is_active: bool | None = None
    ddpi: bool | None = None


class FundsSegment(BaseModel):
    used_margin: Decimal | None = None
    payin_amount: Decimal | None = None
    span_margin: Decimal | None = None
    adhoc_margin: Decimal | None = None
    notional_cash: Decimal | None = None
    available_margin: Decimal | None = None
    exposure_margin: Decimal | None = None


class Funds(BaseModel):
    """A segment is null when it was not asked for."""

    equity: FundsSegment | None = None
    commodity: FundsSegment | None = None


class SegmentMargin(BaseModel):
    segment: Literal["equity", "commodity"]
    available: Decimal | None
    used: Decimal | None
    collateral: Decimal | None = None
    details: FundsSegment


class Margins(BaseModel):
    segments: list[SegmentMargin]
