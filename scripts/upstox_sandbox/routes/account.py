"""User profile, funds (v2, v3) and portfolio: positions, MTF positions, holdings, convert."""

from __future__ import annotations

from typing import Any
from aiohttp import web

from scripts.upstox_sandbox.exchange.charges import money
from scripts.upstox_sandbox.config import SandboxConfig
from scripts.upstox_sandbox.upstox_envelope import UpstoxError, read_json, success
from scripts.upstox_sandbox.http_common import resolve, sim_of

routes = web.RouteTableDef()


def profile_record(cfg: SandboxConfig) -> dict[str, Any]:
    """The demo user's profile: served by /v2/user/profile and inside the token response."""
    return {
        "email": cfg.email,
        "exchanges": ["NSE", "NFO", "BSE", "CDS", "BFO", "BCD", "MCX", "NSCOM"],
        "products": ["D", "I", "CO", "MTF"],
        "broker": "UPSTOX",
        "user_id": cfg.user_id,
        "user_name": cfg.user_name,
        "order_types": ["MARKET", "LIMIT", "SL", "SL-M"],
        "user_type": "individual",
        "poa": True,
        "ddpi": True,
        "is_active": True,
    }


@routes.get("/v2/user/profile")
async def profile(request: web.Request) -> web.Response:
    return success(profile_record(sim_of(request).config))


def _segment_funds(used: float, available: float, span: float, exposure: float) -> dict[str, Any]:
    return {
        "used_margin": used,
        "payin_amount": 0.0,
        "span_margin": span,
        "adhoc_margin": 0.0,
        "notional_cash": 0.0,
        "available_margin": available,
        "exposure_margin": exposure,
    }


@routes.get("/v2/user/get-funds-and-margin")
async def funds_v2(request: web.Request) -> web.Response:
    s = sim_of(request)
    now = s.step()
    segment = request.query.get("segment")
    if segment not in (None, "", "SEC", "COM"):
        raise UpstoxError(
            "UDAPI100038",
            "segment must be SEC or COM",
            property_path="segment",
            invalid_value=segment,
        )
    fo_margin = sum(
        (p.margin() for p in s.portfolio.positions.values() if p.inst.is_derivative), money(0)
    )
    equity = _segment_funds(
        float(s.used_margin(now)),
        float(money(s.available_margin(now))),
        float(money(fo_margin * 3 / 4)),
        float(money(fo_margin / 4)),
    )
    commodity = _segment_funds(0.0, 0.0, 0.0, 0.0)
    data = {"SEC": {"equity": equity}, "COM": {"commodity": commodity}}.get(
        segment or "", {"equity": equity, "commodity": commodity}
    )
    return success(data)


@routes.get("/v3/user/get-funds-and-margin")
async def funds_v3(request: web.Request) -> web.Response:
    s = sim_of(request)
    now = s.step()
    p = s.portfolio
    used = float(s.used_margin(now))
    available = float(money(s.available_margin(now)))
    loss = {"total": 0.0, "realised": 0.0, "unrealised": 0.0}
    cash = {
        "opening_balance": float(p.opening_balance),
        "added_today": 0.0,
        "withdrawn_today": 0.0,
        "amount_from_stock_sale": float(p.stock_sale_proceeds),
        "unpaid_charges": float(p.charges_total),
    }
    margin_used = {
        "total": used,
        "mtf": 0.0,
        "loss": loss,
        "span_exposure": 0.0,
        "cash_margin_var_elm": used,
        "premium_present": 0.0,
        "delivery_margin": {"total": 0.0, "equity": 0.0, "fo_settlement": 0.0},
    }
    data = {
        "available_to_trade": {
            "total": available,
            "cash_available_to_trade": {
                "total": available,
                "cash": cash,
                "margin_used": margin_used,
            },
            "pledge_available_to_trade": {
                "margin_from_pledge": {"total": 0.0, "equity": 0.0, "mutual_funds": 0.0},
                "margin_used": {
                    "total": 0.0,
                    "mtf": 0.0,
                    "span_exposure": 0.0,
                    "cash_margin_var_elm": 0.0,
                    "premium_present": 0.0,
                    "delivery_margin": {"total": 0.0, "equity": 0.0, "fo_settlement": 0.0},
                },
            },
        },
        "unavailable_to_trade": {
            "cash_unavailable_to_trade": {
                "unsettled_profit": {
                    "todays_profit": float(p.realised_total()),
                    "previous_days": 0.0,
                }
            },
            "pledge_unavailable_to_trade": {"equity": 0.0, "mutual_funds": 0.0},
        },
    }
    return success(data)


def _positions(request: web.Request, mtf: bool) -> list[dict[str, Any]]:
    s = sim_of(request)
    now = s.step()
    out = []
    for pos in s.portfolio.positions.values():
        if (pos.product == "MTF") != mtf or (pos.buy_qty == 0 and pos.sell_qty == 0):
            continue
        out.append(pos.record(s.market.ltp(pos.inst, now), s.market.previous_close(pos.inst, now)))
    return out


@routes.get("/v2/portfolio/short-term-positions")
async def positions(request: web.Request) -> web.Response:
    return success(_positions(request, mtf=False))


@routes.get("/v3/portfolio/mtf-positions")
async def mtf_positions(request: web.Request) -> web.Response:
    return success(_positions(request, mtf=True))


@routes.get("/v2/portfolio/long-term-holdings")
async def holdings(request: web.Request) -> web.Response:
    s = sim_of(request)
    now = s.step()
    data = [
        h.record(s.market.ltp(h.inst, now), s.market.previous_close(h.inst, now))
        for h in s.portfolio.holdings.values()
        if h.quantity
    ]
    return success(data)


@routes.put("/v2/portfolio/convert-position")
async def convert_position(request: web.Request) -> web.Response:
    s = sim_of(request)
    body = await read_json(request)
    if not isinstance(body, dict):
        raise UpstoxError("UDAPI100038", "Invalid input passed to the API")
    inst = resolve(request, str(body.get("instrument_token", "")))
    for name in ("new_product", "old_product"):
        if body.get(name) not in ("I", "D", "MTF"):
            raise UpstoxError(
                "UDAPI100038",
                f"{name} must be I, D or MTF",
                property_path=name,
                invalid_value=body.get(name),
            )
    if body.get("transaction_type") not in ("BUY", "SELL"):
        raise UpstoxError(
            "UDAPI100038", "transaction_type must be BUY or SELL", property_path="transaction_type"
        )
    qty = body.get("quantity")
    with s.lock:
        try:
            s.portfolio.convert(
                inst,
                body["old_product"],
                body["new_product"],
                body["transaction_type"],
                int(qty or 0),
            )
        except ValueError as exc:
            raise UpstoxError(
                "UDAPI100038", str(exc), property_path="quantity", invalid_value=qty
            ) from exc
    return success({"status": "complete"})
