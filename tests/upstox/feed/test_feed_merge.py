"""Incremental ticks, per-consumer subscriptions and 1-minute bars, without a socket."""

from __future__ import annotations

import dataclasses

import pytest

from scripts.upstox.feed.consumers import ConsumerBook, richest
from scripts.upstox.feed.decode import decode_feed_response
from scripts.upstox.feed.events import MERGED_FIELDS, Tick, merge_tick
from scripts.upstox.feed.tick_store import TickStore
from scripts.upstox_sandbox.feed.encode import feed_frame
from tests.upstox.feed.feed_fixtures import BASE_MS, EQUITY, INDEX, OPTION, make_snapshot

FRAMING = {"instrument_key", "mode", "snapshot", "server_ts", "is_index"}


def test_merged_fields_are_every_part_of_a_tick_but_the_framing() -> None:
    names = {f.name for f in dataclasses.fields(Tick)}
    assert set(MERGED_FIELDS) == names - FRAMING


def test_merge_keeps_what_the_update_left_out_and_takes_what_it_sent() -> None:
    before = Tick(EQUITY, 100.0, 1, 5, 99.0, mode="full", oi=7.0, volume=10, depth=())
    update = Tick(EQUITY, None, None, None, None, mode="full", volume=12)
    merged = merge_tick(before, update)
    assert (merged.ltp, merged.ltt, merged.cp, merged.oi, merged.depth) == (
        100.0,
        1,
        99.0,
        7.0,
        (),
    )
    assert merged.volume == 12
    assert merge_tick(None, update) is update


@pytest.mark.parametrize(
    "key, mode",
    [
        (EQUITY, "full"),
        (INDEX, "full"),
        (OPTION, "full"),
        (OPTION, "option_greeks"),
        (EQUITY, "full_d30"),
    ],
)
def test_a_sandbox_delta_decodes_with_only_the_changed_parts_and_merges_back_whole(
    key: str, mode: str
) -> None:
    first, second = make_snapshot(key, 0), make_snapshot(key, 1)
    steady = dataclasses.replace(
        second, bids=first.bids, asks=first.asks, open_interest=first.open_interest
    )
    snapshot = decode_feed_response(feed_frame("initial_feed", [(first, mode)], BASE_MS)).ticks[0]
    delta_frame = feed_frame("live_feed", [(steady, mode)], BASE_MS + 1000, {key: first})
    full_frame = feed_frame("live_feed", [(steady, mode)], BASE_MS + 1000)
    assert len(delta_frame) < len(full_frame) or first.is_index  # an index's parts all moved
    delta = decode_feed_response(delta_frame).ticks[0]
    # What a fresh snapshot of the new state says: the merge must reach exactly that.
    whole = decode_feed_response(feed_frame("initial_feed", [(steady, mode)], BASE_MS)).ticks[0]
    assert delta.ltp == steady.ltp  # the price moved: LTPC sent
    if not first.is_index:
        assert delta.depth is None  # the book did not: depth left out
    if first.open_interest:
        assert delta.oi is None
    merged = merge_tick(snapshot, delta)
    assert dataclasses.replace(merged, server_ts=0) == dataclasses.replace(
        whole, snapshot=False, server_ts=0
    )


def test_full_d30_carries_thirty_depth_levels() -> None:
    tick = decode_feed_response(
        feed_frame("initial_feed", [(make_snapshot(EQUITY), "full_d30")], BASE_MS)
    ).ticks[0]
    assert tick.depth is not None and len(tick.depth) == 30


def test_one_consumers_unsubscribe_never_removes_anothers_key() -> None:
    book = ConsumerBook()
    book.subscribe("watchlist:3", [EQUITY, INDEX], "ltpc")
    book.subscribe("page:a", [EQUITY], "full")
    assert book.effective() == {EQUITY: "full", INDEX: "ltpc"}
    assert book.unsubscribe("page:a", [EQUITY]) == [EQUITY]
    assert book.effective() == {EQUITY: "ltpc", INDEX: "ltpc"}
    assert book.unsubscribe("page:a") == []  # nothing left of page:a
    assert book.unsubscribe("watchlist:3") == [EQUITY, INDEX]
    assert book.effective() == {} and not book


def test_the_richest_mode_wins() -> None:
    assert richest(["ltpc", "option_greeks"]) == "option_greeks"
    assert richest(["option_greeks", "full"]) == "full"
    assert richest(["full", "full_d30", "ltpc"]) == "full_d30"
    with pytest.raises(ValueError, match="unknown feed mode"):
        ConsumerBook().subscribe("api", [EQUITY], "d5")


def _tick(ltp: float | None, ltt: int | None, volume: int | None) -> Tick:
    return Tick(EQUITY, ltp, ltt, 1 if ltp else None, 99.0 if ltp else None, volume=volume)


def test_minute_bars_take_ohlc_from_ltp_and_volume_from_vtt_deltas() -> None:
    store = TickStore(clock=lambda: 1.0)
    minute = 1_760_000_040_000 - 1_760_000_040_000 % 60_000
    store.publish(_tick(100.0, minute + 1_000, 1_000))  # baseline: volume before is unknown
    store.publish(_tick(101.5, minute + 20_000, 1_040))
    store.publish(_tick(None, None, 1_050))  # volume-only delta, LTPC left out
    store.publish(_tick(99.0, minute + 59_000, 1_070))
    store.publish(_tick(100.5, minute + 60_000, 1_100))  # next minute
    first, second = store.bars(EQUITY)
    assert (first.ts, first.open, first.high, first.low, first.close, first.volume) == (
        minute,
        100.0,
        101.5,
        99.0,
        99.0,
        70,
    )
    assert (second.ts, second.open, second.close, second.volume) == (
        minute + 60_000,
        100.5,
        100.5,
        30,
    )
    ((latest, received_at),) = store.latest([EQUITY])
    assert latest.ltp == 100.5 and latest.volume == 1_100 and received_at == 1.0
