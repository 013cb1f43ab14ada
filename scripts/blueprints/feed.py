"""The live market feed: health, per-consumer subscriptions, latest ticks, 1-minute bars.

The feed runs in its own process; these routes reach it through the market_feed service.
Every instrument given here (symbol or key) goes through the platform's one resolver, in
POST and DELETE alike: an unknown one is a 404 naming it.
"""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.contract import Answer, BODY_ERRORS, KEY_ERRORS, UPSTOX_ERRORS, answer, documented
from scripts.api_schemas.feed import FeedHealth, FeedMode, MinuteBars, Subscriptions, Tick

blueprint = APIBlueprint(
    "feed",
    __name__,
    url_prefix="/api/feed",
    abp_tags=[Tag(name="Market feed")],
    abp_security=[{"ApiKey": []}],
)
CONSUMER = Field(
    default="api",
    min_length=1,
    max_length=128,
    description="who subscribes: watchlist:3, page:<uuid>, alert:7; plain API callers: api",
)


class SubscribeBody(BaseModel):
    instrument_keys: list[str] = Field(
        min_length=1,
        max_length=500,
        description="symbols or instrument keys, e.g. RELIANCE, NSE:INFY, NSE_EQ|INE002A01018",
    )
    mode: FeedMode = FeedMode.LTPC
    consumer: str = CONSUMER


class UnsubscribeBody(BaseModel):
    instrument_keys: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="symbols or instrument keys; omit to drop all of the consumer's",
    )
    consumer: str = CONSUMER


class TicksQuery(BaseModel):
    instrument_keys: str = Field(
        min_length=1, description="comma-separated symbols or instrument keys"
    )


class BarsQuery(BaseModel):
    instrument_key: str = Field(min_length=1, description="a symbol or instrument key")


@blueprint.get("/health", responses=documented(FeedHealth, *KEY_ERRORS))
def health() -> Answer:
    """Feed state (from the feed process), ages, reconnects, subscriptions per mode."""
    return answer(FeedHealth, services().market_feed.health())


@blueprint.post(
    "/subscriptions",
    responses=documented(Subscriptions, *KEY_ERRORS, *BODY_ERRORS, *UPSTOX_ERRORS),
)
def subscribe(body: SubscribeBody) -> Answer:
    """Subscribe a consumer to instruments in a mode (opens the feed on first use)."""
    feed = services().market_feed
    return answer(Subscriptions, feed.subscribe(body.consumer, body.instrument_keys, body.mode))


@blueprint.delete(
    "/subscriptions",
    responses=documented(Subscriptions, *KEY_ERRORS, *BODY_ERRORS, *UPSTOX_ERRORS),
)
def unsubscribe(body: UnsubscribeBody) -> Answer:
    """Drop a consumer's instruments; other consumers keep theirs."""
    feed = services().market_feed
    return answer(Subscriptions, feed.unsubscribe(body.consumer, body.instrument_keys))


@blueprint.get("/ticks", responses=documented(list[Tick], *KEY_ERRORS, *UPSTOX_ERRORS))
def ticks(query: TicksQuery) -> Answer:
    """The latest tick of each instrument asked for that has one (with age and stale)."""
    texts = [k.strip() for k in query.instrument_keys.split(",") if k.strip()]
    return answer(list[Tick], services().market_feed.ticks(texts))


@blueprint.get("/bars", responses=documented(MinuteBars, *KEY_ERRORS, *UPSTOX_ERRORS))
def bars(query: BarsQuery) -> Answer:
    """1-minute OHLC bars built from the feed's ticks (volume from traded-volume deltas)."""
    return answer(MinuteBars, services().market_feed.bars(query.instrument_key))
