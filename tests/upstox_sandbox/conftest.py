"""Shared fixtures: a real sandbox on a free loopback port, and a token from the real OAuth flow."""

from __future__ import annotations

import asyncio
import socket
import threading
from datetime import datetime
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiohttp import web

from scripts.upstox_sandbox.server_app import create_app
from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.config import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    ClockSpec,
    SandboxConfig,
)

# A Tuesday inside the NSE session (2026-03-10 is not a holiday).
MARKET_TIME = "2026-03-10T10:30:00+05:30"
REDIRECT = "http://127.0.0.1:5055/callback"
RELIANCE = "NSE_EQ|INE002A01018"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningSandbox:
    """A sandbox served from a background thread's event loop."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.app = create_app(config)
        self.base_url = f"http://127.0.0.1:{config.port}"
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self.app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.config.port)
        self._loop.run_until_complete(site.start())
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> "RunningSandbox":
        self._thread.start()
        assert self._ready.wait(10), "sandbox did not start"
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def sim(self):  # noqa: ANN201 - the Simulation, for assertions on internal consistency
        return self.app["feed_source"]


@pytest.fixture(scope="session")
def running_sandbox() -> Iterator[RunningSandbox]:
    config = SandboxConfig(
        port=_free_port(),
        seed=42,
        clock=ClockSpec.parse(f"frozen:{MARKET_TIME}"),
        rate_limits=False,
    )
    running = RunningSandbox(config).start()
    yield running
    running.stop()


def oauth_token(base_url: str) -> str:
    """Walk the real OAuth flow: dialog -> 302 with code -> token exchange."""
    with httpx.Client(base_url=base_url, follow_redirects=False) as client:
        resp = client.get(
            "/v2/login/authorization/dialog",
            params={
                "client_id": DEMO_CLIENT_ID,
                "redirect_uri": REDIRECT,
                "response_type": "code",
                "state": "s1",
            },
        )
        assert resp.status_code == 302
        query = parse_qs(urlsplit(resp.headers["location"]).query)
        assert query["state"] == ["s1"]
        form = {
            "code": query["code"][0],
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
            "redirect_uri": REDIRECT,
            "grant_type": "authorization_code",
        }
        token = client.post("/v2/login/authorization/token", data=form)
        assert token.status_code == 200, token.text
        return token.json()["access_token"]


@pytest.fixture(scope="session")
def token(running_sandbox: RunningSandbox) -> str:
    return oauth_token(running_sandbox.base_url)


@pytest.fixture
def api(running_sandbox: RunningSandbox, token: str) -> Iterator[httpx.Client]:
    """An authenticated client on a freshly reset sandbox frozen inside the session."""
    with httpx.Client(
        base_url=running_sandbox.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        control(client, "reset", {})
        control(client, "clock", {"action": "freeze", "at": MARKET_TIME})
        control(client, "rate-limits", {"enabled": False})
        yield client
        client.delete("/sandbox/control/faults")


def control(client: httpx.Client, name: str, body: dict) -> dict:
    resp = client.post(f"/sandbox/control/{name}", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


def market_dt(text: str = MARKET_TIME) -> datetime:
    return datetime.fromisoformat(text).astimezone(IST)
