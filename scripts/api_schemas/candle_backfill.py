"""Candle backfill: the request a trader sends and the task they watch."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

IntervalLabel = Literal["1m", "5m", "15m", "30m", "1h", "1d", "1w", "1M"]
TaskState = Literal["queued", "running", "done", "failed"]


class BackfillTask(BaseModel):
    """One backfill; ``from``/``to`` are IST dates (``from`` after clamping to Upstox's
    history, which ``note`` then says)."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    task_id: int
    instrument_key: str
    trading_symbol: str
    interval: str = Field(description="1m, 5m, 15m, 30m, 1h, 1d, 1w or 1M")
    from_date: date = Field(alias="from")
    to_date: date = Field(alias="to")
    state: TaskState
    progress: float = Field(ge=0, le=1, description="Chunks done / chunks in the range")
    rows_written: int = Field(description="Candles stored (already stored ones are not counted)")
    rows_rejected: int = Field(description="Candles that failed validation, never stored")
    reject_sample: list[str] = Field(
        default_factory=list, description="The first few rejected candles and why"
    )
    chunks_done: int
    chunks_total: int = Field(description="Requests the range needs (Upstox's span limits)")
    note: str | None = None
    error: str | None = Field(default=None, description="Why a failed task failed, in words")
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class ChartBackfillPlan(BaseModel):
    """The backfill a chart at ``chart_interval`` needs: the stored series it is drawn from
    (1m for intraday charts, 1d for daily and coarser) over the chosen range, or a month of
    minutes / a year of days up to today."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    chart_interval: str
    interval: str = Field(description="The stored interval the backfill fetches: 1m or 1d")
    from_date: date = Field(alias="from")
    to_date: date = Field(alias="to")
    words: str = Field(description="The range in words, e.g. 'one year'")
