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
    """Sign the demo user in without any typing (headless) and redirect with a code.

    A decline armed by ``/sandbox/control/login-dialog`` redirects with OAuth 2.0's
    ``error=access_denied`` and ``error_description`` instead (RFC 6749, section 4.1.2.1).
    ASSUMPTION: Upstox's documents do not show its decline redirect; an OAuth 2.0
    provider answers this way, so the sandbox does too (docs/UPSTOX_API.md §2).
    """
    s = sim_of(request)
    redirect_uri = request.query.get("redirect_uri")
    code = s.tokens.authorize(request.query.get("client_id"), redirect_uri)
    assert redirect_uri is not None
    params = {"code": code}
    if s.tokens.take_decline():
        params = {"error": "access_denied", "error_description": "The user denied the request"}
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
