"""Depth and OHLC decoded lazily (LazyParts) read exactly as the protobuf says, and survive
merging, copying and serialising; the bus's batch publish keeps order and filters."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import queue

from scripts.upstox.feed.decode import decode_feed_response
from scripts.upstox.feed.events import DepthQuote, LazyParts, OhlcBar, Tick, tick_as_dict
from scripts.upstox.feed.tick_bus import TickBus
from scripts.upstox.feed.tick_store import TickStore
from scripts.upstox_sandbox.feed.encode import feed_frame
from scripts.upstox_wire import feed_pb2
from tests.upstox.feed.feed_fixtures import BASE_MS, EQUITY, INDEX, OPTION, make_snapshot


def eager_depth(frame: bytes, key: str) -> list[tuple[float, int, float, int]]:
    """The depth rows read straight off the protobuf, one by one (what decode did before)."""
    response = feed_pb2().FeedResponse()
    response.ParseFromString(frame)
    market = response.feeds[key].fullFeed.marketFF
    return [(q.bidP, q.bidQ, q.askP, q.askQ) for q in market.marketLevel.bidAskQuote]


def test_lazy_depth_is_built_on_first_read_with_the_values_of_an_eager_read() -> None:
    snapshot = make_snapshot(EQUITY, 3)
    frame = feed_frame("initial_feed", [(snapshot, "full_d30")], BASE_MS)
    tick = decode_feed_response(frame).ticks[0]
    assert isinstance(tick.depth, LazyParts) and not tick.depth.built
    rows = [(q.bid_price, q.bid_qty, q.ask_price, q.ask_qty) for q in tick.depth]
    assert tick.depth.built and len(rows) == 30
    assert rows == eager_depth(frame, EQUITY)
    assert rows[0] == (
        snapshot.bids[0].price,
        snapshot.bids[0].quantity,
        snapshot.asks[0].price,
        snapshot.asks[0].quantity,
    )
    assert tick.depth[-1] == DepthQuote(*rows[-1]) and tick.depth[:2] == tuple(
        DepthQuote(*row) for row in rows[:2]
    )


def test_lazy_ohlc_and_the_first_level_of_option_greeks_read_as_sent() -> None:
    snapshot = make_snapshot(OPTION, 2)
    (full,) = decode_feed_response(feed_frame("initial_feed", [(snapshot, "full")], BASE_MS)).ticks
    assert full.ohlc is not None and not full.ohlc.built  # type: ignore[attr-defined]
    assert list(full.ohlc) == [
        OhlcBar(bar.interval, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.ts_ms)
        for bar in snapshot.bars
    ]
    (greeks,) = decode_feed_response(
        feed_frame("initial_feed", [(snapshot, "option_greeks")], BASE_MS)
    ).ticks
    assert greeks.depth is not None and len(greeks.depth) == 1
    assert greeks.depth[0].bid_price == snapshot.bids[0].price
    (index,) = decode_feed_response(
        feed_frame("initial_feed", [(make_snapshot(INDEX), "full")], BASE_MS)
    ).ticks
    assert index.depth is None and index.ohlc is not None and len(index.ohlc) == 2


def test_a_delta_without_depth_keeps_the_snapshots_depth_through_the_store_to_json() -> None:
    first, second = make_snapshot(EQUITY, 0), make_snapshot(EQUITY, 1)
    steady = dataclasses.replace(second, bids=first.bids, asks=first.asks)
    store = TickStore(clock=lambda: 1.0)
    snapshot_frame = feed_frame("initial_feed", [(first, "full")], BASE_MS)
    store.publish(decode_feed_response(snapshot_frame).ticks[0])
    for step in range(3):
        delta_frame = feed_frame("live_feed", [(steady, "full")], BASE_MS + step, {EQUITY: first})
        delta = decode_feed_response(delta_frame).ticks[0]
        assert delta.depth is None and delta.ltp == steady.ltp
        store.publish(delta)
    ((merged, _),) = store.latest([EQUITY])
    assert merged.ltp == steady.ltp and merged.depth is not None
    as_json = json.loads(json.dumps(tick_as_dict(merged)))
    expected = [
        {"bid_price": b, "bid_qty": bq, "ask_price": a, "ask_qty": aq}
        for b, bq, a, aq in eager_depth(snapshot_frame, EQUITY)
    ]
    assert as_json["depth"] == expected and len(expected) == 5
    assert as_json["ohlc"][0]["interval"] == "1d" and as_json["ltp"] == steady.ltp


def test_lazy_parts_compare_hash_copy_and_pickle_as_their_tuple() -> None:
    rows = (DepthQuote(1.0, 2, 3.0, 4), DepthQuote(0.5, 1, 3.5, 2))
    lazy = LazyParts(rows, tuple)
    assert lazy == rows and rows == lazy and hash(lazy) == hash(rows)
    assert lazy != rows[:1] and LazyParts(rows, tuple) == lazy
    assert copy.deepcopy(lazy) == rows and type(copy.copy(lazy)) is tuple
    assert pickle.loads(pickle.dumps(lazy)) == rows
    tick = Tick(EQUITY, 1.0, 1, 1, 1.0, depth=lazy)
    assert tick_as_dict(tick)["depth"][1] == {
        "bid_price": 0.5,
        "bid_qty": 1,
        "ask_price": 3.5,
        "ask_qty": 2,
    }


def test_publish_many_delivers_in_order_to_callbacks_and_queues_by_key() -> None:
    bus = TickBus()
    seen: list[str] = []
    only_b: queue.Queue[Tick] = queue.Queue()
    bus.subscribe(lambda tick: seen.append(f"{tick.instrument_key}:{tick.ltp}"))
    bus.subscribe(only_b, keys=["NSE_EQ|B"])
    bus.publish_many(
        [Tick("NSE_EQ|A", 1.0, 0, 0, 0.0), Tick("NSE_EQ|B", 2.0, 0, 0, 0.0)]
        + [Tick("NSE_EQ|B", 3.0, 0, 0, 0.0)]
    )
    assert seen == ["NSE_EQ|A:1.0", "NSE_EQ|B:2.0", "NSE_EQ|B:3.0"]
    assert [only_b.get_nowait().ltp for _ in range(2)] == [2.0, 3.0] and only_b.empty()
