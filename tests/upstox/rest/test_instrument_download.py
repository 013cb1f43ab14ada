"""BOD instrument file download: streamed to a temp file, token-less, checked, cleaned up (§8)."""

from __future__ import annotations

import gzip
import json

import pytest

from scripts.upstox.errors import UpstoxError
from scripts.upstox.hosts import UpstoxHosts
from tests.upstox.recorded_server import Reply

PATH = "/market-quote/instruments/exchange/complete.json.gz"
INSTRUMENTS = [
    {
        "segment": "NSE_EQ",
        "name": "RELIANCE INDUSTRIES LTD",
        "exchange": "NSE",
        "isin": "INE002A01018",
        "instrument_type": "EQ",
        "instrument_key": "NSE_EQ|INE002A01018",
        "exchange_token": "2885",
        "trading_symbol": "RELIANCE",
        "tick_size": 10.0,
        "lot_size": 1,
    }
]


def gz_reply() -> Reply:
    return Reply(
        body=gzip.compress(json.dumps(INSTRUMENTS).encode()), content_type="application/gzip"
    )


def test_download_streams_gzip_to_a_temp_file_from_the_assets_host(
    server, hft_server, make_client, tmp_path
):
    hosts = UpstoxHosts(api=hft_server.url, order=hft_server.url, assets=server.url)
    upstox_client = make_client(hosts)
    server.route("GET", PATH, gz_reply())

    path = upstox_client.download_instruments("complete", dest_dir=tmp_path)

    assert path.parent == tmp_path and path.name.endswith(".json.gz")
    with gzip.open(path, "rt") as fh:
        assert json.load(fh) == INSTRUMENTS
    (req,) = server.seen("GET", PATH)
    assert "authorization" not in req.headers  # public file: the token stays home
    assert hft_server.requests == []


def test_download_retries_a_503(server, upstox_client, tmp_path):
    server.script("GET", PATH, Reply(503, b""))
    server.route("GET", PATH, gz_reply())
    assert upstox_client.download_instruments(dest_dir=tmp_path).exists()
    assert len(server.seen("GET", PATH)) == 2


def test_non_gzip_body_is_refused_and_leaves_no_file(server, upstox_client, tmp_path):
    server.route("GET", PATH, Reply(200, "<html>captive portal</html>", content_type="text/html"))
    with pytest.raises(UpstoxError, match="gzip"):
        upstox_client.download_instruments(dest_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_exchange_file_name_is_in_the_path(server, upstox_client, tmp_path):
    nse = "/market-quote/instruments/exchange/NSE.json.gz"
    server.route("GET", nse, gz_reply())
    upstox_client.download_instruments("NSE", dest_dir=tmp_path)
    assert len(server.seen("GET", nse)) == 1
