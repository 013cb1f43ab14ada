"""The live market feed: health, subscriptions, latest ticks."""

from __future__ import annotations

import re

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, field_validator

from scripts.api.context import services
from scripts.api.contract import Answer, BODY_ERRORS, KEY_ERRORS, UPSTOX_ERRORS, answer, documented
from scripts.api_schemas.feed import FeedHealth, FeedMode, Subscriptions, Tick

blueprint = APIBlueprint(
    "feed",
    __name__,
    url_prefix="/api/feed",
    abp_tags=[Tag(name="Market feed")],
    abp_security=[{"ApiKey": []}],
)
INSTRUMENT_KEY = r"^[A-Z_]+\|[^|]{1,64}$"
# The feed consumer name of subscriptions made through this API.
API_CONSUMER = "api"


class SubscribeBody(BaseModel):
    instrument_keys: list[str] = Field(
        min_length=1, max_length=500, description="e.g. NSE_EQ|INE002A01018"
    )
    mode: FeedMode = FeedMode.LTPC

    @field_validator("instrument_keys")
    @classmethod
    def _keys_look_like_upstox_keys(cls, keys: list[str]) -> list[str]:
        bad = [k for k in keys if not re.match(INSTRUMENT_KEY, k)]
        if bad:
            raise ValueError(
                f"not an instrument key (SEGMENT|ID, e.g. NSE_EQ|INE002A01018): " f"{bad[0]!r}"
            )
        return keys


class UnsubscribeBody(BaseModel):
    instrument_keys: list[str] = Field(min_length=1, max_length=500)


class TicksQuery(BaseModel):
    instrument_keys: str = Field(min_length=1, description="comma-separated instrument keys")


@blueprint.get("/health", responses=documented(FeedHealth, *KEY_ERRORS))
def health() -> Answer:
    """Feed state, last message and tick ages, reconnects, subscriptions per mode."""
    return answer(FeedHealth, services().market_feed.health())


@blueprint.post(
    "/subscriptions",
    responses=documented(Subscriptions, *KEY_ERRORS, *BODY_ERRORS, *UPSTOX_ERRORS),
)
def subscribe(body: SubscribeBody) -> Answer:
    """Subscribe instruments in a mode (starts the feed on first use)."""
    feed = services().market_feed
    return answer(Subscriptions, feed.subscribe(API_CONSUMER, body.instrument_keys, body.mode))


@blueprint.delete("/subscriptions", responses=documented(Subscriptions, *KEY_ERRORS, *BODY_ERRORS))
def unsubscribe(body: UnsubscribeBody) -> Answer:
    """Stop receiving ticks for instruments."""
    return answer(
        Subscriptions, services().market_feed.unsubscribe(API_CONSUMER, body.instrument_keys)
    )


@blueprint.get("/ticks", responses=documented(list[Tick], *KEY_ERRORS, 422))
def ticks(query: TicksQuery) -> Answer:
    """The latest tick of each subscribed instrument asked for."""
    keys = [k.strip() for k in query.instrument_keys.split(",") if k.strip()]
    return answer(list[Tick], services().market_feed.latest(keys))
