"""HTTP client of the feed process's loopback interface (see scripts/feed_process/server.py).

Every call goes to the feed process (no cache here), so an API worker's answer is as
fresh as the feed process's store: well within the one second the platform promises.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx

TIMEOUT_S = 5.0
# /api/health and every page header read the feed's health: a hung feed process must not
# hold them for the full timeout.
HEALTH_TIMEOUT_S = 1.0


class FeedLinkError(Exception):
    """The feed process answered with an error (``status``, ``code``, ``field``)."""

    def __init__(self, status: int, code: str, message: str, field: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class FeedUnreachable(Exception):
    """Nothing answers at the feed process's address (not started, crashed, restarting)."""


class FeedLink:
    def __init__(self, host: str, port: int, timeout_s: float = TIMEOUT_S) -> None:
        self.base_url = f"http://{host}:{port}"
        self._timeout_s = timeout_s
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/health", timeout=HEALTH_TIMEOUT_S)
        return result

    def subscribe(self, consumer: str, keys: list[str], mode: str) -> dict[str, Any]:
        body = {"consumer": consumer, "instrument_keys": keys, "mode": mode}
        result: dict[str, Any] = self._call("POST", "/subscriptions", json=body)
        return result

    def unsubscribe(self, consumer: str, keys: list[str] | None) -> dict[str, Any]:
        body = {"consumer": consumer, "instrument_keys": keys}
        result: dict[str, Any] = self._call("DELETE", "/subscriptions", json=body)
        return result

    def ticks(self, keys: list[str]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call(
            "GET", "/ticks", params={"instrument_keys": ",".join(keys)}
        )
        return result

    def bars(self, key: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/bars", params={"instrument_key": key})
        return result

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(base_url=self.base_url, timeout=self._timeout_s)
            return self._client

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http().request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise FeedUnreachable(
                f"the market-feed process does not answer at {self.base_url} ({error})"
            ) from None
        try:
            payload = response.json()
        except ValueError:
            raise FeedLinkError(502, "bad_answer", "the feed process gave no JSON", None) from None
        if response.status_code != 200:
            refusal = payload.get("error") or {}
            raise FeedLinkError(
                response.status_code,
                str(refusal.get("code", "error")),
                str(refusal.get("message", "the feed process refused the request")),
                refusal.get("field"),
            )
        return payload["data"]
