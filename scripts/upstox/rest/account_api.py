"""Login, logout, profile, funds and WebSocket authorize calls (docs/UPSTOX_API.md §2, §3, §9)."""

from __future__ import annotations

from typing import Any, Literal, Sequence

from scripts.upstox.rest.client_base import ClientBase
from scripts.upstox.errors import InvalidRequest, UpstoxError
from scripts.upstox.rest.models import Funds, Profile, TokenResponse
from scripts.upstox.rest.retry import CallSafety
from scripts.upstox.rest.urls import build_query

PORTFOLIO_UPDATE_TYPES = ("order", "position", "holding", "gtt_order")


class AccountMixin(ClientBase):
    """Session (OAuth) and account reads."""

    def login_url(self, *, client_id: str, redirect_uri: str, state: str | None = None) -> str:
        """The authorization dialog URL to send the trader's browser to (§2).

        Upstox redirects to ``redirect_uri?code=...&state=...``; ``redirect_uri`` must match
        the app's registered URI exactly. Builds a URL only; sends nothing.
        """
        path = "/v2/login/authorization/dialog"
        query = build_query(
            {
                "client_id": self._require(client_id, "client_id"),
                "redirect_uri": self._require(redirect_uri, "redirect_uri"),
                "response_type": "code",
                "state": state,
            }
        )
        return f"{self._transport.hosts.base_for(path)}{path}?{query}"

    def exchange_code(
        self,
        *,
        code: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        refresh_extended_token: bool = False,
    ) -> TokenResponse:
        """Trade the one-time ``code`` for tokens (form-encoded; flat response, no envelope).

        Not retried after sending: the code is single-use even if the exchange fails (§2).
        Values Upstox echoes back in errors are redacted (they could be the secret).
        """
        form = {
            "code": self._require(code, "code"),
            "client_id": self._require(client_id, "client_id"),
            "client_secret": self._require(client_secret, "client_secret"),
            "redirect_uri": self._require(redirect_uri, "redirect_uri"),
            "grant_type": "authorization_code",
        }
        if refresh_extended_token:
            form["refresh_extended_token"] = "true"
        body = self._transport.call(
            "POST",
            "/v2/login/authorization/token",
            form=form,
            safety=CallSafety.WRITE,
            authenticated=False,
            redact_values=True,
        )
        if not isinstance(body, dict) or "access_token" not in body:
            raise UpstoxError("token exchange answered without an access_token")
        return TokenResponse.model_validate(body)

    def logout(self) -> bool:
        """End the session on Upstox; the token stops working everywhere."""
        body = self._transport.call("DELETE", "/v2/logout", safety=CallSafety.WRITE)
        return bool(self._data(body))

    def profile(self) -> Profile:
        body = self._transport.call("GET", "/v2/user/profile")
        return Profile.model_validate(self._data(body))

    def funds(self, segment: Literal["SEC", "COM"] | None = None) -> Funds:
        """Funds v2; ``segment`` SEC (equity) or COM (commodity), None for both."""
        query = build_query({"segment": segment})
        body = self._transport.call("GET", "/v2/user/get-funds-and-margin", query=query)
        return Funds.model_validate(self._data(body))

    def funds_v3(self) -> dict[str, Any]:
        """Funds v3 (``available_to_trade`` / ``unavailable_to_trade`` tree), as a dict."""
        body = self._transport.call("GET", "/v3/user/get-funds-and-margin")
        return self._data_object(body)

    def market_data_feed_url(self) -> str:
        """Single-use ``wss://`` URL for the v3 market feed (§9.1)."""
        body = self._transport.call("GET", "/v3/feed/market-data-feed/authorize")
        return _redirect_uri(self._data(body))

    def portfolio_stream_url(self, update_types: Sequence[str] = PORTFOLIO_UPDATE_TYPES) -> str:
        """Single-use ``wss://`` URL for the portfolio stream (§9.2)."""
        unknown = set(update_types) - set(PORTFOLIO_UPDATE_TYPES)
        if not update_types or unknown:
            raise InvalidRequest(f"update_types must be among {PORTFOLIO_UPDATE_TYPES}")
        query = build_query({"update_types": ",".join(update_types)})
        body = self._transport.call("GET", "/v2/feed/portfolio-stream-feed/authorize", query=query)
        return _redirect_uri(self._data(body))


def _redirect_uri(data: Any) -> str:
    """Upstox sends both casings; the SDK model maps only the camelCase one (§9.1)."""
    uri = None
    if isinstance(data, dict):
        uri = data.get("authorized_redirect_uri") or data.get("authorizedRedirectUri")
    if not uri:
        raise UpstoxError("feed authorize answered without authorized_redirect_uri")
    return str(uri)
