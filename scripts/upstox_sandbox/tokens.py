"""OAuth for the sandbox: authorization codes, JWT-shaped access tokens, 03:30 IST expiry.

Mirrors docs/UPSTOX_API.md §2. Tokens are signed with a key drawn at start-up (never a default),
and are also remembered server-side, so logout and expiry are exact.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.upstox_envelope import UpstoxError

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
EXTENDED_TOKEN_DAYS = 365


@dataclass
class TokenInfo:
    user_id: str
    expires_at: float  # epoch seconds on the sandbox clock
    extended: bool = False


@dataclass
class PendingCode:
    client_id: str
    redirect_uri: str
    user_id: str


def expiry_for(issued: datetime) -> datetime:
    """03:30 IST after issue: a token made at 02:30 dies at 03:30 the same morning."""
    local = issued.astimezone(IST)
    cutoff = datetime.combine(local.date(), time(3, 30), IST)
    return cutoff if local < cutoff else cutoff + timedelta(days=1)


def is_loopback_redirect(uri: str) -> bool:
    """Sandbox rule: any http(s) loopback URI is accepted (real Upstox needs the exact one)."""
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in LOOPBACK_HOSTS


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class TokenStore:
    """Issued codes and tokens for the sandbox's single demo app."""

    def __init__(self, client_id: str, client_secret: str, user_id: str) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self.user_id = user_id
        self._key = secrets.token_bytes(32)
        self._codes: dict[str, PendingCode] = {}
        self._tokens: dict[str, TokenInfo] = {}
        self._lock = threading.Lock()
        # How many upcoming dialogs the demo user declines (set by /sandbox/control/login-dialog).
        self.declines_pending = 0

    def take_decline(self) -> bool:
        """True (once per armed decline) when this dialog should answer "access denied"."""
        with self._lock:
            if self.declines_pending <= 0:
                return False
            self.declines_pending -= 1
            return True

    def authorize(self, client_id: str | None, redirect_uri: str | None) -> str:
        """Validate the dialog's parameters and return a fresh single-use code."""
        if (
            client_id != self.client_id
            or not redirect_uri
            or not is_loopback_redirect(redirect_uri)
        ):
            raise UpstoxError(
                "UDAPI100068",
                "Check your 'client_id' and 'redirect_uri'; one or both are incorrect.",
            )
        code = secrets.token_urlsafe(8)
        with self._lock:
            self._codes[code] = PendingCode(client_id, redirect_uri, self.user_id)
        return code

    def exchange(self, form: dict[str, str], now: datetime) -> tuple[str, str]:
        """Trade a code for (access_token, extended_token); the code is spent even on failure."""
        code = form.get("code") or ""
        with self._lock:
            pending = self._codes.pop(code, None) if code else None
        for field, err in (
            ("client_id", "UDAPI1017"),
            ("redirect_uri", "UDAPI1018"),
            ("code", "UDAPI1022"),
            ("grant_type", "UDAPI1023"),
            ("client_secret", "UDAPI1024"),
        ):
            if not form.get(field):
                raise UpstoxError(err, f"{field} is required", property_path=field)
        if form.get("grant_type") != "authorization_code":
            raise UpstoxError("UDAPI1023", "grant_type is invalid", property_path="grant_type")
        if (
            pending is None
            or form["client_id"] != pending.client_id
            or not hmac.compare_digest(form["client_secret"], self._secret)
            or form["redirect_uri"] != pending.redirect_uri
        ):
            raise UpstoxError("UDAPI100016", "Invalid Credentials", status=401)
        access = self._issue(pending.user_id, now, expiry_for(now), extended=False)
        extended = self._issue(
            pending.user_id, now, now + timedelta(days=EXTENDED_TOKEN_DAYS), extended=True
        )
        return access, extended

    def _issue(self, user_id: str, now: datetime, expires: datetime, extended: bool) -> str:
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {
            "sub": user_id,
            "jti": secrets.token_hex(8),
            "isMultiClient": False,
            "isPlusPlan": False,
            "isExtended": extended,
            "iat": int(now.timestamp()),
            "iss": "udapi-gateway-service",
            "exp": int(expires.timestamp()),
        }
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        sig = hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{_b64(sig)}"
        with self._lock:
            self._tokens[token] = TokenInfo(user_id, expires.timestamp(), extended)
        return token

    def lookup(self, token: str, now_ts: float) -> TokenInfo | None:
        with self._lock:
            info = self._tokens.get(token)
        if info is None or now_ts >= info.expires_at:
            return None
        return info

    def revoke(self, token: str) -> None:
        with self._lock:
            self._tokens.pop(token, None)
