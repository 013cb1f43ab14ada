"""Entry point of the sandbox's WebSocket feeds: the one function the app factory calls.

The market simulation and the feed servers meet only through ``FeedSource``
(feed_contract.py); nothing here reaches into the simulation.
"""

from __future__ import annotations

from aiohttp import web

from scripts.upstox_sandbox.feed.feed_source import FeedSource
from scripts.upstox_sandbox.feed.market_server import (
    FEED_PATH,
    DEFAULT_PING_INTERVAL_S,
    MarketFeedServer,
)
from scripts.upstox_sandbox.feed.portfolio_server import STREAM_PATH, PortfolioFeedServer

# The WebSocket endpoints are reached through single-use authorized URIs that carry
# no Bearer header (the code is the credential), and the handlers check tokens
# themselves; an app-wide Bearer middleware must let exactly these paths through.
CODE_AUTHENTICATED_PATHS: tuple[str, ...] = (FEED_PATH, STREAM_PATH)


def register_feed_routes(
    app: web.Application, source: FeedSource, *, ping_interval_s: float = DEFAULT_PING_INTERVAL_S
) -> None:
    """Add the market data feed v3 and portfolio stream routes to ``app``.

    ``ping_interval_s`` sets how long a socket may be idle before the server
    sends a WS ping (tests shorten it).
    """
    MarketFeedServer(source, ping_interval_s=ping_interval_s).add_routes(app)
    PortfolioFeedServer(source, ping_interval_s=ping_interval_s).add_routes(app)
