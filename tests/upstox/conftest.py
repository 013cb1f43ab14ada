"""Fixtures for the Upstox client tests: recorded-response servers and client factories."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.upstox.rest.client import UpstoxClient
from scripts.upstox.hosts import UpstoxHosts, hosts_for_mode
from tests.upstox.recorded_server import (
    FAST_RECONCILE,
    FAST_RETRY,
    SHORT_TIMEOUT,
    TEST_TOKEN,
    RecordedServer,
    Recorder,
)


@pytest.fixture
def server():
    srv = RecordedServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def hft_server():
    """A second server standing in for api-hft.upstox.com in routing tests."""
    srv = RecordedServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_client(server, recorder):
    """Factory for clients against ``server`` (mode=sandbox unless ``hosts`` is given)."""
    made: list[UpstoxClient] = []

    def factory(hosts: UpstoxHosts | None = None, **kw: Any) -> UpstoxClient:
        kw.setdefault("retry_policy", FAST_RETRY)
        kw.setdefault("reconcile_policy", FAST_RECONCILE)
        kw.setdefault("timeout", SHORT_TIMEOUT)
        kw.setdefault("sleep", recorder.sleep)
        upstox_client = UpstoxClient(
            hosts or hosts_for_mode("sandbox", server.url),
            kw.pop("token_provider", lambda: TEST_TOKEN),
            kw.pop("on_token_expired", recorder.on_token_expired),
            **kw,
        )
        made.append(upstox_client)
        return upstox_client

    yield factory
    for upstox_client in made:
        upstox_client.close()


@pytest.fixture
def upstox_client(make_client) -> UpstoxClient:
    return make_client()
