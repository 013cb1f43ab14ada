"""GTT endpoints (v3 only): place, modify, cancel, get."""

from __future__ import annotations

import time

from aiohttp import web

from scripts.upstox_sandbox.upstox_envelope import UpstoxError, read_json, success
from scripts.upstox_sandbox.exchange.gtt_rules import parse_rules
from scripts.upstox_sandbox.http_common import sim_of

routes = web.RouteTableDef()


def _latency(started: float) -> int:
    return max(1, int((time.perf_counter() - started) * 1000))


def _common(body: object) -> tuple[str, int]:
    if not isinstance(body, dict):
        raise UpstoxError("UDAPI100038", "Invalid input passed to the API")
    if body.get("type") not in ("SINGLE", "MULTIPLE"):
        raise UpstoxError(
            "UDAPI100038",
            "type must be SINGLE or MULTIPLE",
            property_path="type",
            invalid_value=body.get("type"),
        )
    qty = body.get("quantity")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise UpstoxError(
            "UDAPI100038",
            "quantity must be a positive integer",
            property_path="quantity",
            invalid_value=qty,
        )
    return body["type"], qty


@routes.post("/v3/order/gtt/place")
async def gtt_place(request: web.Request) -> web.Response:
    started = time.perf_counter()
    s = sim_of(request)
    body = await read_json(request)
    gtt_type, qty = _common(body)
    inst = s.universe.get(str(body.get("instrument_token", "")), s.today())
    if inst is None or inst.is_index:
        raise UpstoxError(
            "UDAPI100038",
            "Invalid instrument_token",
            property_path="instrument_token",
            invalid_value=body.get("instrument_token"),
        )
    if qty % inst.lot_size:
        raise UpstoxError(
            "UDAPI100038",
            f"quantity must be a multiple of lot size {inst.lot_size}",
            property_path="quantity",
            invalid_value=qty,
        )
    if body.get("product") not in ("I", "D", "MTF"):
        raise UpstoxError(
            "UDAPI100038",
            "product must be I, D or MTF",
            property_path="product",
            invalid_value=body.get("product"),
        )
    side = body.get("transaction_type")
    if side not in ("BUY", "SELL"):
        raise UpstoxError(
            "UDAPI100038",
            "transaction_type must be BUY or SELL",
            property_path="transaction_type",
            invalid_value=side,
        )
    rules = parse_rules(body.get("rules"), gtt_type, side)
    with s.lock:
        now = s.step()
        gtt = s.gtt.create(inst, gtt_type, body["product"], qty, rules, now)
    return success({"gtt_order_ids": [gtt.gtt_order_id]}, latency_ms=_latency(started))


@routes.put("/v3/order/gtt/modify")
async def gtt_modify(request: web.Request) -> web.Response:
    started = time.perf_counter()
    s = sim_of(request)
    body = await read_json(request)
    gtt_type, qty = _common(body)
    with s.lock:
        s.step()
        gtt = s.gtt.get(str(body.get("gtt_order_id", "")))
        entry_side = next(r.transaction_type for r in gtt.rules if r.strategy == "ENTRY")
        s.gtt.modify(gtt, gtt_type, qty, parse_rules(body.get("rules"), gtt_type, entry_side))
    return success({"gtt_order_ids": [gtt.gtt_order_id]}, latency_ms=_latency(started))


@routes.delete("/v3/order/gtt/cancel")
async def gtt_cancel(request: web.Request) -> web.Response:
    started = time.perf_counter()
    s = sim_of(request)
    body = await read_json(request)
    with s.lock:
        s.step()
        gtt = s.gtt.get(str(body.get("gtt_order_id", "")) if isinstance(body, dict) else "")
        s.gtt.cancel(gtt)
    return success({"gtt_order_ids": [gtt.gtt_order_id]}, latency_ms=_latency(started))


@routes.get("/v3/order/gtt")
async def gtt_get(request: web.Request) -> web.Response:
    started = time.perf_counter()
    s = sim_of(request)
    s.step()
    gid = request.query.get("gtt_order_id")
    if gid:
        data = [s.gtt.get(gid).record()]
    else:
        data = [g.record() for g in s.gtt.gtts.values() if not g.finished]
    return success(data, latency_ms=_latency(started))
