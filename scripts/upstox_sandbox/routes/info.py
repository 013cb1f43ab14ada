"""Market information (holidays, timings, status), charges and margin, and the BOD files."""

from __future__ import annotations

from typing import Any
import gzip
import json
from datetime import date, datetime, time
from decimal import Decimal

from aiohttp import web

from scripts.upstox_sandbox.market.nse_calendar import EXCHANGE_HOURS
from scripts.upstox_sandbox.exchange.charges import margin_for, order_charges
from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.upstox_envelope import UpstoxError, read_json, success
from scripts.upstox_sandbox.http_common import resolve, sim_of

routes = web.RouteTableDef()
MARGIN_MAX = 20
ALL_EXCHANGES = list(EXCHANGE_HOURS)


def _epoch_ms(day: date, hhmm: time) -> int:
    return int(datetime.combine(day, hhmm, IST).timestamp() * 1000)


def _holiday_record(day: date, text: str) -> dict[str, Any]:
    # MCX/CDS evening sessions on NSE holidays are not modelled; they are listed closed too.
    return {
        "date": day.isoformat(),
        "description": text,
        "holiday_type": "TRADING_HOLIDAY",
        "closed_exchanges": ALL_EXCHANGES,
        "open_exchanges": [],
    }


def _parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise UpstoxError(
            "UDAPI1088", "Invalid date", property_path="date", invalid_value=raw
        ) from exc


@routes.get("/v2/market/holidays")
async def holidays(request: web.Request) -> web.Response:
    s = sim_of(request)
    year = s.today().year
    return success([_holiday_record(d, t) for d, t in s.calendar.holidays_in_year(year)])


@routes.get("/v2/market/holidays/{date}")
async def holiday_on(request: web.Request) -> web.Response:
    s = sim_of(request)
    day = _parse_day(request.match_info["date"])
    return success(
        [_holiday_record(d, t) for d, t in s.calendar.holidays_in_year(day.year) if d == day]
    )


@routes.get("/v2/market/timings/{date}")
async def timings(request: web.Request) -> web.Response:
    s = sim_of(request)
    day = _parse_day(request.match_info["date"])
    if not s.calendar.is_trading_day(day):
        return success([])
    if s.calendar.always_open:
        bounds = s.calendar.session_bounds(day)
        assert bounds is not None
        start, end = int(bounds[0].timestamp() * 1000), int(bounds[1].timestamp() * 1000)
        return success(
            [{"exchange": ex, "start_time": start, "end_time": end} for ex in ALL_EXCHANGES]
        )
    rows = [
        {"exchange": ex, "start_time": _epoch_ms(day, o), "end_time": _epoch_ms(day, c)}
        for ex, (o, c) in EXCHANGE_HOURS.items()
    ]
    return success(rows)


@routes.get("/v2/market/status/{exchange}")
async def market_status(request: web.Request) -> web.Response:
    s = sim_of(request)
    exchange = request.match_info["exchange"]
    if exchange not in EXCHANGE_HOURS and exchange not in ("NSE_EQ", "NSE_FO", "NSE_INDEX"):
        raise UpstoxError(
            "UDAPI100038", "Invalid exchange", property_path="exchange", invalid_value=exchange
        )
    status = "NORMAL_OPEN" if s.market_open() else "NORMAL_CLOSE"
    return success({"exchange": exchange, "status": status, "last_updated": s.clock.now_ms()})


@routes.get("/v2/charges/brokerage")
async def brokerage(request: web.Request) -> web.Response:
    q = request.query
    inst = resolve(request, q.get("instrument_token", ""))
    try:
        qty, price = int(q.get("quantity", "")), float(q.get("price", ""))
    except ValueError as exc:
        raise UpstoxError(
            "UDAPI100038", "quantity and price must be numbers", property_path="quantity"
        ) from exc
    if q.get("product") not in ("I", "D", "MTF") or q.get("transaction_type") not in (
        "BUY",
        "SELL",
    ):
        raise UpstoxError(
            "UDAPI100038",
            "product must be I/D/MTF and transaction_type BUY/SELL",
            property_path="product",
        )
    charges = order_charges(inst, q["product"], q["transaction_type"], qty, price)
    return success({"charges": charges.as_brokerage_data()})


@routes.post("/v2/charges/margin")
async def margin(request: web.Request) -> web.Response:
    s = sim_of(request)
    body = await read_json(request)
    lines = body.get("instruments") if isinstance(body, dict) else None
    if not isinstance(lines, list) or not lines:
        raise UpstoxError("UDAPI100038", "instruments is required", property_path="instruments")
    if len(lines) > MARGIN_MAX:
        raise UpstoxError(
            "UDAPI100043", f"At most {MARGIN_MAX} instruments", property_path="instruments"
        )
    now = s.step()
    margins, total = [], Decimal("0")
    for line in lines:
        inst = resolve(request, str(line.get("instrument_key", "")))
        price = float(line.get("price") or s.market.ltp(inst, now))
        need = margin_for(
            inst,
            line.get("product", "I"),
            line.get("transaction_type", "BUY"),
            int(line.get("quantity", 0)),
            price,
        )
        total += need
        fut_like = inst.instrument_type == "FUT" or (
            inst.is_option and line.get("transaction_type") == "SELL"
        )
        span = float(need * Decimal("0.75")) if fut_like else 0.0
        margins.append(
            {
                "span_margin": span,
                "exposure_margin": float(need) - span if fut_like else 0.0,
                "equity_margin": 0.0 if inst.is_derivative else float(need),
                "net_buy_premium": (
                    float(need) if inst.is_option and line.get("transaction_type") == "BUY" else 0.0
                ),
                "additional_margin": 0.0,
                "total_margin": float(need),
                "tender_margin": 0.0,
            }
        )
    return success(
        {"margins": margins, "required_margin": float(total), "final_margin": float(total)}
    )


@routes.get("/market-quote/instruments/exchange/{name}.json.gz")
async def instrument_file(request: web.Request) -> web.Response:
    """BOD instrument files (the platform treats the assets host as an alias of the sandbox)."""
    s = sim_of(request)
    if request.match_info["name"] not in ("complete", "NSE"):
        raise web.HTTPNotFound()
    records = [s.universe.bod_record(i) for i in s.universe.listed_on(s.today())]
    payload = gzip.compress(json.dumps(records).encode())
    return web.Response(
        body=payload, content_type="application/json", headers={"Content-Encoding": "gzip"}
    )
