"""The sandbox's aiohttp application factory: middlewares, routes, background stepping."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from typing import AsyncIterator

from aiohttp import web
from aiohttp.typedefs import Middleware

from scripts.upstox_sandbox.routes import (
    account,
    sandbox_control,
    gtt,
    history,
    info,
    oauth,
    orders,
    quotes,
)
from scripts.upstox_sandbox.config import SandboxConfig
from scripts.upstox_sandbox.upstox_envelope import Handler, UpstoxError, error_middleware
from scripts.upstox_sandbox.faults import fault_middleware
from scripts.upstox_sandbox.feed.servers import CODE_AUTHENTICATED_PATHS, register_feed_routes
from scripts.upstox_sandbox.http_common import SIM_KEY, TOKEN_KEY
from scripts.upstox_sandbox.throttle import rate_class
from scripts.upstox_sandbox.simulation import Simulation

log = logging.getLogger(__name__)
# Candles and holidays/timings need no token: the SDK sends none for them (auth_settings = []).
PUBLIC_PREFIXES = (
    "/v2/login/authorization/",
    "/sandbox/",
    "/market-quote/instruments/",
    "/v2/historical-candle/",
    "/v3/historical-candle/",
    "/v2/market/holidays",
    "/v2/market/timings/",
)


def _auth_middleware(sim: Simulation) -> Middleware:
    """Bearer-token check (401 UDAPI100050) then per-user rate limits (429 UDAPI10005).

    The WebSocket endpoints are reached through single-use signed links that carry no
    Bearer header (the code in the link is the credential; the feed handlers check it).
    """

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        http_exc = request.match_info.http_exception
        if http_exc is not None:
            raise http_exc
        if request.path.startswith(PUBLIC_PREFIXES) or request.path in CODE_AUTHENTICATED_PATHS:
            return await handler(request)
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        info = sim.tokens.lookup(token, sim.clock.timestamp()) if token else None
        if info is None:
            raise UpstoxError("UDAPI100050", "Invalid token used to access API", status=401)
        if info.extended and request.method != "GET":
            raise UpstoxError("UDAPI100067", "API not permitted with an extended_token", status=401)
        if not sim.rate_limiter.allow(info.user_id, rate_class(request.path, request.method)):
            raise UpstoxError("UDAPI10005", "Too Many Request Sent", status=429)
        request[TOKEN_KEY] = token
        return await handler(request)

    return middleware


async def _stepper(app: web.Application) -> AsyncIterator[None]:
    """Move orders and GTTs along with the clock even when nobody is calling."""
    sim = app[SIM_KEY]

    async def loop() -> None:
        while True:
            await asyncio.sleep(sim.config.background_step_seconds)
            try:
                sim.step()
            except Exception:  # noqa: BLE001 - keep stepping; the next request will surface it
                log.exception("background step failed")

    task = asyncio.create_task(loop())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def create_app(config: SandboxConfig, simulation: Simulation | None = None) -> web.Application:
    """Build the sandbox server; ``app["feed_source"]`` is the FeedSource for the feed servers."""
    sim = simulation or Simulation(config)
    app = web.Application(
        middlewares=[error_middleware, fault_middleware(sim.faults), _auth_middleware(sim)]
    )
    app[SIM_KEY] = sim
    with warnings.catch_warnings():
        # The feed contract names this key as a plain string; keep it exactly.
        warnings.simplefilter("ignore")
        app["feed_source"] = sim
    for module in (
        oauth,
        account,
        orders,
        gtt,
        quotes,
        history,
        info,
        sandbox_control,
    ):
        app.add_routes(module.routes)
    app.cleanup_ctx.append(_stepper)
    register_feed_routes(app, sim)
    return app
