"""ApiClient's quote and watchlist methods against the real API on a socket and the sandbox:
each answer parses into its api_schemas model, and the API's 4xx words come through."""

from __future__ import annotations


import pytest

from dashboard_ui.api_client import ApiClient, ApiError
from scripts.api_schemas.quotes import Quote
from scripts.api_schemas.watchlists import Watchlist, WatchlistItemChange
from scripts.config.settings import Settings
from tests.conftest import LiveServer
from tests.sandbox_session import log_in


@pytest.fixture
async def api(sandbox_settings: Settings, database):  # noqa: ANN001, ANN201
    from scripts.api.app import create_app

    app = create_app(sandbox_settings, database)
    app.extensions["upstox_platform"].instruments.sync()
    test_client = app.test_client()
    test_client.environ_base["HTTP_X_API_KEY"] = sandbox_settings.api_key
    log_in(test_client)
    server = LiveServer(app, sandbox_settings.api_port).start()
    client = ApiClient(server.url, sandbox_settings.api_key)
    yield client
    await client.aclose()
    server.stop()
    app.extensions["upstox_platform"].close()


async def test_quotes_and_a_watchlist_round_trip_through_the_models(api: ApiClient) -> None:
    quotes = await api.quotes(["RELIANCE", "NIFTY 50"])
    assert all(isinstance(q, Quote) for q in quotes) and quotes[0].ltp

    created = await api.create_watchlist("Core")
    added = await api.add_to_watchlist(created.id, "NSE_EQ|INE002A01018")
    assert isinstance(added, WatchlistItemChange) and added.trading_symbol == "RELIANCE"
    await api.add_to_watchlist(created.id, "NIFTY 50")
    shown = await api.watchlist(created.id)
    assert isinstance(shown, Watchlist) and [i.trading_symbol for i in shown.instruments][0] == (
        "RELIANCE"
    )
    renamed = await api.rename_watchlist(created.id, "Core two")
    assert [w.name for w in await api.watchlists()] == [renamed.name]
    removed = await api.remove_from_watchlist(created.id, "NSE_INDEX|Nifty 50")
    assert removed.changed is True
    assert (await api.delete_watchlist(created.id)).deleted is True


async def test_a_taken_name_comes_back_in_the_apis_words(api: ApiClient) -> None:
    await api.create_watchlist("Banks")
    with pytest.raises(ApiError) as raised:
        await api.create_watchlist("banks")
    assert raised.value.http_status == 409 and "choose another name" in raised.value.message
