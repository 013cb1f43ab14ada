"""Decodes market data feed v3 protobuf frames into the platform's plain dataclasses.

Uses our own generated classes (scripts.upstox_wire), whose bytes are identical to
the SDK's; see market_data_feed_v3.proto for why the package name differs.
"""

from __future__ import annotations

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
    ticks = tuple(
        _tick(key, feed, snapshot, response.currentTs) for key, feed in response.feeds.items()
    )
    return FeedMessage(kind=kind, server_ts=response.currentTs, ticks=ticks)


def _tick(key: str, feed: Any, snapshot: bool, server_ts: int) -> Tick:
    pb = feed_pb2()
    mode = MODE_FOR_REQUEST_MODE_NAME[pb.RequestMode.Name(feed.requestMode)]
    common: dict[str, Any] = {
        "instrument_key": key,
        "mode": mode,
        "snapshot": snapshot,
        "server_ts": server_ts,
    }
    which = feed.WhichOneof("FeedUnion")
    if which == "ltpc":
        return Tick(**_ltpc(feed.ltpc), **common)
    if which == "firstLevelWithGreeks":
        first = feed.firstLevelWithGreeks
        depth = (_quote(first.firstDepth),) if first.HasField("firstDepth") else ()
        return Tick(
            **_ltpc(first.ltpc),
            **common,
            depth=depth,
            greeks=_greeks(first.optionGreeks) if first.HasField("optionGreeks") else None,
            oi=first.oi,
            iv=first.iv,
            volume=first.vtt,
        )
    if which == "fullFeed":
        full = feed.fullFeed
        if full.WhichOneof("FullFeedUnion") == "indexFF":
            index = full.indexFF
            return Tick(**_ltpc(index.ltpc), **common, is_index=True, ohlc=_bars(index.marketOHLC))
        market = full.marketFF
        return Tick(
            **_ltpc(market.ltpc),
            **common,
            depth=tuple(_quote(q) for q in market.marketLevel.bidAskQuote),
            ohlc=_bars(market.marketOHLC),
            greeks=_greeks(market.optionGreeks) if market.HasField("optionGreeks") else None,
            oi=market.oi,
            iv=market.iv,
            volume=market.vtt,
            atp=market.atp,
            total_buy_qty=market.tbq,
            total_sell_qty=market.tsq,
        )
    # An empty Feed (no payload) still names the instrument; report what we know.
    return Tick(ltp=0.0, ltt=0, ltq=0, cp=0.0, **common)


def _ltpc(ltpc: Any) -> dict[str, Any]:
    return {"ltp": ltpc.ltp, "ltt": ltpc.ltt, "ltq": ltpc.ltq, "cp": ltpc.cp}


def _quote(quote: Any) -> DepthQuote:
    return DepthQuote(
        bid_price=quote.bidP, bid_qty=quote.bidQ, ask_price=quote.askP, ask_qty=quote.askQ
    )


def _greeks(greeks: Any) -> Greeks:
    return Greeks(
        delta=greeks.delta, theta=greeks.theta, gamma=greeks.gamma, vega=greeks.vega, rho=greeks.rho
    )


def _bars(market_ohlc: Any) -> tuple[OhlcBar, ...]:
    return tuple(
        OhlcBar(
            interval=bar.interval,
            open=bar.open,
            high=bar.high,
            low=bar.low,
            close=bar.close,
            volume=bar.vol,
            ts=bar.ts,
        )
        for bar in market_ohlc.ohlc
    )
