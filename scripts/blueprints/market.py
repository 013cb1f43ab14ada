"""Market state: ``GET /api/market/status``."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.contract import Answer, KEY_ERRORS, answer, documented
from scripts.api_schemas.market import MarketStatus

blueprint = APIBlueprint(
    "market",
    __name__,
    url_prefix="/api/market",
    abp_tags=[Tag(name="Market")],
    abp_security=[{"ApiKey": []}],
)


class StatusQuery(BaseModel):
    # Only NSE holidays are bundled so far; other exchanges arrive with the trading calendar.
    exchange: str = Field(default="NSE", pattern="^NSE$")


@blueprint.get("/status", responses=documented(MarketStatus, *KEY_ERRORS, 422))
def status(query: StatusQuery) -> Answer:
    """Open, pre-open, closed, holiday or weekend, with the reason and the next open (IST)."""
    return answer(MarketStatus, services().market_status.status(query.exchange))
