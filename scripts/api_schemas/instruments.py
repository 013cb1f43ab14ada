"""The instrument master: search results, a resolved instrument, and the state of the loads."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class Instrument(BaseModel):
    instrument_key: str = Field(description="Upstox's stable id, e.g. NSE_EQ|INE002A01018")
    segment: str = Field(description="NSE_EQ, NSE_INDEX, NSE_FO, BSE_EQ, MCX_FO, ...")
    exchange: str
    instrument_type: str = Field(description="EQ, INDEX, FUT, CE, PE, ...")
    trading_symbol: str
    name: str
    short_name: str | None = None
    isin: str | None = None
    exchange_token: str | None = None
    lot_size: int | None = None
    tick_size: float | None = Field(
        default=None, description="As in Upstox's file (paise in the JSON files, unverified)"
    )
    freeze_quantity: float | None = None
    expiry: date | None = Field(default=None, description="F&O: the expiry day (IST)")
    strike_price: float | None = None
    weekly: bool | None = None
    underlying_key: str | None = None
    underlying_symbol: str | None = None


class ResolvedInstrument(BaseModel):
    instrument_key: str
    matched_by: str = Field(description="key, isin, symbol, index or contract")
    note: str | None = Field(
        default=None, description="Set when a choice was made, e.g. NSE_EQ over BSE_EQ"
    )
    alternatives: list[str] = Field(
        default_factory=list, description="Keys of the other instruments the text matched"
    )
    instrument: Instrument


class InstrumentLoad(BaseModel):
    started_at: datetime
    finished_at: datetime
    status: str = Field(description="loaded, or rejected (the previous instruments kept)")
    source: str
    file_date: date | None = None
    rows: int
    segment_counts: dict[str, int]
    message: str


class InstrumentsStatus(BaseModel):
    total: int = Field(description="Instruments stored now")
    last_loaded: InstrumentLoad | None = None
    last_attempt: InstrumentLoad | None = Field(
        default=None, description="The newest attempt, loaded or rejected"
    )
