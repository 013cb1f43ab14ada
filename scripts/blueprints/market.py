"""Market state and calendar: ``GET /api/market/status`` and ``GET /api/market/calendar``."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.contract import Answer, KEY_ERRORS, answer, documented
from scripts.api_schemas.market import Exchange, MarketCalendar, MarketStatus
from scripts.clock import IST, utc_now

blueprint = APIBlueprint(
    "market",
    __name__,
    url_prefix="/api/market",
    abp_tags=[Tag(name="Market")],
    abp_security=[{"ApiKey": []}],
)


class StatusQuery(BaseModel):
    exchange: Exchange = Field(default="NSE", description="NSE, BSE or MCX")


class CalendarQuery(BaseModel):
    year: int | None = Field(default=None, ge=1990, le=2200, description="Default: this year (IST)")
    exchange: Exchange = Field(default="NSE", description="NSE, BSE or MCX")


@blueprint.get("/status", responses=documented(MarketStatus, *KEY_ERRORS, 422))
def status(query: StatusQuery) -> Answer:
    """Open, pre-open, closing, special session, closed, holiday or weekend, with the reason and
    the next open (IST); unknown when the trading calendar's data has run out."""
    return answer(MarketStatus, services().market_status.status(query.exchange))


@blueprint.get("/calendar", responses=documented(MarketCalendar, *KEY_ERRORS, 404, 422))
def calendar(query: CalendarQuery) -> Answer:
    """Holidays, special sessions and regular session times of one exchange for one year;
    404 calendar_not_covered for a year past the bundled data."""
    year = query.year or utc_now().astimezone(IST).year
    return answer(MarketCalendar, services().trading_calendar.year(query.exchange, year))
