"""Market quotes (full, LTP, OHLC; v2 and v3), option greeks, option contracts and chain."""

from __future__ import annotations

from typing import Any
from datetime import date, datetime

from aiohttp import web

from scripts.upstox_sandbox.clock import IST
from scripts.upstox_sandbox.upstox_envelope import UpstoxError, success
from scripts.upstox_sandbox.feed.feed_source import MarketSnapshot
from scripts.upstox_sandbox.http_common import instrument_keys, resolve, sim_of
from scripts.upstox_sandbox.market.candles import session_candles
from scripts.upstox_sandbox.market.pricing import Candle
from scripts.upstox_sandbox.market.universe import Instrument
from scripts.upstox_sandbox.simulation import Simulation

routes = web.RouteTableDef()
QUOTE_MAX, GREEKS_MAX = 500, 50
# v2 quote endpoints: the docs name the parameter instrument_key, the SDK sends symbol [?].
V2_NAMES = ("instrument_key", "symbol")


def _depth(snap: MarketSnapshot) -> dict[str, Any]:
    def side(levels: tuple[Any, ...]) -> list[dict[str, Any]]:
        rows = [
            {"quantity": lv.quantity, "price": lv.price, "orders": lv.orders} for lv in levels[:5]
        ]
        return rows + [{"quantity": 0, "price": 0.0, "orders": 0}] * (5 - len(rows))

    return {"buy": side(snap.bids), "sell": side(snap.asks)}


def _day_ts_ms(ts_ms: int) -> int:
    """A daily bar's ``ts``: midnight IST of its day, as Upstox's v3 OHLC example shows
    (1697653800000 = 2023-10-19 00:00 IST) and as daily candles are stamped (§7.3)."""
    day = datetime.fromtimestamp(ts_ms / 1000, IST).date()
    return int(datetime.combine(day, datetime.min.time(), IST).timestamp() * 1000)


def _bar(snap: MarketSnapshot, interval: str) -> dict[str, Any] | None:
    for bar in snap.bars:
        if bar.interval == interval:
            return {
                "open": bar.open,
                "high": bar.high,
                "low": bar.low,
                "close": bar.close,
                "volume": bar.volume,
                "ts": _day_ts_ms(bar.ts_ms) if interval == "1d" else bar.ts_ms,
            }
    return None


def _full(request: web.Request, inst: Instrument, snap: MarketSnapshot, v3: bool) -> dict[str, Any]:
    s = sim_of(request)
    now = s.clock.timestamp()
    day = _bar(snap, "1d") or {
        "open": snap.ltp,
        "high": snap.ltp,
        "low": snap.ltp,
        "close": snap.ltp,
        "volume": 0,
        "ts": 0,
    }
    lower, upper = s.market.circuit_limits(inst, now) if not inst.is_index else (0.0, 0.0)
    oi = snap.open_interest
    out = {
        "ohlc": {k: day[k] for k in ("open", "high", "low", "close")},
        "depth": _depth(snap),
        "timestamp": datetime.fromtimestamp(now, IST).isoformat(timespec="milliseconds"),
        "instrument_token": inst.instrument_key,
        "symbol": inst.quote_key.split(":", 1)[1],
        "last_price": snap.ltp,
        "volume": snap.volume_today,
        "average_price": snap.average_price,
        "oi": oi,
        "net_change": round(snap.ltp - snap.close_price, 2),
        "total_buy_quantity": snap.total_buy_quantity,
        "total_sell_quantity": snap.total_sell_quantity,
        "lower_circuit_limit": lower,
        "upper_circuit_limit": upper,
        "last_trade_time": str(snap.ltt_ms),
        "oi_day_high": oi,
        "oi_day_low": oi,
    }
    if v3:
        out["ohlc"] = dict(day)
        out.update(
            {
                "prev_close_price": snap.close_price,
                "year_high": round(max(day["high"], snap.close_price) * 1.15, 2),
                "year_low": round(min(day["low"], snap.close_price) * 0.85, 2),
                "previous_oi": oi,
                "indicative_equilibrium_price": 0.0,
                "reference_price": snap.close_price,
                "indicative_equilibrium_quantity": 0,
                "indicative_imbalance_quantity_total": 0,
                "indicative_imbalance_quantity_market": 0,
                "cas_eligible": False,
            }
        )
    return out


def _snapshots_at(
    request: web.Request, limit: int, names: tuple[str, ...] = ("instrument_key",)
) -> tuple[float, list[tuple[Instrument, MarketSnapshot]]]:
    """The moment the market was stepped to and each requested instrument's snapshot then."""
    s = sim_of(request)
    keys = instrument_keys(request, limit, names)
    insts = [resolve(request, k) for k in keys]
    now = s.step()
    return now, [(inst, s.market.snapshot(inst, now)) for inst in insts]


def _snapshots(
    request: web.Request, limit: int, names: tuple[str, ...] = ("instrument_key",)
) -> list[tuple[Instrument, MarketSnapshot]]:
    return _snapshots_at(request, limit, names)[1]


@routes.get("/v2/market-quote/quotes")
async def quotes_v2(request: web.Request) -> web.Response:
    return success(
        {
            i.quote_key: _full(request, i, sn, False)
            for i, sn in _snapshots(request, QUOTE_MAX, V2_NAMES)
        }
    )


@routes.get("/v3/market-quote/quotes")
async def quotes_v3(request: web.Request) -> web.Response:
    return success(
        {i.quote_key: _full(request, i, sn, True) for i, sn in _snapshots(request, QUOTE_MAX)}
    )


@routes.get("/v2/market-quote/ltp")
async def ltp_v2(request: web.Request) -> web.Response:
    return success(
        {
            i.quote_key: {"last_price": sn.ltp, "instrument_token": i.instrument_key}
            for i, sn in _snapshots(request, QUOTE_MAX, V2_NAMES)
        }
    )


@routes.get("/v3/market-quote/ltp")
async def ltp_v3(request: web.Request) -> web.Response:
    data = {
        i.quote_key: {
            "last_price": sn.ltp,
            "instrument_token": i.instrument_key,
            "ltq": sn.ltq,
            "volume": sn.volume_today,
            "cp": sn.close_price,
        }
        for i, sn in _snapshots(request, QUOTE_MAX)
    }
    return success(data)


def _interval(request: web.Request) -> str:
    interval = request.query.get("interval", "")
    if interval not in ("1d", "I1", "I30"):
        raise UpstoxError(
            "UDAPI100038",
            "interval must be 1d, I1 or I30",
            property_path="interval",
            invalid_value=interval,
        )
    return interval


@routes.get("/v2/market-quote/ohlc")
async def ohlc_v2(request: web.Request) -> web.Response:
    interval = _interval(request)
    data = {}
    for inst, sn in _snapshots(request, QUOTE_MAX, V2_NAMES):
        bar = _bar(sn, interval) or {"open": sn.ltp, "high": sn.ltp, "low": sn.ltp, "close": sn.ltp}
        data[inst.quote_key] = {
            "ohlc": {k: bar[k] for k in ("open", "high", "low", "close")},
            "last_price": sn.ltp,
            "instrument_token": inst.instrument_key,
        }
    return success(data)


def _candle_dict(c: Candle) -> dict[str, Any]:
    return {
        "open": c.open,
        "high": c.high,
        "low": c.low,
        "close": c.close,
        "volume": c.volume,
        "ts": int(c.start * 1000),
    }


def _previous_ohlc(
    s: Simulation, inst: Instrument, interval: str, now: float
) -> dict[str, Any] | None:
    """``prev_ohlc`` of v3 OHLC: the completed candle before the live one (§7.1).

    1d: the previous trading day's bar. I1/I30: the candle before the current (or, after the
    close, the last) one of the session; at the first candle of a day, the last candle of the
    previous trading day.
    """
    day = s.calendar.last_session_day(datetime.fromtimestamp(now, IST))
    if interval == "1d":
        c = s.market.daily_candle(inst, s.calendar.previous_trading_day(day))
        if c is None:
            return None
        return {**_candle_dict(c), "ts": _day_ts_ms(int(c.start * 1000))}
    size = 1 if interval == "I1" else 30
    today = session_candles(s.market, inst, day, size, now)
    if len(today) >= 2:
        return _candle_dict(today[-2])
    earlier = session_candles(s.market, inst, s.calendar.previous_trading_day(day), size, now)
    return _candle_dict(earlier[-1]) if earlier else None


@routes.get("/v3/market-quote/ohlc")
async def ohlc_v3(request: web.Request) -> web.Response:
    s = sim_of(request)
    interval = _interval(request)
    data = {}
    now, snapshots = _snapshots_at(request, QUOTE_MAX)
    for inst, sn in snapshots:
        data[inst.quote_key] = {
            "last_price": sn.ltp,
            "instrument_token": inst.instrument_key,
            "prev_ohlc": _previous_ohlc(s, inst, interval, now),
            "live_ohlc": _bar(sn, interval),
        }
    return success(data)


@routes.get("/v3/market-quote/option-greek")
async def option_greeks(request: web.Request) -> web.Response:
    data = {}
    for inst, sn in _snapshots(request, GREEKS_MAX):
        g = sn.greeks
        data[inst.quote_key] = {
            "last_price": sn.ltp,
            "instrument_token": inst.instrument_key,
            "ltq": sn.ltq,
            "volume": sn.volume_today,
            "cp": sn.close_price,
            "iv": sn.iv,
            "vega": g.vega if g else 0.0,
            "gamma": g.gamma if g else 0.0,
            "theta": g.theta if g else 0.0,
            "delta": g.delta if g else 0.0,
            "oi": sn.open_interest,
        }
    return success(data)


def _contracts(request: web.Request, underlying: str, expiry: date | None) -> list[Instrument]:
    s = sim_of(request)
    if underlying not in {i.instrument_key for i in s.universe.base_instruments if i.is_index}:
        raise UpstoxError(
            "UDAPI1087",
            "Invalid instrument key",
            property_path="instrument_key",
            invalid_value=underlying,
        )
    return [
        i
        for i in s.universe.derivatives_on(s.today())
        if i.is_option and i.underlying_key == underlying and (expiry is None or i.expiry == expiry)
    ]


def _expiry_param(request: web.Request, required: bool) -> date | None:
    raw = request.query.get("expiry_date")
    if not raw:
        if required:
            raise UpstoxError("UDAPI100038", "expiry_date is required", property_path="expiry_date")
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise UpstoxError(
            "UDAPI100038",
            "expiry_date must be YYYY-MM-DD",
            property_path="expiry_date",
            invalid_value=raw,
        ) from exc


@routes.get("/v2/option/contract")
async def option_contracts(request: web.Request) -> web.Response:
    s = sim_of(request)
    out = []
    for inst in _contracts(
        request, request.query.get("instrument_key", ""), _expiry_param(request, False)
    ):
        rec = s.universe.bod_record(inst)
        rec["expiry"] = inst.expiry.isoformat() if inst.expiry else None
        rec.pop("last_trading_date", None)
        out.append(rec)
    return success(out)


@routes.get("/v2/option/chain")
async def option_chain(request: web.Request) -> web.Response:
    s = sim_of(request)
    underlying = request.query.get("instrument_key", "")
    expiry = _expiry_param(request, True)
    contracts = _contracts(request, underlying, expiry)
    now = s.step()
    spot = s.market.ltp(resolve(request, underlying), now)
    strikes: dict[float, dict[str, Instrument]] = {}
    for inst in contracts:
        strikes.setdefault(inst.strike or 0.0, {})[inst.instrument_type] = inst
    rows = []
    for strike in sorted(strikes):
        legs: dict[str, dict[str, Any]] = {}
        for kind, name in (("CE", "call_options"), ("PE", "put_options")):
            inst = strikes[strike][kind]
            sn = s.market.snapshot(inst, now, with_bars=False)
            g = sn.greeks
            legs[name] = {
                "instrument_key": inst.instrument_key,
                "market_data": {
                    "ltp": sn.ltp,
                    "volume": sn.volume_today,
                    "oi": sn.open_interest,
                    "close_price": sn.close_price,
                    "bid_price": sn.bids[0].price,
                    "bid_qty": sn.bids[0].quantity,
                    "ask_price": sn.asks[0].price,
                    "ask_qty": sn.asks[0].quantity,
                    "prev_oi": sn.open_interest,
                },
                "option_greeks": {
                    "vega": g.vega if g else 0.0,
                    "theta": g.theta if g else 0.0,
                    "gamma": g.gamma if g else 0.0,
                    "delta": g.delta if g else 0.0,
                    "iv": sn.iv,
                    "pop": round(abs(g.delta) * 100, 2) if g else 0.0,
                },
            }
        call_oi = legs["call_options"]["market_data"]["oi"]
        rows.append(
            {
                "expiry": expiry.isoformat() if expiry else None,
                "pcr": (
                    round(legs["put_options"]["market_data"]["oi"] / call_oi, 4) if call_oi else 0.0
                ),
                "strike_price": strike,
                "underlying_key": underlying,
                "underlying_spot_price": spot,
                **legs,
            }
        )
    return success(rows)
