"""Logging in to the built-in sandbox through the platform's API, as a browser would."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx


def dialog_redirect(login_url: str) -> tuple[str, dict[str, str]]:
    """Open the sandbox's dialog like a browser; returns the callback path and query."""
    response = httpx.get(login_url, follow_redirects=False, timeout=10)
    assert response.status_code == 302
    target = urlsplit(response.headers["location"])
    return target.path, {k: v[0] for k, v in parse_qs(target.query).items()}


def log_in(api) -> dict:
    """The whole OAuth round trip through ``api`` (a Flask test client holding the API key)."""
    begin = api.post("/api/auth/login", json={}).get_json()["data"]
    path, query = dialog_redirect(begin["login_url"])
    assert path == "/api/auth/callback" and query["state"] == begin["state"]
    response = api.get(path, query_string=query, headers={"X-API-Key": ""})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]
