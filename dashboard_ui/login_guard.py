"""Dashboard login: who may see pages, the session, and the throttle on wrong passwords.

Every path except the login page, the launcher's ``/healthz`` and NiceGUI's own
static files needs a logged-in session; the check is one middleware so a new
page cannot forget it. The password is checked against the scrypt hash from
``.env`` (the clear password is never stored). After ``MAX_FAILURES`` wrong
attempts the session is locked for ``LOCKOUT_SECONDS`` so a password cannot be
guessed at full speed.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from nicegui import app
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from scripts.config.passwords import verify_password
from scripts.config.dashboard_settings import DashboardSettings

log = logging.getLogger(__name__)

LOGIN_PATH = "/login"
HEALTH_PATH = "/healthz"
PUBLIC_PATHS = frozenset({LOGIN_PATH, HEALTH_PATH, "/favicon.ico"})
PUBLIC_PREFIXES = ("/_nicegui",)  # NiceGUI's scripts, styles and websocket

# Five tries, then half a minute: harmless for a trader who mistyped, slow for a guesser.
MAX_FAILURES = 5
LOCKOUT_SECONDS = 30.0

_AUTHENTICATED = "authenticated"
_USERNAME = "username"
_FAILURES = "login_failures"
_LOCKED_UNTIL = "login_locked_until"


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def safe_redirect_target(target: str | None) -> str:
    """Only same-site paths: ``redirect_to`` must never send the trader to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if target == LOGIN_PATH or target.startswith(LOGIN_PATH + "?"):
        return "/"
    return target


def login_url(target: str) -> str:
    return f"{LOGIN_PATH}?redirect_to={quote(target, safe='/')}"


class LoginRequiredMiddleware(BaseHTTPMiddleware):
    """Redirects every non-public request without a logged-in session to the login page."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if not is_public(path) and not is_logged_in(app.storage.user):
            target = path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(login_url(target))
        return await call_next(request)


def is_logged_in(session: MutableMapping[str, Any]) -> bool:
    return bool(session.get(_AUTHENTICATED))


def current_user(session: MutableMapping[str, Any]) -> str:
    return str(session.get(_USERNAME, ""))


def log_out(session: MutableMapping[str, Any]) -> None:
    session.pop(_AUTHENTICATED, None)
    session.pop(_USERNAME, None)


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    message: str


class LoginGate:
    """Checks credentials for one session and keeps its failure count and lockout in it.

    The state lives in the session (``app.storage.user``) so it survives page
    reloads; ``clock`` is injectable so tests need not wait out the lockout.
    """

    def __init__(self, settings: DashboardSettings, clock: Callable[[], float] = time.time) -> None:
        self._user = settings.dashboard_user
        self._hash = settings.dashboard_password_hash
        self._clock = clock

    def seconds_locked(self, session: MutableMapping[str, Any]) -> int:
        remaining = float(session.get(_LOCKED_UNTIL, 0.0)) - self._clock()
        return max(0, int(remaining + 0.999))

    async def log_in(
        self, session: MutableMapping[str, Any], username: str, password: str
    ) -> LoginResult:
        locked = self.seconds_locked(session)
        if locked:
            return LoginResult(False, _locked_message(locked))
        if not username or not password:
            return LoginResult(False, "Enter the user name and the password.")
        # scrypt takes ~50 ms of CPU: run it off the event loop so other pages stay live.
        password_ok = await asyncio.to_thread(verify_password, password, self._hash)
        user_ok = hmac.compare_digest(username.encode("utf-8"), self._user.encode("utf-8"))
        if user_ok and password_ok:
            session.pop(_FAILURES, None)
            session.pop(_LOCKED_UNTIL, None)
            session[_AUTHENTICATED] = True
            session[_USERNAME] = self._user
            log.info("dashboard login by %s", self._user)
            return LoginResult(True, "")
        return LoginResult(False, self._record_failure(session))

    def _record_failure(self, session: MutableMapping[str, Any]) -> str:
        failures = int(session.get(_FAILURES, 0)) + 1
        log.warning("failed dashboard login (%d in a row for this session)", failures)
        if failures >= MAX_FAILURES:
            session[_FAILURES] = 0
            session[_LOCKED_UNTIL] = self._clock() + LOCKOUT_SECONDS
            return _locked_message(int(LOCKOUT_SECONDS))
        session[_FAILURES] = failures
        left = MAX_FAILURES - failures
        return (
            f"Wrong user name or password. {left} more "
            f"{'try' if left == 1 else 'tries'} before a {int(LOCKOUT_SECONDS)}-second pause."
        )


def _locked_message(seconds: int) -> str:
    return (
        f"Too many wrong passwords. Login is paused for this browser; "
        f"try again in {seconds} seconds."
    )
