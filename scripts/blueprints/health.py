"""Health: ``GET /api/health`` (no API key: monitors and the launcher poll it)."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel

from scripts.api.context import services
from scripts.api.envelope import success

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
    return success(services().health.platform())
