"""The sandbox's market feed server, driven over real WebSockets on loopback.

Frames are decoded with the official SDK's own protobuf classes: what the
sandbox sends is what an Upstox client expects to parse.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
import websockets
from upstox_client.feeder.proto import MarketDataFeedV3_pb2 as sdk_pb2
from websockets.asyncio.client import connect

from scripts.upstox_sandbox.feed.servers import CODE_AUTHENTICATED_PATHS

from tests.upstox.feed.feed_fixtures import (
    EQUITY,
    EQUITY_2,
    GOOD_TOKEN,
    INDEX,
    OPTION,
    Sandbox,
    running_sandbox,
)

AUTHORIZE = "/v3/feed/market-data-feed/authorize"


def request(method: str, keys: list[str], mode: str | None = None) -> bytes:
    data: dict = {"instrumentKeys": keys}
    if mode is not None:
        data["mode"] = mode
    return json.dumps({"guid": "g-1", "method": method, "data": data}).encode()


async def receive(ws, timeout: float = 2.0) -> sdk_pb2.FeedResponse:
    frame = await asyncio.wait_for(ws.recv(), timeout)
    assert isinstance(frame, bytes)
    message = sdk_pb2.FeedResponse()
    message.ParseFromString(frame)
    return message


async def receive_kind(ws, kind: str, timeout: float = 2.0) -> sdk_pb2.FeedResponse:
    """The next frame of ``kind``, skipping others (live_feed keeps flowing)."""
    async with asyncio.timeout(timeout):
        while True:
            message = await receive(ws)
            if sdk_pb2.Type.Name(message.type) == kind:
                return message


async def open_feed(fake_feed_server: Sandbox):
    uri = await fake_feed_server.authorize()
    ws = await connect(uri)
    first = await receive(ws)
    assert sdk_pb2.Type.Name(first.type) == "market_info"
    return ws


async def test_authorize_with_a_bad_token_is_401_with_the_upstox_error_envelope(fake_feed_server):
    async with aiohttp.ClientSession() as session:
        async with session.get(
            fake_feed_server.http_base + AUTHORIZE, headers={"Authorization": "Bearer nope"}
        ) as response:
            assert response.status == 401
            body = await response.json()
    assert body["status"] == "error"
    (error,) = body["errors"]
    assert error["errorCode"] == error["error_code"] == "UDAPI100050"
    for key in ("message", "propertyPath", "property_path", "invalidValue", "invalid_value"):
        assert key in error


async def test_authorize_returns_a_single_use_uri_in_both_casings(fake_feed_server):
    async with aiohttp.ClientSession() as session:
        async with session.get(
            fake_feed_server.http_base + AUTHORIZE,
            headers={"Authorization": f"Bearer {GOOD_TOKEN}"},
        ) as response:
            body = await response.json()
    data = body["data"]
    assert body["status"] == "success"
    assert data["authorized_redirect_uri"] == data["authorizedRedirectUri"]
    uri = data["authorized_redirect_uri"]
    query = parse_qs(urlsplit(uri).query)
    assert uri.startswith("ws://127.0.0.1:") and query["requestId"] and query["code"]
    assert urlsplit(uri).path in CODE_AUTHENTICATED_PATHS  # the app's auth middleware skips it
    async with connect(uri) as ws:
        assert sdk_pb2.Type.Name((await receive(ws)).type) == "market_info"
    with pytest.raises(websockets.exceptions.InvalidStatus) as rejected:
        await connect(uri)  # the same code a second time
    assert rejected.value.response.status_code == 401


async def test_bearer_get_on_the_feed_url_redirects_to_a_signed_uri(fake_feed_server):
    url = fake_feed_server.http_base + "/v3/feed/market-data-feed"
    async with aiohttp.ClientSession() as session:
        async with session.get(
            url, headers={"Authorization": f"Bearer {GOOD_TOKEN}"}, allow_redirects=False
        ) as response:
            assert response.status == 302
            assert "code=" in response.headers["Location"]
    ws_url = url.replace("http://", "ws://")
    async with connect(ws_url, additional_headers={"Authorization": f"Bearer {GOOD_TOKEN}"}) as ws:
        assert sdk_pb2.Type.Name((await receive(ws)).type) == "market_info"


async def test_first_frame_is_market_info_with_the_sources_segment_status(fake_feed_server):
    fake_feed_server.source.status = {"NSE_EQ": "NORMAL_CLOSE", "NSE_FO": "PRE_OPEN_START"}
    async with connect(await fake_feed_server.authorize()) as ws:
        first = await receive(ws)
    assert sdk_pb2.Type.Name(first.type) == "market_info"
    assert {k: sdk_pb2.MarketStatus.Name(v) for k, v in first.marketInfo.segmentStatus.items()} == {
        "NSE_EQ": "NORMAL_CLOSE",
        "NSE_FO": "PRE_OPEN_START",
    }


async def test_sub_without_mode_sends_ltpc_initial_feed_then_live_feed(fake_feed_server):
    ws = await open_feed(fake_feed_server)
    async with ws:
        await ws.send(request("sub", [EQUITY]))
        initial = await receive(ws)
        assert sdk_pb2.Type.Name(initial.type) == "initial_feed"
        feed = initial.feeds[EQUITY]
        assert feed.WhichOneof("FeedUnion") == "ltpc"
        assert sdk_pb2.RequestMode.Name(feed.requestMode) == "ltpc"
        live = await receive_kind(ws, "live_feed")
        assert live.feeds[EQUITY].ltpc.ltp > feed.ltpc.ltp


@pytest.mark.parametrize(
    "key, mode, expected",
    [
        (EQUITY, "full", ("fullFeed", "marketFF", "full_d5", 5)),
        (EQUITY, "full_d30", ("fullFeed", "marketFF", "full_d30", 30)),
        (INDEX, "full", ("fullFeed", "indexFF", "full_d5", 0)),
        (OPTION, "option_greeks", ("firstLevelWithGreeks", None, "option_greeks", 1)),
    ],
)
async def test_each_mode_gets_its_documented_payload(fake_feed_server, key, mode, expected):
    union, full_union, request_mode, levels = expected
    ws = await open_feed(fake_feed_server)
    async with ws:
        await ws.send(request("sub", [key], mode))
        feed = (await receive_kind(ws, "initial_feed")).feeds[key]
    assert feed.WhichOneof("FeedUnion") == union
    assert sdk_pb2.RequestMode.Name(feed.requestMode) == request_mode
    if full_union == "marketFF":
        market = feed.fullFeed.marketFF
        assert len(market.marketLevel.bidAskQuote) == levels
        assert [b.interval for b in market.marketOHLC.ohlc] == ["1d", "I1"]
        assert market.atp > 0 and market.vtt > 0 and market.tbq == 5000.0
    elif full_union == "indexFF":
        assert feed.fullFeed.WhichOneof("FullFeedUnion") == "indexFF"
        assert feed.fullFeed.indexFF.ltpc.ltp > 0
    else:
        first = feed.firstLevelWithGreeks
        assert first.optionGreeks.delta == 0.5 and first.iv == 0.18 and first.oi == 1500.0


async def test_unsub_stops_live_feed_and_change_mode_resends_a_snapshot(fake_feed_server):
    ws = await open_feed(fake_feed_server)
    async with ws:
        await ws.send(request("sub", [EQUITY, EQUITY_2], "ltpc"))
        await receive_kind(ws, "initial_feed")
        await ws.send(request("unsub", [EQUITY_2]))
        await ws.send(request("change_mode", [EQUITY], "full"))
        snapshot = await receive_kind(ws, "initial_feed")
        assert list(snapshot.feeds) == [EQUITY]
        assert snapshot.feeds[EQUITY].fullFeed.WhichOneof("FullFeedUnion") == "marketFF"
        for _ in range(3):
            live = await receive_kind(ws, "live_feed")
            assert set(live.feeds) == {EQUITY}
            assert sdk_pb2.RequestMode.Name(live.feeds[EQUITY].requestMode) == "full_d5"


async def test_live_feed_only_carries_instruments_whose_snapshot_changed(fake_feed_server):
    fake_feed_server.source.status["BSE_EQ"] = "NORMAL_CLOSE"  # BSE prices freeze
    ws = await open_feed(fake_feed_server)
    async with ws:
        await ws.send(request("sub", [EQUITY, "BSE_EQ|INE002A01018"]))
        await receive_kind(ws, "initial_feed")
        for _ in range(3):
            assert set((await receive_kind(ws, "live_feed")).feeds) == {EQUITY}


async def test_a_sub_over_the_full_mode_cap_is_rejected_whole(fake_feed_server):
    fake_feed_server.source.auto_tick = False
    ws = await open_feed(fake_feed_server)
    async with ws:
        too_many = [f"NSE_FO|{n}" for n in range(2001)]
        await ws.send(request("sub", too_many, "full"))
        await ws.send(request("sub", [EQUITY], "full"))  # within the cap: still served
        reply = await receive_kind(ws, "initial_feed")
        assert list(reply.feeds) == [EQUITY]
        exactly = [f"NSE_FO|{n}" for n in range(1999)]
        await ws.send(request("sub", exactly, "full"))
        assert len((await receive_kind(ws, "initial_feed")).feeds) == 1999


async def test_combined_caps_apply_once_a_second_mode_is_in_use(fake_feed_server):
    fake_feed_server.source.auto_tick = False
    ws = await open_feed(fake_feed_server)
    async with ws:
        await ws.send(request("sub", [f"NSE_EQ|K{n}" for n in range(2500)], "ltpc"))
        assert len((await receive_kind(ws, "initial_feed")).feeds) == 2500  # individual cap 5000
        await ws.send(request("sub", [OPTION], "option_greeks"))  # ltpc 2500 > combined 2000
        await ws.send(request("sub", [EQUITY_2], "ltpc"))  # ltpc alone: 2501 <= 5000
        assert list((await receive_kind(ws, "initial_feed")).feeds) == [EQUITY_2]
        await ws.send(request("unsub", [EQUITY_2] + [f"NSE_EQ|K{n}" for n in range(600)]))
        await ws.send(request("sub", [OPTION], "option_greeks"))  # now 1900 + 1: allowed
        assert list((await receive_kind(ws, "initial_feed")).feeds) == [OPTION]


async def test_text_frames_are_ignored_binary_is_required(fake_feed_server):
    ws = await open_feed(fake_feed_server)
    async with ws:
        await ws.send(request("sub", [EQUITY]).decode())
        await ws.send(request("sub", [OPTION]))
        reply = await receive_kind(ws, "initial_feed")
        assert list(reply.feeds) == [OPTION]


async def test_unknown_instruments_are_dropped_from_a_sub(fake_feed_server):
    ws = await open_feed(fake_feed_server)
    async with ws:
        await ws.send(request("sub", ["NOPE|1", EQUITY]))
        assert list((await receive_kind(ws, "initial_feed")).feeds) == [EQUITY]


async def test_a_second_connection_for_the_same_user_closes_the_first(fake_feed_server):
    first = await open_feed(fake_feed_server)
    second = await open_feed(fake_feed_server)
    async with second:
        with pytest.raises(websockets.exceptions.ConnectionClosed):
            async with asyncio.timeout(2):
                while True:
                    await first.recv()
        assert first.close_code == 1008
        await second.send(request("sub", [EQUITY]))
        assert EQUITY in (await receive_kind(second, "initial_feed")).feeds


async def test_server_sends_ws_pings_when_idle(fake_source):
    async with running_sandbox(fake_source, ping_interval_s=0.3) as fake_feed_server:
        uri = await fake_feed_server.authorize()
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(uri, autoping=False) as ws:
                kinds = []
                async with asyncio.timeout(3):
                    while aiohttp.WSMsgType.PING not in kinds:
                        kinds.append((await ws.receive()).type)
                await ws.pong()
    assert kinds[0] == aiohttp.WSMsgType.BINARY  # market_info, then a ping while idle
