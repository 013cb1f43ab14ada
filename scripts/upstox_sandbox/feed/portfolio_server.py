"""The sandbox's portfolio stream feed (JSON text frames over WebSocket).

Routes (see docs/UPSTOX_API.md §9.2):
- ``GET /v2/feed/portfolio-stream-feed/authorize?update_types=…``: single-use ws URI.
- ``GET /v2/feed/portfolio-stream-feed?update_types=…`` with a Bearer header: 302
  to such a URI.
- ``GET /v2/feed/portfolio-stream-feed/order-updates/feed?requestId=…&code=…``:
  the WebSocket. There is no subscription message; updates start on connect [DOC].
"""

from __future__ import annotations

from typing import Any
import asyncio
import json
import logging

from aiohttp import WSCloseCode, web

from scripts.upstox_sandbox.feed.authorization import (
    INVALID_INPUT_CODE,
    GrantBook,
    authenticated_user,
    authorized_uri_response,
    error_response,
    invalid_token_response,
    signed_ws_uri,
)
from scripts.upstox_sandbox.feed.feed_source import FeedSource

logger = logging.getLogger(__name__)

PORTFOLIO_PATH = "/v2/feed/portfolio-stream-feed"
AUTHORIZE_PATH = PORTFOLIO_PATH + "/authorize"
# The doc's authorized URI ends in ".../order-updates/feed?requestId=&code=" [DOC];
# the prefix before it is our choice [?].
STREAM_PATH = PORTFOLIO_PATH + "/order-updates/feed"
UPDATE_TYPES = ("order", "position", "holding", "gtt_order")
DEFAULT_UPDATE_TYPES = "order"  # [DOC]
DEFAULT_PING_INTERVAL_S = 10.0  # interval not documented [?]


class PortfolioFeedServer:
    """Pushes each user's portfolio updates, filtered by the update types they asked for."""

    def __init__(self, source: FeedSource, ping_interval_s: float = DEFAULT_PING_INTERVAL_S):
        self._source = source
        self._ping_interval_s = ping_interval_s
        self._grants = GrantBook()
        self._sockets: set[web.WebSocketResponse] = set()

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(AUTHORIZE_PATH, self.authorize)
        app.router.add_get(PORTFOLIO_PATH, self.redirect)
        app.router.add_get(STREAM_PATH, self.stream)
        app.on_shutdown.append(self._close_all)

    async def authorize(self, request: web.Request) -> web.Response:
        user_id = authenticated_user(request, self._source)
        if user_id is None:
            return invalid_token_response()
        update_types = request.query.get("update_types", DEFAULT_UPDATE_TYPES)
        invalid = [t for t in update_types.split(",") if t not in UPDATE_TYPES]
        if invalid:
            # The real error code for a bad update_type is not documented [?].
            return error_response(
                400, INVALID_INPUT_CODE, "Invalid update_types", "update_types", update_types
            )
        return authorized_uri_response(self._issue_uri(request, user_id, update_types))

    async def redirect(self, request: web.Request) -> web.StreamResponse:
        response = await self.authorize(request)
        if response.status != 200:
            return response
        uri = json.loads(response.text or "{}")["data"]["authorized_redirect_uri"]
        raise web.HTTPFound(uri)

    def _issue_uri(self, request: web.Request, user_id: str, update_types: str) -> str:
        query = self._grants.issue(user_id, {"update_types": update_types})
        return signed_ws_uri(request, STREAM_PATH, query)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        grant = self._grants.redeem(request.query.get("requestId"), request.query.get("code"))
        if grant is None:
            return invalid_token_response()
        wanted = frozenset(grant.params["update_types"].split(","))
        ws = web.WebSocketResponse(heartbeat=self._ping_interval_s)
        await ws.prepare(request)
        self._sockets.add(ws)
        queue = self._source.subscribe_portfolio(grant.user_id)
        forwarder = asyncio.create_task(self._forward(ws, queue, wanted))
        try:
            async for _message in ws:
                # No client messages are defined for this stream; read only to see the close.
                pass
        finally:
            forwarder.cancel()
            await asyncio.gather(forwarder, return_exceptions=True)
            self._source.unsubscribe_portfolio(grant.user_id, queue)
            self._sockets.discard(ws)
        return ws

    async def _forward(
        self,
        ws: web.WebSocketResponse,
        queue: asyncio.Queue[dict[str, Any]],
        wanted: frozenset[str],
    ) -> None:
        while not ws.closed:
            update = await queue.get()
            if update.get("update_type") in wanted:
                await ws.send_str(json.dumps(update))

    async def _close_all(self, _app: web.Application) -> None:
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
