"""The API client against the real API on a real socket: data, the API's words, and silence."""

from __future__ import annotations

import pytest

from dashboard_ui.api_client import ApiClient, ApiError, ApiUnavailable
from scripts.config.settings import Settings
from tests.conftest import LiveServer, free_port


@pytest.fixture
async def api(api_server: LiveServer, settings: Settings):  # noqa: ANN201
    client = ApiClient(settings.api_url, settings.api_key)
    yield client
    await client.aclose()


async def test_returns_the_envelope_data_of_each_endpoint(api: ApiClient) -> None:
    health = await api.health()
    assert health["mode_label"] == "SANDBOX" and health["database"]["ok"] is True
    report = await api.database_report()
    assert {"table": "index_constituents", "rows": 50} in report["tables"]
    assert (await api.market_status())["status"] in {
        "open", "pre_open", "closed", "holiday", "weekend"
    }  # fmt: skip
    assert await api.jobs() == []


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
