"""Full market quotes of instruments named by symbol, key, ISIN or index name."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.contract import Answer, KEY_ERRORS, UPSTOX_ERRORS, answer, documented
from scripts.api_schemas.quotes import Quote

blueprint = APIBlueprint(
    "quotes",
    __name__,
    url_prefix="/api",
    abp_tags=[Tag(name="Quotes")],
    abp_security=[{"ApiKey": []}],
)


class QuotesQuery(BaseModel):
    symbols: str = Field(
        min_length=1,
        max_length=33_000,  # 500 instruments (Upstox's cap) of up to 64 characters
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="Comma-separated: RELIANCE,NSE_EQ|INE467B01029,NIFTY 50 (at most 500)",
    )


@blueprint.get("/quotes", responses=documented(list[Quote], *KEY_ERRORS, *UPSTOX_ERRORS))
def quotes(query: QuotesQuery) -> Answer:
    """LTP, OHLC (close = previous close), change, 5-level depth, volume, OI and circuit
    limits per instrument, in the order asked; at most 1 s old (shared between callers)."""
    rows = services().quotes.quotes(query.symbols.split(","))
    return answer(list[Quote], rows)
