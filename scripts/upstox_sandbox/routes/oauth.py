"""OAuth dialog, token exchange and logout (docs/UPSTOX_API.md §2)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

from scripts.upstox_sandbox.upstox_envelope import flat, success
from scripts.upstox_sandbox.http_common import TOKEN_KEY, sim_of
from scripts.upstox_sandbox.routes.account import profile_record

routes = web.RouteTableDef()


@routes.get("/v2/login/authorization/dialog")
async def authorization_dialog(request: web.Request) -> web.Response:
    """Sign the demo user in without any typing (headless) and redirect with a code."""
    s = sim_of(request)
    redirect_uri = request.query.get("redirect_uri")
    code = s.tokens.authorize(request.query.get("client_id"), redirect_uri)
    assert redirect_uri is not None
    params = {"code": code}
    if "state" in request.query:
        params["state"] = request.query["state"]
    parts = urlsplit(redirect_uri)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    raise web.HTTPFound(urlunsplit(parts._replace(query=query)))


@routes.post("/v2/login/authorization/token")
async def token(request: web.Request) -> web.Response:
    s = sim_of(request)
    form = {k: str(v) for k, v in (await request.post()).items()}
    access, extended = s.tokens.exchange(form, s.clock.now())
    return flat(
        {
            **profile_record(s.config),
            "access_token": access,
            "extended_token": extended,
        }
    )


@routes.delete("/v2/logout")
async def logout(request: web.Request) -> web.Response:
    sim_of(request).tokens.revoke(request[TOKEN_KEY])
    return success(True)
