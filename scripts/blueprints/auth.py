"""Upstox session: state, log in (OAuth dialog + callback), log out.

The callback is the redirect URI registered with Upstox; the trader's browser
lands on it, so it needs no API key. Its one-time ``state`` (issued by
``POST /api/auth/login`` to an API-key holder) is what protects it.
The access token itself is never part of any response.
"""

from __future__ import annotations

from flask import redirect
from werkzeug.wrappers import Response as WerkzeugResponse
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from scripts.api.context import services
from scripts.api.contract import Answer, BODY_ERRORS, KEY_ERRORS, UPSTOX_ERRORS, answer, documented
from scripts.api_schemas.auth import LoggedIn, LoggedOut, LoginBody, LoginStarted, SessionStatus
from scripts.services.errors import ValidationFailed

# Security is declared per route: flask-openapi3 reads a route's empty list as "not set" and
# would document the key-less callback as needing the key if the blueprint declared it.
blueprint = APIBlueprint(
    "auth", __name__, url_prefix="/api/auth", abp_tags=[Tag(name="Upstox session")]
)
API_KEY: list[dict[str, list[str]]] = [{"ApiKey": []}]


class CallbackQuery(BaseModel):
    """Upstox sends ``code`` and ``state`` on success, ``error`` (and a description) if not."""

    code: str | None = Field(default=None, min_length=1, max_length=512)
    state: str | None = Field(default=None, min_length=1, max_length=128)
    error: str | None = Field(
        default=None, max_length=128, description="e.g. access_denied when the login is declined"
    )
    error_description: str | None = Field(default=None, max_length=512)


@blueprint.get("/status", security=API_KEY, responses=documented(SessionStatus, *KEY_ERRORS))
def status() -> Answer:
    """Mode, login state (none, active, expired, revoked), user and token expiry (IST)."""
    return answer(SessionStatus, services().broker.status())


@blueprint.post(
    "/login", security=API_KEY, responses=documented(LoginStarted, *KEY_ERRORS, *BODY_ERRORS)
)
def login(body: LoginBody) -> Answer:
    """Start a login: returns the Upstox authorization-dialog URL to open in a browser."""
    return answer(LoginStarted, services().broker.begin_login(body.return_to))


@blueprint.get(
    "/callback",
    responses={**documented(LoggedIn, *UPSTOX_ERRORS), 302: {"description": "To the dashboard"}},
)
def callback(query: CallbackQuery) -> Answer | WerkzeugResponse:
    """Upstox redirects here with ``code`` and ``state``; the code is exchanged for a token.

    A declined dialog arrives as ``error=access_denied``: a login started from the
    dashboard goes back to it (``/profile?login=cancelled``); otherwise it is answered as a
    cancelled login (400, code ``upstox_login_cancelled``), not as a missing ``code``.
    """
    broker = services().broker
    if query.error:
        if broker.cancel_login(query.state, query.error, query.error_description) == "dashboard":
            return redirect(_dashboard_profile("cancelled"))
        raise broker.login_cancelled_error(query.error, query.error_description)
    for name in ("code", "state"):
        if not getattr(query, name):
            raise ValidationFailed(
                f"{name}: Field required. Upstox adds code and state when it sends you back "
                "here; start the login again (./authenticate.sh or the Profile & Connection "
                "page) instead of opening this URL by hand.",
                name,
            )
    session, return_to = broker.complete_login(str(query.code), str(query.state))
    if return_to == "dashboard":
        return redirect(_dashboard_profile("ok"))
    data = session.as_dict()
    data["message"] = "Logged in to Upstox. You can close this tab."
    return answer(LoggedIn, data)


@blueprint.post("/logout", security=API_KEY, responses=documented(LoggedOut, *KEY_ERRORS))
def logout() -> Answer:
    """End the Upstox session (at Upstox when reachable, and always here)."""
    return answer(LoggedOut, services().broker.logout())


def _dashboard_profile(outcome: str) -> str:
    settings = services().settings
    return f"http://{settings.dashboard_host}:{settings.dashboard_port}/profile?login={outcome}"
