"""Pydantic models for the Upstox payloads the rest of the platform relies on.

Field names are Upstox's wire names (docs/UPSTOX_API.md §2-§7). Unknown fields are ignored so a new
Upstox field never breaks parsing; deprecated duplicates (``tradingsymbol``) are accepted as a
fallback for the canonical name. Money is ``Decimal`` (built from the JSON number's text, so no
float rounding is added); market-data prices stay ``float`` as Upstox sends them.

Times: Upstox sends order/trade times as IST wall-clock strings without a zone (§0); they are
parsed to aware datetimes in Asia/Kolkata (fixed +05:30, India has no DST).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic import model_validator

from scripts.clock import IST
from scripts.upstox.rest.request_caps import MAX_CORRELATION_ID_CHARS, MAX_TAG_CHARS

_IST_FORMATS = ("%Y-%m-%d %H:%M:%S", "%d-%b-%Y %H:%M:%S")


def parse_ist(value: Any) -> datetime | None:
    """Parse Upstox's zone-less IST timestamps (both documented formats) or ISO with offset.

    Returns None for null/empty. An unknown format also gives None rather than failing the
    whole order book: a missing time is less harmful than an unreadable list of orders.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=IST)
    text = str(value)
    for fmt in _IST_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=IST)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=IST)


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _IstTimes(_Wire):
    """Parses ``order_timestamp``/``exchange_timestamp`` (zone-less IST) on subclasses."""

    @field_validator("order_timestamp", "exchange_timestamp", mode="before", check_fields=False)
    @classmethod
    def _parse_ist_times(cls, value: Any) -> datetime | None:
        return parse_ist(value)


def _symbol_field() -> Any:
    return Field(default=None, validation_alias=AliasChoices("trading_symbol", "tradingsymbol"))


class TokenResponse(_Wire):
    """Flat body of ``POST /v2/login/authorization/token`` (no envelope, §2).

    Tokens are ``SecretStr`` so they never show in a repr or a log line; use
    ``access_token.get_secret_value()`` to store them.
    """

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
    access_token: SecretStr
    extended_token: SecretStr | None = None
    # In the served OpenAPI only [2nd-hand]; optional.
    expires_in: int | None = None
    token_type: str | None = None


class Profile(_Wire):
    """``GET /v2/user/profile`` data (§3)."""

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


class FundsSegment(_Wire):
    """One segment of funds v2; ``used_margin`` negative means margin released (§3)."""

    used_margin: Decimal | None = None
    payin_amount: Decimal | None = None
    span_margin: Decimal | None = None
    adhoc_margin: Decimal | None = None
    notional_cash: Decimal | None = None
    available_margin: Decimal | None = None
    exposure_margin: Decimal | None = None


class Funds(_Wire):
    """``GET /v2/user/get-funds-and-margin``: a segment is absent when not requested."""

    equity: FundsSegment | None = None
    commodity: FundsSegment | None = None


Product = Literal["I", "D", "MTF", "CO"]
OrderType = Literal["MARKET", "LIMIT", "SL", "SL-M"]
Side = Literal["BUY", "SELL"]


class OrderRequest(_Wire):
    """A single order as the trader asks for it; checked before it reaches Upstox.

    ``slice`` and ``market_protection`` are v3-only and ignored by v2 place. ``tag`` left empty is
    filled with a unique generated tag at placement, so the order can be found again (§4.2).
    """

    instrument_token: str = Field(min_length=3)
    quantity: int = Field(gt=0)
    product: Product
    validity: Literal["DAY", "IOC"] = "DAY"
    order_type: OrderType
    transaction_type: Side
    price: Decimal = Decimal(0)
    trigger_price: Decimal = Decimal(0)
    disclosed_quantity: int = Field(default=0, ge=0)
    is_amo: bool = False
    tag: str | None = Field(default=None, min_length=1, max_length=MAX_TAG_CHARS)
    slice: bool = False
    market_protection: float | None = Field(default=None, ge=-1, le=25)

    @model_validator(mode="after")
    def _prices_match_order_type(self) -> "OrderRequest":
        # MARKET with a non-zero price is rejected with UDAPI1040 (§1.4); catch it here.
        if self.order_type in ("MARKET", "SL-M") and self.price != 0:
            raise ValueError(f"{self.order_type} orders must have price 0")
        if self.order_type == "LIMIT" and self.price <= 0:
            raise ValueError("LIMIT orders need a price above 0")
        if self.order_type in ("SL", "SL-M") and self.trigger_price <= 0:
            raise ValueError(f"{self.order_type} orders need a trigger_price above 0")
        if self.order_type in ("MARKET", "LIMIT") and self.trigger_price != 0:
            raise ValueError(f"{self.order_type} orders must have trigger_price 0")
        return self

    def wire_body(self, tag: str, version: int) -> dict[str, Any]:
        """The JSON body for ``/v{version}/order/place`` (numbers as JSON numbers, not strings)."""
        body: dict[str, Any] = {
            "quantity": self.quantity,
            "product": self.product,
            "validity": self.validity,
            "price": float(self.price),
            "tag": tag,
            "instrument_token": self.instrument_token,
            "order_type": self.order_type,
            "transaction_type": self.transaction_type,
            "disclosed_quantity": self.disclosed_quantity,
            "trigger_price": float(self.trigger_price),
            "is_amo": self.is_amo,
        }
        if version == 3:
            body["slice"] = self.slice
            if self.market_protection is not None:
                body["market_protection"] = self.market_protection
        return body


class PlacedOrder(_Wire):
    """Result of a placement: one id (v2) or several (v3 slicing).

    ``reconciled`` is True when the ids came from the order history lookup after the place
    response was lost, not from the place response itself.
    """

    order_ids: list[str]
    tag: str
    reconciled: bool = False
    latency_ms: int | None = None


class OrderRecord(_IstTimes):
    """An order in the order book / details / history (§4.4). ``status`` is lowercase text."""

    order_id: str
    status: str
    exchange: str | None = None
    product: str | None = None
    price: Decimal | None = None
    quantity: int | None = None
    tag: str | None = None
    guid: str | None = None
    instrument_token: str | None = None
    placed_by: str | None = None
    trading_symbol: str | None = _symbol_field()
    order_type: str | None = None
    validity: str | None = None
    trigger_price: Decimal | None = None
    disclosed_quantity: int | None = None
    transaction_type: str | None = None
    average_price: Decimal | None = None
    filled_quantity: int | None = None
    pending_quantity: int | None = None
    status_message: str | None = None
    status_message_raw: str | None = None
    exchange_order_id: str | None = None
    parent_order_id: str | None = None
    variety: str | None = None
    order_timestamp: datetime | None = None
    exchange_timestamp: datetime | None = None
    is_amo: bool | None = None
    order_request_id: str | None = None
    order_ref_id: str | None = None


class Trade(_IstTimes):
    """A fill (§4.4 Trade record)."""

    trade_id: str
    order_id: str
    exchange: str | None = None
    product: str | None = None
    trading_symbol: str | None = _symbol_field()
    instrument_token: str | None = None
    order_type: str | None = None
    transaction_type: str | None = None
    quantity: int | None = None
    average_price: Decimal | None = None
    exchange_order_id: str | None = None
    order_ref_id: str | None = None
    exchange_timestamp: datetime | None = None
    order_timestamp: datetime | None = None


class Position(_Wire):
    """A day/carried position (§6). ``quantity`` is net; ``average_price`` may be null."""

    instrument_token: str
    exchange: str | None = None
    product: str | None = None
    trading_symbol: str | None = _symbol_field()
    quantity: int = 0
    multiplier: Decimal | None = None
    average_price: Decimal | None = None
    last_price: Decimal | None = None
    close_price: Decimal | None = None
    pnl: Decimal | None = None
    realised: Decimal | None = None
    unrealised: Decimal | None = None
    value: Decimal | None = None
    buy_value: Decimal | None = None
    sell_value: Decimal | None = None
    buy_price: Decimal | None = None
    sell_price: Decimal | None = None
    overnight_quantity: int | None = None
    overnight_buy_amount: Decimal | None = None
    overnight_buy_quantity: int | None = None
    overnight_sell_amount: Decimal | None = None
    overnight_sell_quantity: int | None = None
    day_buy_quantity: int | None = None
    day_buy_value: Decimal | None = None
    day_buy_price: Decimal | None = None
    day_sell_quantity: int | None = None
    day_sell_value: Decimal | None = None
    day_sell_price: Decimal | None = None


class Holding(_Wire):
    """A long-term holding (§6)."""

    instrument_token: str
    isin: str | None = None
    company_name: str | None = None
    exchange: str | None = None
    product: str | None = None
    trading_symbol: str | None = _symbol_field()
    quantity: int = 0
    t1_quantity: int | None = None
    average_price: Decimal | None = None
    last_price: Decimal | None = None
    close_price: Decimal | None = None
    pnl: Decimal | None = None
    day_change: Decimal | None = None
    day_change_percentage: Decimal | None = None
    haircut: Decimal | None = None
    collateral_type: str | None = None
    collateral_quantity: int | None = None
    collateral_update_quantity: int | None = None
    cnc_used_quantity: int | None = None


class Candle(_Wire):
    """One OHLCV bar; ``timestamp`` is the bar's start as an aware datetime (+05:30 from Upstox)."""

    timestamp: datetime
    open: float
    high: float
    low: float
    close: float
    volume: int
    oi: float = 0.0

    @classmethod
    def from_row(cls, row: list[Any]) -> "Candle":
        """Upstox sends ``[ts, open, high, low, close, volume, oi]`` arrays (§7.3)."""
        ts, o, h, low, c, vol = row[:6]
        oi = row[6] if len(row) > 6 and row[6] is not None else 0.0
        return cls(timestamp=ts, open=o, high=h, low=low, close=c, volume=vol, oi=oi)

    @field_validator("timestamp")
    @classmethod
    def _must_be_aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=IST)


class MultiOrderLine(OrderRequest):
    """One line of ``POST /v2/order/multi/place``: a v3-style order plus its ``correlation_id``.

    ``correlation_id`` (1-20 chars, unique within the request) is how Upstox reports each
    line's result or error back (§4.2).
    """

    correlation_id: str = Field(min_length=1, max_length=MAX_CORRELATION_ID_CHARS)

    def wire_line(self) -> dict[str, Any]:
        body = self.wire_body(tag=self.tag or "", version=3)
        if not self.tag:
            body.pop("tag")
        body["correlation_id"] = self.correlation_id
        return body


class GttRule(_Wire):
    """One GTT leg (§5). TARGET/STOPLOSS legs arm after the ENTRY fills (trigger IMMEDIATE)."""

    strategy: Literal["ENTRY", "TARGET", "STOPLOSS"]
    trigger_type: Literal["ABOVE", "BELOW", "IMMEDIATE"]
    trigger_price: float = Field(gt=0)
    trailing_gap: float | None = Field(default=None, gt=0)
    market_protection: float | None = Field(default=None, ge=-1, le=25)

    @model_validator(mode="after")
    def _trailing_only_on_stoploss(self) -> "GttRule":
        if self.trailing_gap is not None and self.strategy != "STOPLOSS":
            raise ValueError("trailing_gap is allowed only on the STOPLOSS rule")
        return self

    def wire(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)
