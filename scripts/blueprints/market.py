"""Market state: ``GET /api/market/status``."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import platform
from scripts.api.envelope import success
from scripts.clock import utc_now
from scripts.services.market_status import market_status

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


@blueprint.get("/status")
def status(query: StatusQuery):  # type: ignore[no-untyped-def]
    """Open, pre-open, closed, holiday or weekend, with the reason and the next open (IST)."""
    with platform().database.read() as connection:
        return success(market_status(connection, utc_now(), query.exchange))
