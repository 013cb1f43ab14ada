"""The sandbox's market data feed v3 server (protobuf over WebSocket).

Routes (see docs/UPSTOX_API.md §9.1):
- ``GET /v3/feed/market-data-feed/authorize``: Bearer token -> single-use ws URI.
- ``GET /v3/feed/market-data-feed`` with a Bearer header: 302 to such a URI, as
  the real host does; with ``requestId``/``code`` query: the WebSocket itself.

The signed URI pointing back at ``/v3/feed/market-data-feed`` is our choice;
Upstox's signed URI lives on another host whose path is not documented [?].
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import WSCloseCode, WSMsgType, web

from scripts.upstox_sandbox.feed.authorization import (
    GrantBook,
    authenticated_user,
    authorized_uri_response,
    invalid_token_response,
    signed_ws_uri,
)
from scripts.upstox_sandbox.feed.feed_source import FeedSource
from scripts.upstox_sandbox.feed.encode import feed_frame, market_info_frame
from scripts.upstox_sandbox.feed.market_session import (
    MarketSession,
    RequestRejected,
    parse_request,
)

logger = logging.getLogger(__name__)

FEED_PATH = "/v3/feed/market-data-feed"
AUTHORIZE_PATH = FEED_PATH + "/authorize"
CONTROL_PATH = "/sandbox/control/feed"
# Upstox sends WS ping frames when idle and has no app-level heartbeat [DOC];
# the interval is not documented [?].
DEFAULT_PING_INTERVAL_S = 10.0
REPLACED_CLOSE_MESSAGE = b"replaced by a newer connection"


class MarketFeedServer:
    """Serves the market feed for every user of one sandbox app."""

    def __init__(self, source: FeedSource, ping_interval_s: float = DEFAULT_PING_INTERVAL_S):
        self._source = source
        self._ping_interval_s = ping_interval_s
        self._grants = GrantBook()
        # user id -> the user's open socket. ASSUMPTION: Upstox allows one feed
        # connection per app-user [DOC] but does not say what happens to the old
        # one; we close the older connection (policy violation) when a newer opens.
        self._connections: dict[str, web.WebSocketResponse] = {}
        self._background: set[asyncio.Task[None]] = set()
        # Switched by POST /sandbox/control/feed; full live_feed messages by default, since
        # Upstox does not document which parts a live_feed delta carries [?] (encode.fill_delta).
        self.incremental = False
        self.connections_opened = 0

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(AUTHORIZE_PATH, self.authorize)
        app.router.add_get(FEED_PATH, self.feed)
        app.router.add_get(CONTROL_PATH, self.control_state)
        app.router.add_post(CONTROL_PATH, self.control)
        app.on_shutdown.append(self._close_all)

    async def control_state(self, _request: web.Request) -> web.Response:
        """Sandbox-only: how many feed connections were opened, which are open, the switch."""
        return web.json_response({"status": "success", "data": self._control_data()})

    async def control(self, request: web.Request) -> web.Response:
        """Sandbox-only. Body: ``{"incremental": bool, "drop_connections": bool}``.

        ``drop_connections`` closes every open feed socket (1001 going away), as a network
        drop or an Upstox restart would, so tests can prove the client re-subscribes.
        """
        try:
            body = await request.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if "incremental" in body:
            self.incremental = bool(body["incremental"])
        dropped = 0
        if body.get("drop_connections"):
            for ws in list(self._connections.values()):
                if not ws.closed:
                    dropped += 1
                    await ws.close(code=WSCloseCode.GOING_AWAY, message=b"dropped by control")
        return web.json_response(
            {"status": "success", "data": {**self._control_data(), "dropped": dropped}}
        )

    def _control_data(self) -> dict[str, object]:
        return {
            "incremental": self.incremental,
            "connections_opened": self.connections_opened,
            "open_connections": sum(1 for ws in self._connections.values() if not ws.closed),
        }

    async def authorize(self, request: web.Request) -> web.Response:
        user_id = authenticated_user(request, self._source)
        if user_id is None:
            return invalid_token_response()
        return authorized_uri_response(self._issue_uri(request, user_id))

    async def feed(self, request: web.Request) -> web.StreamResponse:
        if "code" not in request.query:
            user_id = authenticated_user(request, self._source)
            if user_id is None:
                return invalid_token_response()
            raise web.HTTPFound(self._issue_uri(request, user_id))
        grant = self._grants.redeem(request.query.get("requestId"), request.query.get("code"))
        if grant is None:
            # An unknown, expired or already used code [DOC: URIs are single-use].
            return invalid_token_response()
        ws = web.WebSocketResponse(heartbeat=self._ping_interval_s)
        await ws.prepare(request)
        self.connections_opened += 1
        self._replace_connection(grant.user_id, ws)
        try:
            await self._serve(ws)
        finally:
            if self._connections.get(grant.user_id) is ws:
                del self._connections[grant.user_id]
        return ws

    def _issue_uri(self, request: web.Request, user_id: str) -> str:
        return signed_ws_uri(request, FEED_PATH, self._grants.issue(user_id))

    def _replace_connection(self, user_id: str, ws: web.WebSocketResponse) -> None:
        older = self._connections.get(user_id)
        self._connections[user_id] = ws
        if older is not None and not older.closed:
            logger.info("closing an older market feed connection of %s", user_id)
            self._spawn(
                older.close(code=WSCloseCode.POLICY_VIOLATION, message=REPLACED_CLOSE_MESSAGE)
            )

    def _spawn(self, coro: Awaitable[object]) -> None:
        async def run() -> None:
            await coro

        task = asyncio.create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _serve(self, ws: web.WebSocketResponse) -> None:
        session = MarketSession()
        send_lock = asyncio.Lock()

        async def send(frame: bytes) -> None:
            async with send_lock:
                if not ws.closed:
                    await ws.send_bytes(frame)

        # market_info first [?: implied by the Type enum and common client code].
        status = self._source.segment_status()
        await send(market_info_frame(status, self._source.now_ms()))
        pusher = asyncio.create_task(self._push_live_or_close(ws, session, send, status))
        try:
            async for message in ws:
                if message.type == WSMsgType.BINARY:
                    await self._handle_request(session, message.data, send)
                elif message.type == WSMsgType.TEXT:
                    # The SDK sends requests as binary frames [SDK]; whether Upstox
                    # accepts text frames is not documented [?], so be strict.
                    logger.warning("ignoring a text frame on the market feed; send binary")
        finally:
            pusher.cancel()
            await asyncio.gather(pusher, return_exceptions=True)

    async def _handle_request(
        self, session: MarketSession, payload: bytes, send: Callable[[bytes], Awaitable[None]]
    ) -> None:
        try:
            request = parse_request(payload)
            known = tuple(k for k in request.instrument_keys if self._source.instrument_exists(k))
            targets = session.apply(request, known)
        except RequestRejected as exc:
            logger.warning("market feed request rejected: %s", exc)
            return
        if not targets:
            return
        pairs = [(self._source.market_snapshot(k), session.modes[k]) for k in targets]
        for snapshot, _mode in pairs:
            session.last_sent[snapshot.instrument_key] = snapshot
        await send(feed_frame("initial_feed", pairs, self._source.now_ms()))

    async def _push_live_or_close(
        self,
        ws: web.WebSocketResponse,
        session: MarketSession,
        send: Callable[[bytes], Awaitable[None]],
        status: dict[str, str],
    ) -> None:
        """Run the pusher; if the simulation fails, close loudly rather than go silent."""
        try:
            await self._push_live(session, send, status)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("market feed pusher failed; closing the connection")
            await ws.close(code=WSCloseCode.INTERNAL_ERROR, message=b"feed source failed")

    async def _push_live(
        self,
        session: MarketSession,
        send: Callable[[bytes], Awaitable[None]],
        status: dict[str, str],
    ) -> None:
        """Every tick interval: market_info on a status change, live_feed for changed keys."""
        while True:
            await asyncio.sleep(self._source.tick_interval_seconds())
            new_status = self._source.segment_status()
            if new_status != status:
                status = new_status
                # Re-sending market_info on a change is our reading of the Type enum [?].
                await send(market_info_frame(status, self._source.now_ms()))
            changed = []
            for key, mode in list(session.modes.items()):
                snapshot = self._source.market_snapshot(key)
                if snapshot != session.last_sent.get(key):
                    changed.append((snapshot, mode))
            if changed:
                previous = dict(session.last_sent) if self.incremental else None
                for snapshot, _mode in changed:
                    session.last_sent[snapshot.instrument_key] = snapshot
                now = self._source.now_ms()
                await send(feed_frame("live_feed", changed, now, previous))

    async def _close_all(self, _app: web.Application) -> None:
        for ws in list(self._connections.values()):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
