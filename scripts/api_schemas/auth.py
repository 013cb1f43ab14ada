"""The Upstox session: its state, starting a login, the callback's answer, logging out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

SessionStateName = Literal["none", "active", "expired", "revoked"]


class SessionState(BaseModel):
    """What may be shown about the session: never the token itself."""

    mode: str = Field(description="sandbox or live")
    state: SessionStateName
    logged_in: bool
    user_id: str | None = None
    user_name: str | None = None
    email: str | None = None
    issued_at: datetime | None = None
    expires_at: datetime | None = Field(default=None, description="03:30 IST after the login")
    expires_at_ist: str | None = Field(default=None, description="e.g. 02 Dec 2026 03:30 IST")
    reason: str | None = Field(default=None, description="Why the session ended, if it did")


class SessionStatus(SessionState):
    """``GET /api/auth/status``: the session plus what the dashboard needs to offer a login."""

    mode_label: str = Field(description="SANDBOX or LIVE")
    client_id_configured: bool = Field(description="False until UPSTOX_CLIENT_ID is in .env")


class LoginBody(BaseModel):
    return_to: Literal["none", "dashboard"] = Field(
        default="none", description="After the callback: answer JSON, or go to the dashboard."
    )


class LoginStarted(BaseModel):
    login_url: str = Field(description="Open this in a browser: Upstox's authorization dialog")
    state: str = Field(description="One-time; the callback must bring it back")
    redirect_uri: str
    expires_in_seconds: int


class LoggedIn(SessionState):
    message: str


class LoggedOut(BaseModel):
    logged_out: bool
    detail: str = Field(description="Whether Upstox confirmed the logout")
    session: SessionStatus
