"""Historical and intraday candle endpoints, v3 and the deprecated v2 forms."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from scripts.upstox_sandbox.market.candles import (
    V2_INTERVALS,
    candles,
    check_range,
    parse_date,
    parse_interval,
)
from scripts.upstox_sandbox.upstox_envelope import UpstoxError, success
from scripts.upstox_sandbox.http_common import sim_of
from scripts.upstox_sandbox.market.universe import Instrument

routes = web.RouteTableDef()


def _instrument(request: web.Request) -> Instrument:
    s = sim_of(request)
    key = request.match_info["key"]
    if "|" not in key:
        raise UpstoxError(
            "UDAPI1021",
            "Invalid instrument key format",
            property_path="instrument_key",
            invalid_value=key,
        )
    inst = s.universe.get(key, s.today())
    if inst is None:
        raise UpstoxError(
            "UDAPI100011",
            "Invalid Instrument key",
            property_path="instrument_key",
            invalid_value=key,
        )
    return inst


def _historical(request: web.Request, unit: str, interval: int) -> web.Response:
    s = sim_of(request)
    inst = _instrument(request)
    to_day = parse_date(request.match_info["to_date"], "to_date")
    raw_from = request.match_info.get("from_date")
    from_day: date | None = parse_date(raw_from, "from_date") if raw_from else None
    start = check_range(unit, interval, to_day, from_day)
    now = s.step()
    return success({"candles": candles(s.market, inst, unit, interval, start, to_day, now)})


def _intraday(request: web.Request, unit: str, interval: int) -> web.Response:
    s = sim_of(request)
    inst = _instrument(request)
    now = s.step()
    today = s.calendar.last_session_day(s.clock.now())
    return success({"candles": candles(s.market, inst, unit, interval, today, today, now)})


@routes.get("/v3/historical-candle/intraday/{key}/{unit}/{interval}")
async def intraday_v3(request: web.Request) -> web.Response:
    unit = request.match_info["unit"]
    return _intraday(
        request, unit, parse_interval(unit, request.match_info["interval"], intraday=True)
    )


@routes.get("/v3/historical-candle/{key}/{unit}/{interval}/{to_date}")
@routes.get("/v3/historical-candle/{key}/{unit}/{interval}/{to_date}/{from_date}")
async def historical_v3(request: web.Request) -> web.Response:
    unit = request.match_info["unit"]
    return _historical(request, unit, parse_interval(unit, request.match_info["interval"]))


def _v2_interval(request: web.Request, intraday: bool) -> tuple[str, int]:
    name = request.match_info["interval"]
    allowed = ("1minute", "30minute") if intraday else tuple(V2_INTERVALS)
    if name not in allowed:
        raise UpstoxError(
            "UDAPI1147", "Invalid interval", property_path="interval", invalid_value=name
        )
    return V2_INTERVALS[name]


@routes.get("/v2/historical-candle/intraday/{key}/{interval}")
async def intraday_v2(request: web.Request) -> web.Response:
    return _intraday(request, *_v2_interval(request, True))


@routes.get("/v2/historical-candle/{key}/{interval}/{to_date}")
@routes.get("/v2/historical-candle/{key}/{interval}/{to_date}/{from_date}")
async def historical_v2(request: web.Request) -> web.Response:
    return _historical(request, *_v2_interval(request, False))
