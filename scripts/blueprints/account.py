"""Upstox account reads: profile and funds & margins."""

from __future__ import annotations

from typing import Literal

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from scripts.api.context import services
from scripts.api.contract import Answer, KEY_ERRORS, UPSTOX_ERRORS, answer, documented
from scripts.api_schemas.account import Funds, Margins, Profile

blueprint = APIBlueprint(
    "account",
    __name__,
    url_prefix="/api/account",
    abp_tags=[Tag(name="Account")],
    abp_security=[{"ApiKey": []}],
)


class FundsQuery(BaseModel):
    segment: Literal["SEC", "COM"] | None = None


@blueprint.get("/profile", responses=documented(Profile, *KEY_ERRORS, *UPSTOX_ERRORS))
def profile() -> Answer:
    """The Upstox profile: user, email, enabled exchanges, products and order types."""
    return answer(Profile, services().broker.profile())


@blueprint.get("/funds", responses=documented(Funds, *KEY_ERRORS, *UPSTOX_ERRORS))
def funds(query: FundsQuery) -> Answer:
    """Available, used and other margins per segment (SEC = equity, COM = commodity)."""
    return answer(Funds, services().broker.funds(query.segment))


@blueprint.get("/margins", responses=documented(Margins, *KEY_ERRORS, *UPSTOX_ERRORS))
def margins() -> Answer:
    """Available, used and collateral (pledge) margin per segment."""
    return answer(Margins, services().broker.margins())
