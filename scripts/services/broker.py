"""The platform's Upstox session: log in (OAuth), state, log out, and account reads.

Builds the one ``UpstoxClient`` of the process for the configured mode, with
the token vault as its token source and "mark expired" as its reaction to a
401. Upstox's typed errors become service errors in ``upstox_errors`` (one
place for every service). Other services use the session only through the
public methods here (``feed_authorization_url``, ``mark_session_expired``,
``check_session``, ``download_instrument_file``), never through its client or vault.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from scripts.config.settings import Settings
from scripts.db import Database
from scripts.services.errors import (
    BrokerLoginRequired,
    LoginCancelled,
    ServiceError,
    ValidationFailed,
)
from scripts.services.order_audit import DatabaseOrderAudit
from scripts.services.read_cache import ACCOUNT_READS_TTL_S, SingleFlightCache
from scripts.services.token_vault import TokenState, TokenVault
from scripts.services.upstox_errors import call_upstox
from scripts.upstox.errors import TokenExpired, UpstoxError
from scripts.upstox.hosts import hosts_for_mode
from scripts.upstox.rest.client import UpstoxClient
from scripts.upstox.rest.models import Funds, Profile
from scripts.upstox.rest.reference_api import InstrumentFile

log = logging.getLogger(__name__)
LOGIN_STATE_TTL_SECONDS = 600
# How long a passed session check is trusted (see require_session).
SESSION_SEEN_FRESH_S = 1.0
Segment = Literal["SEC", "COM"]  # funds: SEC = equity, COM = commodity


@dataclass(frozen=True)
class PendingLogin:
    created: float
    return_to: str


class BrokerService:
    def __init__(
        self,
        settings: Settings,
        database: Database,
        client: UpstoxClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        read_cache_seconds: float = ACCOUNT_READS_TTL_S,
    ) -> None:
        self.settings = settings
        self._reads: SingleFlightCache[Any] = SingleFlightCache(read_cache_seconds, clock=clock)
        self.vault = TokenVault(database, settings.encryption_keys, settings.mode)
        self.client = client or UpstoxClient(
            hosts_for_mode(settings.mode, settings.sandbox_url),
            token_provider=self.vault.access_token,
            on_token_expired=self._token_rejected,
            audit=DatabaseOrderAudit(database, settings.mode),
        )
        self._clock = clock
        self._session_seen_at: float | None = None  # when require_session last passed
        self._pending: dict[str, PendingLogin] = {}
        self._lock = threading.Lock()

    # --- session -------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        state = self.vault.state().as_dict()
        state["mode_label"] = self.settings.mode_label
        state["client_id_configured"] = bool(self.settings.upstox_client_id)
        return state

    def begin_login(self, return_to: str = "none") -> dict[str, Any]:
        """A fresh authorization-dialog URL; its ``state`` is accepted once, for 10 minutes."""
        if not self.settings.upstox_client_id or not self.settings.upstox_client_secret:
            raise ValidationFailed(
                "UPSTOX_CLIENT_ID and UPSTOX_CLIENT_SECRET must be set in .env to log in "
                "(see docs/Upstox.md).",
                "UPSTOX_CLIENT_ID",
            )
        state = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_stale_logins()
            self._pending[state] = PendingLogin(self._clock(), return_to)
        url = self.client.login_url(
            client_id=self.settings.upstox_client_id,
            redirect_uri=self.settings.upstox_redirect_uri,
            state=state,
        )
        return {
            "login_url": url,
            "state": state,
            "redirect_uri": self.settings.upstox_redirect_uri,
            "expires_in_seconds": LOGIN_STATE_TTL_SECONDS,
        }

    def complete_login(self, code: str, state: str) -> tuple[TokenState, str]:
        """Exchange the dialog's ``code``; returns the new session and where to send the user."""
        with self._lock:
            self._forget_stale_logins()
            pending = self._pending.pop(state, None)
        if pending is None:
            raise ValidationFailed(
                "This login link is unknown or older than 10 minutes; start the login again "
                "(./authenticate.sh or Log in on the Profile & Connection page).",
                "state",
            )
        token = call_upstox(
            lambda: self.client.exchange_code(
                code=code,
                client_id=self.settings.upstox_client_id,
                client_secret=self.settings.upstox_client_secret,
                redirect_uri=self.settings.upstox_redirect_uri,
            )
        )
        self._session_seen_at = None
        session = self.vault.store(
            token.access_token.get_secret_value(),
            token.user_id,
            token.user_name or "",
            token.email or "",
        )
        return session, pending.return_to

    def cancel_login(self, state: str | None, error: str, description: str | None) -> str:
        """Upstox sent the trader back without a code (the dialog was declined or closed).

        The pending ``state`` is spent, so the link cannot be used later; returns where the
        login was started from ("dashboard" or "none") so the caller can send the trader back
        there. A caller that answers in JSON raises :meth:`login_cancelled_error`.
        """
        with self._lock:
            self._forget_stale_logins()
            pending = self._pending.pop(state, None) if state else None
        log.info("Upstox login cancelled at Upstox (%s)", error)
        return pending.return_to if pending else "none"

    @staticmethod
    def login_cancelled_error(error: str, description: str | None) -> LoginCancelled:
        said = f" Upstox said: {description} ({error})." if description else f" ({error})."
        return LoginCancelled(
            "The Upstox login was cancelled at Upstox, so you are not logged in."
            + said
            + " To log in, start again (./authenticate.sh or Log in on the Profile & "
            "Connection page) and allow access in Upstox's dialog.",
            "error",
        )

    def logout(self) -> dict[str, Any]:
        """Ends the session at Upstox (best effort) and always locally."""
        self._session_seen_at = None
        remote = "not logged in"
        if self.vault.access_token():
            try:
                self.client.logout()
                remote = "logged out at Upstox"
            except UpstoxError as error:
                remote = f"Upstox did not confirm the logout ({error.message})"
                log.warning("Upstox logout failed: %s", error.message)
        self.vault.revoke("logged out")
        self._session_seen_at = None  # also forget a check that raced the revoke
        return {"logged_out": True, "detail": remote, "session": self.status()}

    # --- account reads -----------------------------------------------------------------
    def profile(self) -> dict[str, Any]:
        self.require_session()
        profile: Profile = self._reads.get("profile", lambda: call_upstox(self.client.profile))
        return profile.model_dump(mode="json")

    def funds(self, segment: Segment | None = None) -> dict[str, Any]:
        self.require_session()
        funds: Funds = self._reads.get(
            ("funds", segment), lambda: call_upstox(lambda: self.client.funds(segment))
        )
        return funds.model_dump(mode="json")

    def margins(self) -> dict[str, Any]:
        """Available, used and collateral margin per segment, for the Funds & Margins page.

        Available and used come from funds v2 per segment; collateral is the margin from
        pledged holdings, which only funds v3 reports (one figure for the equity side).
        """
        funds = self.funds()
        collateral: str | None
        try:
            tree = self._reads.get("funds_v3", lambda: call_upstox(self.client.funds_v3))
            pledge = tree["available_to_trade"]["pledge_available_to_trade"]
            collateral = str(pledge["margin_from_pledge"]["total"])
        except (ServiceError, KeyError, TypeError):
            log.warning("funds v3 gave no pledge figures; collateral is shown as unknown")
            collateral = None
        segments = []
        for name in ("equity", "commodity"):
            details = funds.get(name)
            if details is None:
                continue
            segments.append(
                {
                    "segment": name,
                    "available": details["available_margin"],
                    "used": details["used_margin"],
                    "collateral": collateral if name == "equity" else None,
                    "details": details,
                }
            )
        return {"segments": segments}

    # --- helpers -------------------------------------------------------------------------
    def require_session(self) -> None:
        """Raise ``BrokerLoginRequired`` (with what to do) unless a usable token exists.

        A successful check is trusted for ``SESSION_SEEN_FRESH_S``: a polled, cached read then
        costs no database round trip (it was half of one). This process's own logout, expiry
        or new login forgets it at once; another process's (a CLI logout) is seen within that
        second, and a token Upstox refuses meanwhile is marked expired by the 401 as always.
        """
        seen = self._session_seen_at
        if seen is not None and self._clock() - seen < SESSION_SEEN_FRESH_S:
            return
        if self.vault.access_token() is None:
            state = self.vault.state()
            why = {"expired": "Your Upstox session expired", "revoked": "You logged out of Upstox"}
            raise BrokerLoginRequired(
                f"{why.get(state.state, 'You are not logged in to Upstox')} "
                f"({self.settings.mode_label}). Log in with ./authenticate.sh or the Log in "
                "button on the Profile & Connection page."
            )
        self._session_seen_at = self._clock()

    def _token_rejected(self, error: UpstoxError) -> None:
        self.mark_session_expired(
            f"Upstox rejected the token ({error.code or error.status}): {error.message}"
        )

    # --- what other services and jobs may use ------------------------------------------
    def mark_session_expired(self, reason: str) -> None:
        """Record that Upstox refused the token, so every process shows the session expired."""
        self.vault.mark_expired(reason)
        self._session_seen_at = None

    def active_session_id(self) -> str | None:
        """An opaque id of the active session (changes with every login), or None.

        Read from the database on every call, never from the 1 s memo of
        ``require_session``: the market-feed process polls it to stop the feed within
        about a second of a logout, expiry or revocation made by any process, and to
        reconnect with the new token after a new login.
        """
        token = self.vault.access_token()
        if token is None:
            return None
        return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]

    def feed_authorization_url(self) -> str:
        """A one-time authorized WebSocket URL for the market data feed.

        Upstox's own errors pass through untranslated: the feed connection tells a dead
        token (stop, mark expired) from an outage (back off, retry) by them.
        """
        return self.client.market_data_feed_url()

    def full_quotes(self, instrument_keys: list[str]) -> dict[str, Any]:
        """Upstox's v3 full market quote of up to 500 keys, keyed as Upstox keys it (§7.1).

        Needs a session (``BrokerLoginRequired`` otherwise); not cached here: the quotes
        service caches per set of keys for its own, shorter window.
        """
        self.require_session()
        return call_upstox(lambda: self.client.full_quotes(instrument_keys, version=3))

    def download_instrument_file(self, name: InstrumentFile = "complete") -> Path:
        """Download a BOD instrument file (public, no token) to a temp file the caller deletes."""
        return call_upstox(lambda: self.client.download_instruments(name))

    def check_session(self) -> str:
        """Ask Upstox whether the stored token is still accepted (the cheapest call: profile).

        A token can die before its 03:30 IST expiry: Upstox invalidates it when a new one is
        made elsewhere, and the built-in sandbox forgets its tokens when it restarts. The
        scheduler runs this every 5 minutes (docs/LESSONS.md: the daily token must not die
        silently), so every page's header shows the truth within minutes.

        A refusal marks the session expired (through the client's 401 hook); the answer is
        a one-line summary for the job history.
        """
        if self.vault.access_token() is None:
            return f"no active session ({self.vault.state().state})"
        try:
            self.client.profile()
        except TokenExpired:
            return "the token was refused by Upstox: session marked expired"
        return "session valid"

    def close(self) -> None:
        self.client.close()

    def _forget_stale_logins(self) -> None:
        cutoff = self._clock() - LOGIN_STATE_TTL_SECONDS
        for key in [k for k, v in self._pending.items() if v.created < cutoff]:
            del self._pending[key]
