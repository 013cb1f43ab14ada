"""Decodes market data feed v3 protobuf frames into the platform's plain dataclasses.

Uses our own generated classes (scripts.upstox_wire), whose bytes are identical to
the SDK's; see market_data_feed_v3.proto for why the package name differs.
"""

from __future__ import annotations

import functools
from typing import Any

from scripts.upstox.feed.events import (
    DepthQuote,
    FeedMessage,
    Greeks,
    LazyParts,
    OhlcBar,
    Tick,
)
from scripts.upstox_wire import feed_pb2
from scripts.upstox_wire.feed_modes import MODE_FOR_REQUEST_MODE_NAME


def decode_feed_response(frame: bytes) -> FeedMessage:
    """Parse one binary frame; raises google.protobuf.message.DecodeError on garbage."""
    pb = feed_pb2()
    response = pb.FeedResponse()
    response.ParseFromString(frame)
    kind = _kinds()[response.type]
    if kind == "market_info":
        status = {
            segment: pb.MarketStatus.Name(value)
            for segment, value in response.marketInfo.segmentStatus.items()
        }
        return FeedMessage(kind=kind, server_ts=response.currentTs, segment_status=status)
    snapshot = kind == "initial_feed"
    server_ts = response.currentTs
    modes = _modes()
    ticks = tuple(
        [_tick(key, feed, snapshot, server_ts, modes) for key, feed in response.feeds.items()]
    )
    return FeedMessage(kind=kind, server_ts=server_ts, ticks=ticks)


@functools.cache
def _modes() -> dict[int, str]:
    """RequestMode number -> the platform's mode word (the hot path's enum lookup, once)."""
    pb = feed_pb2()
    return {pb.RequestMode.Value(name): mode for name, mode in MODE_FOR_REQUEST_MODE_NAME.items()}


@functools.cache
def _kinds() -> dict[int, str]:
    """Type number -> its name (initial_feed, live_feed, market_info), looked up once."""
    enum = feed_pb2().Type
    return {number: enum.Name(number) for number in enum.values()}


def _tick(key: str, feed: Any, snapshot: bool, server_ts: int, modes: dict[int, str]) -> Tick:
    """One instrument's Feed; parts the message left out stay None (see merge_tick).

    Incremental live_feed (docs/UPSTOX_API.md §9.1 "live_feed deltas"): a sub-message
    (ltpc, marketLevel, marketOHLC, optionGreeks, firstDepth) is present or not, so its
    absence is exact. proto3 scalars (vtt, oi, iv, atp, tbq, tsq) have no presence: a
    delta that leaves one out decodes as 0. We therefore read 0 in a ``live_feed`` as
    "not sent" and keep the last value; in an ``initial_feed`` (a full snapshot) 0 is
    taken as the value. The cost: a real 0 arriving in a live_feed (OI falling to
    zero) is missed until the next snapshot, which we judge rarer than a wiped volume.

    Speed (bench/feed_decode.py): Tick is built positionally (no kwargs dicts), each
    protobuf attribute is read once, and depth and OHLC stay protobuf until read
    (:class:`LazyParts`).
    """
    mode = modes[feed.requestMode]
    which = feed.WhichOneof("FeedUnion")
    if which == "ltpc":  # the commonest shape
        ltpc = feed.ltpc
        return Tick(key, ltpc.ltp, ltpc.ltt, ltpc.ltq, ltpc.cp, mode, snapshot, server_ts)
    if which == "fullFeed":
        full = feed.fullFeed
        if full.WhichOneof("FullFeedUnion") == "indexFF":
            index = full.indexFF
            has = index.HasField
            ltp, ltt, ltq, cp = _ltpc(index.ltpc) if has("ltpc") else _NO_LTPC
            ohlc = (
                LazyParts(index.marketOHLC.SerializeToString(), _bars)
                if has("marketOHLC")
                else None
            )
            return Tick(key, ltp, ltt, ltq, cp, mode, snapshot, server_ts, True, None, ohlc)
        market = full.marketFF
        has = market.HasField
        ltp, ltt, ltq, cp = _ltpc(market.ltpc) if has("ltpc") else _NO_LTPC
        depth = (
            LazyParts(market.marketLevel.SerializeToString(), _depth)
            if has("marketLevel")
            else None
        )
        ohlc = (
            LazyParts(market.marketOHLC.SerializeToString(), _bars) if has("marketOHLC") else None
        )
        greeks = _greeks(market.optionGreeks) if has("optionGreeks") else None
        if snapshot:
            oi, iv, vtt = market.oi, market.iv, market.vtt
            atp, tbq, tsq = market.atp, market.tbq, market.tsq
        else:  # 0 is "not sent" in a live_feed (see above)
            oi, iv, vtt = market.oi or None, market.iv or None, market.vtt or None
            atp, tbq, tsq = market.atp or None, market.tbq or None, market.tsq or None
        return Tick(
            key, ltp, ltt, ltq, cp, mode, snapshot, server_ts, False, depth, ohlc, greeks,
            oi, iv, vtt, atp, tbq, tsq,
        )  # fmt: skip
    if which == "firstLevelWithGreeks":
        first = feed.firstLevelWithGreeks
        has = first.HasField
        ltp, ltt, ltq, cp = _ltpc(first.ltpc) if has("ltpc") else _NO_LTPC
        depth = (
            LazyParts(first.firstDepth.SerializeToString(), _first_level)
            if has("firstDepth")
            else None
        )
        greeks = _greeks(first.optionGreeks) if has("optionGreeks") else None
        if snapshot:
            oi, iv, vtt = first.oi, first.iv, first.vtt
        else:
            oi, iv, vtt = first.oi or None, first.iv or None, first.vtt or None
        return Tick(
            key, ltp, ltt, ltq, cp, mode, snapshot, server_ts, False, depth, None, greeks,
            oi, iv, vtt,
        )  # fmt: skip
    # An empty Feed (no payload) still names the instrument; nothing else is known.
    return Tick(key, None, None, None, None, mode, snapshot, server_ts)


_NO_LTPC: tuple[None, None, None, None] = (None, None, None, None)


def _ltpc(ltpc: Any) -> tuple[float, int, int, float]:
    return ltpc.ltp, ltpc.ltt, ltpc.ltq, ltpc.cp


def _depth(raw: bytes) -> tuple[DepthQuote, ...]:
    """MarketLevel bytes -> its depth rows (run when the depth is first read, not on decode)."""
    level = feed_pb2().MarketLevel.FromString(raw)
    return tuple([DepthQuote(q.bidP, q.bidQ, q.askP, q.askQ) for q in level.bidAskQuote])


def _first_level(raw: bytes) -> tuple[DepthQuote, ...]:
    quote = feed_pb2().Quote.FromString(raw)
    return (DepthQuote(quote.bidP, quote.bidQ, quote.askP, quote.askQ),)


def _greeks(greeks: Any) -> Greeks:
    return Greeks(greeks.delta, greeks.theta, greeks.gamma, greeks.vega, greeks.rho)


def _bars(raw: bytes) -> tuple[OhlcBar, ...]:
    """MarketOHLC bytes -> its bars (run when the bars are first read, not on decode)."""
    market_ohlc = feed_pb2().MarketOHLC.FromString(raw)
    return tuple(
        [
            OhlcBar(bar.interval, bar.open, bar.high, bar.low, bar.close, bar.vol, bar.ts)
            for bar in market_ohlc.ohlc
        ]
    )
