"""Upstox session: state, log in (OAuth dialog + callback), log out.

The callback is the redirect URI registered with Upstox; the trader's browser
lands on it, so it needs no API key. Its one-time ``state`` (issued by
``POST /api/auth/login`` to an API-key holder) is what protects it.
The access token itself is never part of any response.
"""

from __future__ import annotations

from typing import Literal

from flask import redirect
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.envelope import success

# Security is declared per route: flask-openapi3 reads a route's empty list as "not set" and
# would document the key-less callback as needing the key if the blueprint declared it.
blueprint = APIBlueprint(
    "auth", __name__, url_prefix="/api/auth", abp_tags=[Tag(name="Upstox session")]
)
API_KEY = [{"ApiKey": []}]


class LoginBody(BaseModel):
    return_to: Literal["none", "dashboard"] = Field(
        default="none", description="After the callback: answer JSON, or go to the dashboard."
    )


class CallbackQuery(BaseModel):
    code: str = Field(min_length=1, max_length=512)
    state: str = Field(min_length=1, max_length=128)


@blueprint.get("/status", security=API_KEY)
def status():  # type: ignore[no-untyped-def]
    """Mode, login state (none, active, expired, revoked), user and token expiry (IST)."""
    return success(services().broker.status())


@blueprint.post("/login", security=API_KEY)
def login(body: LoginBody):  # type: ignore[no-untyped-def]
    """Start a login: returns the Upstox authorization-dialog URL to open in a browser."""
    return success(services().broker.begin_login(body.return_to))


@blueprint.get("/callback")
def callback(query: CallbackQuery):  # type: ignore[no-untyped-def]
    """Upstox redirects here with ``code`` and ``state``; the code is exchanged for a token."""
    ctx = services()
    session, return_to = ctx.broker.complete_login(query.code, query.state)
    if return_to == "dashboard":
        settings = ctx.settings
        return redirect(
            f"http://{settings.dashboard_host}:{settings.dashboard_port}/profile?login=ok"
        )
    data = session.as_dict()
    data["message"] = "Logged in to Upstox. You can close this tab."
    return success(data)


@blueprint.post("/logout", security=API_KEY)
def logout():  # type: ignore[no-untyped-def]
    """End the Upstox session (at Upstox when reachable, and always here)."""
    return success(services().broker.logout())
