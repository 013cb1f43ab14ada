"""Upstox account reads: profile and funds & margins."""

from __future__ import annotations

from typing import Literal

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from scripts.api.context import services
from scripts.api.envelope import success

blueprint = APIBlueprint(
    "account",
    __name__,
    url_prefix="/api/account",
    abp_tags=[Tag(name="Account")],
    abp_security=[{"ApiKey": []}],
)


class FundsQuery(BaseModel):
    segment: Literal["SEC", "COM"] | None = None


@blueprint.get("/profile")
def profile():
    """The Upstox profile: user, email, enabled exchanges, products and order types."""
    return success(services().broker.profile())


@blueprint.get("/funds")
def funds(query: FundsQuery):
    """Available, used and other margins per segment (SEC = equity, COM = commodity)."""
    return success(services().broker.funds(query.segment))


@blueprint.get("/margins")
def margins():
    """Available, used and collateral (pledge) margin per segment."""
    return success(services().broker.margins())
