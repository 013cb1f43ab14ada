"""Turns the simulated market's snapshots into market data feed v3 protobuf frames.

One function per message shape in docs/UPSTOX_API.md §9.1; the mode decides the shape:
``ltpc`` -> Feed.ltpc, ``full``/``full_d30`` -> Feed.fullFeed (marketFF, or indexFF
for indices), ``option_greeks`` -> Feed.firstLevelWithGreeks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scripts.upstox_sandbox.feed.feed_source import DepthLevel, MarketSnapshot
from scripts.upstox_wire import feed_pb2
from scripts.upstox_wire.feed_modes import (
    DEPTH_LEVELS,
    FULL,
    FULL_D30,
    LTPC,
    OPTION_GREEKS,
    REQUEST_MODE_NAME,
)


def market_info_frame(segment_status: Mapping[str, str], now_ms: int) -> bytes:
    """A ``type=market_info`` FeedResponse carrying every segment's status."""
    pb = feed_pb2()
    response = pb.FeedResponse(type=pb.market_info, currentTs=now_ms)
    for segment, status in segment_status.items():
        response.marketInfo.segmentStatus[segment] = pb.MarketStatus.Value(status)
    frame: bytes = response.SerializeToString()
    return frame


def feed_frame(
    feed_type: str,
    snapshots: Iterable[tuple[MarketSnapshot, str]],
    now_ms: int,
    previous: Mapping[str, MarketSnapshot] | None = None,
) -> bytes:
    """An ``initial_feed`` or ``live_feed`` FeedResponse for (snapshot, mode) pairs.

    With ``previous`` (the snapshot last sent per key), a ``live_feed`` is incremental:
    each instrument carries only the parts that changed since then (see fill_delta).
    """
    pb = feed_pb2()
    response = pb.FeedResponse(type=pb.Type.Value(feed_type), currentTs=now_ms)
    for snapshot, mode in snapshots:
        feed = response.feeds[snapshot.instrument_key]
        before = previous.get(snapshot.instrument_key) if previous is not None else None
        if before is None:
            fill_feed(feed, snapshot, mode)
        else:
            fill_delta(feed, before, snapshot, mode)
    frame: bytes = response.SerializeToString()
    return frame


def fill_feed(feed: Any, snapshot: MarketSnapshot, mode: str) -> None:
    """Write one instrument's Feed message in the shape its mode asks for."""
    pb = feed_pb2()
    feed.requestMode = pb.RequestMode.Value(REQUEST_MODE_NAME[mode])
    if mode == LTPC:
        _fill_ltpc(feed.ltpc, snapshot)
    elif mode in (FULL, FULL_D30):
        if snapshot.is_index:
            _fill_index_full(feed.fullFeed.indexFF, snapshot)
        else:
            _fill_market_full(feed.fullFeed.marketFF, snapshot, DEPTH_LEVELS[mode])
    elif mode == OPTION_GREEKS:
        _fill_first_level_with_greeks(feed.firstLevelWithGreeks, snapshot)
    else:
        raise ValueError(f"unknown feed mode {mode!r}")


def fill_delta(feed: Any, before: MarketSnapshot, now: MarketSnapshot, mode: str) -> None:
    """One instrument's incremental ``live_feed``: only the parts that changed.

    Sub-messages (LTPC, depth, OHLC, greeks) are left out when unchanged; scalars
    (vtt, oi, iv, atp, tbq, tsq) stay at proto3's default 0, which is not serialized.
    An ``ltpc`` feed is one part: it is sent whole (the pusher sends only changed keys).
    Upstox describes live_feed only as "deltas" (docs/UPSTOX_API.md §9.1) without
    saying which parts a delta carries [?]; this is the strictest reading, so a client
    that merges correctly against it merges correctly against anything fuller.
    """
    if mode == LTPC or mode not in (FULL, FULL_D30, OPTION_GREEKS):
        fill_feed(feed, now, mode)
        return
    pb = feed_pb2()
    feed.requestMode = pb.RequestMode.Value(REQUEST_MODE_NAME[mode])
    ltpc_changed = _ltpc_of(before) != _ltpc_of(now)
    if mode == OPTION_GREEKS:
        first = feed.firstLevelWithGreeks
        first.SetInParent()
        if ltpc_changed:
            _fill_ltpc(first.ltpc, now)
        if (before.bids[:1], before.asks[:1]) != (now.bids[:1], now.asks[:1]) and (
            now.bids or now.asks
        ):
            _fill_quote(first.firstDepth, _level(now.bids, 0), _level(now.asks, 0))
        if before.greeks != now.greeks:
            _fill_greeks(first.optionGreeks, now)
        _changed_scalars(first, before, now, {"vtt": "volume_today"})
        _changed_scalars(first, before, now, {"oi": "open_interest", "iv": "iv"})
        return
    if now.is_index:
        index_ff = feed.fullFeed.indexFF
        index_ff.SetInParent()
        if ltpc_changed:
            _fill_ltpc(index_ff.ltpc, now)
        if before.bars != now.bars:
            _fill_ohlc(index_ff.marketOHLC, now)
        return
    market_ff = feed.fullFeed.marketFF
    market_ff.SetInParent()
    depth = DEPTH_LEVELS[mode]
    if ltpc_changed:
        _fill_ltpc(market_ff.ltpc, now)
    if (before.bids[:depth], before.asks[:depth]) != (now.bids[:depth], now.asks[:depth]):
        _fill_depth(market_ff.marketLevel, now, depth)
    if before.greeks != now.greeks:
        _fill_greeks(market_ff.optionGreeks, now)
    if before.bars != now.bars:
        _fill_ohlc(market_ff.marketOHLC, now)
    _changed_scalars(market_ff, before, now, _MARKET_SCALARS)


_MARKET_SCALARS = {
    "atp": "average_price",
    "vtt": "volume_today",
    "oi": "open_interest",
    "iv": "iv",
    "tbq": "total_buy_quantity",
    "tsq": "total_sell_quantity",
}


def _ltpc_of(snapshot: MarketSnapshot) -> tuple[float, int, int, float]:
    return snapshot.ltp, snapshot.ltt_ms, snapshot.ltq, snapshot.close_price


def _changed_scalars(
    message: Any, before: MarketSnapshot, now: MarketSnapshot, names: Mapping[str, str]
) -> None:
    for wire, attribute in names.items():
        value = getattr(now, attribute)
        if getattr(before, attribute) != value:
            setattr(message, wire, value)


def _fill_ltpc(ltpc: Any, snapshot: MarketSnapshot) -> None:
    ltpc.ltp = snapshot.ltp
    ltpc.ltt = snapshot.ltt_ms
    ltpc.ltq = snapshot.ltq
    ltpc.cp = snapshot.close_price


def _fill_quote(quote: Any, bid: DepthLevel | None, ask: DepthLevel | None) -> None:
    if bid is not None:
        quote.bidQ = bid.quantity
        quote.bidP = bid.price
    if ask is not None:
        quote.askQ = ask.quantity
        quote.askP = ask.price


def _level(levels: tuple[DepthLevel, ...], index: int) -> DepthLevel | None:
    return levels[index] if index < len(levels) else None


def _fill_depth(market_level: Any, snapshot: MarketSnapshot, depth: int) -> None:
    rows = min(depth, max(len(snapshot.bids), len(snapshot.asks)))
    for index in range(rows):
        quote = market_level.bidAskQuote.add()
        _fill_quote(quote, _level(snapshot.bids, index), _level(snapshot.asks, index))


def _fill_ohlc(market_ohlc: Any, snapshot: MarketSnapshot) -> None:
    for bar in snapshot.bars:
        market_ohlc.ohlc.add(
            interval=bar.interval,
            open=bar.open,
            high=bar.high,
            low=bar.low,
            close=bar.close,
            vol=bar.volume,
            ts=bar.ts_ms,
        )


def _fill_greeks(greeks_msg: Any, snapshot: MarketSnapshot) -> None:
    greeks = snapshot.greeks
    if greeks is None:
        return
    greeks_msg.delta = greeks.delta
    greeks_msg.theta = greeks.theta
    greeks_msg.gamma = greeks.gamma
    greeks_msg.vega = greeks.vega
    greeks_msg.rho = greeks.rho


def _fill_market_full(market_ff: Any, snapshot: MarketSnapshot, depth: int) -> None:
    _fill_ltpc(market_ff.ltpc, snapshot)
    _fill_depth(market_ff.marketLevel, snapshot, depth)
    _fill_greeks(market_ff.optionGreeks, snapshot)
    _fill_ohlc(market_ff.marketOHLC, snapshot)
    market_ff.atp = snapshot.average_price
    market_ff.vtt = snapshot.volume_today
    market_ff.oi = snapshot.open_interest
    market_ff.iv = snapshot.iv
    market_ff.tbq = snapshot.total_buy_quantity
    market_ff.tsq = snapshot.total_sell_quantity
    # The ★ auction fields (iep, rp, ieq, iiq*, casEligible) are left at their
    # defaults: the simulation has no pre-open or closing auction to report.


def _fill_index_full(index_ff: Any, snapshot: MarketSnapshot) -> None:
    _fill_ltpc(index_ff.ltpc, snapshot)
    _fill_ohlc(index_ff.marketOHLC, snapshot)


def _fill_first_level_with_greeks(first: Any, snapshot: MarketSnapshot) -> None:
    _fill_ltpc(first.ltpc, snapshot)
    if snapshot.bids or snapshot.asks:
        _fill_quote(first.firstDepth, _level(snapshot.bids, 0), _level(snapshot.asks, 0))
    _fill_greeks(first.optionGreeks, snapshot)
    first.vtt = snapshot.volume_today
    first.oi = snapshot.open_interest
    first.iv = snapshot.iv
