"""Market state of an exchange as of now."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

MarketState = Literal["open", "pre_open", "closed", "holiday", "weekend"]


class MarketStatus(BaseModel):
    exchange: str
    status: MarketState
    reason: str = Field(description="In words, e.g. Trading holiday: Diwali.")
    now: datetime = Field(description="IST")
    next_open: datetime = Field(description="IST")
