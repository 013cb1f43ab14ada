"""Brokerage, statutory charges and margin for one order, rounded to paise.

ASSUMPTIONS (Upstox's public tariff as commonly quoted, not from docs/UPSTOX_API.md): brokerage
₹20 per executed order or 0.05% (intraday/futures) / 2.5% (delivery) of turnover if lower;
options ₹20 flat. STT, exchange transaction, SEBI, IPFT and stamp duty rates below are the
NSE figures effective from Oct 2024; GST 18% on brokerage + transaction + SEBI + IPFT.
DP charges are reported (dp_plan) but not deducted. Margin rates are sandbox simplifications.
"""

from __future__ import annotations

from typing import Any
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scripts.upstox_sandbox.market.universe import Instrument

PAISE = Decimal("0.01")
# kind -> (STT buy, STT sell, exchange txn, stamp duty on buy), as fractions of turnover.
RATES: dict[str, tuple[Decimal, Decimal, Decimal, Decimal]] = {
    "EQ_D": (Decimal("0.001"), Decimal("0.001"), Decimal("0.0000297"), Decimal("0.00015")),
    "EQ_I": (Decimal("0"), Decimal("0.00025"), Decimal("0.0000297"), Decimal("0.00003")),
    "FUT": (Decimal("0"), Decimal("0.0002"), Decimal("0.0000173"), Decimal("0.00002")),
    "OPT": (Decimal("0"), Decimal("0.001"), Decimal("0.0003503"), Decimal("0.00003")),
}
SEBI_RATE = Decimal("0.000001")  # ₹10 per crore
IPFT_RATE = Decimal("0.000001")  # NSE investor protection fund, ₹10 per crore
GST_RATE = Decimal("0.18")
MAX_BROKERAGE = Decimal("20")
# Margin as a fraction of order value (sandbox simplification, documented in SANDBOX.md).
MARGIN_RATE = {
    "EQ_I": Decimal("0.2"),
    "EQ_D": Decimal("1"),
    "EQ_MTF": Decimal("0.25"),
    "FUT": Decimal("0.12"),
}
OPTION_SHORT_RATE = Decimal("0.12")  # of strike x quantity


def money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(PAISE, rounding=ROUND_HALF_UP)


def charge_kind(inst: Instrument, product: str) -> str:
    if inst.is_option:
        return "OPT"
    if inst.instrument_type == "FUT":
        return "FUT"
    return "EQ_I" if product == "I" else "EQ_D"


@dataclass(frozen=True)
class Charges:
    brokerage: Decimal
    stt: Decimal
    transaction: Decimal
    sebi: Decimal
    ipft: Decimal
    stamp_duty: Decimal
    gst: Decimal

    @property
    def total(self) -> Decimal:
        parts = (
            self.brokerage,
            self.stt,
            self.transaction,
            self.sebi,
            self.ipft,
            self.stamp_duty,
            self.gst,
        )
        return sum(parts, Decimal("0"))

    def as_brokerage_data(self) -> dict[str, Any]:
        """The ``data.charges`` object of GET /v2/charges/brokerage (with deprecated twins)."""
        other = {
            "transaction": float(self.transaction),
            "clearing": 0.0,
            "ipft": float(self.ipft),
            "sebi_turnover": float(self.sebi),
        }
        dp = {"name": "Basic", "min_expense": 18.5}
        return {
            "total": float(self.total),
            "brokerage": float(self.brokerage),
            "taxes": {
                "gst": float(self.gst),
                "stt": float(self.stt),
                "stamp_duty": float(self.stamp_duty),
            },
            "other_charges": other,
            "otherTaxes": other,
            "dp_plan": dp,
            "dpPlan": dp,
        }


def order_charges(
    inst: Instrument, product: str, side: str, quantity: int, price: float
) -> Charges:
    """Charges for one executed order of ``quantity`` at ``price``."""
    kind = charge_kind(inst, product)
    turnover = Decimal(str(price)) * quantity
    stt_buy, stt_sell, txn_rate, stamp_rate = RATES[kind]
    if kind == "OPT":
        brokerage = MAX_BROKERAGE if quantity else Decimal("0")
    else:
        pct = Decimal("0.025") if kind == "EQ_D" else Decimal("0.0005")
        brokerage = min(MAX_BROKERAGE, turnover * pct)
    brokerage = money(brokerage)
    stt = money(turnover * (stt_buy if side == "BUY" else stt_sell))
    transaction = money(turnover * txn_rate)
    sebi = money(turnover * SEBI_RATE)
    ipft = money(turnover * IPFT_RATE)
    stamp = money(turnover * stamp_rate) if side == "BUY" else Decimal("0.00")
    gst = money((brokerage + transaction + sebi + ipft) * GST_RATE)
    return Charges(brokerage, stt, transaction, sebi, ipft, stamp, gst)


def margin_for(inst: Instrument, product: str, side: str, quantity: int, price: float) -> Decimal:
    """Margin blocked to hold ``quantity`` opened on ``side`` at ``price``."""
    value = Decimal(str(price)) * quantity
    if inst.is_option:
        if side == "BUY":
            return money(value)
        return money(Decimal(str(inst.strike or price)) * quantity * OPTION_SHORT_RATE)
    if inst.instrument_type == "FUT":
        return money(value * MARGIN_RATE["FUT"])
    if product == "MTF":
        return money(value * MARGIN_RATE["EQ_MTF"])
    if product == "D":
        return money(value * MARGIN_RATE["EQ_D"])
    return money(value * MARGIN_RATE["EQ_I"])
