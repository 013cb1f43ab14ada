"""The instrument master: type-ahead search, one resolver, and the state of the daily load."""

from __future__ import annotations

import dataclasses

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.contract import Answer, KEY_ERRORS, answer, documented
from scripts.api_schemas.instruments import Instrument, InstrumentsStatus, ResolvedInstrument

blueprint = APIBlueprint(
    "instruments",
    __name__,
    url_prefix="/api/instruments",
    abp_tags=[Tag(name="Instruments")],
    abp_security=[{"ApiKey": []}],
)

# Printable text only: a control character is never part of a symbol, and PostgreSQL refuses NUL.
TEXT = r"^[^\x00-\x1f\x7f]+$"


class SearchQuery(BaseModel):
    q: str = Field(min_length=1, max_length=64, pattern=TEXT, description="Symbol, name, ISIN")
    segment: str | None = Field(default=None, pattern="^[A-Z]{2,5}_[A-Z]{2,5}$")
    type: str | None = Field(default=None, pattern="^[A-Z]{2,8}$")
    limit: int = Field(default=20, ge=1, le=100)


class ResolveQuery(BaseModel):
    q: str = Field(
        min_length=1,
        max_length=64,
        pattern=TEXT,
        description="RELIANCE, NSE:RELIANCE, NSE_EQ|INE002A01018, an ISIN, NIFTY 50, "
        "NIFTY2543021600PE or NIFTY 21600 PE 30 APR 25",
    )


@blueprint.get("/search", responses=documented(list[Instrument], *KEY_ERRORS, 422))
def search(query: SearchQuery) -> Answer:
    """Type-ahead: exact symbol, key, ISIN or token first, then symbols and names by prefix."""
    rows = services().instruments.search(query.q, query.segment, query.type, query.limit)
    return answer(list[Instrument], [dataclasses.asdict(row) for row in rows])


@blueprint.get("/resolve", responses=documented(ResolvedInstrument, *KEY_ERRORS, 404, 409, 422))
def resolve(query: ResolveQuery) -> Answer:
    """The one instrument the text names. A symbol on several exchanges resolves to NSE and
    says so (``note``, ``alternatives``); 409 lists the candidates when nothing settles it."""
    found = services().instruments.resolve(query.q)
    data = {
        "instrument_key": found.instrument.instrument_key,
        "matched_by": found.matched_by,
        "note": found.note,
        "alternatives": found.alternatives,
        "instrument": dataclasses.asdict(found.instrument),
    }
    return answer(ResolvedInstrument, data)


@blueprint.get("/status", responses=documented(InstrumentsStatus, *KEY_ERRORS))
def status() -> Answer:
    """Instruments stored, the last good load (file date, counts per segment), the last try."""
    return answer(InstrumentsStatus, dataclasses.asdict(services().instruments.status()))
