"""Order endpoints v2/v3: place, modify, cancel, multi, exit, book, details, history, trades."""

from __future__ import annotations

from typing import Any
import time

from aiohttp import web

from scripts.upstox_sandbox.upstox_envelope import UpstoxError, batch, read_json, success
from scripts.upstox_sandbox.http_common import sim_of
from scripts.upstox_sandbox.exchange.order_records import OrderRequest, parse_modify, parse_place
from scripts.upstox_sandbox.simulation import Simulation

routes = web.RouteTableDef()
MULTI_PLACE_MAX = 25
MULTI_CANCEL_MAX = 200
SEGMENTS = ("NSE_EQ", "BSE_EQ", "NSE_FO", "BSE_FO", "MCX_FO", "NCD_FO", "BCD_FO", "NSE_COM")


def _latency(started: float) -> int:
    return max(1, int((time.perf_counter() - started) * 1000))


def _parse(s: Simulation, body: object) -> OrderRequest:
    return parse_place(body, lambda key: s.universe.get(str(key), s.today()))


@routes.post("/v2/order/place")
async def place_v2(request: web.Request) -> web.Response:
    s = sim_of(request)
    req = _parse(s, await read_json(request))
    with s.lock:
        now = s.step()
        s.exchange.ensure_can_place(req, now)
        order = s.exchange.place(req, now)
    return success({"order_id": order.order_id})


@routes.post("/v3/order/place")
async def place_v3(request: web.Request) -> web.Response:
    started = time.perf_counter()
    s = sim_of(request)
    req = _parse(s, await read_json(request))
    with s.lock:
        now = s.step()
        s.exchange.ensure_can_place(req, now)
        ids = [s.exchange.place(req, now, qty).order_id for qty in s.exchange.slices(req)]
    return success({"order_ids": ids}, latency_ms=_latency(started))


@routes.post("/v2/order/multi/place")
async def multi_place(request: web.Request) -> web.Response:
    """All lines are validated first; any payload error means nothing is placed."""
    s = sim_of(request)
    body = await read_json(request)
    if not isinstance(body, list) or not body:
        raise UpstoxError("UDAPI100038", "Request body must be a non-empty array")
    if len(body) > MULTI_PLACE_MAX:
        raise UpstoxError(
            "UDAPI100038", f"At most {MULTI_PLACE_MAX} orders per request", property_path="body"
        )
    parsed: list[tuple[str, OrderRequest]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line in body:
        cid = line.get("correlation_id") if isinstance(line, dict) else None
        try:
            if not isinstance(cid, str) or not 1 <= len(cid) <= 20 or cid in seen:
                raise UpstoxError(
                    "UDAPI100038",
                    "correlation_id must be unique, 1-20 characters",
                    property_path="correlation_id",
                    invalid_value=cid,
                )
            seen.add(cid)
            parsed.append((cid, _parse(s, line)))
        except UpstoxError as err:
            errors.append(err.item(correlation_id=cid))
    total = len(body)
    if errors:
        summary = {"total": total, "success": 0, "error": total, "payload_error": len(errors)}
        return batch(None, errors, summary)
    data = []
    with s.lock:
        now = s.step()
        for cid, req in parsed:
            try:
                s.exchange.ensure_can_place(req, now)
                for qty in s.exchange.slices(req):
                    data.append(
                        {
                            "correlation_id": cid,
                            "order_id": s.exchange.place(req, now, qty).order_id,
                        }
                    )
            except UpstoxError as err:
                errors.append(err.item(correlation_id=cid))
    summary = {
        "total": total,
        "success": total - len(errors),
        "error": len(errors),
        "payload_error": 0,
    }
    return batch(data, errors or None, summary)


async def _modify(request: web.Request) -> str:
    s = sim_of(request)
    body = await read_json(request)
    with s.lock:
        now = s.step()
        order = s.exchange.get(str(body.get("order_id", "")) if isinstance(body, dict) else "")
        changes = parse_modify(body, order)
        s.exchange.modify(order, changes, now)
    return order.order_id


@routes.put("/v2/order/modify")
async def modify_v2(request: web.Request) -> web.Response:
    return success({"order_id": await _modify(request)})


@routes.put("/v3/order/modify")
async def modify_v3(request: web.Request) -> web.Response:
    started = time.perf_counter()
    return success({"order_id": await _modify(request)}, latency_ms=_latency(started))


def _cancel(request: web.Request) -> str:
    s = sim_of(request)
    with s.lock:
        now = s.step()
        order = s.exchange.get(request.query.get("order_id", ""))
        s.exchange.cancel(order, now)
    return order.order_id


@routes.delete("/v2/order/cancel")
async def cancel_v2(request: web.Request) -> web.Response:
    return success({"order_id": _cancel(request)})


@routes.delete("/v3/order/cancel")
async def cancel_v3(request: web.Request) -> web.Response:
    started = time.perf_counter()
    return success({"order_id": _cancel(request)}, latency_ms=_latency(started))


def _segment_filter(request: web.Request) -> str | None:
    segment = request.query.get("segment")
    if segment and segment not in SEGMENTS:
        raise UpstoxError(
            "UDAPI1105", "Invalid segment", property_path="segment", invalid_value=segment
        )
    return segment or None


@routes.delete("/v2/order/multi/cancel")
async def multi_cancel(request: web.Request) -> web.Response:
    s = sim_of(request)
    segment, tag = _segment_filter(request), request.query.get("tag")
    with s.lock:
        now = s.step()
        targets = [
            o
            for o in s.exchange.working()
            if (segment is None or o.inst.segment == segment) and (not tag or o.tag == tag)
        ]
        if not targets:
            raise UpstoxError("UDAPI1108", "No open orders to cancel")
        if len(targets) > MULTI_CANCEL_MAX:
            raise UpstoxError("UDAPI1109", f"More than {MULTI_CANCEL_MAX} orders to cancel")
        for order in targets:
            s.exchange.cancel(order, now)
    ids = [o.order_id for o in targets]
    return batch({"order_ids": ids}, None, {"total": len(ids), "success": len(ids), "error": 0})


@routes.post("/v2/order/positions/exit")
async def exit_positions(request: web.Request) -> web.Response:
    """Opposite MARKET orders for open positions (not equity delivery), BUY legs first."""
    s = sim_of(request)
    segment, tag = _segment_filter(request), request.query.get("tag")
    with s.lock:
        now = s.step()
        if not s.market_open():
            raise UpstoxError("UDAPI100057", "Market is closed")
        open_positions = [
            p
            for p in s.portfolio.positions.values()
            if p.net
            and not (p.product == "D" and not p.inst.is_derivative)
            and (segment is None or p.inst.segment == segment)
        ]
        if tag:
            tagged = {
                (o.inst.instrument_key, o.product)
                for o in s.exchange.orders.values()
                if o.tag == tag
            }
            open_positions = [
                p
                for p in open_positions
                if p.product == "I" and (p.inst.instrument_key, p.product) in tagged
            ]
        if not open_positions:
            raise UpstoxError("UDAPI1108", "No open positions to exit")
        open_positions.sort(key=lambda p: p.net > 0)  # shorts (BUY to close) first
        ids, errors = [], []
        for pos in open_positions:
            req = OrderRequest(
                inst=pos.inst,
                quantity=abs(pos.net),
                product=pos.product,
                validity="DAY",
                order_type="MARKET",
                side="BUY" if pos.net < 0 else "SELL",
                price=0.0,
                trigger_price=0.0,
                disclosed_quantity=0,
                is_amo=False,
                tag=tag,
                slice=True,
            )
            try:
                ids += [s.exchange.place(req, now, qty).order_id for qty in s.exchange.slices(req)]
            except UpstoxError as err:
                errors.append(err.item(instrument_key=pos.inst.instrument_key, order_id=None))
    summary = {"total": len(ids) + len(errors), "success": len(ids), "error": len(errors)}
    return batch({"order_ids": ids}, errors or None, summary)


@routes.get("/v2/order/retrieve-all")
async def order_book(request: web.Request) -> web.Response:
    s = sim_of(request)
    s.step()
    return success([o.record() for o in s.exchange.orders.values()])


@routes.get("/v2/order/details")
async def order_details(request: web.Request) -> web.Response:
    s = sim_of(request)
    s.step()
    return success(s.exchange.get(request.query.get("order_id", "")).record())


@routes.get("/v2/order/history")
async def order_history(request: web.Request) -> web.Response:
    """Status transitions of one order, or of every order carrying a tag."""
    s = sim_of(request)
    s.step()
    order_id, tag = request.query.get("order_id"), request.query.get("tag")
    if not order_id and not tag:
        raise UpstoxError("UDAPI1023", "order_id or tag is required", property_path="order_id")
    if order_id:
        orders = [s.exchange.get(order_id)]
        if tag:
            orders = [o for o in orders if o.tag == tag]
    else:
        orders = [o for o in s.exchange.orders.values() if o.tag == tag]
    return success([rec for o in orders for rec in o.history])


@routes.get("/v2/order/trades/get-trades-for-day")
async def trades_for_day(request: web.Request) -> web.Response:
    s = sim_of(request)
    s.step()
    return success(list(s.portfolio.trades))


@routes.get("/v2/order/trades")
async def trades_by_order(request: web.Request) -> web.Response:
    s = sim_of(request)
    s.step()
    order = s.exchange.get(request.query.get("order_id", ""))
    return success([t for t in s.portfolio.trades if t["order_id"] == order.order_id])
