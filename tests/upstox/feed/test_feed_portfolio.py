"""The portfolio stream: the sandbox's server and the platform's client together."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

import aiohttp
import pytest
from websockets.asyncio.client import connect

from scripts.upstox.feed.backoff import Backoff
from scripts.upstox.feed.events import PortfolioUpdate
from scripts.upstox.feed.portfolio_stream import PortfolioStream
from scripts.upstox_sandbox.feed.servers import CODE_AUTHENTICATED_PATHS
from tests.upstox.feed.feed_fixtures import GOOD_TOKEN, Sandbox, http_authorize

AUTHORIZE = "/v2/feed/portfolio-stream-feed/authorize"
UPDATES = [
    {"update_type": "order", "order_id": "1", "status": "open"},
    {"update_type": "holding", "instrument_token": "NSE_EQ|INE002A01018"},
    {"update_type": "position", "instrument_token": "NSE_EQ|INE002A01018", "quantity": 5},
    {"update_type": "gtt_order", "gtt_order_id": "GTT-1"},
    {"update_type": "order", "order_id": "1", "status": "complete"},
]


async def wait_for_stream(
    fake_feed_server: Sandbox, user_id: str = "U1", replacing: tuple = ()
) -> None:
    """The server subscribes the user's queue once the socket is up; wait for that
    (and, after a reconnect, for the old connection's queues to be gone)."""
    async with asyncio.timeout(3):
        while True:
            queues = fake_feed_server.source.portfolio_queues.get(user_id, [])
            if queues and not any(q in queues for q in replacing):
                return
            await asyncio.sleep(0.01)


async def test_stream_sends_only_the_update_types_asked_for(fake_feed_server):
    uri = await http_authorize(
        fake_feed_server.http_base + AUTHORIZE + "?update_types=order,position", GOOD_TOKEN
    )
    assert "/order-updates/feed?" in uri
    assert urlsplit(uri).path in CODE_AUTHENTICATED_PATHS
    async with connect(uri) as ws:
        await wait_for_stream(fake_feed_server)
        for update in UPDATES:
            fake_feed_server.source.push_portfolio("U1", update)
        received = [json.loads(await asyncio.wait_for(ws.recv(), 2)) for _ in range(3)]
    assert [u["update_type"] for u in received] == ["order", "position", "order"]
    assert received[2]["status"] == "complete"


async def test_update_types_default_to_order_only(fake_feed_server):
    uri = await http_authorize(fake_feed_server.http_base + AUTHORIZE, GOOD_TOKEN)
    async with connect(uri) as ws:
        await wait_for_stream(fake_feed_server)
        for update in UPDATES[1:]:
            fake_feed_server.source.push_portfolio("U1", update)
        message = json.loads(await asyncio.wait_for(ws.recv(), 2))
    assert message == UPDATES[4]


async def test_unknown_update_type_and_bad_token_are_refused(fake_feed_server):
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {GOOD_TOKEN}"}
        url = fake_feed_server.http_base + AUTHORIZE + "?update_types=order,trades"
        async with session.get(url, headers=headers) as response:
            assert response.status == 400
            assert (await response.json())["errors"][0]["property_path"] == "update_types"
        url = fake_feed_server.http_base + AUTHORIZE
        async with session.get(url, headers={"Authorization": "Bearer nope"}) as response:
            assert response.status == 401


async def test_bearer_get_on_the_stream_url_redirects_and_streams(fake_feed_server):
    url = fake_feed_server.http_base.replace("http://", "ws://") + "/v2/feed/portfolio-stream-feed"
    headers = {"Authorization": f"Bearer {GOOD_TOKEN}"}
    async with connect(url + "?update_types=holding", additional_headers=headers) as ws:
        await wait_for_stream(fake_feed_server)
        fake_feed_server.source.push_portfolio("U1", UPDATES[1])
        assert json.loads(await asyncio.wait_for(ws.recv(), 2))["update_type"] == "holding"
    async with asyncio.timeout(2):  # the server lets go of the user's queue on close
        while fake_feed_server.source.portfolio_queues["U1"]:
            await asyncio.sleep(0.01)


@pytest.mark.parametrize("drop_midway", [False, True])
async def test_client_publishes_updates_on_the_portfolio_bus_and_survives_a_drop(
    fake_feed_server, drop_midway
):
    calls = {"n": 0}

    async def authorize() -> str:
        calls["n"] += 1
        url = fake_feed_server.http_base + AUTHORIZE + "?update_types=order,gtt_order"
        return await http_authorize(url, GOOD_TOKEN)

    stream = PortfolioStream(authorize, backoff=Backoff(base_s=0.05, cap_s=0.2))
    orders: asyncio.Queue[PortfolioUpdate] = asyncio.Queue()
    everything: list[PortfolioUpdate] = []
    stream.bus.subscribe(orders, keys=["order"])
    stream.bus.subscribe(everything.append)
    stream.start()
    try:
        await stream.wait_connected(3)
        await wait_for_stream(fake_feed_server)
        if drop_midway:
            old_queues = tuple(fake_feed_server.source.portfolio_queues["U1"])
            await stream.recycle("test drop")
            await wait_for_stream(fake_feed_server, replacing=old_queues)
        for update in UPDATES:
            fake_feed_server.source.push_portfolio("U1", update)
        first = await asyncio.wait_for(orders.get(), 2)
        second = await asyncio.wait_for(orders.get(), 2)
        assert (first.data["status"], second.data["status"]) == ("open", "complete")
        assert [u.update_type for u in everything] == ["order", "gtt_order", "order"]
        assert calls["n"] == (2 if drop_midway else 1)
        assert stream.health().reconnect_count == (1 if drop_midway else 0)
    finally:
        await stream.stop()
