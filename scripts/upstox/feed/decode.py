"""Decodes market data feed v3 protobuf frames into the platform's plain dataclasses.

Uses our own generated classes (scripts.upstox_wire), whose bytes are identical to
the SDK's; see market_data_feed_v3.proto for why the package name differs.
"""

from __future__ import annotations

import functools
from typing import Any

from scripts.upstox.feed.events import DepthQuote, FeedMessage, Greeks, OhlcBar, Tick
from scripts.upstox_wire import feed_pb2
from scripts.upstox_wire.feed_modes import MODE_FOR_REQUEST_MODE_NAME


def decode_feed_response(frame: bytes) -> FeedMessage:
    """Parse one binary frame; raises google.protobuf.message.DecodeError on garbage."""
    pb = feed_pb2()
    response = pb.FeedResponse()
    response.ParseFromString(frame)
    kind = pb.Type.Name(response.type)
    if kind == "market_info":
        status = {
            segment: pb.MarketStatus.Name(value)
            for segment, value in response.marketInfo.segmentStatus.items()
        }
        return FeedMessage(kind=kind, server_ts=response.currentTs, segment_status=status)
    snapshot = kind == "initial_feed"
    server_ts = response.currentTs
    ticks = tuple(_tick(key, feed, snapshot, server_ts) for key, feed in response.feeds.items())
    return FeedMessage(kind=kind, server_ts=server_ts, ticks=ticks)


@functools.cache
def _modes() -> dict[int, str]:
    """RequestMode number -> the platform's mode word (the hot path's enum lookup, once)."""
    pb = feed_pb2()
    return {pb.RequestMode.Value(name): mode for name, mode in MODE_FOR_REQUEST_MODE_NAME.items()}


def _tick(key: str, feed: Any, snapshot: bool, server_ts: int) -> Tick:
    """One instrument's Feed; parts the message left out stay None (see merge_tick).

    Incremental live_feed (docs/UPSTOX_API.md §9.1 "live_feed deltas"): a sub-message
    (ltpc, marketLevel, marketOHLC, optionGreeks, firstDepth) is present or not, so its
    absence is exact. proto3 scalars (vtt, oi, iv, atp, tbq, tsq) have no presence: a
    delta that leaves one out decodes as 0. We therefore read 0 in a ``live_feed`` as
    "not sent" and keep the last value; in an ``initial_feed`` (a full snapshot) 0 is
    taken as the value. The cost: a real 0 arriving in a live_feed (OI falling to
    zero) is missed until the next snapshot, which we judge rarer than a wiped volume.
    """
    mode = _modes()[feed.requestMode]
    which = feed.WhichOneof("FeedUnion")
    if which == "ltpc":  # the commonest shape: positional, no dicts built
        ltpc = feed.ltpc
        return Tick(key, ltpc.ltp, ltpc.ltt, ltpc.ltq, ltpc.cp, mode, snapshot, server_ts)
    common: dict[str, Any] = {
        "instrument_key": key,
        "mode": mode,
        "snapshot": snapshot,
        "server_ts": server_ts,
    }
    scalar = _as_is if snapshot else _zero_is_unsent
    if which == "firstLevelWithGreeks":
        first = feed.firstLevelWithGreeks
        return Tick(
            **_ltpc_of(first),
            **common,
            depth=(_quote(first.firstDepth),) if first.HasField("firstDepth") else None,
            greeks=_greeks(first.optionGreeks) if first.HasField("optionGreeks") else None,
            oi=scalar(first.oi),
            iv=scalar(first.iv),
            volume=scalar(first.vtt),
        )
    if which == "fullFeed":
        full = feed.fullFeed
        if full.WhichOneof("FullFeedUnion") == "indexFF":
            index = full.indexFF
            return Tick(
                **_ltpc_of(index),
                **common,
                is_index=True,
                ohlc=_bars(index.marketOHLC) if index.HasField("marketOHLC") else None,
            )
        market = full.marketFF
        return Tick(
            **_ltpc_of(market),
            **common,
            depth=(
                tuple([_quote(q) for q in market.marketLevel.bidAskQuote])
                if market.HasField("marketLevel")
                else None
            ),
            ohlc=_bars(market.marketOHLC) if market.HasField("marketOHLC") else None,
            greeks=_greeks(market.optionGreeks) if market.HasField("optionGreeks") else None,
            oi=scalar(market.oi),
            iv=scalar(market.iv),
            volume=scalar(market.vtt),
            atp=scalar(market.atp),
            total_buy_qty=scalar(market.tbq),
            total_sell_qty=scalar(market.tsq),
        )
    # An empty Feed (no payload) still names the instrument; nothing else is known.
    return Tick(ltp=None, ltt=None, ltq=None, cp=None, **common)


_NO_LTPC: dict[str, Any] = {"ltp": None, "ltt": None, "ltq": None, "cp": None}


def _ltpc_of(part: Any) -> dict[str, Any]:
    return _ltpc(part.ltpc) if part.HasField("ltpc") else _NO_LTPC


def _ltpc(ltpc: Any) -> dict[str, Any]:
    return {"ltp": ltpc.ltp, "ltt": ltpc.ltt, "ltq": ltpc.ltq, "cp": ltpc.cp}


def _as_is(value: Any) -> Any:
    return value


def _zero_is_unsent(value: Any) -> Any:
    return value if value else None


def _quote(quote: Any) -> DepthQuote:
    return DepthQuote(quote.bidP, quote.bidQ, quote.askP, quote.askQ)


def _greeks(greeks: Any) -> Greeks:
    return Greeks(
        delta=greeks.delta, theta=greeks.theta, gamma=greeks.gamma, vega=greeks.vega, rho=greeks.rho
    )


def _bars(market_ohlc: Any) -> tuple[OhlcBar, ...]:
    return tuple(
        OhlcBar(bar.interval, bar.open, bar.high, bar.low, bar.close, bar.vol, bar.ts)
        for bar in market_ohlc.ohlc
    )
