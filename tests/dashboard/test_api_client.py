"""The API client against the real API on a real socket: data, the API's words, and silence."""

from __future__ import annotations

import pytest

from decimal import Decimal

from dashboard_ui.api_client import ApiClient, ApiError, ApiUnavailable, parse_data
from scripts.api_schemas.account import Margins, Profile
from scripts.api_schemas.auth import LoggedOut, LoginStarted, SessionStatus
from scripts.api_schemas.feed import FeedHealth
from scripts.api_schemas.health import PlatformHealth
from scripts.api_schemas.market import MarketStatus
from scripts.api_schemas.system import DatabaseReport, TableRows
from scripts.config.settings import Settings
from tests.conftest import LiveServer, free_port
from tests.sandbox_session import log_in


@pytest.fixture
async def api(api_server: LiveServer, settings: Settings):  # noqa: ANN201
    client = ApiClient(settings.api_url, settings.api_key)
    yield client
    await client.aclose()


async def test_returns_the_envelope_data_of_each_endpoint(api: ApiClient) -> None:
    health = await api.health()
    assert health.mode_label == "SANDBOX" and health.database.ok is True
    report = await api.database_report()
    assert TableRows(table="index_constituents", rows=50) in (report.tables or [])
    assert (await api.market_status()).status in {
        "open", "pre_open", "closed", "holiday", "weekend"
    }  # fmt: skip
    assert await api.jobs() == []


@pytest.fixture
async def logged_in_api(sandbox_settings: Settings, database, feed_server):  # noqa: ANN001, ANN201
    """The client against the real app on a socket, the sandbox's demo user logged in."""
    from scripts.api.app import create_app

    app = create_app(sandbox_settings, database)
    test_client = app.test_client()
    test_client.environ_base["HTTP_X_API_KEY"] = sandbox_settings.api_key
    log_in(test_client)
    server = LiveServer(app, sandbox_settings.api_port).start()
    client = ApiClient(server.url, sandbox_settings.api_key)
    yield client
    await client.aclose()
    server.stop()
    app.extensions["upstox_platform"].close()


async def test_every_endpoint_the_dashboard_uses_parses_into_its_model(
    logged_in_api: ApiClient,
) -> None:
    api = logged_in_api
    health = await api.health()
    assert isinstance(health, PlatformHealth)
    assert health.broker.reachable and health.broker.token and health.broker.token.logged_in
    assert health.time.tzinfo is not None
    assert isinstance(await api.market_status(), MarketStatus)
    assert isinstance(await api.database_report(), DatabaseReport)
    assert await api.jobs() == []
    session = await api.auth_status()
    assert isinstance(session, SessionStatus) and session.state == "active"
    assert session.expires_at is not None and session.expires_at.tzinfo is not None
    profile = await api.profile()
    assert isinstance(profile, Profile) and profile.user_id == "SBX001"
    margins = await api.margins()
    assert isinstance(margins, Margins)
    equity = next(s for s in margins.segments if s.segment == "equity")
    assert equity.available == Decimal("1000000.0") and equity.details.available_margin
    feed = await api.feed_health()
    assert isinstance(feed, FeedHealth) and feed.state == "stopped"
    started = await api.begin_login("dashboard")
    assert isinstance(started, LoginStarted) and started.login_url.startswith("http")
    out = await api.logout()
    assert isinstance(out, LoggedOut) and out.logged_out and out.session.state == "revoked"


def test_an_answer_that_does_not_fit_the_model_is_an_error_naming_the_field() -> None:
    drifted = {"exchange": "NSE", "status": "sideways", "reason": "?", "now": "x"}
    with pytest.raises(ApiError) as caught:
        parse_data(MarketStatus, drifted, "GET /api/market/status")
    error = caught.value
    assert error.code == "contract_mismatch" and error.field == "status"
    assert "GET /api/market/status" in error.message and "same version" in error.message


async def test_api_error_carries_the_api_own_message_and_field(api: ApiClient) -> None:
    with pytest.raises(ApiError) as caught:
        await api.job_history("no_such_job")
    error = caught.value
    assert error.http_status == 404 and error.code == "not_found" and error.field == "job_id"
    assert error.message == "No job 'no_such_job'; GET /api/system/jobs lists them."
    assert error.trace_id


async def test_wrong_key_is_refused_in_the_api_words(api_server: LiveServer) -> None:
    client = ApiClient(api_server.url, "wrong-key-" * 4)
    try:
        with pytest.raises(ApiError, match="Missing or wrong API key") as caught:
            await client.jobs()
        assert caught.value.http_status == 401
    finally:
        await client.aclose()


async def test_unreachable_api_is_reported_in_plain_words() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    client = ApiClient(url, "k" * 40)
    try:
        with pytest.raises(ApiUnavailable) as caught:
            await client.health()
        assert caught.value.message == f"The API at {url} is not answering."
        assert caught.value.reason == "ConnectError"
    finally:
        await client.aclose()
