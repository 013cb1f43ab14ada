"""The Upstox access token, encrypted at rest, with its expiry and state.

Tokens are encrypted with MultiFernet over ``ENCRYPTION_KEY`` (newest key
first), so a key can be rotated: add a new key in front, restart, run
``rotate_keys()`` (``python -m scripts.cli.rotate_key``), then drop the old
key. The plain token lives only in memory, only as long as a request needs it;
it is never logged or returned by the API.

Expiry follows Upstox's rule (docs/UPSTOX_API.md §2): a token is valid until
03:30 IST of the next day, or of the same day if issued before 03:30. If the
token is a JWT with an earlier ``exp`` claim, the earlier time wins.

Because every process reads the same database row, marking a token expired
(after a 401 from Upstox) takes effect everywhere at once.
"""

from __future__ import annotations

from typing import Any
import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from scripts.clock import IST, utc_now
from scripts.db import Database
from scripts.db.broker_tokens import (
    StoredToken,
    latest_token,
    reencrypt_tokens,
    save_active_token,
    set_token_status,
)

log = logging.getLogger(__name__)
DAILY_EXPIRY = time(3, 30)


@dataclass(frozen=True)
class TokenState:
    """What may be shown about the session: never the token itself."""

    mode: str
    state: str  # none | active | expired | revoked
    user_id: str | None = None
    user_name: str | None = None
    email: str | None = None
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    reason: str | None = None

    @property
    def logged_in(self) -> bool:
        return self.state == "active"

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "state": self.state,
            "logged_in": self.logged_in,
            "user_id": self.user_id,
            "user_name": self.user_name,
            "email": self.email,
            "issued_at": self.issued_at.isoformat() if self.issued_at else None,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "expires_at_ist": (
                self.expires_at.astimezone(IST).strftime("%d %b %Y %H:%M IST")
                if self.expires_at
                else None
            ),
            "reason": self.reason,
        }


def upstox_expiry(issued_at: datetime, access_token: str | None = None) -> datetime:
    """03:30 IST after ``issued_at`` (same day if before 03:30), capped by a JWT ``exp``."""
    local = issued_at.astimezone(IST)
    expiry = datetime.combine(local.date(), DAILY_EXPIRY, tzinfo=IST)
    if local >= expiry:
        expiry += timedelta(days=1)
    claimed = jwt_expiry(access_token) if access_token else None
    if claimed is not None and claimed < expiry:
        expiry = claimed
    return expiry.astimezone(timezone.utc)


def jwt_expiry(token: str) -> datetime | None:
    """The ``exp`` claim of a JWT-shaped token, read without verifying (we are its holder)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return datetime.fromtimestamp(int(payload["exp"]), tz=timezone.utc)
    except (ValueError, KeyError, TypeError):
        return None


class TokenVault:
    def __init__(self, database: Database, encryption_keys: tuple[str, ...], mode: str) -> None:
        self._database = database
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in encryption_keys])
        self.mode = mode

    def store(
        self,
        access_token: str,
        user_id: str,
        user_name: str,
        email: str,
        issued_at: datetime | None = None,
    ) -> TokenState:
        issued = issued_at or utc_now()
        expires = upstox_expiry(issued, access_token)
        encrypted = self._fernet.encrypt(access_token.encode("utf-8")).decode("ascii")
        with self._database.transaction() as connection:
            save_active_token(
                connection, self.mode, user_id, user_name, email, encrypted, issued, expires
            )
        log.info(
            "stored a new Upstox session for user %s (mode %s), valid until %s",
            user_id,
            self.mode,
            expires.astimezone(IST).isoformat(),
        )
        return self.state()

    def access_token(self) -> str | None:
        """The plain token if there is an active, unexpired one; else None."""
        stored = self._latest()
        if stored is None or stored.status != "active":
            return None
        if stored.expires_at <= utc_now():
            self._set_status(stored, "expired", "the daily Upstox token expired at 03:30 IST")
            return None
        try:
            return self._fernet.decrypt(stored.access_token_encrypted.encode("ascii")).decode()
        except InvalidToken:
            log.error(
                "the stored Upstox token cannot be decrypted with ENCRYPTION_KEY; "
                "log in again (./authenticate.sh)"
            )
            self._set_status(stored, "expired", "cannot be decrypted with the configured keys")
            return None

    def state(self) -> TokenState:
        stored = self._latest()
        if stored is None:
            return TokenState(mode=self.mode, state="none")
        status = stored.status
        reason = stored.status_reason
        if status == "active" and stored.expires_at <= utc_now():
            status, reason = "expired", "the daily Upstox token expired at 03:30 IST"
        return TokenState(
            mode=self.mode,
            state=status,
            user_id=stored.user_id,
            user_name=stored.user_name,
            email=stored.email,
            issued_at=stored.issued_at,
            expires_at=stored.expires_at,
            reason=reason,
        )

    def mark_expired(self, reason: str) -> None:
        """Called on a 401 from Upstox: every process sees the session as expired at once."""
        stored = self._latest()
        if stored is not None and stored.status == "active":
            self._set_status(stored, "expired", reason)
            log.warning("Upstox session marked expired: %s", reason)

    def revoke(self, reason: str = "logged out") -> None:
        """The user logged out: the newest session is revoked, also when it was marked
        expired a moment before (a page's read that Upstox refused because the logout had
        already reached it), so the state says what the user did."""
        stored = self._latest()
        if stored is not None and stored.status in ("active", "expired"):
            self._set_status(stored, "revoked", reason, from_statuses=("active", "expired"))

    def rotate_keys(self) -> int:
        """Re-encrypt every stored token with the newest key; returns how many."""
        with self._database.transaction() as connection:
            return reencrypt_tokens(
                connection, lambda c: self._fernet.rotate(c.encode("ascii")).decode("ascii")
            )

    def _latest(self) -> StoredToken | None:
        with self._database.read() as connection:
            return latest_token(connection, self.mode)

    def _set_status(
        self,
        stored: StoredToken,
        status: str,
        reason: str,
        from_statuses: tuple[str, ...] = ("active",),
    ) -> None:
        with self._database.transaction() as connection:
            set_token_status(connection, stored.id, status, reason, from_statuses)
