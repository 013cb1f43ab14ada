"""Sandbox-only control endpoints under /sandbox/ (no real Upstox equivalent).

Used by tests and the platform's launcher: health, clock control, always-open, reset,
faults, rate-limit switch, a declined login dialog. They need no token; the sandbox binds
to loopback by default.
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.upstox_envelope import UpstoxError, read_json, success
from scripts.upstox_sandbox.faults import Fault
from scripts.upstox_sandbox.http_common import sim_of

routes = web.RouteTableDef()


@routes.get("/sandbox/health")
async def health(request: web.Request) -> web.Response:
    s = sim_of(request)
    s.step()
    return success(
        {"now": s.clock.now().isoformat(), "market_open": s.market_open(), "seed": s.config.seed}
    )


def _when(raw: object) -> datetime:
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError as exc:
        raise UpstoxError(
            "UDAPI100038", "at must be an ISO datetime", property_path="at", invalid_value=raw
        ) from exc
    return when if when.tzinfo else when.replace(tzinfo=IST)


@routes.post("/sandbox/control/clock")
async def clock(request: web.Request) -> web.Response:
    """Body: {"action": "freeze"|"advance"|"set"|"factor", "at": ISO, "seconds": n, "factor": f}."""
    s = sim_of(request)
    body = await read_json(request)
    action = body.get("action") if isinstance(body, dict) else None
    with s.lock:
        s.step()
        if action == "freeze":
            s.clock.freeze(_when(body["at"]) if body.get("at") else None)
        elif action == "advance":
            s.clock.advance(float(body.get("seconds", 0)))
        elif action == "set":
            s.clock.set_time(_when(body.get("at")))
        elif action == "factor":
            s.clock.set_factor(float(body.get("factor", 1)))
        else:
            raise UpstoxError(
                "UDAPI100038",
                "action must be freeze, advance, set or factor",
                property_path="action",
                invalid_value=action,
            )
        if action == "set" or (action == "freeze" and body.get("at")):
            s.reset_step_anchor()
    s.step()
    return success(
        {"now": s.clock.now().isoformat(), "factor": s.clock.factor, "market_open": s.market_open()}
    )


@routes.post("/sandbox/control/always-open")
async def always_open(request: web.Request) -> web.Response:
    s = sim_of(request)
    body = await read_json(request)
    s.set_always_open(bool(body.get("enabled", True)) if isinstance(body, dict) else True)
    return success({"always_open": s.calendar.always_open, "market_open": s.market_open()})


@routes.post("/sandbox/control/reset")
async def reset(request: web.Request) -> web.Response:
    sim_of(request).reset()
    return success(True)


@routes.post("/sandbox/control/faults")
async def faults(request: web.Request) -> web.Response:
    s = sim_of(request)
    body = await read_json(request)
    if not isinstance(body, dict) or not body.get("path_prefix") or not body.get("kind"):
        raise UpstoxError(
            "UDAPI100038", "path_prefix and kind are required", property_path="path_prefix"
        )
    s.faults.arm(
        Fault(
            path_prefix=str(body["path_prefix"]),
            kind=str(body["kind"]),
            count=int(body.get("count", 1)),
            latency_ms=int(body.get("latency_ms", 0)),
            retry_after=body.get("retry_after"),
        )
    )
    return success(s.faults.pending())


@routes.delete("/sandbox/control/faults")
async def clear_faults(request: web.Request) -> web.Response:
    sim_of(request).faults.clear()
    return success(True)


@routes.post("/sandbox/control/rate-limits")
async def rate_limits(request: web.Request) -> web.Response:
    s = sim_of(request)
    body = await read_json(request)
    s.rate_limiter.enabled = bool(body.get("enabled", True)) if isinstance(body, dict) else True
    s.rate_limiter.reset()
    return success({"enabled": s.rate_limiter.enabled})


@routes.post("/sandbox/control/login-dialog")
async def login_dialog(request: web.Request) -> web.Response:
    """Body: {"decline": n}: the next n authorization dialogs answer "access denied"."""
    s = sim_of(request)
    body = await read_json(request)
    count = body.get("decline", 1) if isinstance(body, dict) else 1
    if not isinstance(count, int) or count < 0:
        raise UpstoxError(
            "UDAPI100038", "decline must be a whole number >= 0", property_path="decline"
        )
    s.tokens.declines_pending = count
    return success({"declines_pending": count})
