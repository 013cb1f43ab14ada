"""Health: ``GET /api/health`` (no API key: monitors and the launcher poll it)."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from scripts.api.context import platform
from scripts.api.envelope import success
from scripts.services.health import platform_health

blueprint = APIBlueprint("health", __name__, url_prefix="/api", abp_tags=[Tag(name="System")])


class HealthData(BaseModel):
    status: str
    version: str
    mode: str
    mode_label: str
    time: str
    database: dict[str, Any]
    scheduler: dict[str, Any]
    broker: dict[str, Any]


class HealthResponse(BaseModel):
    status: str
    data: HealthData


@blueprint.get("/health", responses={200: HealthResponse}, security=[])
def health():  # type: ignore[no-untyped-def]
    """Version, mode, database, scheduler heartbeat and broker connection."""
    ctx = platform()
    broker = dict(ctx.services["broker_probe"].status())
    broker["token"] = ctx.services["broker"].status()
    broker["feed"] = ctx.services["market_feed"].health()
    return success(platform_health(ctx.settings, ctx.database, broker))
