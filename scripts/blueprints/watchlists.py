"""Named watchlists: the lists, their instruments with live prices, adding and removing."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, model_validator

from scripts.api.context import services
from scripts.api.contract import Answer, BODY_ERRORS, KEY_ERRORS, answer, documented
from scripts.api_schemas.watchlists import (
    Watchlist,
    WatchlistDeleted,
    WatchlistItemChange,
    WatchlistSummary,
)

blueprint = APIBlueprint(
    "watchlists",
    __name__,
    url_prefix="/api/watchlists",
    abp_tags=[Tag(name="Watchlists")],
    abp_security=[{"ApiKey": []}],
)
# Printable text only: a control character is never part of a name or symbol.
TEXT = r"^[^\x00-\x1f\x7f]+$"
# Ids are 32-bit integers in both databases; a larger number is no list (and no overflow).
MAX_ID = 2**31 - 1


class WatchlistName(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=TEXT, description="e.g. Banks")


class WatchlistPath(BaseModel):
    watchlist_id: int = Field(ge=1, le=MAX_ID)


class ItemPath(BaseModel):
    watchlist_id: int = Field(ge=1, le=MAX_ID)
    symbol: str = Field(
        min_length=1,
        max_length=64,
        pattern=TEXT,
        description="The instrument key (NSE_EQ|INE002A01018) or a symbol (RELIANCE)",
    )


class ItemBody(BaseModel):
    symbol: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=TEXT, description="e.g. RELIANCE"
    )
    instrument_key: str | None = Field(
        default=None,
        min_length=3,
        max_length=64,
        pattern=r"^[A-Z_]+\|[^|\x00-\x1f\x7f]{1,60}$",
        description="e.g. NSE_EQ|INE002A01018",
    )

    @model_validator(mode="after")
    def _one_of_symbol_or_key(self) -> "ItemBody":
        if (self.symbol is None) == (self.instrument_key is None):
            raise ValueError("give exactly one of symbol or instrument_key")
        return self

    @property
    def text(self) -> str:
        return self.instrument_key or self.symbol or ""


@blueprint.get("", responses=documented(list[WatchlistSummary], *KEY_ERRORS))
def lists() -> Answer:
    """Every watchlist with its number of instruments, by name."""
    return answer(list[WatchlistSummary], services().watchlists.lists())


@blueprint.post(
    "", responses=documented(WatchlistSummary, *KEY_ERRORS, *BODY_ERRORS, 409, status=201)
)
def create(body: WatchlistName) -> Answer:
    """A new, empty watchlist; 409 when the name (case-insensitive) is taken."""
    return answer(WatchlistSummary, services().watchlists.create(body.name), status=201)


@blueprint.get("/<int:watchlist_id>", responses=documented(Watchlist, *KEY_ERRORS, 404, 422))
def watchlist(path: WatchlistPath) -> Answer:
    """The list's instruments in order with LTP, change, % change and volume: from a fresh
    feed tick, else the 1-s cached quote; null with ``prices_unavailable`` without a session."""
    return answer(Watchlist, services().watchlists.watchlist(path.watchlist_id))


@blueprint.patch(
    "/<int:watchlist_id>",
    responses=documented(WatchlistSummary, *KEY_ERRORS, *BODY_ERRORS, 404, 409),
)
def rename(path: WatchlistPath, body: WatchlistName) -> Answer:
    """Rename the list; 409 when another list has the name."""
    return answer(WatchlistSummary, services().watchlists.rename(path.watchlist_id, body.name))


@blueprint.delete("/<int:watchlist_id>", responses=documented(WatchlistDeleted, *KEY_ERRORS, 404))
def delete(path: WatchlistPath) -> Answer:
    """Delete the list and its instruments (and its feed subscriptions)."""
    return answer(WatchlistDeleted, services().watchlists.delete(path.watchlist_id))


@blueprint.post(
    "/<int:watchlist_id>/items",
    responses=documented(WatchlistItemChange, *KEY_ERRORS, *BODY_ERRORS, 404, 409),
)
def add_item(path: WatchlistPath, body: ItemBody) -> Answer:
    """Add an instrument by symbol or key (the one resolver); adding it twice is harmless."""
    return answer(WatchlistItemChange, services().watchlists.add(path.watchlist_id, body.text))


@blueprint.delete(
    "/<int:watchlist_id>/items/<path:symbol>",
    responses=documented(WatchlistItemChange, *KEY_ERRORS, 404, 409, 422),
)
def remove_item(path: ItemPath) -> Answer:
    """Remove an instrument, named by its key or a symbol the resolver understands."""
    return answer(WatchlistItemChange, services().watchlists.remove(path.watchlist_id, path.symbol))
