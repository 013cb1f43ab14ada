"""Health: ``GET /api/health`` (no API key: monitors and the launcher poll it)."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from scripts.api.context import services
from scripts.api.contract import Answer, answer, documented
from scripts.api_schemas.health import PlatformHealth

blueprint = APIBlueprint("health", __name__, url_prefix="/api", abp_tags=[Tag(name="System")])


@blueprint.get("/health", responses=documented(PlatformHealth), security=[])
def health() -> Answer:
    """Version, mode, database, scheduler heartbeat and broker connection."""
    return answer(PlatformHealth, services().health.platform())
