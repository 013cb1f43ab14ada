"""The wire schema: our generated classes build, and their bytes are Upstox's bytes.

The compatibility proof parses frames produced by our sandbox encoder with the
official SDK's own compiled classes (upstox-python-sdk 2.30.0) and compares.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest
from google.protobuf.json_format import MessageToDict
from upstox_client.feeder.proto import MarketDataFeedV3_pb2 as sdk_pb2

from scripts.upstox.feed.decode import decode_feed_response
from scripts.upstox_sandbox.feed.encode import feed_frame, market_info_frame
from scripts.upstox_wire import build, feed_pb2
from tests.upstox.feed.feed_fixtures import BASE_MS, EQUITY, INDEX, OPTION, make_snapshot

ALL_SHAPES = [
    (EQUITY, "ltpc"),
    (EQUITY, "full"),
    (INDEX, "full"),
    (OPTION, "option_greeks"),
    (OPTION, "full"),
    (EQUITY, "full_d30"),
]


def _parse_with_sdk(frame: bytes) -> sdk_pb2.FeedResponse:
    message = sdk_pb2.FeedResponse()
    message.ParseFromString(frame)
    return message


def _parse_with_ours(frame: bytes):
    message = feed_pb2().FeedResponse()
    message.ParseFromString(frame)
    return message


def test_our_package_differs_from_the_sdks_so_both_load_in_one_process():
    assert feed_pb2().DESCRIPTOR.package == "upstox_platform.marketdatafeed.v3"
    assert sdk_pb2.DESCRIPTOR.package == "com.upstox.marketdatafeederv3udapi.rpc.proto"


def test_field_numbers_and_types_match_the_sdk_descriptor_exactly():
    ours = {m.name: m for m in feed_pb2().DESCRIPTOR.message_types_by_name.values()}
    theirs = {m.name: m for m in sdk_pb2.DESCRIPTOR.message_types_by_name.values()}
    assert set(ours) == set(theirs)
    for name, message in theirs.items():
        their_fields = {(f.name, f.number, f.type, f.is_repeated) for f in message.fields}
        our_fields = {(f.name, f.number, f.type, f.is_repeated) for f in ours[name].fields}
        assert our_fields == their_fields, name
    for enum_name, enum in sdk_pb2.DESCRIPTOR.enum_types_by_name.items():
        ours_enum = feed_pb2().DESCRIPTOR.enum_types_by_name[enum_name]
        assert [(v.name, v.number) for v in ours_enum.values] == [
            (v.name, v.number) for v in enum.values
        ]


@pytest.mark.parametrize("feed_type", ["initial_feed", "live_feed"])
def test_every_mode_shape_parses_identically_with_the_sdk_classes(feed_type):
    pairs = [(make_snapshot(key, step=3), mode) for key, mode in ALL_SHAPES[:4]]
    frame = feed_frame(feed_type, pairs, BASE_MS)
    sdk_message = _parse_with_sdk(frame)
    ours = _parse_with_ours(frame)
    assert sdk_message.SerializeToString(deterministic=True) == ours.SerializeToString(
        deterministic=True
    )
    assert MessageToDict(sdk_message) == MessageToDict(ours)


def test_sdk_sees_the_documented_payload_for_each_mode():
    for key, mode in ALL_SHAPES:
        frame = feed_frame("live_feed", [(make_snapshot(key, step=1), mode)], BASE_MS)
        feed = _parse_with_sdk(frame).feeds[key]
        request_mode = sdk_pb2.RequestMode.Name(feed.requestMode)
        if mode == "ltpc":
            assert feed.WhichOneof("FeedUnion") == "ltpc" and request_mode == "ltpc"
        elif mode == "option_greeks":
            first = feed.firstLevelWithGreeks
            assert request_mode == "option_greeks"
            assert first.optionGreeks.delta == 0.5 and first.firstDepth.bidQ == 10
        elif key == INDEX:
            assert feed.fullFeed.WhichOneof("FullFeedUnion") == "indexFF"
            assert [b.interval for b in feed.fullFeed.indexFF.marketOHLC.ohlc] == ["1d", "I1"]
        else:
            market = feed.fullFeed.marketFF
            levels = 30 if mode == "full_d30" else 5
            assert request_mode == ("full_d30" if mode == "full_d30" else "full_d5")
            assert len(market.marketLevel.bidAskQuote) == levels
            assert market.vtt == 1001 and market.tbq == 5000.0
            assert market.HasField("optionGreeks") == (key == OPTION)


def test_our_decoder_reads_what_the_sdk_reads():
    for key, mode in ALL_SHAPES:
        snapshot = make_snapshot(key, step=2)
        frame = feed_frame("initial_feed", [(snapshot, mode)], BASE_MS)
        sdk_dict = MessageToDict(_parse_with_sdk(frame))
        (tick,) = decode_feed_response(frame).ticks
        assert tick.instrument_key == key and tick.mode == mode and tick.snapshot
        feed = sdk_dict["feeds"][key]
        ltpc = (
            feed.get("ltpc")
            or feed.get("firstLevelWithGreeks", {}).get("ltpc")
            or next(iter(feed["fullFeed"].values()))["ltpc"]
        )
        assert tick.ltp == ltpc["ltp"] and str(tick.ltt) == ltpc["ltt"]
        assert str(tick.ltq) == ltpc["ltq"] and tick.cp == ltpc["cp"]
        if mode in ("full", "full_d30") and key != INDEX:
            quotes = feed["fullFeed"]["marketFF"]["marketLevel"]["bidAskQuote"]
            assert [q.bid_price for q in tick.depth] == [q["bidP"] for q in quotes]
            assert tick.volume == int(feed["fullFeed"]["marketFF"]["vtt"])
        if key == OPTION:
            assert tick.greeks is not None and tick.greeks.delta == 0.5


def test_sdk_built_message_decodes_with_our_decoder():
    message = sdk_pb2.FeedResponse(type=sdk_pb2.live_feed, currentTs=BASE_MS)
    feed = message.feeds[EQUITY]
    feed.ltpc.ltp, feed.ltpc.ltt, feed.ltpc.ltq, feed.ltpc.cp = 2500.5, BASE_MS, 7, 2490.0
    feed.ltpc.iep.value = 2501.0  # a ★ field: must not disturb decoding
    (tick,) = decode_feed_response(message.SerializeToString()).ticks
    assert (tick.ltp, tick.ltt, tick.ltq, tick.cp, tick.snapshot) == (
        2500.5,
        BASE_MS,
        7,
        2490.0,
        False,
    )


def test_market_info_frame_carries_segment_status_for_the_sdk():
    frame = market_info_frame({"NSE_EQ": "NORMAL_OPEN", "MCX_FO": "NORMAL_CLOSE"}, BASE_MS)
    message = _parse_with_sdk(frame)
    assert sdk_pb2.Type.Name(message.type) == "market_info"
    assert {
        k: sdk_pb2.MarketStatus.Name(v) for k, v in message.marketInfo.segmentStatus.items()
    } == {
        "NSE_EQ": "NORMAL_OPEN",
        "MCX_FO": "NORMAL_CLOSE",
    }
    assert decode_feed_response(frame).segment_status == {
        "NSE_EQ": "NORMAL_OPEN",
        "MCX_FO": "NORMAL_CLOSE",
    }


def test_build_generates_once_and_skips_when_up_to_date(tmp_path, monkeypatch):
    wire = tmp_path / "scripts" / "upstox_wire"
    wire.mkdir(parents=True)
    shutil.copy(build.PROTO_PATH, wire / build.PROTO_PATH.name)
    monkeypatch.setattr(build, "WIRE_DIR", wire)
    monkeypatch.setattr(build, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(build, "PROTO_PATH", wire / build.PROTO_PATH.name)
    monkeypatch.setattr(build, "OUTPUT_PATH", wire / build.OUTPUT_PATH.name)
    monkeypatch.setattr(build, "STUB_PATH", wire / build.STUB_PATH.name)
    assert build.is_stale()
    output = build.build()
    assert output.exists() and "FeedResponse" in output.read_text()
    first_mtime = output.stat().st_mtime_ns
    time.sleep(0.01)
    build.build()
    assert output.stat().st_mtime_ns == first_mtime  # skipped
    future = time.time() + 5
    os.utime(build.PROTO_PATH, (future, future))  # the .proto changed after the build
    assert build.is_stale()
    build.build()
    assert output.stat().st_mtime_ns != first_mtime
    assert not [p for p in wire.iterdir() if p.name.startswith(".build-")]
